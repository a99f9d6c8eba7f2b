"""Request handlers of the analytics routes: read parameters, select reports, call the maths."""

from __future__ import annotations

import dataclasses
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from pywats_emulator.http import json_response, query_bool, query_int
from pywats_emulator.routes._analytics_data import AnalyticsData, read_filter
from pywats_emulator.routes._analytics_filter import (
    FilterError,
    UnknownEntityError,
    WatsFilter,
    parse_filter,
)
from pywats_emulator.routes._analytics_records import ReportRecord
from pywats_emulator.routes._analytics_repair import (
    DEFAULT_REPAIR_DIMENSIONS,
    REPAIR_DIMENSIONS,
    REPAIR_KPIS,
    OeeLimits,
    header_row,
    oee,
    related_repair_rows,
    repair_facts,
    repair_table,
)
from pywats_emulator.routes._analytics_steps import (
    RUN_ALL,
    aggregated_measurements,
    measurement_series,
    parse_measurement_paths,
    select_runs,
    step_analysis_rows,
    top_failed_rows,
)
from pywats_emulator.routes._analytics_yield import (
    TREND_KPIS,
    ColumnSpec,
    parse_dimensions,
    yield_list,
    yield_table,
)
from pywats_emulator.routes._params import required_int, required_str

DEFAULT_YIELD_DIMENSIONS = "unitCount desc;partNumber;testOperation"
DEFAULT_DYNAMIC_TOP = 10
DEFAULT_HEADER_TOP = 1000
_SIMPLE_QUERY_FIELDS = (
    "serialNumber",
    "partNumber",
    "revision",
    "batchNumber",
    "stationName",
    "testOperation",
    "status",
    "dateFrom",
    "dateTo",
    "productGroup",
    "level",
    "topCount",
)


def _optional_float(request: Request, name: str) -> float | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return float(raw)
    except ValueError:
        raise FilterError(f"The value '{raw}' is not valid for {name}.") from None


def _limit(rows: list[Any], count: int | None, default: int | None = None) -> list[Any]:
    count = default if count is None else count
    return rows if count is None or count <= 0 else rows[:count]


def _names_trends(columns: list[ColumnSpec]) -> bool:
    return any(column.name in TREND_KPIS for column in columns)


def _requires_product_and_operation(wats_filter: WatsFilter) -> None:
    if wats_filter.part_number is None or wats_filter.test_operation is None:
        raise FilterError("partNumber and testOperation are required in the filter.")


