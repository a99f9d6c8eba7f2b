"""Asset routes of the emulator, driven with raw httpx over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pywats._core.odata import field
from pywats_emulator.routes._asset_logic import (
    asset_status,
    counts_after,
    descendants,
    next_due,
    overdue_days,
)
from pywats_emulator.routes._asset_seed import seed_id
from pywats_emulator.routes._odata import (
    ODataError,
    QueryOptions,
    apply_options,
    parse_filter,
    parse_options,
)
from pywats_emulator.testing import EmulatorHandle

FIXTURE_ID = seed_id("asset", "FIX-0001")
STATION_ID = seed_id("asset", "STATION-01")
INSTRUMENT_TYPE = seed_id("type", "Instrument")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def api(emulator: EmulatorHandle) -> Iterator[httpx.Client]:
    emulator.set_clock(lambda: NOW)
    with httpx.Client(base_url=emulator.base_url, headers=emulator.auth_headers) as client:
        yield client


def _serials(rows: list[dict[str, object]]) -> list[str]:
    return [str(row["serialNumber"]) for row in rows]


# ---------------------------------------------------------------- pure logic


def test_counts_after_increment_and_new_total() -> None:
    assert counts_after(10, 100, increment_by=5, new_total=None) == (15, 105)
    assert counts_after(10, 100, increment_by=None, new_total=130) == (40, 130)
    assert counts_after(10, 100, increment_by=None, new_total=50) == (0, 50)


def test_next_due_and_overdue_days() -> None:
    done = datetime(2026, 1, 1, tzinfo=UTC)
    assert next_due(done, 10.0) == datetime(2026, 1, 11, tzinfo=UTC)
    assert next_due(done, -1.0) is None
    assert next_due(done, None) is None
    assert (
        overdue_days(datetime(2026, 1, 11, tzinfo=UTC), datetime(2026, 1, 13, 12, tzinfo=UTC))
        == 2.5
    )
    assert overdue_days(None, done) is None


def test_status_is_the_worst_finding() -> None:
    asset = {
        "assetId": "a",
        "serialNumber": "S",
        "runningCount": 850,
        "totalCount": 900,
        "lastCalibrationDate": "2026-01-01T00:00:00Z",
        "nextCalibrationDate": "2026-01-11T00:00:00Z",
    }
    limits = {"runningCountLimit": 1000, "warningThreshold": 80, "alarmThreshold": 100}
    early = asset_status(asset, limits, datetime(2026, 1, 2, tzinfo=UTC))
    assert early["alarmState"] == 1
    assert early["message"] == "Running count 850 of 1000 (85%)"
    late = asset_status(asset, limits, datetime(2026, 1, 14, tzinfo=UTC))
    assert late["alarmState"] == 2
    assert late["calibrationOverdueDays"] == 3.0
    assert "Calibration overdue by 3.0 days" in late["message"]
    assert (
        asset_status({**asset, "runningCount": 1}, {}, datetime(2026, 1, 2, tzinfo=UTC))["message"]
        == "OK"
    )


def test_descendants_by_level_and_cycle_safe() -> None:
    tree = {"r": None, "a": "r", "b": "r", "c": "a", "x": "y", "y": "x"}
    assert descendants(tree, "r", 1) == ["a", "b"]
    assert descendants(tree, "r", 0) == ["a", "b", "c"]
    assert descendants(tree, "x", 0) == ["y"]


def test_odata_filter_expressions() -> None:
    rows = [
        {
            "serialNumber": "O'Brien",
            "runningCount": 5,
            "typeId": "ABC",
            "date": "2026-01-02T00:00:00Z",
        },
        {
            "serialNumber": "B-2",
            "runningCount": 50,
            "typeId": "def",
            "date": "2026-03-01T00:00:00Z",
        },
    ]
    assert parse_filter("SerialNumber eq 'O''Brien'")(rows[0])
    assert [
        parse_filter("runningCount gt 10 or contains(serialNumber,'bri')")(r) for r in rows
    ] == [
        True,
        True,
    ]
    assert not parse_filter("not (runningCount ge 5)")(rows[0])
    assert parse_filter("date lt 2026-02-01T00:00:00Z and startswith(serialNumber,'o')")(rows[0])
    assert parse_filter("typeId eq 00000000-0000-0000-0000-000000000000")(rows[0]) is False
    assert parse_filter("runningCount in (50, 7)")(rows[1])
    assert not parse_filter("serialNumber in ('x')")(rows[1])
    assert parse_filter("date ge 2026-03-01")(rows[1])
    options = QueryOptions(None, [("runningCount", True)], top=1, skip=0)
    assert apply_options(rows, options) == [rows[1]]
    for bad in ("runningCount eq", "runningCount sub 5", "(a eq 1", "a eq 1 b"):
        with pytest.raises(ODataError):
            parse_filter(bad)
    with pytest.raises(ODataError):
        parse_options({"$top": "-1"}, [])
    with pytest.raises(ODataError):
        parse_options({"$orderby": "a sideways"}, [])


@given(st.text(max_size=30), st.integers(-(10**6), 10**6))
def test_library_filters_parse_in_the_emulator(text: str, number: int) -> None:
    """Whatever the library's OData builder writes, the emulator reads back the same way."""
    row = {"serialNumber": text, "runningCount": number}
    built = field("serialNumber").eq(text) & field("runningCount").in_([number, number + 1])
    assert parse_filter(str(built))(row)
    assert not parse_filter(str(field("runningCount").gt(number)))(row)


