"""Analytics domain (``wats.analytics``): yield, failure, measurement and repair statistics.

Most calls take a :class:`~pywats.models.analytics.WatsFilter`, for example::

    rows = await wats.analytics.get_yield(
        WatsFilter(part_number="PCB-100", dimensions="partNumber;stationName;fpy;unitCount")
    )
    for row in rows:
        print(row.part_number, row.station_name, row.fpy, row.unit_count)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from pywats.domains._analytics_support import (
    filter_body,
    measurement_path,
    normalise_measurement_paths,
    require_product_and_operation,
)
from pywats.domains._arguments import require_non_negative, stripped_text
from pywats.domains._base import AsyncDomain
from pywats.exceptions import InvalidArgumentError
from pywats.models.analytics import (
    AggregatedMeasurement,
    CommonUserSettings,
    Level,
    MeasurementSeries,
    OeeResult,
    ProductGroup,
    RelatedRepair,
    RepairStatistics,
    StepAnalysisRow,
    TopFailedStep,
    WatsFilter,
    YieldRow,
)
from pywats.models.report import ReportHeader

__all__ = ["AsyncAnalyticsDomain", "measurement_path"]

RowT = TypeVar("RowT", bound=BaseModel)


class AsyncAnalyticsDomain(AsyncDomain):
    """Statistics computed by WATS over stored reports (``/api/App/...`` endpoints)."""

    async def _post_rows(
        self,
        model: type[RowT],
        path: str,
        wats_filter: WatsFilter | None,
        params: dict[str, Any] | None = None,
    ) -> list[RowT]:
        return await self._request_list(
            model, "POST", path, json=filter_body(wats_filter), params=params, idempotent=True
        )

    async def _get_rows(self, model: type[RowT], path: str, params: dict[str, Any]) -> list[RowT]:
        # The HTTP core leaves out parameters whose value is None.
        return await self._request_list(model, "GET", path, params=params)

    @staticmethod
    def _window(days: int, product_group_id: int, level_id: int) -> dict[str, Any]:
        return {
            "days": require_non_negative(days, "days"),
            "productGroupId": product_group_id,
            "levelId": level_id,
        }

    async def get_yield(
        self, wats_filter: WatsFilter | None = None, *, dimensions: str | None = None
    ) -> list[YieldRow]:
        """Yield KPIs grouped by chosen dimensions (``POST /api/App/DynamicYield``, PREVIEW).

        ``dimensions`` (or ``wats_filter.dimensions``) lists dimensions and KPIs separated by
        ``;`` with optional ``asc``/``desc``, e.g. ``"fpy asc;partNumber;period"``. Only the
        KPIs named are returned (all of them when none is named). Server default:
        ``"unitCount desc;partNumber;testOperation"``, top 10 rows.
        """
        params = {"dimensions": dimensions} if dimensions else None
        return await self._post_rows(YieldRow, "/api/App/DynamicYield", wats_filter, params)

    async def get_dynamic_repair(
        self, wats_filter: WatsFilter | None = None, *, dimensions: str | None = None
    ) -> list[RepairStatistics]:
        """Repair counts grouped by chosen dimensions (``POST /api/App/DynamicRepair``, PREVIEW).

        Server default dimensions:
        ``"repairCount desc;repairReportCount desc;partNumber;repairOperation"``.
        """
        params = {"dimensions": dimensions} if dimensions else None
        path = "/api/App/DynamicRepair"
        return await self._post_rows(RepairStatistics, path, wats_filter, params)

    async def get_volume_yield(self, wats_filter: WatsFilter | None = None) -> list[YieldRow]:
        """Volume and yield per product (``POST /api/App/VolumeYield``)."""
        return await self._post_rows(YieldRow, "/api/App/VolumeYield", wats_filter)

    async def get_volume_yield_for_days(
        self, *, days: int, product_group_id: int, level_id: int
    ) -> list[YieldRow]:
        """Volume and yield per product over the last ``days`` (``GET /api/App/VolumeYield``)."""
        params = self._window(days, product_group_id, level_id)
        return await self._get_rows(YieldRow, "/api/App/VolumeYield", params)

    async def get_high_volume(self, wats_filter: WatsFilter | None = None) -> list[YieldRow]:
        """Yield per product, largest volume first (``POST /api/App/HighVolume``)."""
        return await self._post_rows(YieldRow, "/api/App/HighVolume", wats_filter)

    async def get_high_volume_for_days(
        self, *, days: int, product_group_id: int, level_id: int
    ) -> list[YieldRow]:
        """High-volume products over the last ``days`` (``GET /api/App/HighVolume``)."""
        params = self._window(days, product_group_id, level_id)
        return await self._get_rows(YieldRow, "/api/App/HighVolume", params)

    async def get_high_volume_by_product_group(
        self, wats_filter: WatsFilter | None = None
    ) -> list[YieldRow]:
        """Yield per product group, largest first (``POST /api/App/HighVolumeByProductGroup``)."""
        path = "/api/App/HighVolumeByProductGroup"
        return await self._post_rows(YieldRow, path, wats_filter)

    async def get_worst_yield(self, wats_filter: WatsFilter | None = None) -> list[YieldRow]:
        """Yield per product, lowest first-pass yield first (``POST /api/App/WorstYield``)."""
        return await self._post_rows(YieldRow, "/api/App/WorstYield", wats_filter)

    async def get_worst_yield_for_days(
        self, *, days: int, product_group_id: int, level_id: int
    ) -> list[YieldRow]:
        """Worst-yield products over the last ``days`` (``GET /api/App/WorstYield``)."""
        params = self._window(days, product_group_id, level_id)
        return await self._get_rows(YieldRow, "/api/App/WorstYield", params)

    async def get_worst_yield_by_product_group(
        self, wats_filter: WatsFilter | None = None
    ) -> list[YieldRow]:
        """Yield per product group, lowest first (``POST /api/App/WorstYieldByProductGroup``)."""
        path = "/api/App/WorstYieldByProductGroup"
        return await self._post_rows(YieldRow, path, wats_filter)

    async def get_levels(self) -> list[Level]:
        """List levels (site-hierarchy nodes) (``GET /api/App/Levels``)."""
        return await self._get_rows(Level, "/api/App/Levels", {})

    async def get_product_groups(self, *, include_filters: bool = False) -> list[ProductGroup]:
        """List product groups (``GET /api/App/ProductGroups``)."""
        params = {"includeFilters": "true" if include_filters else "false"}
        return await self._get_rows(ProductGroup, "/api/App/ProductGroups", params)

    async def get_top_failed(self, wats_filter: WatsFilter | None = None) -> list[TopFailedStep]:
        """Most frequently failing steps (``POST /api/App/TopFailed``)."""
        return await self._post_rows(TopFailedStep, "/api/App/TopFailed", wats_filter)

    async def get_top_failed_for_days(
        self,
        *,
        part_number: str,
        process_code: int,
        days: int,
        count: int,
        product_group_id: int,
        level_id: int,
    ) -> list[TopFailedStep]:
        """Top ``count`` failing steps of a product and process (``GET /api/App/TopFailed``)."""
        params = {
            "partNumber": stripped_text(part_number, "part_number"),
            "processCode": process_code,
            "count": require_non_negative(count, "count"),
            **self._window(days, product_group_id, level_id),
        }
        return await self._get_rows(TopFailedStep, "/api/App/TopFailed", params)

    async def get_test_step_analysis(self, wats_filter: WatsFilter) -> list[StepAnalysisRow]:
        """Per-step statistics (``POST /api/App/TestStepAnalysis``, PREVIEW).

        The filter needs ``part_number`` and ``test_operation``; ``run`` defaults to 1.
        """
        checked = require_product_and_operation(wats_filter, "TestStepAnalysis")
        return await self._post_rows(StepAnalysisRow, "/api/App/TestStepAnalysis", checked)

    async def get_measurements(
        self, wats_filter: WatsFilter, measurement_paths: str | Sequence[str]
    ) -> list[MeasurementSeries]:
        """Raw numeric values per measurement path (``POST /api/App/Measurements``, PREVIEW).

        Paths run from the root sequence, steps separated by ``¶`` (or ``/``), a measurement
        name after ``¶¶`` (or ``::``); :func:`measurement_path` builds one.
        The filter needs ``part_number`` and ``test_operation``.
        """
        checked = require_product_and_operation(wats_filter, "Measurements")
        params = {"measurementPaths": normalise_measurement_paths(measurement_paths)}
        return await self._post_rows(MeasurementSeries, "/api/App/Measurements", checked, params)

    async def get_aggregated_measurements(
        self, wats_filter: WatsFilter, measurement_paths: str | Sequence[str]
    ) -> list[AggregatedMeasurement]:
        """Measurement statistics incl. Cp/Cpk (``POST /api/App/AggregatedMeasurements``).

        Same path syntax and filter requirements as :meth:`get_measurements`.
        """
        checked = require_product_and_operation(wats_filter, "AggregatedMeasurements")
        params = {"measurementPaths": normalise_measurement_paths(measurement_paths)}
        path = "/api/App/AggregatedMeasurements"
        return await self._post_rows(AggregatedMeasurement, path, checked, params)

    async def get_oee_analysis(
        self,
        wats_filter: WatsFilter | None = None,
        *,
        available_time: float,
        min_connection_time: float | None = None,
        max_connection_time: float | None = None,
        min_execution_time: float | None = None,
        max_execution_time: float | None = None,
        target_output: int | None = None,
    ) -> OeeResult:
        """Overall equipment effectiveness (``POST /api/App/OeeAnalysis``)."""
        if available_time <= 0:
            raise InvalidArgumentError("available_time must be a positive number of seconds")
        params = {
            "availableTime": available_time,
            "minConnectionTime": min_connection_time,
            "maxConnectionTime": max_connection_time,
            "minExecutionTime": min_execution_time,
            "maxExecutionTime": max_execution_time,
            "targetOutput": target_output,
        }
        path = "/api/App/OeeAnalysis"
        query = {key: value for key, value in params.items() if value is not None}
        return await self._request_model(
            OeeResult, "POST", path, json=filter_body(wats_filter), params=query, idempotent=True
        )

    async def get_related_repair_history(
        self,
        part_number: str,
        revision: str,
        *,
        repair_operation_code: int | None = None,
        test_operation_code: int | None = None,
    ) -> list[RelatedRepair]:
        """Repaired failures of a product revision (``GET /api/App/RelatedRepairHistory``)."""
        params = {
            "partNumber": stripped_text(part_number, "part_number"),
            "revision": stripped_text(revision, "revision"),
            "repairOperationCode": repair_operation_code,
            "testOperationCode": test_operation_code,
        }
        return await self._get_rows(RelatedRepair, "/api/App/RelatedRepairHistory", params)

    async def get_serial_number_history(
        self, wats_filter: WatsFilter | None = None
    ) -> list[ReportHeader]:
        """Test and repair report headers of units (``POST /api/App/SerialNumberHistory``)."""
        return await self._post_rows(ReportHeader, "/api/App/SerialNumberHistory", wats_filter)

    async def query_uut_reports(self, wats_filter: WatsFilter | None = None) -> list[ReportHeader]:
        """Newest test-report headers matching a filter (``POST /api/App/UutReport``)."""
        return await self._post_rows(ReportHeader, "/api/App/UutReport", wats_filter)

    async def query_uur_reports(self, wats_filter: WatsFilter | None = None) -> list[ReportHeader]:
        """Newest repair-report headers matching a filter (``POST /api/App/UurReport``)."""
        return await self._post_rows(ReportHeader, "/api/App/UurReport", wats_filter)

    async def get_uut_reports(
        self,
        *,
        serial_number: str | None = None,
        part_number: str | None = None,
        revision: str | None = None,
        batch_number: str | None = None,
        station_name: str | None = None,
        test_operation: str | None = None,
        status: str | None = None,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
        product_group_id: int | None = None,
        level_id: int | None = None,
    ) -> list[ReportHeader]:
        """Newest 1000 test-report headers by simple parameters (``GET /api/App/UutReport``).

        Not meant for production-flow control (WATS' own warning).
        """
        params = {
            "serialNumber": serial_number,
            "partNumber": part_number,
            "revision": revision,
            "batchNumber": batch_number,
            "stationName": station_name,
            "testOperation": test_operation,
            "status": status,
            "dateFrom": None if date_from is None else date_from.isoformat(),
            "dateTo": None if date_to is None else date_to.isoformat(),
            "productGroupId": product_group_id,
            "levelId": level_id,
        }
        return await self._get_rows(ReportHeader, "/api/App/UutReport", params)

    async def get_common_user_settings(self, user_name: str) -> CommonUserSettings:
        """Common settings of a user (``GET /api/App/CommonUserSettings``)."""
        path = "/api/App/CommonUserSettings"
        params = {"UserName": stripped_text(user_name, "user_name")}
        return await self._request_model(CommonUserSettings, "GET", path, params=params)
