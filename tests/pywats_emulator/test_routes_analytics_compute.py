"""Unit tests of the analytics arithmetic, on hand-made reports with hand-computed answers."""

from __future__ import annotations

import json
import math
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from pywats_emulator.routes._analytics_filter import (
    Catalog,
    FilterError,
    WatsFilter,
    date_window,
    matches_any,
    parse_filter,
    period_label,
    period_start,
    previous_period,
    record_matches,
    shift_periods,
    status_letter,
)
from pywats_emulator.routes._analytics_records import ReportRecord, record_from_row
from pywats_emulator.routes._analytics_repair import (
    OeeLimits,
    header_row,
    oee,
    related_repair_rows,
    repair_facts,
    repair_table,
)
from pywats_emulator.routes._analytics_stats import describe, specification_limits
from pywats_emulator.routes._analytics_steps import (
    aggregated_measurements,
    measurement_series,
    parse_measurement_paths,
    select_runs,
    step_analysis_rows,
    top_failed_rows,
)
from pywats_emulator.routes._analytics_yield import (
    compute_unit_yield,
    parse_dimensions,
    trend_kpis,
    yield_list,
    yield_table,
)

CATALOG = Catalog(
    product_groups=((1, "Boards", ("PCB-*",)), (2, "Modules", ("MOD-*",))),
    levels=((1, "Plant A", ("Oslo*",)), (2, "Plant B", ("Bergen",))),
)
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def voltage_step(value: float, status: str, *, caused: bool = False) -> dict[str, Any]:
    return {
        "id": 2,
        "group": "M",
        "stepType": "ET_NLT",
        "name": "Voltage",
        "status": status,
        "totTime": 0.5,
        "causedUUTFailure": caused,
        "numericMeas": [
            {"value": value, "unit": "V", "compOp": "GELE", "lowLimit": 4.5, "highLimit": 5.5}
            | {"status": status}
        ],
    }


def uut(
    sn: str,
    result: str,
    start: str,
    *,
    pn: str = "PCB-1",
    process: int = 50,
    station: str = "ST1",
    location: str = "Oslo",
    steps: list[dict[str, Any]] | None = None,
    exec_time: float = 10.0,
) -> ReportRecord:
    body = {
        "type": "T",
        "processName": "PCBA test" if process == 50 else None,
        "root": {
            "id": 1,
            "name": "Main",
            "stepType": "SequenceCall",
            "status": result,
            "seqCall": {"path": "main.seq", "version": "1.2"},
            "steps": steps or [],
        },
        "uut": {"execTime": exec_time, "batchSN": "B1", "user": "ola"},
    }
    row = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{pn}/{sn}/{start}")),
        "type": "T",
        "pn": pn,
        "sn": sn,
        "rev": "A",
        "process_code": process,
        "result": result,
        "machine_name": station,
        "location": location,
        "purpose": "Production",
        "start": start,
        "start_utc": start,
        "operator": "ola",
        "body": json.dumps(body),
    }
    return record_from_row(row, {50: "PCBA test", 100: "End of line test"})


def five_units() -> list[ReportRecord]:
    """A: F,P  B: P  C: F,F,P  D: F,P,F  E: F (runs in time order)."""
    plan = {"A": "FP", "B": "P", "C": "FFP", "D": "FPF", "E": "F"}
    return [
        uut(sn, result, f"2026-03-0{run + 1}T08:00:00Z")
        for sn, results in plan.items()
        for run, result in enumerate(results)
    ]


def test_unit_yield_counts_first_second_third_and_last_pass() -> None:
    stats = compute_unit_yield(five_units())
    assert (stats.unit_count, stats.fp_count, stats.sp_count, stats.tp_count) == (5, 1, 3, 4)
    assert stats.lp_count == 3
    assert (stats.report_count, stats.passed_report_count) == (10, 4)
    assert stats.first_utc == datetime(2026, 3, 1, 8, tzinfo=UTC)
    assert stats.last_utc == datetime(2026, 3, 3, 8, tzinfo=UTC)


def test_yield_table_kpis_are_percentages_of_units() -> None:
    rows = yield_table(five_units(), parse_dimensions("partNumber"), CATALOG, None)
    assert len(rows) == 1
    row = rows[0]
    assert row["partNumber"] == "PCB-1"
    assert (row["fpy"], row["spy"], row["tpy"], row["lpy"]) == (20.0, 60.0, 80.0, 60.0)
    assert (row["testYield"], row["retestCount"], row["fpFailCount"]) == (40.0, 5, 4)
    assert row["ppmFpy"] == pytest.approx(800_000.0)
    assert row["firstUtc"] == "2026-03-01T08:00:00Z"


