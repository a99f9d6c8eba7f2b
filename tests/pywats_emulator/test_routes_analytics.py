"""Analytics routes of the emulator over raw HTTP, on reports submitted through the API.

The data set (all ``PCB-100`` rev ``A`` runs are process 50 "PCBA test", location Oslo):

- U1: passes first time (ST-1, 2026-03-02 08:00Z)
- U2: fails (6.0 V) then passes (5.1 V) (ST-1, 03-02 09:00 and 10:00)
- U3: fails (4.0 V) once (ST-2, 03-03 08:00), then is repaired (03-05)
- M1: ``MOD-7`` rev ``B`` process 100, Bergen, passes (03-04 08:00)
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats_emulator.testing import EmulatorHandle

PILCROW = "\u00b6"
VOLTAGE_PATH = f"MainSequence Callback{PILCROW}Power{PILCROW}Voltage"


def _report_id(sn: str, start: datetime) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{sn}/{start.isoformat()}"))


def uut_wsjf(
    sn: str,
    voltage: float,
    start: datetime,
    *,
    pn: str = "PCB-100",
    rev: str = "A",
    process: int = 50,
    station: str = "ST-1",
    location: str = "Oslo",
) -> dict[str, Any]:
    """A valid UUT report whose verdict is decided by one voltage (limits 4.5…5.5 V)."""
    status = "P" if 4.5 <= voltage <= 5.5 else "F"
    voltage_step = {
        "id": 3,
        "group": "M",
        "stepType": "ET_NLT",
        "name": "Voltage",
        "status": status,
        "totTime": 0.5,
        "numericMeas": [
            {"compOp": "GELE", "status": status, "unit": "V", "value": voltage}
            | {"lowLimit": 4.5, "highLimit": 5.5}
        ],
    }
    rails = {
        "id": 4,
        "group": "M",
        "stepType": "ET_MNLT",
        "name": "Rails",
        "status": "P",
        "numericMeas": [
            {"name": "12V", "compOp": "LOG", "status": "P", "unit": "V", "value": 12.0 + voltage}
        ],
    }
    return {
        "type": "T",
        "id": _report_id(sn, start),
        "pn": pn,
        "sn": sn,
        "rev": rev,
        "processCode": process,
        "result": status,
        "machineName": station,
        "location": location,
        "purpose": "Production",
        "start": start.isoformat(),
        "uut": {"user": "ola", "execTime": 60.0, "batchSN": "LOT-1"},
        "miscInfos": [{"description": "Firmware", "text": "1.4.2"}],
        "root": {
            "id": 1,
            "group": "M",
            "stepType": "SequenceCall",
            "name": "MainSequence Callback",
            "status": status,
            "seqCall": {"path": "board.seq", "name": "MainSequence Callback", "version": "2.0"},
            "steps": [
                {
                    "id": 2,
                    "group": "M",
                    "stepType": "SequenceCall",
                    "name": "Power",
                    "status": status,
                    "seqCall": {"path": "power.seq", "name": "Power"},
                    "steps": [voltage_step],
                },
                rails,
            ],
        },
    }


def uur_wsjf(sn: str, ref_uut: str, start: datetime) -> dict[str, Any]:
    """A valid repair report for ``PCB-100`` with one component failure found at step 3."""
    when = start.isoformat()
    return {
        "type": "R",
        "id": _report_id(f"repair-{sn}", start),
        "pn": "PCB-100",
        "sn": sn,
        "rev": "A",
        "processCode": 500,
        "result": "P",
        "machineName": "REPAIR-1",
        "location": "Oslo",
        "purpose": "Repair",
        "start": when,
        "uur": {
            "user": "kari",
            "processCode": 50,
            "refUUT": ref_uut,
            "confirmDate": when,
            "finalizeDate": when,
            "execTime": 300.0,
        },
        "subUnits": [
            {
                "partType": "Main",
                "pn": "PCB-100",
                "sn": sn,
                "rev": "A",
                "idx": 0,
                "failures": [
                    {"category": "Component", "code": "Burned Component", "comRef": "U7"}
                    | {"refStepId": 3}
                ],
            }
        ],
    }


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


@pytest.fixture
def api(emulator: EmulatorHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.base_url, headers=emulator.auth_headers) as client:
        yield client


@pytest.fixture
def factory(api: httpx.Client, emulator: EmulatorHandle) -> dict[str, str]:
    """Submit the module's data set; return the report ids by name."""
    emulator.set_clock(lambda: datetime(2026, 3, 10, tzinfo=UTC))
    reports = {
        "U1": uut_wsjf("U1", 5.0, at(2, 8)),
        "U2a": uut_wsjf("U2", 6.0, at(2, 9)),
        "U2b": uut_wsjf("U2", 5.1, at(2, 10)),
        "U3": uut_wsjf("U3", 4.0, at(3, 8), station="ST-2"),
        "M1": uut_wsjf("M1", 5.0, at(4, 8), pn="MOD-7", rev="B", process=100, location="Bergen"),
    }
    reports["R3"] = uur_wsjf("U3", reports["U3"]["id"], at(5, 8))
    for report in reports.values():
        answer = api.post("/api/Report/WSJF", json=report)
        assert answer.status_code == 200, answer.text
    return {name: report["id"] for name, report in reports.items()}