class AnalyticsHandlers:
    """One coroutine per analytics endpoint; each returns a JSON response."""

    def __init__(self, data: AnalyticsData) -> None:
        self._data = data

    async def _simple_window(self, request: Request) -> WatsFilter:
        """``days*``, ``productGroupId*``, ``levelId*`` (id 0 = every group / level)."""
        days = required_int(request.query_params, "days")
        group_id = required_int(request.query_params, "productGroupId")
        level_id = required_int(request.query_params, "levelId")
        catalog = self._data.catalog()
        return dataclasses.replace(
            self._data.days_window(days),
            product_group=catalog.product_group_name(group_id) if group_id else None,
            level=catalog.level_name(level_id) if level_id else None,
        )

    def _yield_list(self, wats_filter: WatsFilter, *, by_group: bool, order: str) -> Response:
        rows = yield_list(
            self._data.matching(wats_filter),
            self._data.catalog(),
            by_product_group=by_group,
            date_grouping=wats_filter.date_grouping,
            order=order,
            min_count=wats_filter.min_count,
            top_count=wats_filter.top_count,
        )
        return json_response(rows)

    async def dynamic_yield(self, request: Request) -> Response:
        """``POST /api/App/DynamicYield``."""
        wats_filter = await read_filter(request)
        text = request.query_params.get("dimensions") or wats_filter.dimensions
        columns = parse_dimensions(text or DEFAULT_YIELD_DIMENSIONS)
        records = self._data.matching(wats_filter)
        previous = self._data.previous_period(wats_filter) if _names_trends(columns) else []
        catalog = self._data.catalog()
        rows = yield_table(records, columns, catalog, wats_filter.date_grouping, previous)
        if wats_filter.min_count is not None:
            rows = [r for r in rows if r.get("unitCount", 0) >= wats_filter.min_count]
        return json_response(_limit(rows, wats_filter.top_count, DEFAULT_DYNAMIC_TOP))

    async def dynamic_repair(self, request: Request) -> Response:
        """``POST /api/App/DynamicRepair``."""
        wats_filter = await read_filter(request)
        text = request.query_params.get("dimensions") or wats_filter.dimensions
        columns = parse_dimensions(
            text or DEFAULT_REPAIR_DIMENSIONS, tuple(REPAIR_DIMENSIONS), REPAIR_KPIS
        )
        facts = repair_facts(self._data.matching(wats_filter), self._uuts_by_id())
        rows = repair_table(facts, columns, self._data.catalog(), wats_filter.date_grouping)
        return json_response(_limit(rows, wats_filter.top_count))

    def _uuts_by_id(self) -> dict[str, ReportRecord]:
        return {r.id: r for r in self._data.all_records() if r.is_uut}

    async def volume_yield(self, request: Request) -> Response:
        """``POST /api/App/VolumeYield``."""
        return self._yield_list(await read_filter(request), by_group=False, order="product")

    async def volume_yield_days(self, request: Request) -> Response:
        """``GET /api/App/VolumeYield``."""
        return self._yield_list(await self._simple_window(request), by_group=False, order="product")

    async def high_volume(self, request: Request) -> Response:
        """``POST /api/App/HighVolume``."""
        return self._yield_list(await read_filter(request), by_group=False, order="volume")

    async def high_volume_days(self, request: Request) -> Response:
        """``GET /api/App/HighVolume``."""
        return self._yield_list(await self._simple_window(request), by_group=False, order="volume")

    async def high_volume_by_group(self, request: Request) -> Response:
        """``POST /api/App/HighVolumeByProductGroup``."""
        return self._yield_list(await read_filter(request), by_group=True, order="volume")

    async def worst_yield(self, request: Request) -> Response:
        """``POST /api/App/WorstYield``."""
        return self._yield_list(await read_filter(request), by_group=False, order="worst")

    async def worst_yield_days(self, request: Request) -> Response:
        """``GET /api/App/WorstYield``."""
        return self._yield_list(await self._simple_window(request), by_group=False, order="worst")

    async def worst_yield_by_group(self, request: Request) -> Response:
        """``POST /api/App/WorstYieldByProductGroup``."""
        return self._yield_list(await read_filter(request), by_group=True, order="worst")

    async def levels(self, request: Request) -> Response:
        """``GET /api/App/Levels``."""
        levels = self._data.catalog().levels
        return json_response([{"levelId": i, "levelName": name} for i, name, _ in levels])

    async def product_groups(self, request: Request) -> Response:
        """``GET /api/App/ProductGroups`` (``includeFilters`` adds the part-number patterns)."""
        include = query_bool(request, "includeFilters", False)
        rows = []
        for group_id, name, patterns in self._data.catalog().product_groups:
            row: dict[str, Any] = {"productGroupId": group_id, "productGroupName": name}
            if include:
                row["filters"] = [{"partNumber": pattern} for pattern in patterns]
            rows.append(row)
        return json_response(rows)

    async def top_failed(self, request: Request) -> Response:
        """``POST /api/App/TopFailed``."""
        wats_filter = await read_filter(request)
        records = self._data.matching(wats_filter)
        rows = top_failed_rows(records, self._data.catalog(), wats_filter.top_count)
        return json_response(rows)

    async def top_failed_days(self, request: Request) -> Response:
        """``GET /api/App/TopFailed`` (all six query parameters required)."""
        part_number = required_str(request.query_params, "partNumber").strip()
        process_code = required_int(request.query_params, "processCode")
        count = required_int(request.query_params, "count")
        window = dataclasses.replace(
            await self._simple_window(request),
            part_number=part_number,
            test_operation=str(process_code),
        )
        records = self._data.matching(window)
        return json_response(top_failed_rows(records, self._data.catalog(), count))

    async def test_step_analysis(self, request: Request) -> Response:
        """``POST /api/App/TestStepAnalysis`` (partNumber and testOperation required)."""
        wats_filter = await read_filter(request)
        _requires_product_and_operation(wats_filter)
        records = select_runs(self._data.matching(wats_filter), wats_filter.run)
        return json_response(_limit(step_analysis_rows(records), wats_filter.max_count))

    async def measurements(self, request: Request) -> Response:
        """``POST /api/App/Measurements``: raw values per requested measurement path."""
        wats_filter, paths = await self._measurement_request(request)
        records = select_runs(self._data.matching(wats_filter), wats_filter.run or RUN_ALL)
        return json_response(measurement_series(records, paths, wats_filter.max_count))

    async def aggregated_measurements(self, request: Request) -> Response:
        """``POST /api/App/AggregatedMeasurements``: statistics per measurement path."""
        wats_filter, paths = await self._measurement_request(request)
        records = select_runs(self._data.matching(wats_filter), wats_filter.run or RUN_ALL)
        return json_response(aggregated_measurements(records, paths))

    async def _measurement_request(self, request: Request) -> tuple[WatsFilter, list[Any]]:
        wats_filter = await read_filter(request)
        _requires_product_and_operation(wats_filter)
        text = request.query_params.get("measurementPaths") or wats_filter.measurement_paths
        return wats_filter, parse_measurement_paths(text)

    async def oee_analysis(self, request: Request) -> Response:
        """``POST /api/App/OeeAnalysis`` (``availableTime`` in seconds, required)."""
        available = _optional_float(request, "availableTime")
        if available is None or available <= 0:
            raise FilterError("The query parameter 'availableTime' must be a positive number.")
        # Connection times are accepted for compatibility; the emulator has no connection log.
        _optional_float(request, "minConnectionTime")
        _optional_float(request, "maxConnectionTime")
        limits = OeeLimits(
            available_time=available,
            min_execution_time=_optional_float(request, "minExecutionTime"),
            max_execution_time=_optional_float(request, "maxExecutionTime"),
            target_output=query_int(request, "targetOutput"),
        )
        wats_filter = await read_filter(request)
        result = oee(self._data.matching(wats_filter), limits)
        result["partNumber"] = wats_filter.part_number
        result["stationName"] = wats_filter.station_name
        return json_response(result)

    async def related_repair_history(self, request: Request) -> Response:
        """``GET /api/App/RelatedRepairHistory`` (partNumber and revision required)."""
        part_number = required_str(request.query_params, "partNumber").strip().lower()
        revision = required_str(request.query_params, "revision").strip().lower()
        repair_code = query_int(request, "repairOperationCode")
        test_code = query_int(request, "testOperationCode")
        records = [
            r
            for r in self._data.all_records()
            if not r.is_uut
            and r.pn.lower() == part_number
            and r.rev.lower() == revision
            and repair_code in (None, r.process_code)
            and test_code in (None, r.uur.get("processCode"))
        ]
        facts = repair_facts(records, self._uuts_by_id())
        return json_response(related_repair_rows(facts))

    async def serial_number_history(self, request: Request) -> Response:
        """``POST /api/App/SerialNumberHistory``: test and repair headers, oldest first."""
        wats_filter = await read_filter(request)
        records = sorted(self._data.matching(wats_filter), key=lambda r: (r.start_utc, r.id))
        return json_response(_limit([header_row(r) for r in records], wats_filter.top_count))

    def _headers(self, wats_filter: WatsFilter, *, uut: bool) -> Response:
        records = [r for r in self._data.matching(wats_filter) if r.is_uut == uut]
        records.sort(key=lambda r: (r.start_utc, r.id), reverse=True)
        rows = [header_row(r) for r in records]
        return json_response(_limit(rows, wats_filter.top_count, DEFAULT_HEADER_TOP))

    async def uut_report(self, request: Request) -> Response:
        """``POST /api/App/UutReport``: newest test-report headers (default 1000)."""
        return self._headers(await read_filter(request), uut=True)

    async def uur_report(self, request: Request) -> Response:
        """``POST /api/App/UurReport``: newest repair-report headers (default 1000)."""
        return self._headers(await read_filter(request), uut=False)

    async def uut_report_query(self, request: Request) -> Response:
        """``GET /api/App/UutReport`` with simple query parameters."""
        params = request.query_params
        body: dict[str, Any] = {
            name: params[name] for name in _SIMPLE_QUERY_FIELDS if name in params
        }
        catalog = self._data.catalog()
        group_id, level_id = query_int(request, "productGroupId"), query_int(request, "levelId")
        if group_id:
            body["productGroup"] = catalog.product_group_name(group_id)
        if level_id:
            body["level"] = catalog.level_name(level_id)
        return self._headers(parse_filter(body), uut=True)

    async def common_user_settings(self, request: Request) -> Response:
        """``GET /api/App/CommonUserSettings?UserName=...``."""
        params = request.query_params
        user_name = (params.get("UserName") or params.get("userName") or "").strip()
        if not user_name:
            raise FilterError("The query parameter 'UserName' is required.")
        settings = self._data.user_settings(user_name)
        if settings is None:
            raise UnknownEntityError(f"User '{user_name}' not found.")
        return json_response(settings)