def test_yield_table_groups_by_dimension_and_sorts_by_kpi() -> None:
    records = [
        *five_units(),
        uut("X", "P", "2026-03-01T08:00:00Z", station="ST2"),
        uut("Y", "P", "2026-03-01T09:00:00Z", station="ST2"),
    ]
    columns = parse_dimensions("fpy desc;stationName;unitCount")
    rows = yield_table(records, columns, CATALOG, None)
    assert rows == [
        {"stationName": "ST2", "fpy": 100.0, "unitCount": 2},
        {"stationName": "ST1", "fpy": 20.0, "unitCount": 5},
    ]


def test_yield_table_period_dimension_uses_date_grouping() -> None:
    records = [uut("A", "P", "2026-01-10T08:00:00Z"), uut("B", "F", "2026-02-10T08:00:00Z")]
    rows = yield_table(records, parse_dimensions("period asc;fpy"), CATALOG, 2)
    assert rows == [{"period": "2026-01", "fpy": 100.0}, {"period": "2026-02", "fpy": 0.0}]


def test_repair_reports_are_ignored_by_yield() -> None:
    rows = yield_table([uur_record()], parse_dimensions("partNumber"), CATALOG, None)
    assert rows == []


def test_parse_dimensions_rejects_unknown_names_and_orders() -> None:
    with pytest.raises(FilterError, match="Unknown dimension"):
        parse_dimensions("colour")
    with pytest.raises(FilterError, match="Bad dimension"):
        parse_dimensions("unitCount sideways")
    assert parse_dimensions("UNITCOUNT DESC")[0].name == "unitCount"


def test_yield_list_orders_by_volume_and_worst_yield() -> None:
    records = [
        *five_units(),
        uut("M1", "P", "2026-03-01T08:00:00Z", pn="MOD-1"),
        uut("M2", "P", "2026-03-01T08:00:00Z", pn="MOD-1"),
    ]
    volume = yield_list(
        records, CATALOG, by_product_group=False, date_grouping=None, order="volume"
    )
    assert [r["partNumber"] for r in volume] == ["PCB-1", "MOD-1"]
    worst = yield_list(records, CATALOG, by_product_group=True, date_grouping=None, order="worst")
    assert [(r["productGroup"], r["fpy"]) for r in worst] == [("Boards", 20.0), ("Modules", 100.0)]
    big = yield_list(
        records, CATALOG, by_product_group=False, date_grouping=None, order="volume", min_count=3
    )
    assert [r["partNumber"] for r in big] == ["PCB-1"]
    top = yield_list(
        records, CATALOG, by_product_group=False, date_grouping=None, order="worst", top_count=1
    )
    assert [r["partNumber"] for r in top] == ["PCB-1"]


def test_parse_filter_reads_types_and_rejects_bad_values() -> None:
    parsed = parse_filter(
        {"partNumber": "PCB-1", "topCount": "5", "dateFrom": "2026-01-01T00:00:00Z", "x": 1}
    )
    assert parsed.part_number == "PCB-1"
    assert parsed.top_count == 5
    assert parsed.date_from == datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_filter(None) == WatsFilter()
    assert parse_filter({"miscInfoDescription": "Fw"}).misc_description == "Fw"
    bad: Any
    for bad in ([], {"topCount": "many"}, {"dateFrom": "yesterday"}, {"dateGrouping": 9}):
        with pytest.raises(FilterError):
            parse_filter(bad)
    with pytest.raises(FilterError):
        parse_filter({"includeCurrentPeriod": "maybe"})
    with pytest.raises(FilterError):
        parse_filter({"partNumber": {"nested": 1}})


def test_wildcards_alternatives_and_status_words() -> None:
    assert matches_any("pcb-*;MOD-1", "PCB-7")
    assert matches_any("%-1", "MOD-1")
    assert not matches_any("PCB-?", "PCB-1")
    assert matches_any(None, "anything")
    assert status_letter("Failed") == "F"
    assert status_letter("All") is None
    with pytest.raises(FilterError):
        status_letter("Broken")


