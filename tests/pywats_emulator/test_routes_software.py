"""Software distribution routes of the emulator, driven with raw httpx over real HTTP."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from pywats.domains._arguments import multipart_body
from pywats_emulator.routes._multipart import parse_multipart, uploaded_file
from pywats_emulator.routes._params import RouteError
from pywats_emulator.routes._software_logic import (
    SoftwareRuleError,
    available_updates,
    build_zip,
    canonical_status,
    check_transition,
    has_tag,
    read_zip,
    revoked_installed,
    split_ids,
    split_tag,
)
from pywats_emulator.routes._software_store import software_seed_id
from pywats_emulator.testing import EmulatorHandle

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
RELEASED_ID = software_seed_id("package", "StationTools/1")
DRAFT_ID = software_seed_id("package", "StationTools/2")
PENDING_ID = software_seed_id("package", "Firmware/1")


@pytest.fixture
def api(emulator: EmulatorHandle) -> Iterator[httpx.Client]:
    emulator.set_clock(lambda: NOW)
    with httpx.Client(base_url=emulator.base_url, headers=emulator.auth_headers) as client:
        yield client


def _zip_upload(files: dict[str, bytes]) -> tuple[bytes, dict[str, str]]:
    return multipart_body("file", "pkg.zip", build_zip(files.items()), "application/zip")


# ---------------------------------------------------------------- pure logic


def test_status_names_and_transitions() -> None:
    assert canonical_status("released") == "Released"
    assert canonical_status("3") == "Revoked"
    for bad in ("Shipped", "4", None):
        with pytest.raises(SoftwareRuleError):
            canonical_status(bad)
    check_transition("Pending", "Draft")
    check_transition("Released", "Revoked")
    for current, requested in (("Draft", "Released"), ("Revoked", "Draft"), ("Released", "Draft")):
        with pytest.raises(SoftwareRuleError, match=f"from {current} to {requested}"):
            check_transition(current, requested)


def test_tags_match_name_exactly_and_value_loosely() -> None:
    tags = [{"key": "Station", "value": "ICT"}]
    assert split_tag("Station=ict") == ("Station", "ict")
    assert split_tag("Station") == ("Station", None)
    assert has_tag(tags, "Station", "ict")
    assert has_tag(tags, "Station", None)
    assert not has_tag(tags, "station", "ICT")
    assert not has_tag(None, "Station", None)


def test_updates_and_revocations() -> None:
    packages = [
        {"packageId": "A1", "name": "app", "version": 1, "status": "Released"},
        {"packageId": "A2", "name": "APP", "version": 2, "status": "Released"},
        {"packageId": "A3", "name": "app", "version": 3, "status": "Draft"},
        {"packageId": "B1", "name": "fw", "version": 1, "status": "Revoked"},
    ]
    assert split_ids(" A1, ,b1 ") == ["a1", "b1"]
    assert [p["packageId"] for p in available_updates(packages, ["a1", "a2", "zz"])] == ["A2"]
    assert available_updates(packages, ["a2"]) == []
    assert revoked_installed(packages, ["a1", "b1", "gone"], revoked_only=True) == ["b1"]
    assert revoked_installed(packages, ["a1", "b1", "gone"], revoked_only=False) == ["b1", "gone"]


def test_read_zip_rules() -> None:
    entries = read_zip(build_zip([("a/b/c.txt", b"1"), ("a/d.txt", b"2")]))
    assert [(e.folder, e.name, e.content) for e in entries] == [
        ("a/b", "c.txt", b"1"),
        ("a", "d.txt", b"2"),
    ]
    with pytest.raises(SoftwareRuleError, match="at its root"):
        read_zip(build_zip([("root.txt", b"x")]))
    with pytest.raises(SoftwareRuleError, match="leaves the package"):
        read_zip(build_zip([("../evil/x.txt", b"x")]))
    with pytest.raises(SoftwareRuleError, match="not a valid zip"):
        read_zip(b"not a zip")


def test_multipart_parsing() -> None:
    body, headers = multipart_body("file", "x.zip", b"\x00\xffdata\r\n--", "application/zip")
    [part] = parse_multipart(body, headers["Content-Type"])
    assert (part.name, part.filename, part.content_type) == ("file", "x.zip", "application/zip")
    assert part.content == b"\x00\xffdata\r\n--"
    assert uploaded_file(b"raw", "application/zip").content == b"raw"
    with pytest.raises(RouteError, match="no file"):
        uploaded_file(b"", "application/zip")
    with pytest.raises(RouteError, match="boundary"):
        parse_multipart(body, "multipart/form-data")


# ---------------------------------------------------------------- HTTP


def test_list_get_and_virtual_folders(api: httpx.Client) -> None:
    packages = api.get("/api/Software/Packages").json()
    assert [(p["name"], p["version"], p["status"]) for p in packages] == [
        ("Firmware", 1, "Pending"),
        ("StationTools", 1, "Released"),
        ("StationTools", 2, "Draft"),
    ]
    one = api.get(f"/api/Software/Package/{RELEASED_ID}").json()
    assert one["tags"] == [{"key": "Station", "value": "ICT"}, {"key": "Site", "value": "Oslo"}]
    missing = api.get("/api/Software/Package/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert "was not found" in missing.json()["Message"]
    folders = api.get("/api/Software/VirtualFolders").json()
    assert [(f["name"], f["parentId"]) for f in folders] == [
        ("Line 1", software_seed_id("folder", "Production")),
        ("Production", None),
    ]


def test_create_package_gets_next_version_in_draft(api: httpx.Client) -> None:
    created = api.post(
        "/api/Software/Package",
        json={"name": "StationTools", "status": "Released", "version": 99, "tags": []},
    ).json()
    assert (created["version"], created["status"]) == (3, "Draft")
    assert created["createdBy"] == "emulator"
    assert created["created"] == "2026-12-01T08:00:00Z"
    fresh = api.post("/api/Software/Package", json={"name": "New tool"}).json()
    assert fresh["version"] == 1
    assert api.post("/api/Software/Package", json={"name": " "}).status_code == 400
    assert api.post("/api/Software/Package", json=["x"]).status_code == 400
    bad_tags = api.post("/api/Software/Package", json={"name": "x", "tags": [{"value": "v"}]})
    assert bad_tags.status_code == 400


def test_update_package_draft_vs_released(api: httpx.Client) -> None:
    draft = api.get(f"/api/Software/Package/{DRAFT_ID}").json()
    assert (
        api.put(
            f"/api/Software/Package/{DRAFT_ID}", json={**draft, "description": "new"}
        ).status_code
        == 200
    )
    assert api.get(f"/api/Software/Package/{DRAFT_ID}").json()["description"] == "new"
    released = api.get(f"/api/Software/Package/{RELEASED_ID}").json()
    change = {**released, "description": "ignored", "tags": [{"key": "Line", "value": "2"}]}
    api.put(f"/api/Software/Package/{RELEASED_ID}", json=change)
    after = api.get(f"/api/Software/Package/{RELEASED_ID}").json()
    assert (after["description"], after["tags"]) == ("StationTools version 1", change["tags"])
    revoke = {**after, "status": "Revoked"}
    assert api.put(f"/api/Software/Package/{RELEASED_ID}", json=revoke).status_code == 200
    assert api.get(f"/api/Software/Package/{RELEASED_ID}").json()["revokedBy"] == "emulator"
    bad = api.put(f"/api/Software/Package/{DRAFT_ID}", json={**draft, "status": "Released"})
    assert bad.status_code == 400


def test_status_changes(api: httpx.Client) -> None:
    pending = api.post(f"/api/Software/PackageStatus/{DRAFT_ID}", params={"status": "Pending"})
    assert pending.json()["status"] == "Pending"
    released = api.post(
        f"/api/Software/PackageStatus/{DRAFT_ID}", params={"status": "released"}
    ).json()
    assert (released["status"], released["released"]) == ("Released", "2026-12-01T08:00:00Z")
    wrong = api.post(f"/api/Software/PackageStatus/{DRAFT_ID}", params={"status": "Draft"})
    assert wrong.status_code == 400
    assert wrong.json() == {"Message": "A package cannot change status from Released to Draft."}
    assert api.post(f"/api/Software/PackageStatus/{DRAFT_ID}").status_code == 400


def test_delete_only_draft_or_revoked(api: httpx.Client) -> None:
    refused = api.delete(f"/api/Software/Package/{RELEASED_ID}")
    assert refused.status_code == 400
    assert "only Draft or Revoked" in refused.json()["Message"]
    assert api.delete(f"/api/Software/Package/{DRAFT_ID}").status_code == 200
    assert api.get(f"/api/Software/Package/{DRAFT_ID}").status_code == 404
    api.post(f"/api/Software/PackageStatus/{RELEASED_ID}", params={"status": "Revoked"})
    by_name = api.delete(
        "/api/Software/PackageByName", params={"name": "stationtools", "version": 1}
    )
    assert by_name.status_code == 200
    assert (
        api.delete(
            "/api/Software/PackageByName", params={"name": "StationTools", "version": 1}
        ).status_code
        == 404
    )
    assert api.delete("/api/Software/PackageByName", params={"name": "Firmware"}).status_code == 400


def test_package_by_name_and_by_tag(api: httpx.Client) -> None:
    released = api.get(
        "/api/Software/PackageByName", params={"name": "StationTools", "status": "Released"}
    )
    assert released.json()["version"] == 1
    draft = api.get(
        "/api/Software/PackageByName",
        params={"name": "StationTools", "status": "Draft", "version": 2},
    )
    assert draft.json()["packageId"] == DRAFT_ID
    none = api.get(
        "/api/Software/PackageByName", params={"name": "StationTools", "status": "Revoked"}
    )
    assert none.status_code == 404
    assert (
        api.get("/api/Software/PackageByName", params={"name": "StationTools"}).status_code == 400
    )
    by_tag = api.get(
        "/api/Software/PackagesByTag", params={"tag": "Station=ict", "status": "Released"}
    ).json()
    assert [p["packageId"] for p in by_tag] == [RELEASED_ID]
    pywats_style = api.get(
        "/api/Software/PackagesByTag", params={"tag": "Station", "value": "ICT", "status": "Draft"}
    ).json()
    assert [p["packageId"] for p in pywats_style] == [DRAFT_ID]
    assert (
        api.get(
            "/api/Software/PackagesByTag", params={"tag": "station=ICT", "status": "Released"}
        ).json()
        == []
    )


def test_files_attributes_and_download(api: httpx.Client) -> None:
    files = api.get(f"/api/Software/PackageFiles/{RELEASED_ID}").json()
    assert [(f["packageFolderName"], f["name"], f["attributes"]) for f in files] == [
        ("tools", "setup.bat", "ExecuteOnce"),
        ("tools/docs", "readme.txt", "None"),
    ]
    readme = files[1]["packageFileId"]
    attribute = {"attribute": "topLevelFile, OverwriteNever"}
    assert (
        api.post(f"/api/Software/Package/FileAttribute/{readme}", params=attribute).status_code
        == 200
    )
    body_form = api.post(
        f"/api/Software/Package/FileAttribute/{files[0]['packageFileId']}",
        json={"attributes": "ExecuteAlways"},
    )
    assert body_form.status_code == 200
    files = api.get(f"/api/Software/PackageFiles/{RELEASED_ID}").json()
    assert [f["attributes"] for f in files] == ["ExecuteAlways", "TopLevelFile, OverwriteNever"]
    assert (
        api.post(
            f"/api/Software/Package/FileAttribute/{readme}", params={"attribute": "Fast"}
        ).status_code
        == 400
    )
    assert (
        api.post(
            "/api/Software/Package/FileAttribute/nope", params={"attribute": "None"}
        ).status_code
        == 404
    )
    download = api.get(
        "/api/internal/Software/DownloadFile", params={"repositoryFolderFileId": readme}
    )
    assert download.content == b"StationTools version 1\n"
    assert download.headers["content-type"] == "application/octet-stream"
    assert (
        api.get(
            "/api/internal/Software/DownloadFile", params={"repositoryFolderFileId": "x"}
        ).status_code
        == 404
    )
    assert api.get(f"/api/Software/PackageFiles/{'0' * 8}").status_code == 404


def test_upload_zip_merges_or_cleans(api: httpx.Client) -> None:
    body, headers = _zip_upload({"tools/new.dll": b"MZ\x90\x00", "tools/setup.bat": b"echo v2b"})
    response = api.post(
        f"/api/Software/Package/UploadZip/{DRAFT_ID}", content=body, headers=headers
    )
    assert response.status_code == 200
    files = {f["name"]: f for f in api.get(f"/api/Software/PackageFiles/{DRAFT_ID}").json()}
    assert sorted(files) == ["new.dll", "setup.bat"]
    fetched = api.get(
        "/api/internal/Software/DownloadFile",
        params={"repositoryFolderFileId": files["new.dll"]["packageFileId"]},
    )
    assert fetched.content == b"MZ\x90\x00"
    body, headers = _zip_upload({"bin/only.exe": b"x"})
    api.post(
        f"/api/Software/Package/UploadZip/{DRAFT_ID}",
        content=body,
        headers=headers,
        params={"cleanInstall": "true"},
    )
    names = [f["name"] for f in api.get(f"/api/Software/PackageFiles/{DRAFT_ID}").json()]
    assert names == ["only.exe"]


def test_upload_zip_refusals(api: httpx.Client) -> None:
    body, headers = _zip_upload({"root.txt": b"x"})
    at_root = api.post(f"/api/Software/Package/UploadZip/{DRAFT_ID}", content=body, headers=headers)
    assert at_root.status_code == 400
    assert "at its root" in at_root.json()["Message"]
    body, headers = _zip_upload({"a/b.txt": b"x"})
    released = api.post(
        f"/api/Software/Package/UploadZip/{RELEASED_ID}", content=body, headers=headers
    )
    assert released.status_code == 400
    garbage, headers = multipart_body("file", "x.zip", b"garbage", "application/zip")
    assert (
        api.post(
            f"/api/Software/Package/UploadZip/{DRAFT_ID}", content=garbage, headers=headers
        ).status_code
        == 400
    )


def test_download_round_trips_a_zip(api: httpx.Client) -> None:
    """Files come back byte-identical, so a client can rebuild the package zip."""
    content = {"app/bin/tool.exe": bytes(range(256)) * 4, "app/cfg/settings.ini": b"[a]\nb=1\n"}
    body, headers = _zip_upload(content)
    api.post(
        f"/api/Software/Package/UploadZip/{DRAFT_ID}",
        content=body,
        headers=headers,
        params={"cleanInstall": "true"},
    )
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w") as archive:
        for entry in api.get(f"/api/Software/PackageFiles/{DRAFT_ID}").json():
            data = api.get(
                "/api/internal/Software/DownloadFile",
                params={"repositoryFolderFileId": entry["packageFileId"]},
            ).content
            archive.writestr(f"{entry['packageFolderName']}/{entry['name']}", data)
    with zipfile.ZipFile(io.BytesIO(rebuilt.getvalue())) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == content


def test_station_update_checks(api: httpx.Client) -> None:
    params = {"status": "Pending"}
    api.post(f"/api/Software/PackageStatus/{DRAFT_ID}", params=params)
    api.post(f"/api/Software/PackageStatus/{DRAFT_ID}", params={"status": "Released"})
    available = api.get(
        "/api/internal/Software/GetAvailablePackages",
        params={"installedPackages": f"{RELEASED_ID},{PENDING_ID}"},
    ).json()
    assert [p["packageId"] for p in available] == [DRAFT_ID]
    api.post(f"/api/Software/PackageStatus/{RELEASED_ID}", params={"status": "Revoked"})
    installed = f"{RELEASED_ID.upper()},{'1' * 8}-0000-0000-0000-000000000000"
    revoked = api.get(
        "/api/internal/Software/GetRevokedPackages",
        params={"installedPackages": installed, "includeRevokedOnly": "true"},
    ).json()
    assert revoked == [RELEASED_ID]
    assert api.get("/api/internal/Software/GetAvailablePackages").status_code == 400


def test_software_routes_need_auth(emulator: EmulatorHandle) -> None:
    with httpx.Client(base_url=emulator.base_url) as anonymous:
        assert anonymous.get("/api/Software/Packages").status_code == 401
