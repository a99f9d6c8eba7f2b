"""AsyncAssetDomain against the real emulator over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from pywats._core.odata import ODataQuery, field
from pywats.client import WATS, AsyncWATS
from pywats.domains._arguments import multipart_body
from pywats.domains._parsing import parse_list
from pywats.domains.asset import AsyncAssetDomain, asset_selector
from pywats.exceptions import (
    BadRequestError,
    ConflictError,
    InvalidArgumentError,
    NotFoundError,
    UnexpectedResponseError,
)
from pywats.models.asset import AlarmState, Asset, AssetLogType, AssetState, AssetType
from pywats_emulator.routes._asset_seed import seed_id
from pywats_emulator.testing import EmulatorHandle

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
INSTRUMENT = seed_id("type", "Instrument")


@pytest.fixture
async def asset(emulator: EmulatorHandle) -> AsyncIterator[AsyncAssetDomain]:
    emulator.set_clock(lambda: NOW)
    async with AsyncWATS(base_url=emulator.base_url, token=emulator.token, retries=0) as wats:
        yield wats.asset


def test_asset_selector_needs_exactly_one_key() -> None:
    assert asset_selector("a", None) == {"id": "a"}
    assert asset_selector(None, "SN") == {"serialNumber": "SN"}
    for bad in ((None, None), ("a", "SN"), (None, " ")):
        with pytest.raises(InvalidArgumentError):
            asset_selector(*bad)


def test_parse_helpers_and_multipart() -> None:
    assert parse_list(AssetType, None, "GET", "/x") == []
    with pytest.raises(UnexpectedResponseError, match="expected a JSON array"):
        parse_list(AssetType, {"a": 1}, "GET", "/x")
    with pytest.raises(UnexpectedResponseError, match="not a valid AssetType"):
        parse_list(AssetType, [{"icon": "x"}], "GET", "/x")
    body, headers = multipart_body("file", 'a"b.zip', b"PK\x03\x04", "application/zip")
    boundary = headers["Content-Type"].split("boundary=")[1]
    assert body.startswith(f"--{boundary}\r\n".encode())
    assert b'filename="a\\"b.zip"' in body
    assert body.endswith(f"\r\n--{boundary}--\r\n".encode())
    with pytest.raises(InvalidArgumentError):
        multipart_body("file", "a\r\nX-Evil: 1", b"", "text/plain")


async def test_query_assets_with_odata(asset: AsyncAssetDomain) -> None:
    everything = await asset.query_assets()
    assert len(everything) == 5
    query = ODataQuery(filter=field("runningCount").gt(100), orderby="serialNumber", top=1)
    rows = await asset.query_assets(query)
    assert [a.serial_number for a in rows] == ["CABLE-0001"]
    assert rows[0].running_count == 120
    with pytest.raises(BadRequestError):
        await asset.query_assets(ODataQuery(filter="runningCount sub 1"))


async def test_get_asset_by_serial_and_id(asset: AsyncAssetDomain) -> None:
    station = await asset.get_asset("STATION-01")
    assert station.asset_type is not None
    assert station.asset_type.type_name == "Test station"
    assert [c.serial_number for c in station.asset_children or []] == [
        "DMM-0001",
        "FIX-0001",
        "PSU-0001",
    ]
    same = await asset.get_asset(seed_id("asset", "STATION-01"))
    assert same.serial_number == "STATION-01"
    with pytest.raises(NotFoundError):
        await asset.get_asset("NO-SUCH")
    with pytest.raises(InvalidArgumentError):
        await asset.get_asset(" ")


async def test_save_asset_and_delete(asset: AsyncAssetDomain) -> None:
    new = Asset(serial_number="DMM-0009", type_id=INSTRUMENT, parent_serial_number="STATION-01")
    saved = await asset.save_asset(new)
    assert saved.asset_id
    assert saved.parent_asset_id == seed_id("asset", "STATION-01")
    assert saved.first_seen_date == NOW
    saved.asset_name = "Loaner"
    assert (await asset.save_asset(saved)).asset_name == "Loaner"
    with pytest.raises(ConflictError):
        await asset.save_asset(Asset(serial_number="DMM-0001", type_id=INSTRUMENT))
    with pytest.raises(InvalidArgumentError):
        await asset.save_asset(Asset(serial_number="X"))
    await asset.delete_asset(serial_number="DMM-0009")
    with pytest.raises(NotFoundError):
        await asset.delete_asset(asset_id=saved.asset_id)


async def test_counts(asset: AsyncAssetDomain) -> None:
    await asset.update_count(serial_number="FIX-0001", increment_by=5, increment_children=True)
    assert (await asset.get_asset("CABLE-0001")).running_count == 125
    await asset.update_count(serial_number="FIX-0001", total_count=13000)
    fixture = await asset.get_asset("FIX-0001")
    assert (fixture.running_count, fixture.total_count) == (1000, 13000)
    await asset.set_running_count(3, serial_number="FIX-0001")
    await asset.set_total_count(30, serial_number="FIX-0001")
    fixture = await asset.get_asset("FIX-0001")
    assert (fixture.running_count, fixture.total_count) == (3, 30)
    await asset.reset_running_count(serial_number="FIX-0001", comment="repinned")
    assert (await asset.get_asset("FIX-0001")).running_count == 0
    with pytest.raises(InvalidArgumentError):
        await asset.update_count(serial_number="FIX-0001")
    with pytest.raises(InvalidArgumentError):
        await asset.set_running_count(-1, serial_number="FIX-0001")
    with pytest.raises(NotFoundError):
        await asset.update_count(serial_number="NOPE", increment_by=1)


async def test_concurrent_increments_are_not_lost(asset: AsyncAssetDomain) -> None:
    await asyncio.gather(
        *(asset.update_count(serial_number="CABLE-0001", increment_by=1) for _ in range(40))
    )
    cable = await asset.get_asset("CABLE-0001")
    assert (cable.running_count, cable.total_count) == (160, 4160)


async def test_calibration_maintenance_and_status(asset: AsyncAssetDomain) -> None:
    overdue = await asset.get_status(serial_number="PSU-0001")
    assert overdue.alarm_state is AlarmState.ALARM
    assert overdue.calibration_overdue_days == 183.0
    await asset.register_calibration(
        serial_number="PSU-0001", date_time=datetime(2026, 11, 1, tzinfo=UTC), comment="lab"
    )
    fresh = await asset.get_status(serial_number="PSU-0001")
    assert fresh.alarm_state is AlarmState.OK
    assert fresh.next_calibration_date == datetime(2027, 11, 1, tzinfo=UTC)
    await asset.register_maintenance(serial_number="PSU-0001")
    psu = await asset.get_asset("PSU-0001")
    assert psu.last_maintenance_date == NOW
    await asset.register_external_calibration(
        serial_number="DMM-0001",
        from_date=datetime(2026, 11, 1, tzinfo=UTC),
        to_date=datetime(2026, 12, 6, 8, tzinfo=UTC),
    )
    await asset.register_external_maintenance(
        serial_number="DMM-0001", to_date=datetime(2027, 6, 1, tzinfo=UTC)
    )
    dmm = await asset.get_status(serial_number="DMM-0001")
    assert dmm.calibration_overdue_days == -5.0
    assert dmm.alarm_state is AlarmState.WARNING
    assert dmm.next_maintenance_date == datetime(2027, 6, 1, tzinfo=UTC)


async def test_state_message_and_log(asset: AsyncAssetDomain) -> None:
    await asset.set_state(AssetState.IN_CALIBRATION, serial_number="DMM-0001")
    assert (await asset.get_asset("DMM-0001")).state is AssetState.IN_CALIBRATION
    await asset.post_message("moved to lab", serial_number="DMM-0001")
    log = await asset.query_log(ODataQuery(filter=field("serialNumber").eq("DMM-0001")))
    assert [(entry.type, entry.comment) for entry in log[:2]] == [
        (AssetLogType.MESSAGE, "moved to lab"),
        (AssetLogType.STATE_CHANGE, None),
    ]
    assert log[0].user == "emulator"
    assert log[0].date == NOW
    with pytest.raises(InvalidArgumentError):
        await asset.post_message(" ", serial_number="DMM-0001")
    with pytest.raises(InvalidArgumentError, match="state must be one of 0, 1"):
        await asset.set_state(9, serial_number="DMM-0001")  # type: ignore[arg-type]


async def test_sub_assets(asset: AsyncAssetDomain) -> None:
    direct = await asset.get_sub_assets(serial_number="STATION-01", level=1)
    assert len(direct) == 3
    every = await asset.get_sub_assets(asset_id=seed_id("asset", "STATION-01"))
    assert [a.serial_number for a in every][-1] == "CABLE-0001"
    with pytest.raises(InvalidArgumentError):
        await asset.get_sub_assets(serial_number="STATION-01", level=-1)


async def test_types(asset: AsyncAssetDomain) -> None:
    names = [t.type_name for t in await asset.query_types()]
    assert names == ["Cable", "Fixture", "Instrument", "Test station"]
    created = await asset.save_type(AssetType(type_name="Probe card", running_count_limit=50))
    assert created.type_id
    created.running_count_limit = 60
    assert (await asset.save_type(created)).running_count_limit == 60
    only = await asset.query_types(ODataQuery(filter=field("typeName").eq("Probe card")))
    assert [t.type_id for t in only] == [created.type_id]
    readonly = AssetType(type_id=seed_id("type", "Test station"), type_name="Renamed")
    with pytest.raises(BadRequestError, match="read-only"):
        await asset.save_type(readonly)


def test_sync_twin_counts_and_status(emulator: EmulatorHandle) -> None:
    emulator.set_clock(lambda: NOW)
    with WATS(base_url=emulator.base_url, token=emulator.token, retries=0) as wats:
        wats.asset.update_count(serial_number="CABLE-0001", increment_by=4880)
        status = wats.asset.get_status(serial_number="CABLE-0001")
    assert (status.running_count, status.alarm_state) == (5000, AlarmState.ALARM)
    assert status.message == "Running count 5000 of 5000 (100%)"
