"""AsyncSoftwareDomain against the real emulator over HTTP."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from pywats.client import WATS, AsyncWATS
from pywats.domains.software import AsyncSoftwareDomain, zip_package_files
from pywats.exceptions import BadRequestError, InvalidArgumentError, NotFoundError
from pywats.models.asset import Setting
from pywats.models.software import (
    FileAttribute,
    Package,
    PackageFile,
    PackageStatus,
    file_attribute_text,
    parse_file_attribute,
)
from pywats_emulator.routes._software_store import software_seed_id
from pywats_emulator.testing import EmulatorHandle

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
RELEASED_ID = software_seed_id("package", "StationTools/1")
DRAFT_ID = software_seed_id("package", "StationTools/2")


@pytest.fixture
async def software(emulator: EmulatorHandle) -> AsyncIterator[AsyncSoftwareDomain]:
    emulator.set_clock(lambda: NOW)
    async with AsyncWATS(base_url=emulator.base_url, token=emulator.token, retries=0) as wats:
        yield wats.software


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_file_attribute_text_round_trip() -> None:
    flags = FileAttribute.EXECUTE_ONCE | FileAttribute.TOP_LEVEL_FILE
    assert file_attribute_text(flags) == "ExecuteOnce, TopLevelFile"
    assert file_attribute_text(FileAttribute.NONE) == "None"
    assert parse_file_attribute("executeonce , TOPLEVELFILE") == flags
    assert parse_file_attribute("None") == FileAttribute.NONE
    assert parse_file_attribute("Sometimes") is None


def test_zip_package_files_places_files_in_folders() -> None:
    meta = [
        PackageFile(package_file_id="1", name="a.txt", package_folder_name="x/y"),
        PackageFile(package_file_id="2", name="b.txt"),
    ]
    data = zip_package_files([(meta[0], b"A"), (meta[1], b"B")])
    assert _unzip(data) == {"x/y/a.txt": b"A", "b.txt": b"B"}


async def test_list_and_get(software: AsyncSoftwareDomain) -> None:
    packages = await software.get_packages()
    assert [(p.name, p.version, p.status) for p in packages] == [
        ("Firmware", 1, PackageStatus.PENDING),
        ("StationTools", 1, PackageStatus.RELEASED),
        ("StationTools", 2, PackageStatus.DRAFT),
    ]
    one = await software.get_package(RELEASED_ID)
    assert one.tags == [Setting(key="Station", value="ICT"), Setting(key="Site", value="Oslo")]
    assert one.released == datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(NotFoundError):
        await software.get_package("00000000-0000-0000-0000-000000000000")
    with pytest.raises(InvalidArgumentError):
        await software.get_package(" ")
    folders = await software.get_virtual_folders()
    assert [f.name for f in folders] == ["Line 1", "Production"]


async def test_package_life_cycle(software: AsyncSoftwareDomain) -> None:
    created = await software.create_package(
        Package(name="Burn-in scripts", tags=[Setting(key="Station", value="BURNIN")])
    )
    assert (created.version, created.status, created.created_by) == (
        1,
        PackageStatus.DRAFT,
        "emulator",
    )
    assert created.package_id is not None
    created.description = "scripts for the oven"
    await software.update_package(created.package_id, created)
    assert (await software.get_package(created.package_id)).description == "scripts for the oven"
    await software.upload_zip(created.package_id, _zip({"scripts/run.py": b"print(1)\n"}))
    pending = await software.set_package_status(created.package_id, PackageStatus.PENDING)
    assert pending.status is PackageStatus.PENDING
    released = await software.set_package_status(created.package_id, PackageStatus.RELEASED)
    assert released.released == NOW
    with pytest.raises(BadRequestError, match="only Draft or Revoked"):
        await software.delete_package(created.package_id)
    await software.set_package_status(created.package_id, PackageStatus.REVOKED)
    await software.delete_package(created.package_id)
    with pytest.raises(NotFoundError):
        await software.get_package(created.package_id)
    with pytest.raises(BadRequestError, match="from Released to Draft"):
        await software.set_package_status(RELEASED_ID, PackageStatus.DRAFT)


async def test_by_name_and_by_tag(software: AsyncSoftwareDomain) -> None:
    latest = await software.get_package_by_name("StationTools", PackageStatus.RELEASED)
    assert latest.package_id == RELEASED_ID
    draft = await software.get_package_by_name("stationtools", PackageStatus.DRAFT, version=2)
    assert draft.package_id == DRAFT_ID
    with pytest.raises(NotFoundError):
        await software.get_package_by_name("StationTools", PackageStatus.REVOKED)
    tagged = await software.get_packages_by_tag("Station", "ict", PackageStatus.RELEASED)
    assert [p.package_id for p in tagged] == [RELEASED_ID]
    assert await software.get_packages_by_tag("Nothing", "x", PackageStatus.RELEASED) == []
    with pytest.raises(InvalidArgumentError):
        await software.get_packages_by_tag("a=b", "x", PackageStatus.RELEASED)
    with pytest.raises(InvalidArgumentError, match="status must be one of Draft"):
        await software.get_package_by_name("StationTools", "Shipped")  # type: ignore[arg-type]
    await software.delete_package_by_name("StationTools", 2)
    with pytest.raises(NotFoundError):
        await software.delete_package_by_name("StationTools", 2)


async def test_files_attributes_and_downloads(software: AsyncSoftwareDomain) -> None:
    files = await software.get_package_files(RELEASED_ID)
    assert [(f.package_folder_name, f.name, f.attributes) for f in files] == [
        ("tools", "setup.bat", "ExecuteOnce"),
        ("tools/docs", "readme.txt", "None"),
    ]
    flags = FileAttribute.TOP_LEVEL_FILE | FileAttribute.EXECUTE_ONCE_PER_VERSION
    await software.set_file_attribute(files[0].package_file_id, flags)
    again = await software.get_package_files(RELEASED_ID)
    assert parse_file_attribute(again[0].attributes or "") == flags
    assert await software.download_file(files[1].package_file_id) == b"StationTools version 1\n"
    with pytest.raises(NotFoundError):
        await software.download_file("no-such-file")
    whole = _unzip(await software.download_package_zip(RELEASED_ID))
    assert whole == {
        "tools/setup.bat": b"@echo off\r\necho installing StationTools 1\r\n",
        "tools/docs/readme.txt": b"StationTools version 1\n",
    }


async def test_station_update_checks(software: AsyncSoftwareDomain) -> None:
    await software.set_package_status(DRAFT_ID, PackageStatus.PENDING)
    await software.set_package_status(DRAFT_ID, PackageStatus.RELEASED)
    updates = await software.get_available_packages([RELEASED_ID])
    assert [(p.name, p.version) for p in updates] == [("StationTools", 2)]
    await software.set_package_status(RELEASED_ID, PackageStatus.REVOKED)
    gone = "00000000-0000-0000-0000-00000000dead"
    assert await software.get_revoked_packages([RELEASED_ID, DRAFT_ID, gone]) == [RELEASED_ID, gone]
    only = await software.get_revoked_packages([RELEASED_ID, gone], include_revoked_only=True)
    assert only == [RELEASED_ID]
    with pytest.raises(InvalidArgumentError):
        await software.get_available_packages([])


async def test_upload_zip_round_trip_and_refusals(software: AsyncSoftwareDomain) -> None:
    content = {"app/tool.exe": bytes(range(256)) * 8, "app/conf/a.ini": b"[x]\n"}
    await software.upload_zip(DRAFT_ID, _zip(content), clean_install=True)
    assert _unzip(await software.download_package_zip(DRAFT_ID)) == content
    with pytest.raises(BadRequestError, match="at its root"):
        await software.upload_zip(DRAFT_ID, _zip({"loose.txt": b"x"}))
    with pytest.raises(BadRequestError, match="only Draft"):
        await software.upload_zip(RELEASED_ID, _zip({"a/b": b"x"}))
    with pytest.raises(InvalidArgumentError):
        await software.upload_zip(DRAFT_ID, b"")


def test_sync_twin_downloads_released_files(emulator: EmulatorHandle) -> None:
    with WATS(base_url=emulator.base_url, token=emulator.token, retries=0) as wats:
        package = wats.software.get_package_by_name("StationTools", PackageStatus.RELEASED)
        assert package.package_id is not None
        files = _unzip(wats.software.download_package_zip(package.package_id))
    assert sorted(files) == ["tools/docs/readme.txt", "tools/setup.bat"]