def test_record_matches_every_field_kind() -> None:
    record = uut("A", "F", "2026-03-01T08:00:00Z")
    assert record_matches(record, WatsFilter(product_group="Boards", level="Plant A"), CATALOG, NOW)
    assert not record_matches(record, WatsFilter(product_group="Modules"), CATALOG, NOW)
    assert record_matches(record, WatsFilter(test_operation="PCBA test"), CATALOG, NOW)
    assert record_matches(record, WatsFilter(test_operation="50"), CATALOG, NOW)
    assert not record_matches(record, WatsFilter(status="Passed"), CATALOG, NOW)
    assert record_matches(record, WatsFilter(batch_number="B1", sw_version="1.2"), CATALOG, NOW)
    late = WatsFilter(date_from=datetime(2026, 3, 2, tzinfo=UTC))
    assert not record_matches(record, late, CATALOG, NOW)


def test_periods_labels_and_windows() -> None:
    moment = datetime(2026, 2, 18, 13, 45, tzinfo=UTC)  # a Wednesday
    assert period_start(moment, 1) == datetime(2026, 1, 1, tzinfo=UTC)
    assert period_start(moment, 3) == datetime(2026, 2, 16, tzinfo=UTC)
    assert period_label(moment, 1) == "2026-Q1"
    assert period_label(moment, 3) == "2026-W08"
    assert period_label(moment, 5) == "2026-02-18T13"
    assert shift_periods(datetime(2026, 1, 1, tzinfo=UTC), 2, -2) == datetime(
        2025, 11, 1, tzinfo=UTC
    )
    window = date_window(WatsFilter(period_count=3, date_grouping=2), NOW)
    assert window == (datetime(2026, 1, 1, tzinfo=UTC), None)
    closed = WatsFilter(period_count=2, date_grouping=4, include_current_period=False)
    assert date_window(closed, NOW) == (
        datetime(2026, 3, 13, tzinfo=UTC),
        datetime(2026, 3, 15, tzinfo=UTC),
    )


def failing_tree(voltage: float, status: str) -> list[dict[str, Any]]:
    return [
        {
            "id": 2,
            "group": "M",
            "stepType": "SequenceCall",
            "name": "Power",
            "status": status,
            "steps": [voltage_step(voltage, status, caused=status == "F")],
        }
    ]


def test_top_failed_counts_leaf_steps_per_product() -> None:
    records = [
        uut("A", "F", "2026-03-01T08:00:00Z", steps=failing_tree(6.0, "F")),
        uut("B", "P", "2026-03-02T08:00:00Z", steps=failing_tree(5.0, "P")),
        uut("C", "F", "2026-03-03T08:00:00Z", steps=failing_tree(3.0, "F")),
    ]
    rows = top_failed_rows(records, CATALOG, 10)
    assert len(rows) == 1
    row = rows[0]
    assert row["stepPath"] == "Main\u00b6Power\u00b6Voltage"
    assert (row["failCount"], row["totalCount"]) == (2, 3)
    assert row["failRate"] == pytest.approx(200 / 3)
    assert (row["firstFailDate"], row["lastFailDate"]) == (
        "2026-03-01T08:00:00Z",
        "2026-03-03T08:00:00Z",
    )
    assert row["productGroup"] == "Boards"


def test_select_runs_first_last_all() -> None:
    records = five_units()
    assert len(select_runs(records, 1)) == 5
    assert len(select_runs(records, 3)) == 2
    last = select_runs(records, -1)
    assert sorted(r.result for r in last) == ["F", "F", "P", "P", "P"]
    assert len(select_runs(records, -2)) == 10
    with pytest.raises(FilterError):
        select_runs(records, 0)


def test_step_analysis_counts_statuses_and_measure_statistics() -> None:
    records = [
        uut("A", "P", "2026-03-01T08:00:00Z", steps=[voltage_step(4.8, "P")]),
        uut("B", "P", "2026-03-01T09:00:00Z", steps=[voltage_step(5.0, "P")]),
        uut("C", "F", "2026-03-01T10:00:00Z", steps=[voltage_step(5.8, "F", caused=True)]),
    ]
    rows = {row["stepPath"]: row for row in step_analysis_rows(records)}
    voltage = rows["Main\u00b6Voltage"]
    assert (voltage["stepCount"], voltage["stepPassedCount"], voltage["stepFailedCount"]) == (
        3,
        2,
        1,
    )
    assert voltage["stepCausedUutFailed"] == 1
    assert voltage["measureCount"] == 3
    assert voltage["avg"] == pytest.approx(5.2)
    # sample variance of 4.8, 5.0, 5.8 around 5.2: (0.16 + 0.04 + 0.36) / 2
    assert voltage["var"] == pytest.approx(0.28)
    assert (voltage["limit1"], voltage["limit2"], voltage["compOperator"]) == (4.5, 5.5, "GELE")
    root = rows["Main"]
    assert root["measureName"] is None
    assert root["measureCount"] == 0