# ---------------------------------------------------------------- HTTP


def test_list_assets_with_odata(api: httpx.Client) -> None:
    everything = api.get("/api/Asset").json()
    assert len(everything) == 5
    rows = api.get(
        "/api/Asset", params={"$filter": "runningCount gt 100", "$orderby": "serialNumber desc"}
    ).json()
    assert _serials(rows) == ["FIX-0001", "CABLE-0001"]
    page = api.get("/api/asset", params={"$orderby": "serialNumber", "$top": 2, "$skip": 1}).json()
    assert _serials(page) == ["DMM-0001", "FIX-0001"]
    by_type = api.get("/api/Asset", params={"$filter": f"typeId eq {INSTRUMENT_TYPE}"}).json()
    assert sorted(_serials(by_type)) == ["DMM-0001", "PSU-0001"]
    bad = api.get("/api/Asset", params={"$filter": "serialNumber eq"})
    assert bad.status_code == 400
    assert "not valid" in bad.json()["Message"]


def test_get_asset_by_id_or_serial_with_type_and_children(api: httpx.Client) -> None:
    by_serial = api.get("/api/Asset/STATION-01").json()
    assert by_serial["assetId"] == STATION_ID
    assert by_serial["assetType"]["typeName"] == "Test station"
    assert _serials(by_serial["assetChildren"]) == ["DMM-0001", "FIX-0001", "PSU-0001"]
    by_id = api.get(f"/api/Asset/{FIXTURE_ID}").json()
    assert by_id["parentSerialNumber"] == "STATION-01"
    missing = api.get("/api/Asset/NOPE")
    assert missing.status_code == 404
    assert missing.json() == {"Message": "Asset 'NOPE' was not found."}


def test_save_asset_creates_then_updates_without_touching_counts(api: httpx.Client) -> None:
    body = {
        "serialNumber": "DMM-0002",
        "typeId": INSTRUMENT_TYPE,
        "parentSerialNumber": "STATION-01",
    }
    created = api.put("/api/Asset", json=body).json()
    assert created["parentAssetId"] == STATION_ID
    assert created["runningCount"] == 0
    assert created["firstSeenDate"] == "2026-12-01T08:00:00Z"
    update = {**created, "assetName": "Spare DMM", "runningCount": 999}
    updated = api.put("/api/Asset", json=update).json()
    assert updated["assetName"] == "Spare DMM"
    assert updated["runningCount"] == 0
    log = api.get("/api/Asset/Log", params={"$filter": "serialNumber eq 'DMM-0002'"}).json()
    assert [entry["type"] for entry in log] == [2, 1]


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        ({"typeId": "x"}, 400, "serialNumber is required"),
        ({"serialNumber": "N-1"}, 400, "typeId is required"),
        (
            {"serialNumber": "N-1", "typeId": "00000000-0000-0000-0000-000000000000"},
            400,
            "does not exist",
        ),
        (
            {"serialNumber": "DMM-0001", "typeId": seed_id("type", "Instrument")},
            409,
            "already exists",
        ),
        (
            {"serialNumber": "N-1", "typeId": seed_id("type", "Cable"), "parentSerialNumber": "X"},
            400,
            "parent asset 'X'",
        ),
        ({"serialNumber": "N-1", "typeId": seed_id("type", "Cable"), "state": 9}, 400, "state 9"),
        (
            {"serialNumber": "N-1", "typeId": seed_id("type", "Cable"), "tags": "a"},
            400,
            "tags must",
        ),
    ],
)
def test_save_asset_rejects_bad_bodies(
    api: httpx.Client, body: dict[str, object], status: int, text: str
) -> None:
    response = api.put("/api/Asset", json=body)
    assert response.status_code == status
    assert text in response.json()["Message"]