def post(api: httpx.Client, path: str, body: Any = None, **params: Any) -> Any:
    answer = api.post(path, json=body, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_dynamic_yield_per_product_with_hand_computed_kpis(
    api: httpx.Client, factory: dict[str, str]
) -> None:
    rows = post(
        api,
        "/api/App/DynamicYield",
        {"dimensions": "unitCount desc;partNumber;fpy;spy;lpy;testYield;testReportCount"},
    )
    assert rows == [
        {
            "unitCount": 3,
            "partNumber": "PCB-100",
            "fpy": pytest.approx(100 / 3),
            "spy": pytest.approx(200 / 3),
            "lpy": pytest.approx(200 / 3),
            "testYield": 50.0,
            "testReportCount": 4,
        },
        {
            "unitCount": 1,
            "partNumber": "MOD-7",
            "fpy": 100.0,
            "spy": 100.0,
            "lpy": 100.0,
            "testYield": 100.0,
            "testReportCount": 1,
        },
    ]


def test_dynamic_yield_query_dimensions_and_filter(
    api: httpx.Client, factory: dict[str, str]
) -> None:
    rows = post(
        api,
        "/api/app/dynamicyield",
        {"partNumber": "PCB-100", "dateGrouping": 4},
        dimensions="stationName asc;period;fpCount;unitCount",
    )
    assert rows == [
        {"stationName": "ST-1", "period": "2026-03-02", "fpCount": 1, "unitCount": 2},
        {"stationName": "ST-2", "period": "2026-03-03", "fpCount": 0, "unitCount": 1},
    ]
    # no KPI named: every KPI comes back
    everything = post(
        api,
        "/api/App/DynamicYield",
        {"testOperation": "End of line test", "dimensions": "partNumber;testOperation"},
    )
    assert [(r["partNumber"], r["testOperation"]) for r in everything] == [
        ("MOD-7", "End of line test")
    ]
    assert (everything[0]["ppmFpy"], everything[0]["retestCount"]) == (0.0, 0)


def test_dynamic_yield_trend_against_the_previous_window(
    api: httpx.Client, factory: dict[str, str]
) -> None:
    # window 03-03..03-05 holds U3 (fail) and M1; the window before it holds U1 and U2
    window = {"dateFrom": "2026-03-03T00:00:00Z", "dateTo": "2026-03-05T00:00:00Z"}
    dimensions = "partNumber desc;unitCount;previousUnitCount;fpyTrend;unitCountTrend"
    rows = post(api, "/api/App/DynamicYield", window | {"dimensions": dimensions})
    assert rows == [
        {
            "partNumber": "PCB-100",
            "unitCount": 1,
            "previousUnitCount": 2,
            "fpyTrend": -50.0,
            "unitCountTrend": -1,
        },
        {
            "partNumber": "MOD-7",
            "unitCount": 1,
            "previousUnitCount": None,
            "fpyTrend": None,
            "unitCountTrend": None,
        },
    ]


def test_dynamic_yield_rejects_bad_input_with_wats_body(
    api: httpx.Client, factory: dict[str, str]
) -> None:
    unknown = api.post("/api/App/DynamicYield", json={"dimensions": "colour"})
    assert unknown.status_code == 400
    assert "colour" in unknown.json()["Message"]
    bad_type = api.post("/api/App/DynamicYield", json={"topCount": "lots"})
    assert bad_type.status_code == 400
    assert "topCount" in bad_type.json()["Message"]
    not_json = api.post("/api/App/DynamicYield", content=b"{oops")
    assert not_json.status_code == 400
    assert "Message" in not_json.json()


def test_yield_lists_volume_high_worst_and_by_group(
    api: httpx.Client, factory: dict[str, str]
) -> None:
    volume = post(api, "/api/App/VolumeYield", {})
    assert [(r["partNumber"], r["unitCount"]) for r in volume] == [("MOD-7", 1), ("PCB-100", 3)]
    high = post(api, "/api/App/HighVolume", {"topCount": 1})
    assert [r["partNumber"] for r in high] == ["PCB-100"]
    worst = post(api, "/api/App/WorstYield", {"minCount": 1})
    assert [(r["partNumber"], r["fpCount"]) for r in worst] == [("PCB-100", 1), ("MOD-7", 1)]
    by_group = post(api, "/api/App/HighVolumeByProductGroup", {})
    assert [(r["productGroup"], r["unitCount"]) for r in by_group] == [("PCBA", 3), ("Modules", 1)]
    worst_group = post(api, "/api/App/WorstYieldByProductGroup", {"level": "Norway"})
    assert [(r["productGroup"], r["fpy"]) for r in worst_group] == [
        ("PCBA", pytest.approx(100 / 3)),
        ("Modules", 100.0),
    ]


def test_simple_yield_lists_use_days_group_and_level(
    api: httpx.Client, factory: dict[str, str]
) -> None:
    # clock 2026-03-10 minus 7 days keeps U3 (03-03) and M1 (03-04) only
    params = {"days": 7, "productGroupId": 0, "levelId": 0}
    volume = api.get("/api/App/VolumeYield", params=params).json()
    assert [(r["partNumber"], r["unitCount"], r["fpCount"]) for r in volume] == [
        ("MOD-7", 1, 1),
        ("PCB-100", 1, 0),
    ]
    high = api.get("/api/App/HighVolume", params={**params, "productGroupId": 2}).json()
    assert [r["partNumber"] for r in high] == ["MOD-7"]
    worst = api.get("/api/App/WorstYield", params={**params, "days": 30, "levelId": 1}).json()
    assert [(r["partNumber"], r["fpy"]) for r in worst] == [
        ("PCB-100", pytest.approx(100 / 3)),
        ("MOD-7", 100.0),
    ]
    missing = api.get("/api/App/WorstYield", params={"days": 7})
    assert missing.status_code == 400
    assert "productGroupId" in missing.json()["Message"]
    unknown = api.get("/api/App/HighVolume", params={**params, "productGroupId": 99})
    assert unknown.status_code == 404
    assert "99" in unknown.json()["Message"]


def test_levels_product_groups_and_user_settings(api: httpx.Client) -> None:
    levels = api.get("/api/App/Levels").json()
    assert levels[0] == {"levelId": 1, "levelName": "Norway"}
    groups = api.get("/api/App/ProductGroups").json()
    assert {"productGroupId": 2, "productGroupName": "Modules"} in groups
    with_filters = api.get("/api/App/ProductGroups", params={"includeFilters": "true"}).json()
    assert {"partNumber": "MOD-*"} in with_filters[1]["filters"]
    bad_flag = api.get("/api/App/ProductGroups", params={"includeFilters": "perhaps"})
    assert bad_flag.status_code == 400
    settings = api.get("/api/App/CommonUserSettings", params={"UserName": "OPERATOR"}).json()
    assert settings["userName"] == "operator"
    assert settings["levels"] == ["Norway"]
    unknown = api.get("/api/App/CommonUserSettings", params={"UserName": "nobody"})
    assert unknown.status_code == 404
    assert "nobody" in unknown.json()["Message"]
    assert api.get("/api/App/CommonUserSettings").status_code == 400


def test_top_failed_by_filter_and_by_query(api: httpx.Client, factory: dict[str, str]) -> None:
    rows = post(api, "/api/App/TopFailed", {"partNumber": "PCB-100"})
    assert len(rows) == 1
    top = rows[0]
    assert (top["stepName"], top["stepPath"]) == ("Voltage", VOLTAGE_PATH)
    assert (top["failCount"], top["totalCount"], top["failRate"]) == (2, 4, 50.0)
    assert (top["firstFailDate"], top["lastFailDate"]) == (
        "2026-03-02T09:00:00Z",
        "2026-03-03T08:00:00Z",
    )
    params: dict[str, Any] = {
        "partNumber": "PCB-100",
        "processCode": 50,
        "productGroupId": 1,
        "levelId": 1,
        "days": 7,
        "count": 5,
    }
    recent = api.get("/api/App/TopFailed", params=params).json()
    assert [(r["failCount"], r["totalCount"]) for r in recent] == [(1, 1)]
    missing = api.get("/api/App/TopFailed", params={"partNumber": "PCB-100"})
    assert missing.status_code == 400


def test_test_step_analysis_first_run_and_all_runs(
    api: httpx.Client, factory: dict[str, str]
) -> None:
    body = {"partNumber": "PCB-100", "testOperation": "50"}
    first = {r["stepPath"]: r for r in post(api, "/api/App/TestStepAnalysis", body)}
    voltage = first[VOLTAGE_PATH]
    # first runs: U1 5.0 P, U2 6.0 F, U3 4.0 F
    assert (voltage["stepCount"], voltage["stepPassedCount"], voltage["stepFailedCount"]) == (
        3,
        1,
        2,
    )
    assert voltage["avg"] == pytest.approx(5.0)
    assert (voltage["min"], voltage["max"]) == (4.0, 6.0)
    every = {r["stepPath"]: r for r in post(api, "/api/App/TestStepAnalysis", body | {"run": -2})}
    assert every[VOLTAGE_PATH]["stepCount"] == 4
    rails = every[f"MainSequence Callback{PILCROW}Rails"]
    assert (rails["measureName"], rails["measureCount"]) == ("12V", 4)
    missing = api.post("/api/App/TestStepAnalysis", json={"partNumber": "PCB-100"})
    assert missing.status_code == 400
    assert "testOperation" in missing.json()["Message"]


def test_measurements_and_aggregates(api: httpx.Client, factory: dict[str, str]) -> None:
    body = {"partNumber": "PCB-100", "testOperation": "PCBA test"}
    series = post(api, "/api/App/Measurements", body, measurementPaths=VOLTAGE_PATH)
    assert series[0]["measurementPath"] == VOLTAGE_PATH
    values = [(m["serialNumber"], m["value"], m["status"]) for m in series[0]["measurements"]]
    assert values == [
        ("U1", 5.0, "Passed"),
        ("U2", 6.0, "Failed"),
        ("U2", 5.1, "Passed"),
        ("U3", 4.0, "Failed"),
    ]
    slash_path = "MainSequence Callback/Rails::12V"
    (rails,) = post(api, "/api/App/AggregatedMeasurements", body, measurementPaths=slash_path)
    assert rails["count"] == 4
    assert rails["avg"] == pytest.approx(12.0 + (5.0 + 6.0 + 5.1 + 4.0) / 4)
    assert rails["measureName"] == "12V"
    no_paths = api.post("/api/App/Measurements", json=body)
    assert no_paths.status_code == 400
    assert "measurementPaths" in no_paths.json()["Message"]


def test_oee_analysis(api: httpx.Client, factory: dict[str, str]) -> None:
    result = post(api, "/api/App/OeeAnalysis", {"partNumber": "PCB-100"}, availableTime=480)
    # 4 runs of 60 s: run time 240 s of 480 s; fastest run = ideal cycle; 2 of 4 good
    assert (result["totalCount"], result["goodCount"], result["runTime"]) == (4, 2, 240.0)
    assert (result["availability"], result["performance"], result["quality"]) == (
        50.0,
        100.0,
        50.0,
    )
    assert result["oee"] == 25.0
    assert result["partNumber"] == "PCB-100"
    bad = api.post("/api/App/OeeAnalysis", json={}, params={"availableTime": "0"})
    assert bad.status_code == 400


def test_dynamic_repair_and_related_history(api: httpx.Client, factory: dict[str, str]) -> None:
    rows = post(api, "/api/App/DynamicRepair", {})
    assert rows == [
        {
            "repairCount": 1,
            "repairReportCount": 1,
            "partNumber": "PCB-100",
            "repairOperation": "Repair",
        }
    ]
    by_step = post(
        api,
        "/api/App/DynamicRepair",
        {},
        dimensions="referencedStepPath;testStationName;repairCount",
    )
    assert by_step == [
        {"referencedStepPath": VOLTAGE_PATH, "testStationName": "ST-2", "repairCount": 1}
    ]
    history = api.get(
        "/api/App/RelatedRepairHistory", params={"partNumber": "pcb-100", "revision": "A"}
    ).json()
    assert len(history) == 1
    assert history[0]["referencedUut"] == factory["U3"]
    assert (history[0]["failCode"], history[0]["componentRef"]) == ("Burned Component", "U7")
    other_test = api.get(
        "/api/App/RelatedRepairHistory",
        params={"partNumber": "PCB-100", "revision": "A", "testOperationCode": 100},
    ).json()
    assert other_test == []
    missing = api.get("/api/App/RelatedRepairHistory", params={"partNumber": "PCB-100"})
    assert missing.status_code == 400


def test_report_header_lists(api: httpx.Client, factory: dict[str, str]) -> None:
    history = post(api, "/api/App/SerialNumberHistory", {"serialNumber": "U3"})
    assert [(h["reportType"], h["result"]) for h in history] == [("T", "Failed"), ("R", "Passed")]
    assert history[0]["causedUutFailure"] is None
    uuts = post(api, "/api/App/UutReport", {"status": "Failed"})
    assert [h["uuid"] for h in uuts] == [factory["U3"], factory["U2a"]]
    uurs = post(api, "/api/App/UurReport", {})
    assert [h["uuid"] for h in uurs] == [factory["R3"]]
    assert uurs[0]["referencedUut"] == factory["U3"]
    simple = api.get("/api/App/UutReport", params={"serialNumber": "U2", "stationName": "ST-1"})
    assert [h["uuid"] for h in simple.json()] == [factory["U2b"], factory["U2a"]]
    by_group = api.get("/api/App/UutReport", params={"productGroupId": 2}).json()
    assert [h["serialNumber"] for h in by_group] == ["M1"]
    assert api.get("/api/App/UutReport", params={"levelId": 42}).status_code == 404


def test_empty_database_gives_empty_answers(api: httpx.Client) -> None:
    assert post(api, "/api/App/DynamicYield") == []
    assert post(api, "/api/App/TopFailed", {}) == []
    assert api.get("/api/App/UutReport").json() == []
    assert api.head("/api/App/UutReport").status_code == 200
    assert api.put("/api/App/UutReport", json={}).status_code == 405


def test_analytics_routes_require_authentication(emulator: EmulatorHandle) -> None:
    with httpx.Client(base_url=emulator.base_url) as anonymous:
        answer = anonymous.post("/api/App/DynamicYield", json={})
        assert answer.status_code == 401
        assert "Message" in answer.json()
        assert anonymous.get("/api/App/Levels").status_code == 401


def test_clock_window_with_period_count(
    api: httpx.Client, factory: dict[str, str], emulator: EmulatorHandle
) -> None:
    emulator.set_clock(lambda: at(4, 12) + timedelta(hours=1))
    rows = post(
        api,
        "/api/App/DynamicYield",
        {"periodCount": 2, "dateGrouping": 4, "dimensions": "period asc;unitCount"},
    )
    # current day 03-04 and the one before: U3 (03-03) and M1 (03-04)
    assert rows == [
        {"period": "2026-03-03", "unitCount": 1},
        {"period": "2026-03-04", "unitCount": 1},
    ]


def test_statistics_over_a_real_teststand_export(api: httpx.Client, exports_dir: Path) -> None:
    body = (exports_dir / "new_report_example.json").read_bytes()
    stored = api.post(
        "/api/Report/WSJF", content=body, headers={"Content-Type": "application/json"}
    )
    assert stored.status_code == 200, stored.text
    export_filter = {"partNumber": "4494394418", "testOperation": "50"}
    rows = post(api, "/api/App/TestStepAnalysis", export_filter | {"run": -2})
    per_step = {row["stepPath"]: row for row in rows}
    # README: 281 steps, statuses P 203 / D 72 / S 6. One looped step is recorded as summary
    # plus its iteration; the summary (status P) is not counted again.
    assert sum(r["stepCount"] for r in per_step.values()) == 280
    assert sum(r["stepPassedCount"] for r in per_step.values()) == 202
    assert sum(r["stepDoneCount"] for r in per_step.values()) == 72
    assert sum(r["stepSkippedCount"] for r in per_step.values()) == 6
    path = f"MainSequence Callback{PILCROW}Measure fixture temp"
    (series,) = post(api, "/api/App/Measurements", export_filter, measurementPaths=path)
    (value,) = series["measurements"]
    assert (value["value"], value["limitLow"], value["limitHigh"]) == (30.1822794904241, 10.0, 45.0)
    assert (value["unit"], value["status"]) == ("degC", "Passed")
    yields = post(api, "/api/App/DynamicYield", {"dimensions": "testOperation;fpy;unitCount"})
    assert yields == [{"testOperation": "PCBA test", "fpy": 100.0, "unitCount": 1}]
    assert post(api, "/api/App/TopFailed", {}) == []