def test_capability_figures_by_hand() -> None:
    stats = describe([4.9, 5.0, 5.1], 4.5, 5.5)
    stdev = 0.1
    assert stats["stdev"] == pytest.approx(stdev)
    assert stats["cp"] == pytest.approx(1.0 / (6 * stdev))
    assert stats["cpk"] == pytest.approx(0.5 / (3 * stdev))
    assert describe([5.0])["cp"] is None
    assert describe([])["count"] == 0
    assert specification_limits("LE", 3.0, None) == (None, 3.0)
    assert specification_limits("ge", 1.0, None) == (1.0, None)
    assert specification_limits("LOG", None, None) == (None, None)


def test_measurement_paths_accept_slash_and_double_colon() -> None:
    paths = parse_measurement_paths("Main/Power/Voltage; Main/Multi::Ch1")
    assert paths[0].step_path == "Main\u00b6Power\u00b6Voltage"
    assert paths[0].measure_name is None
    assert (paths[1].step_path, paths[1].measure_name) == ("Main\u00b6Multi", "Ch1")
    with pytest.raises(FilterError):
        parse_measurement_paths(" ; ")


def test_measurement_series_and_aggregates() -> None:
    records = [
        uut("A", "F", "2026-03-01T08:00:00Z", steps=failing_tree(6.0, "F")),
        uut("B", "P", "2026-03-02T08:00:00Z", steps=failing_tree(5.0, "P")),
    ]
    paths = parse_measurement_paths("Main/Power/Voltage")
    series = measurement_series(records, paths, None)
    values = [(m["serialNumber"], m["value"], m["status"]) for m in series[0]["measurements"]]
    assert values == [("A", 6.0, "Failed"), ("B", 5.0, "Passed")]
    assert measurement_series(records, paths, 1)[0]["measurements"][0]["serialNumber"] == "A"
    (aggregate,) = aggregated_measurements(records, paths)
    assert (aggregate["count"], aggregate["min"], aggregate["max"]) == (2, 5.0, 6.0)
    assert aggregate["avg"] == pytest.approx(5.5)
    assert aggregate["stdev"] == pytest.approx(math.sqrt(0.5))
    assert aggregate["cpk"] == pytest.approx(0.0)


def uur_record(ref: str = "", failures: int = 2) -> ReportRecord:
    body = {
        "type": "R",
        "processName": "Repair",
        "uur": {"processCode": 50, "refUUT": ref, "execTime": 30.0, "comment": "fixed"},
        "subUnits": [
            {
                "idx": 0,
                "partType": "Main",
                "failures": [
                    {"category": "Component", "code": "Burned", "comRef": f"U{i}", "refStepId": 2}
                    for i in range(failures)
                ],
            }
        ],
    }
    row = {
        "id": f"11111111-0000-0000-0000-00000000000{failures}",
        "type": "R",
        "pn": "PCB-1",
        "sn": "A",
        "rev": "A",
        "process_code": 500,
        "result": "P",
        "machine_name": "REP1",
        "location": "Bergen",
        "purpose": "Repair",
        "start_utc": "2026-03-02T08:00:00Z",
        "operator": "kari",
        "body": json.dumps(body),
    }
    return record_from_row(row)


def test_repair_table_counts_reports_and_failures() -> None:
    tested = uut("A", "F", "2026-03-01T08:00:00Z", steps=failing_tree(6.0, "F"))
    repairs = [uur_record(tested.id, 2), uur_record(tested.id, 0)]
    facts = repair_facts([*repairs, tested], {tested.id: tested})
    assert len(facts) == 3
    rows = repair_table(
        facts,
        parse_dimensions(
            "repairCode;testStationName",
            ("repairCode", "testStationName"),
            ("repairReportCount", "repairCount"),
        ),
        CATALOG,
        None,
    )
    assert sorted(rows, key=lambda r: r["repairCode"]) == [
        {"repairCode": "", "testStationName": "ST1", "repairReportCount": 1, "repairCount": 0},
        {
            "repairCode": "Burned",
            "testStationName": "ST1",
            "repairReportCount": 1,
            "repairCount": 2,
        },
    ]
    history = related_repair_rows(facts)
    assert [h["componentRef"] for h in history] == ["U0", "U1"]
    assert history[0]["testOperationCode"] == 50