def test_save_asset_refuses_a_parent_cycle_and_bad_json(api: httpx.Client) -> None:
    station = api.get("/api/Asset/STATION-01").json()
    cyclic = {
        **station,
        "parentSerialNumber": "CABLE-0001",
        "assetType": None,
        "assetChildren": None,
    }
    response = api.put("/api/Asset", json=cyclic)
    assert response.status_code == 400
    assert "ancestor" in response.json()["Message"]
    station_log = api.get("/api/Asset/Log", params={"$filter": "serialNumber eq 'STATION-01'"})
    assert [entry["type"] for entry in station_log.json()] == [1]
    assert (
        api.put(
            "/api/Asset", content=b"{no", headers={"Content-Type": "application/json"}
        ).status_code
        == 400
    )
    assert api.put("/api/Asset", json=[1]).status_code == 400


def test_delete_asset_reparents_children_and_drops_log(api: httpx.Client) -> None:
    assert api.delete("/api/Asset", params={"serialNumber": "FIX-0001"}).status_code == 200
    cable = api.get("/api/Asset/CABLE-0001").json()
    assert cable["parentAssetId"] == STATION_ID
    log = api.get("/api/Asset/Log", params={"$filter": f"assetId eq {FIXTURE_ID}"}).json()
    assert log == []
    assert api.delete("/api/Asset", params={"id": FIXTURE_ID}).status_code == 404
    assert api.delete("/api/Asset").json() == {
        "Message": "Either 'id' or 'serialNumber' is required."
    }


def test_count_increments_and_sets_total_with_children(api: httpx.Client) -> None:
    params: dict[str, str | int] = {
        "serialNumber": "FIX-0001",
        "incrementBy": 10,
        "incrementChildren": "true",
    }
    assert api.put("/api/Asset/Count", params=params).status_code == 200
    fixture = api.get("/api/Asset/FIX-0001").json()
    cable = api.get("/api/Asset/CABLE-0001").json()
    assert (fixture["runningCount"], fixture["totalCount"]) == (860, 12860)
    assert (cable["runningCount"], cable["totalCount"]) == (130, 4130)
    api.put("/api/Asset/Count", params={"id": FIXTURE_ID, "totalCount": 12900})
    fixture = api.get("/api/Asset/FIX-0001").json()
    assert (fixture["runningCount"], fixture["totalCount"]) == (900, 12900)
    assert api.put("/api/Asset/Count", params={"id": FIXTURE_ID}).status_code == 400
    assert (
        api.put("/api/Asset/Count", params={"id": FIXTURE_ID, "incrementBy": "x"}).status_code
        == 400
    )


def test_set_and_reset_counts(api: httpx.Client) -> None:
    api.put("/api/Asset/SetRunningCount", params={"serialNumber": "FIX-0001", "runningCount": 7})
    api.put("/api/Asset/SetTotalCount", params={"serialNumber": "FIX-0001", "totalCount": 70})
    fixture = api.get("/api/Asset/FIX-0001").json()
    assert (fixture["runningCount"], fixture["totalCount"]) == (7, 70)
    api.post(
        "/api/Asset/ResetRunningCount", params={"serialNumber": "FIX-0001", "comment": "new pins"}
    )
    assert api.get("/api/Asset/FIX-0001").json()["runningCount"] == 0
    log = api.get("/api/Asset/Log", params={"$filter": "serialNumber eq 'FIX-0001' and type eq 3"})
    assert log.json()[0]["comment"] == "new pins"
    bad = api.put("/api/Asset/SetRunningCount", params={"serialNumber": "FIX-0001"})
    assert bad.status_code == 400


def test_calibration_computes_next_date_and_status(api: httpx.Client) -> None:
    before = api.get("/api/Asset/Status", params={"serialNumber": "PSU-0001"}).json()
    assert before["alarmState"] == 2
    assert before["calibrationOverdueDays"] == 183.0
    params = {"serialNumber": "PSU-0001", "dateTime": "2026-11-30T08:00:00Z", "comment": "lab"}
    assert api.post("/api/Asset/Calibration", params=params).status_code == 200
    psu = api.get("/api/Asset/PSU-0001").json()
    assert psu["lastCalibrationDate"] == "2026-11-30T08:00:00Z"
    assert psu["nextCalibrationDate"] == "2027-11-30T08:00:00Z"
    after = api.get("/api/Asset/Status", params={"serialNumber": "PSU-0001"}).json()
    assert (after["alarmState"], after["calibrationOverdueDays"]) == (0, -364.0)
    assert (
        api.post(
            "/api/Asset/Calibration", params={"serialNumber": "PSU-0001", "dateTime": "soon"}
        ).status_code
        == 400
    )


