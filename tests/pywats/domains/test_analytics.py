"""AsyncAnalyticsDomain against the real emulator over HTTP, on reports built and submitted here.

Data set (``PCB-100`` rev ``A``, process 50 "PCBA test", Oslo; voltage limits 4.5…5.5 V):
U1 passes first time; U2 fails (6.0 V) then passes (5.1 V); U3 fails (4.0 V) and is repaired;
``MOD-7`` rev ``B`` unit M1 passes process 100 in Bergen.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from pywats.client import WATS, AsyncWATS
from pywats.domains._analytics_support import normalise_measurement_paths
from pywats.domains._parsing import parse_list
from pywats.domains.analytics import measurement_path
from pywats.exceptions import (
    AuthenticationError,
    BadRequestError,
    InvalidArgumentError,
    NotFoundError,
    UnexpectedResponseError,
)
from pywats.models.analytics import DateGrouping, WatsFilter, YieldRow
from pywats.report.builder import UUTBuilder
from pywats_emulator.testing import EmulatorHandle

CLOCK = datetime(2026, 3, 10, tzinfo=UTC)
VOLTAGE = measurement_path("MainSequence Callback", "Power", "Voltage")
PCBA = WatsFilter(part_number="PCB-100", test_operation="PCBA test")


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def board(
    sn: str,
    voltage: float,
    start: datetime,
    *,
    pn: str = "PCB-100",
    rev: str = "A",
    process: int = 50,
    station: str = "ST-1",
    location: str = "Oslo",
) -> UUTBuilder:
    builder = UUTBuilder(
        pn=pn,
        sn=sn,
        rev=rev,
        process_code=process,
        station=station,
        location=location,
        purpose="Production",
        start=start,
        operator="ola",
        exec_time=60.0,
        batch_sn="LOT-1",
    )
    with builder.sequence("Power") as power:
        power.numeric("Voltage", voltage, low=4.5, high=5.5, comp_op="GELE", unit="V")
    return builder


def repair_of(sn: str, uut_id: str, start: datetime) -> str:
    when = start.isoformat()
    return json.dumps(
        {
            "type": "R",
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"repair/{sn}")),
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
                "refUUT": uut_id,
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
                    ],
                }
            ],
        }
    )


@pytest.fixture
async def wats(emulator: EmulatorHandle) -> AsyncIterator[AsyncWATS]:
    emulator.set_clock(lambda: CLOCK)
    async with AsyncWATS(base_url=emulator.base_url, token=emulator.token, retries=0) as client:
        yield client


@pytest.fixture
async def ids(wats: AsyncWATS) -> dict[str, str]:
    """Submit the data set through the library; return report ids by name."""
    builders = {
        "U1": board("U1", 5.0, at(2, 8)),
        "U2a": board("U2", 6.0, at(2, 9)),
        "U2b": board("U2", 5.1, at(2, 10)),
        "U3": board("U3", 4.0, at(3, 8), station="ST-2"),
        "M1": board("M1", 5.0, at(4, 8), pn="MOD-7", rev="B", process=100, location="Bergen"),
    }
    result = {}
    for name, builder in builders.items():
        report = builder.build()
        await wats.report.submit(report)
        result[name] = str(report.id)
    await wats.report.submit_wsjf(repair_of("U3", result["U3"], at(5, 8)))
    result["R3"] = str(uuid.uuid5(uuid.NAMESPACE_URL, "repair/U3"))
    return result


async def test_get_yield_returns_typed_rows_with_exact_kpis(
    wats: AsyncWATS, ids: dict[str, str]
) -> None:
    rows = await wats.analytics.get_yield(
        WatsFilter(part_number="PCB-100"),
        dimensions="partNumber;testOperation",
    )
    assert len(rows) == 1
    row = rows[0]
    assert isinstance(row, YieldRow)
    assert (row.part_number, row.test_operation) == ("PCB-100", "PCBA test")
    assert (row.unit_count, row.fp_count, row.sp_count, row.lp_count) == (3, 1, 2, 2)
    assert row.fpy == pytest.approx(100 / 3)
    assert row.spy == pytest.approx(200 / 3)
    assert (row.test_report_count, row.test_yield_count, row.retest_count) == (4, 2, 1)
    assert row.first_utc == at(2, 8)
    assert row.last_utc == at(3, 8)


async def test_get_yield_by_station_and_day(wats: AsyncWATS, ids: dict[str, str]) -> None:
    wats_filter = WatsFilter(
        product_group="PCBA", date_grouping=DateGrouping.DAY, dimensions="stationName asc;period"
    )
    rows = await wats.analytics.get_yield(wats_filter)
    assert [(r.station_name, r.period, r.unit_count, r.fpy) for r in rows] == [
        ("ST-1", "2026-03-02", 2, 50.0),
        ("ST-2", "2026-03-03", 1, 0.0),
    ]
    since = await wats.analytics.get_yield(WatsFilter(date_from=at(3, 0)), dimensions="partNumber")
    assert sorted((r.part_number, r.unit_count) for r in since) == [("MOD-7", 1), ("PCB-100", 1)]


async def test_get_yield_trend_columns(wats: AsyncWATS, ids: dict[str, str]) -> None:
    window = WatsFilter(part_number="PCB-100", date_from=at(3, 0), date_to=at(5, 0))
    (row,) = await wats.analytics.get_yield(
        window, dimensions="partNumber;fpy;previousUnitCount;fpyTrend;unitCountTrend"
    )
    # 03-03..03-05: U3 failed (fpy 0); 03-01..03-03: U1 passed, U2 failed first (fpy 50)
    assert (row.fpy, row.previous_unit_count, row.fpy_trend, row.unit_count_trend) == (
        0.0,
        2,
        -50.0,
        -1,
    )


async def test_yield_errors_map_to_bad_request(wats: AsyncWATS, ids: dict[str, str]) -> None:
    with pytest.raises(BadRequestError, match="colour"):
        await wats.analytics.get_yield(dimensions="colour")


async def test_yield_lists(wats: AsyncWATS, ids: dict[str, str]) -> None:
    volume = await wats.analytics.get_volume_yield()
    assert [(r.part_number, r.unit_count) for r in volume] == [("MOD-7", 1), ("PCB-100", 3)]
    high = await wats.analytics.get_high_volume(WatsFilter(top_count=1))
    assert [r.part_number for r in high] == ["PCB-100"]
    worst = await wats.analytics.get_worst_yield()
    assert [r.part_number for r in worst] == ["PCB-100", "MOD-7"]
    groups = await wats.analytics.get_high_volume_by_product_group()
    assert [(r.product_group, r.unit_count) for r in groups] == [("PCBA", 3), ("Modules", 1)]
    worst_groups = await wats.analytics.get_worst_yield_by_product_group(WatsFilter(level="USA"))
    assert worst_groups == []


async def test_yield_lists_for_days(wats: AsyncWATS, ids: dict[str, str]) -> None:
    # emulator clock 2026-03-10: the last 7 days hold U3 and M1
    volume = await wats.analytics.get_volume_yield_for_days(days=7, product_group_id=0, level_id=0)
    assert [(r.part_number, r.fp_count) for r in volume] == [("MOD-7", 1), ("PCB-100", 0)]
    high = await wats.analytics.get_high_volume_for_days(days=30, product_group_id=1, level_id=1)
    assert [(r.part_number, r.unit_count) for r in high] == [("PCB-100", 3)]
    worst = await wats.analytics.get_worst_yield_for_days(days=30, product_group_id=0, level_id=2)
    assert worst == []
    with pytest.raises(NotFoundError):
        await wats.analytics.get_worst_yield_for_days(days=7, product_group_id=77, level_id=0)
    with pytest.raises(InvalidArgumentError):
        await wats.analytics.get_volume_yield_for_days(days=-1, product_group_id=0, level_id=0)


async def test_levels_product_groups_and_user_settings(wats: AsyncWATS) -> None:
    levels = await wats.analytics.get_levels()
    assert [(level.level_id, level.level_name) for level in levels][:2] == [
        (1, "Norway"),
        (2, "USA"),
    ]
    plain = await wats.analytics.get_product_groups()
    assert plain[0].product_group_name == "PCBA"
    assert plain[0].filters is None
    detailed = await wats.analytics.get_product_groups(include_filters=True)
    assert [f.part_number for f in detailed[1].filters or []] == ["MOD-*", "*MODULE*"]
    admin = await wats.analytics.get_common_user_settings("admin")
    assert (admin.full_name, admin.roles) == ("Site Administrator", ["Administrator"])
    with pytest.raises(NotFoundError):
        await wats.analytics.get_common_user_settings("ghost")
    with pytest.raises(InvalidArgumentError):
        await wats.analytics.get_common_user_settings("  ")


async def test_top_failed(wats: AsyncWATS, ids: dict[str, str]) -> None:
    (top,) = await wats.analytics.get_top_failed(WatsFilter(part_number="PCB-100"))
    assert (top.step_name, top.step_path) == ("Voltage", VOLTAGE)
    assert (top.fail_count, top.total_count, top.fail_rate) == (2, 4, 50.0)
    assert top.first_fail_date == at(2, 9)
    recent = await wats.analytics.get_top_failed_for_days(
        part_number="PCB-100", process_code=50, days=7, count=3, product_group_id=0, level_id=0
    )
    assert [(r.fail_count, r.last_fail_date) for r in recent] == [(1, at(3, 8))]
    with pytest.raises(InvalidArgumentError):
        await wats.analytics.get_top_failed_for_days(
            part_number=" ", process_code=50, days=7, count=3, product_group_id=0, level_id=0
        )


async def test_test_step_analysis(wats: AsyncWATS, ids: dict[str, str]) -> None:
    rows = {r.step_path: r for r in await wats.analytics.get_test_step_analysis(PCBA)}
    first = rows[VOLTAGE]
    assert (first.step_count, first.step_passed_count, first.step_failed_count) == (3, 1, 2)
    assert (first.min, first.max) == (4.0, 6.0)
    assert first.avg == pytest.approx(5.0)
    assert (first.limit1, first.limit2, first.comp_operator) == (4.5, 5.5, "GELE")
    last = {
        r.step_path: r
        for r in await wats.analytics.get_test_step_analysis(PCBA.model_copy(update={"run": -1}))
    }
    assert (last[VOLTAGE].step_count, last[VOLTAGE].step_passed_count) == (3, 2)
    with pytest.raises(InvalidArgumentError):
        await wats.analytics.get_test_step_analysis(WatsFilter(part_number="PCB-100"))


async def test_measurements_and_aggregates(wats: AsyncWATS, ids: dict[str, str]) -> None:
    (series,) = await wats.analytics.get_measurements(PCBA, VOLTAGE)
    assert series.measurement_path == VOLTAGE
    assert [(m.serial_number, m.value, m.status) for m in series.measurements] == [
        ("U1", 5.0, "Passed"),
        ("U2", 6.0, "Failed"),
        ("U2", 5.1, "Passed"),
        ("U3", 4.0, "Failed"),
    ]
    assert series.measurements[0].report_id == ids["U1"]
    (stats,) = await wats.analytics.get_aggregated_measurements(
        PCBA, ["MainSequence Callback/Power/Voltage"]
    )
    assert (stats.count, stats.min, stats.max) == (4, 4.0, 6.0)
    assert stats.avg == pytest.approx(5.025)
    assert (stats.limit_low, stats.limit_high, stats.unit) == (4.5, 5.5, "V")
    with pytest.raises(InvalidArgumentError):
        await wats.analytics.get_measurements(PCBA, [" "])
    with pytest.raises(InvalidArgumentError):
        await wats.analytics.get_aggregated_measurements(WatsFilter(), VOLTAGE)


async def test_oee_analysis(wats: AsyncWATS, ids: dict[str, str]) -> None:
    result = await wats.analytics.get_oee_analysis(
        WatsFilter(part_number="PCB-100"), available_time=480, target_output=16
    )
    # 4 runs × 60 s = 240 s of 480 s; ideal cycle 480/16 = 30 s → 4 × 30 / 240; 2 of 4 good
    assert (result.availability, result.performance, result.quality) == (50.0, 50.0, 50.0)
    assert result.oee == 12.5
    assert (result.total_count, result.good_count, result.reject_count) == (4, 2, 2)
    with pytest.raises(InvalidArgumentError):
        await wats.analytics.get_oee_analysis(available_time=0)


async def test_repairs(wats: AsyncWATS, ids: dict[str, str]) -> None:
    (stats,) = await wats.analytics.get_dynamic_repair()
    assert (stats.part_number, stats.repair_operation) == ("PCB-100", "Repair")
    assert (stats.repair_count, stats.repair_report_count) == (1, 1)
    by_code = await wats.analytics.get_dynamic_repair(dimensions="repairCode;componentRef")
    assert [(r.repair_code, r.component_ref) for r in by_code] == [("Burned Component", "U7")]
    (history,) = await wats.analytics.get_related_repair_history("PCB-100", "A")
    assert (history.serial_number, history.referenced_uut) == ("U3", ids["U3"])
    assert (history.test_operation_code, history.fail_category) == (50, "Component")
    none = await wats.analytics.get_related_repair_history(
        "PCB-100", "A", repair_operation_code=510
    )
    assert none == []
    with pytest.raises(InvalidArgumentError):
        await wats.analytics.get_related_repair_history("", "A")


async def test_report_headers(wats: AsyncWATS, ids: dict[str, str]) -> None:
    history = await wats.analytics.get_serial_number_history(WatsFilter(serial_number="U3"))
    assert [(str(h.uuid), h.report_type) for h in history] == [(ids["U3"], "T"), (ids["R3"], "R")]
    failed = await wats.analytics.query_uut_reports(WatsFilter(status="Failed"))
    assert [str(h.uuid) for h in failed] == [ids["U3"], ids["U2a"]]
    assert failed[0].process_name == "PCBA test"
    repairs = await wats.analytics.query_uur_reports()
    assert [str(h.referenced_uut) for h in repairs] == [ids["U3"]]
    simple = await wats.analytics.get_uut_reports(
        serial_number="U2",
        date_from=at(
            2,
            9,
        ),
    )
    assert [str(h.uuid) for h in simple] == [ids["U2b"], ids["U2a"]]
    modules = await wats.analytics.get_uut_reports(product_group_id=2)
    assert [h.serial_number for h in modules] == ["M1"]
    with pytest.raises(NotFoundError):
        await wats.analytics.get_uut_reports(level_id=99)


async def test_wrong_token_raises_authentication_error(emulator: EmulatorHandle) -> None:
    async with AsyncWATS(base_url=emulator.base_url, token="d3Jvbmc6dG9rZW4=", retries=0) as bad:
        with pytest.raises(AuthenticationError):
            await bad.analytics.get_levels()


def test_measurement_path_helpers() -> None:
    assert measurement_path("Main", "Rails", measurement="5V") == "Main\u00b6Rails\u00b6\u00b65V"
    assert normalise_measurement_paths(["A/B", "A/C::m;A\u00b6D"]) == (
        "A\u00b6B;A\u00b6C\u00b6\u00b6m;A\u00b6D"
    )
    with pytest.raises(InvalidArgumentError):
        measurement_path()
    with pytest.raises(InvalidArgumentError):
        measurement_path("Main", " ")


def test_filter_wire_form_uses_wats_names() -> None:
    wats_filter = WatsFilter(
        part_number="PCB-100",
        yield_=1,
        date_grouping=DateGrouping.MONTH,
        date_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert wats_filter.to_wire() == {
        "partNumber": "PCB-100",
        "yield": 1,
        "dateGrouping": 2,
        "dateFrom": "2026-01-01T00:00:00Z",
    }


def test_parse_list_rejects_malformed_answers() -> None:
    assert parse_list(YieldRow, None, "POST", "/p") == []
    bad: list[Any] = [{"unitCount": "many"}]
    with pytest.raises(UnexpectedResponseError):
        parse_list(YieldRow, bad, "POST", "/p")
    with pytest.raises(UnexpectedResponseError):
        parse_list(YieldRow, {"not": "a list"}, "POST", "/p")
    with pytest.raises(UnexpectedResponseError):
        parse_list(YieldRow, ["text"], "POST", "/p")


def test_sync_twin_queries_yield(emulator: EmulatorHandle) -> None:
    with WATS(base_url=emulator.base_url, token=emulator.token, retries=0) as wats:
        for sn, voltage in (("S1", 5.0), ("S2", 6.0)):
            wats.report.submit(board(sn, voltage, at(2, 8)).build())
        (row,) = wats.analytics.get_yield(
            WatsFilter(part_number="PCB-100"), dimensions="partNumber;fpy;unitCount"
        )
        assert (row.part_number, row.fpy, row.unit_count) == ("PCB-100", 50.0, 2)