def test_header_row_uses_words_and_failure_step() -> None:
    record = uut("A", "F", "2026-03-01T08:00:00Z", steps=failing_tree(6.0, "F"))
    header = header_row(record)
    assert header["result"] == "Failed"
    assert header["reportType"] == "T"
    assert header["processName"] == "PCBA test"
    assert header["causedUutFailure"] == "Voltage"
    assert header["causedUutFailurePath"] == "Main\u00b6Power\u00b6Voltage"
    assert header["swFilename"] == "main.seq"


def test_oee_by_hand() -> None:
    records = [
        uut("A", "P", "2026-03-01T08:00:00Z", exec_time=60.0),
        uut("B", "P", "2026-03-01T09:00:00Z", exec_time=90.0),
        uut("C", "F", "2026-03-01T10:00:00Z", exec_time=150.0),
    ]
    result = oee(records, OeeLimits(available_time=600.0, target_output=12))
    assert result["runTime"] == 300.0
    assert result["availability"] == pytest.approx(50.0)
    # ideal cycle 600 / 12 = 50 s; 3 runs * 50 s / 300 s run time
    assert result["performance"] == pytest.approx(50.0)
    assert result["quality"] == pytest.approx(200 / 3)
    assert result["oee"] == pytest.approx(0.5 * 0.5 * (2 / 3) * 100)
    short = oee(records, OeeLimits(available_time=600.0, max_execution_time=100.0))
    assert (short["totalCount"], short["idealCycleTime"]) == (2, 60.0)


def test_loop_summary_with_iterations_is_not_counted_twice() -> None:
    def iteration(index: int, value: float, status: str) -> dict[str, Any]:
        return voltage_step(value, status) | {"loop": {"idx": index}}

    summary = voltage_step(5.0, "P") | {"loop": {"num": 2, "endingIndex": 1, "passed": 1}}
    lone_summary = voltage_step(5.0, "P") | {"name": "Lone", "loop": {"num": 3}}
    steps = [summary, iteration(0, 6.0, "F"), iteration(1, 5.0, "P"), lone_summary]
    records = [uut("A", "P", "2026-03-01T08:00:00Z", steps=steps)]
    rows = {row["stepPath"]: row for row in step_analysis_rows(records)}
    assert (rows["Main\u00b6Voltage"]["stepCount"], rows["Main\u00b6Voltage"]["min"]) == (2, 5.0)
    assert rows["Main\u00b6Lone"]["stepCount"] == 1
    (failed,) = top_failed_rows(records, CATALOG, None)
    assert (failed["failCount"], failed["totalCount"]) == (1, 2)


def test_record_from_row_falls_back_to_the_body_for_missing_columns() -> None:
    body = {"type": "T", "processCode": 100, "startUTC": "2026-03-01T08:00:00Z", "uut": {}}
    record = record_from_row({"id": "ABC", "pn": "P", "sn": "S", "result": "P", "body": body})
    assert (record.id, record.type, record.process_code) == ("abc", "T", 100)
    assert record.start_utc == datetime(2026, 3, 1, 8, tzinfo=UTC)
    unreadable = record_from_row({"id": "x", "type": "T", "process_code": 10, "body": "{oops"})
    assert unreadable.body == {}
    assert unreadable.process_name == "10"


def test_previous_period_and_trend_columns() -> None:
    window = WatsFilter(
        date_from=datetime(2026, 3, 3, tzinfo=UTC), date_to=datetime(2026, 3, 5, tzinfo=UTC)
    )
    earlier = previous_period(window, NOW)
    assert earlier is not None
    assert (earlier.date_from, earlier.date_to) == (
        datetime(2026, 3, 1, tzinfo=UTC),
        datetime(2026, 3, 3, tzinfo=UTC),
    )
    assert previous_period(WatsFilter(), NOW) is None
    now_records = [uut("A", "F", "2026-03-03T08:00:00Z"), uut("B", "P", "2026-03-04T08:00:00Z")]
    before = [uut("C", "P", "2026-03-01T08:00:00Z"), uut("D", "P", "2026-03-02T08:00:00Z")]
    columns = parse_dimensions("partNumber;unitCount;previousUnitCount;fpyTrend;unitCountTrend")
    (row,) = yield_table(now_records, columns, CATALOG, None, before)
    assert row == {
        "partNumber": "PCB-1",
        "unitCount": 2,
        "previousUnitCount": 2,
        "fpyTrend": -50.0,
        "unitCountTrend": 0,
    }
    (alone,) = yield_table(now_records, columns, CATALOG, None)
    assert (alone["previousUnitCount"], alone["fpyTrend"]) == (None, None)
    assert trend_kpis({"fpy": 80.0}, {"fpy": 60.0})["fpyTrend"] == 20.0