def test_maintenance_default_date_and_external_dates(api: httpx.Client) -> None:
    api.post("/api/Asset/Maintenance", params={"serialNumber": "FIX-0001"})
    fixture = api.get("/api/Asset/FIX-0001").json()
    assert fixture["lastMaintenanceDate"] == "2026-12-01T08:00:00Z"
    assert fixture["nextMaintenanceDate"] == "2027-03-01T08:00:00Z"
    params = {
        "serialNumber": "DMM-0001",
        "fromDate": "2026-11-01T00:00:00Z",
        "toDate": "2026-11-20T00:00:00Z",
    }
    api.post("/api/Asset/Calibration/External", params=params)
    status = api.get("/api/Asset/Status", params={"serialNumber": "DMM-0001"}).json()
    assert status["calibrationOverdueDays"] == 11.33
    external = {"serialNumber": "DMM-0001", "fromDate": "2026-11-01T00:00:00Z"}
    assert api.post("/api/Asset/Maintenance/External", params=external).status_code == 400
    assert (
        api.post(
            "/api/Asset/Maintenance/External", params={**external, "toDate": "2027-01-01"}
        ).status_code
        == 200
    )


def test_status_warns_on_running_count(api: httpx.Client) -> None:
    status = api.get("/api/Asset/Status", params={"id": FIXTURE_ID}).json()
    assert status["alarmState"] == 2  # maintenance was due 2026-11-30
    assert status["message"].startswith("Running count 850 of 1000 (85%)")
    assert status["maintenanceOverdueDays"] == 1.0
    assert api.get("/api/Asset/Status", params={"id": "nope"}).status_code == 404


def test_state_and_message_are_logged(api: httpx.Client) -> None:
    assert (
        api.put("/api/Asset/State", params={"serialNumber": "DMM-0001", "state": 4}).status_code
        == 200
    )
    assert api.get("/api/Asset/DMM-0001").json()["state"] == 4
    assert (
        api.put("/api/Asset/State", params={"serialNumber": "DMM-0001", "state": 7}).status_code
        == 400
    )
    api.post("/api/Asset/Message", params={"serialNumber": "DMM-0001"}, json={"content": "dropped"})
    api.post(
        "/api/Asset/Message",
        json={"assetId": seed_id("asset", "DMM-0001"), "comment": "pywats style"},
    )
    log = api.get("/api/Asset/Log", params={"$filter": "serialNumber eq 'DMM-0001'"}).json()
    assert [(e["type"], e.get("comment") or e.get("value")) for e in log[:3]] == [
        (0, "pywats style"),
        (0, "dropped"),
        (6, "4"),
    ]
    assert all(e["user"] == "emulator" for e in log[:3])
    empty = api.post(
        "/api/Asset/Message", params={"serialNumber": "DMM-0001"}, json={"content": ""}
    )
    assert empty.status_code == 400


def test_sub_assets_by_level(api: httpx.Client) -> None:
    direct = api.get(
        "/api/Asset/SubAssets", params={"serialNumber": "STATION-01", "level": 1}
    ).json()
    assert _serials(direct) == ["DMM-0001", "FIX-0001", "PSU-0001"]
    every = api.get("/api/Asset/SubAssets", params={"serialNumber": "STATION-01"}).json()
    assert _serials(every) == ["DMM-0001", "FIX-0001", "PSU-0001", "CABLE-0001"]
    assert (
        api.get(
            "/api/Asset/SubAssets", params={"serialNumber": "STATION-01", "level": -1}
        ).status_code
        == 400
    )


def test_types_list_save_and_readonly(api: httpx.Client) -> None:
    names = [t["typeName"] for t in api.get("/api/Asset/Types").json()]
    assert names == ["Cable", "Fixture", "Instrument", "Test station"]
    created = api.put(
        "/api/Asset/Types", json={"typeName": "Probe", "runningCountLimit": 10}
    ).json()
    assert created["typeId"]
    changed = api.put("/api/Asset/Types", json={**created, "runningCountLimit": 20}).json()
    assert changed["runningCountLimit"] == 20
    filtered = api.get("/api/Asset/Types", params={"$filter": "typeName eq 'probe'"}).json()
    assert filtered == [changed]
    readonly = {"typeId": seed_id("type", "Test station"), "typeName": "Renamed"}
    assert api.put("/api/Asset/Types", json=readonly).status_code == 400
    assert api.put("/api/Asset/Types", json={"runningCountLimit": 1}).status_code == 400


def test_asset_routes_need_auth(emulator: EmulatorHandle) -> None:
    with httpx.Client(base_url=emulator.base_url) as anonymous:
        assert anonymous.get("/api/Asset").status_code == 401


def test_odata_bad_dates_and_type_mismatches_are_odata_errors() -> None:
    with pytest.raises(ODataError, match="not a valid date"):
        parse_filter("date eq 2026-13-45")
    mismatch = parse_filter("runningCount gt 'x'")
    with pytest.raises(ODataError, match="compare"):
        mismatch({"runningCount": 5})
    with pytest.raises(ODataError, match="property"):
        parse_filter("colour eq 'red'", ("serialNumber",))
