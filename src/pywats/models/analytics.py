"""Pydantic models for the analytics domain (``/api/App/...``).

The filter (:class:`WatsFilter`) is the body of every ``POST /api/App/...`` statistics call.
Row models name the fields documented for each endpoint; since WATS returns only the
dimensions and KPIs asked for, every field is optional and unknown fields are kept
(``row.model_extra``).
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum

from pydantic import Field

from pywats.models._base import ApiModel

__all__ = [
    "AggregatedMeasurement",
    "CommonUserSettings",
    "DateGrouping",
    "Level",
    "MeasurementSeries",
    "MeasurementValue",
    "OeeResult",
    "ProductGroup",
    "ProductGroupFilter",
    "RelatedRepair",
    "RepairStatistics",
    "StepAnalysisRow",
    "TopFailedStep",
    "WatsFilter",
    "YieldRow",
]


class DateGrouping(IntEnum):
    """Period size of ``dateGrouping`` (pywats' mapping; not confirmed by the server docs)."""

    NONE = -1
    YEAR = 0
    QUARTER = 1
    MONTH = 2
    WEEK = 3
    DAY = 4
    HOUR = 5


class WatsFilter(ApiModel):
    """The WATS filter (``PublicWatsFilter``); unset fields are not sent.

    Text fields accept ``*``/``%`` wildcards and ``;``-separated alternatives. ``status`` uses
    words (``Passed``, ``Failed``, ``Error``, ``Terminated``). ``dimensions`` is a
    ``;``-separated list of dimensions and KPIs, each optionally followed by ``asc``/``desc``.
    ``run`` picks the run per unit: 1, 2, 3…, -1 last, -2 all.
    """

    serial_number: str | None = None
    part_number: str | None = None
    revision: str | None = None
    batch_number: str | None = None
    station_name: str | None = None
    test_operation: str | None = None
    status: str | None = None
    yield_: int | None = Field(default=None, alias="yield")
    misc_description: str | None = None
    misc_value: str | None = None
    product_group: str | None = None
    level: str | None = None
    sw_filename: str | None = None
    sw_version: str | None = None
    socket: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    date_grouping: DateGrouping | None = None
    period_count: int | None = None
    include_current_period: bool | None = None
    max_count: int | None = None
    min_count: int | None = None
    top_count: int | None = None
    dimensions: str | None = None
    run: int | None = None


class YieldRow(ApiModel):
    """One yield row: the requested dimensions plus yield KPIs (percentages 0–100).

    ``*_trend`` = this period's value minus the previous equally long period's value.
    """

    part_number: str | None = None
    revision: str | None = None
    product_name: str | None = None
    product_group: str | None = None
    station_name: str | None = None
    location: str | None = None
    purpose: str | None = None
    test_operation: str | None = None
    process_code: int | None = None
    period: str | None = None
    batch_number: str | None = None
    operator: str | None = None
    unit_count: int | None = None
    fp_count: int | None = None
    sp_count: int | None = None
    tp_count: int | None = None
    lp_count: int | None = None
    fpy: float | None = None
    spy: float | None = None
    tpy: float | None = None
    lpy: float | None = None
    test_yield_count: int | None = None
    test_report_count: int | None = None
    test_yield: float | None = None
    first_utc: datetime | None = None
    last_utc: datetime | None = None
    fp_fail_count: int | None = None
    sp_fail_count: int | None = None
    tp_fail_count: int | None = None
    lp_fail_count: int | None = None
    retest_count: int | None = None
    ppm_fpy: float | None = None
    ppm_spy: float | None = None
    ppm_tpy: float | None = None
    ppm_lpy: float | None = None
    ppm_test_yield: float | None = None
    previous_unit_count: int | None = None
    previous_test_report_count: int | None = None
    unit_count_trend: int | None = None
    fpy_trend: float | None = None
    spy_trend: float | None = None
    tpy_trend: float | None = None
    lpy_trend: float | None = None
    test_yield_trend: float | None = None


class RepairStatistics(ApiModel):
    """One ``DynamicRepair`` row: the requested dimensions plus repair counts."""

    part_number: str | None = None
    revision: str | None = None
    product_name: str | None = None
    product_group: str | None = None
    repair_operation: str | None = None
    test_operation: str | None = None
    period: str | None = None
    repair_code: str | None = None
    repair_category: str | None = None
    component_ref: str | None = None
    repair_report_count: int | None = None
    repair_count: int | None = None


class TopFailedStep(ApiModel):
    """A step that failed most often for a product (``TopFailed``)."""

    step_name: str | None = None
    step_path: str | None = None
    step_type: str | None = None
    step_group: str | None = None
    part_number: str | None = None
    revision: str | None = None
    product_group: str | None = None
    fail_count: int | None = None
    total_count: int | None = None
    fail_rate: float | None = None
    first_fail_date: datetime | None = None
    last_fail_date: datetime | None = None


class StepAnalysisRow(ApiModel):
    """Per-step (and per numeric measurement) statistics of ``TestStepAnalysis``."""

    step_name: str | None = None
    step_path: str | None = None
    step_type: str | None = None
    step_group: str | None = None
    step_count: int | None = None
    step_passed_count: int | None = None
    step_done_count: int | None = None
    step_skipped_count: int | None = None
    step_failed_count: int | None = None
    step_error_count: int | None = None
    step_terminated_count: int | None = None
    step_other_count: int | None = None
    step_caused_uut_failed: int | None = None
    step_time_avg: float | None = None
    step_time_max: float | None = None
    step_time_min: float | None = None
    measure_name: str | None = None
    measure_count: int | None = None
    limit1: float | None = None
    limit2: float | None = None
    comp_operator: str | None = None
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    avg: float | None = None
    stdev: float | None = None
    var: float | None = None
    cpk: float | None = None
    cp: float | None = None
    cp_lower: float | None = None
    cp_upper: float | None = None
    sigma_high3: float | None = None
    sigma_low3: float | None = None


class MeasurementValue(ApiModel):
    """One numeric measurement value of one report (``Measurements``)."""

    serial_number: str | None = None
    part_number: str | None = None
    revision: str | None = None
    report_id: str | None = None
    step_name: str | None = None
    step_path: str | None = None
    measure_name: str | None = None
    value: float | None = None
    limit_low: float | None = None
    limit_high: float | None = None
    comp_operator: str | None = None
    unit: str | None = None
    status: str | None = None
    start_utc: datetime | None = None


class MeasurementSeries(ApiModel):
    """The values found for one requested measurement path."""

    measurement_path: str | None = None
    measurements: list[MeasurementValue] = Field(default_factory=list)


class AggregatedMeasurement(ApiModel):
    """Statistics of one measurement path for one product (``AggregatedMeasurements``)."""

    measurement_path: str | None = None
    step_name: str | None = None
    step_path: str | None = None
    measure_name: str | None = None
    part_number: str | None = None
    revision: str | None = None
    count: int | None = None
    min: float | None = None
    max: float | None = None
    avg: float | None = None
    stdev: float | None = None
    var: float | None = None
    limit_low: float | None = None
    limit_high: float | None = None
    cpk: float | None = None
    cp: float | None = None
    cp_lower: float | None = None
    cp_upper: float | None = None
    unit: str | None = None


class OeeResult(ApiModel):
    """Overall equipment effectiveness (percentages 0–100, times in seconds)."""

    oee: float | None = None
    availability: float | None = None
    performance: float | None = None
    quality: float | None = None
    total_time: float | None = None
    run_time: float | None = None
    down_time: float | None = None
    planned_production_time: float | None = None
    total_count: int | None = None
    good_count: int | None = None
    reject_count: int | None = None
    ideal_cycle_time: float | None = None
    actual_cycle_time: float | None = None
    period: str | None = None
    part_number: str | None = None
    station_name: str | None = None


class RelatedRepair(ApiModel):
    """One repaired failure of a product (``RelatedRepairHistory``)."""

    repair_report_id: str | None = None
    serial_number: str | None = None
    part_number: str | None = None
    revision: str | None = None
    repair_operation_code: int | None = None
    repair_operation: str | None = None
    test_operation_code: int | None = None
    test_operation: str | None = None
    referenced_uut: str | None = None
    repair_date: datetime | None = None
    operator: str | None = None
    fail_category: str | None = None
    fail_code: str | None = None
    component_ref: str | None = None
    function_block: str | None = None
    referenced_step: str | None = None
    comment: str | None = None


class Level(ApiModel):
    """A level (site-hierarchy node / client group)."""

    level_id: int
    level_name: str | None = None


class ProductGroupFilter(ApiModel):
    """A part-number pattern that puts products into a product group."""

    part_number: str | None = None
    revision: str | None = None
    exclude: bool | None = None


class ProductGroup(ApiModel):
    """A product group; ``filters`` only when asked for with ``include_filters``."""

    product_group_id: int
    product_group_name: str | None = None
    filters: list[ProductGroupFilter] | None = None


class CommonUserSettings(ApiModel):
    """Common settings of a named user (``CommonUserSettings``)."""

    user_name: str | None = None
    full_name: str | None = None
    culture_code: str | None = None
    email: str | None = None
    roles: list[str] = Field(default_factory=list)
    levels: list[str] = Field(default_factory=list)
    product_groups: list[str] = Field(default_factory=list)
