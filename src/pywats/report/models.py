"""WSJF report models: the UUT and UUR reports and their header objects (§2–§3).

Attribute names are snake_case; the wire names are the WSJF camelCase aliases (including
the irregular ``startUTC``, ``batchSN``, ``refUUT``, ``refUURs``, ``assetSN``,
``stepIdCausedUUTFailure``). Every field is optional at the model level so that any
server export can be read; :func:`pywats.report.validate` says what a submit needs.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from pywats.report._base import WsjfModel
from pywats.report._timestamp import WatsTimestamp
from pywats.report.steps import AdditionalData, Step


class MiscInfo(WsjfModel):
    """A free key/value header item (``miscInfos[]``)."""

    description: str | None = None
    text: str | None = None
    numeric: int | None = None
    numeric_format: str | None = None
    typedef: str | None = None
    id: str | None = None


class BinaryData(WsjfModel):
    """A file: report-level ``binaryData[]`` (UUR) or ``failures[].attachments[]``."""

    name: str | None = None
    content_type: str | None = None
    data: str | None = None
    id: str | None = None


class Failure(WsjfModel):
    """A failure found on a unit of a repair report."""

    category: str | None = None
    code: str | None = None
    comment: str | None = None
    com_ref: str | None = None
    func_block: str | None = None
    ref_step_id: int | None = None
    ref_step_name: str | None = None
    art_number: str | None = None
    art_rev: str | None = None
    art_vendor: str | None = None
    art_description: str | None = None
    attachments: list[BinaryData] | None = None


class SubUnit(WsjfModel):
    """A sub-assembly (UUT) or a unit of the repair hierarchy (UUR, ``idx`` 0 = main)."""

    part_type: str | None = None
    pn: str | None = None
    sn: str | None = None
    rev: str | None = None
    idx: int | None = None
    parent_idx: int | None = None
    position: int | None = None
    replaced_idx: int | None = None
    failures: list[Failure] | None = None


class Asset(WsjfModel):
    """Test equipment used by the run."""

    asset_sn: str | None = Field(default=None, alias="assetSN")
    usage_count: int | None = None
    usage_count_format: str | None = None


class AssetStats(WsjfModel):
    """Calibration/usage state of an asset (server output)."""

    asset_sn: str | None = Field(default=None, alias="assetSN")
    running_count: int | None = None
    running_count_exceeded: int | None = None
    total_count: int | None = None
    total_count_exceeded: int | None = None
    days_since_calibration: float | None = None
    is_days_since_calibration_unknown: bool | None = None
    calibration_days_overdue: float | None = None
    days_since_maintenance: float | None = None
    is_days_since_maintenance_unknown: bool | None = None
    maintenance_days_overdue: float | None = None
    message: str | None = None


class UURReference(WsjfModel):
    """A repair report that references a test report (``uut.refUURs[]``, output)."""

    id: str | None = None
    start: WatsTimestamp | None = None


class UUTInfo(WsjfModel):
    """The ``uut`` header extension of a test report."""

    user: str | None = None
    comment: str | None = None
    exec_time: float | None = None
    exec_time_format: str | None = None
    test_socket_index: int | None = None
    test_socket_index_format: str | None = None
    batch_sn: str | None = Field(default=None, alias="batchSN")
    batch_fail_count: int | None = None
    batch_fail_count_format: str | None = None
    batch_loop_index: int | None = None
    batch_loop_index_format: str | None = None
    fixture_id: str | None = None
    error_code: int | None = None
    error_code_format: str | None = None
    error_message: str | None = None
    step_id_caused_uut_failure: int | None = Field(default=None, alias="stepIdCausedUUTFailure")
    ref_uurs: list[UURReference] | None = Field(default=None, alias="refUURs")


class UURInfo(WsjfModel):
    """The ``uur`` header extension of a repair report."""

    user: str | None = None
    comment: str | None = None
    process_code: int | None = None
    process_code_format: str | None = None
    process_name: str | None = None
    ref_uut: str | None = Field(default=None, alias="refUUT")
    confirm_date: WatsTimestamp | None = None
    finalize_date: WatsTimestamp | None = None
    exec_time: float | None = None
    parent: str | None = None
    children: list[str] | None = None


class ReportHeader(WsjfModel):
    """Fields shared by UUT and UUR reports."""

    id: str | None = None
    pn: str | None = None
    sn: str | None = None
    rev: str | None = None
    product_name: str | None = None
    process_code: int | None = None
    process_code_format: str | None = None
    process_name: str | None = None
    result: str | None = None
    machine_name: str | None = None
    location: str | None = None
    purpose: str | None = None
    origin: str | None = None
    start: WatsTimestamp | None = None
    start_utc: WatsTimestamp | None = Field(default=None, alias="startUTC")
    misc_infos: list[MiscInfo] | None = None
    sub_units: list[SubUnit] | None = None
    assets: list[Asset] | None = None
    asset_stats: list[AssetStats] | None = None
    binary_data: list[BinaryData] | None = None
    additional_data: list[AdditionalData] | None = None

    def model_post_init(self, context: Any, /) -> None:
        """Mark ``type`` as set: it identifies the report kind and is always written,
        even when the caller relied on the class default."""
        self.model_fields_set.add("type")


class UUTReport(ReportHeader):
    """A test report (WSJF ``type`` ``"T"``) with its step tree under ``root``."""

    type: Literal["T"] = "T"
    root: Step | None = None
    uut: UUTInfo | None = None


class UURReport(ReportHeader):
    """A repair report (WSJF ``type`` ``"R"``); failures live in ``sub_units[].failures``."""

    type: Literal["R"] = "R"
    uur: UURInfo | None = None


Report = UUTReport | UURReport

__all__ = [
    "Asset",
    "AssetStats",
    "BinaryData",
    "Failure",
    "MiscInfo",
    "Report",
    "ReportHeader",
    "SubUnit",
    "UURInfo",
    "UURReference",
    "UURReport",
    "UUTInfo",
    "UUTReport",
]
