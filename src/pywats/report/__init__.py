"""The WATS report model: lossless WSJF models, builder, comparison and validation.

``parse_wsjf`` / ``to_wsjf`` read and write WSJF JSON; ``UUTBuilder`` / ``UURBuilder``
author new reports with status roll-up; ``validate`` / ``ensure_valid`` apply the submit
rules. WSXF and WSTF live in :mod:`pywats.report.wsxf` and :mod:`pywats.report.wstf`.
"""

from pywats.report._timestamp import WatsTimestamp
from pywats.report.enums import (
    ChartType,
    CompOp,
    MeasurementStatus,
    ReportResult,
    ReportType,
    StepGroup,
    StepStatus,
)
from pywats.report.models import (
    Asset,
    AssetStats,
    BinaryData,
    Failure,
    MiscInfo,
    Report,
    SubUnit,
    UURInfo,
    UURReference,
    UURReport,
    UUTInfo,
    UUTReport,
)
from pywats.report.steps import (
    AdditionalData,
    AdditionalDataArray,
    AdditionalDataArrayIndex,
    AdditionalDataProperty,
    Attachment,
    BooleanMeasurement,
    CallExe,
    Chart,
    ChartSeries,
    LoopInfo,
    MessagePopup,
    NumericMeasurement,
    SequenceCall,
    Step,
    StringMeasurement,
)
from pywats.report.wsjf import parse_wsjf, report_from_dict, report_to_dict, to_wsjf

__all__ = [
    "AdditionalData",
    "AdditionalDataArray",
    "AdditionalDataArrayIndex",
    "AdditionalDataProperty",
    "Asset",
    "AssetStats",
    "Attachment",
    "BinaryData",
    "BooleanMeasurement",
    "CallExe",
    "Chart",
    "ChartSeries",
    "ChartType",
    "CompOp",
    "Failure",
    "LoopInfo",
    "MeasurementStatus",
    "MessagePopup",
    "MiscInfo",
    "NumericMeasurement",
    "Report",
    "ReportResult",
    "ReportType",
    "SequenceCall",
    "Step",
    "StepGroup",
    "StepStatus",
    "StringMeasurement",
    "SubUnit",
    "UURInfo",
    "UURReference",
    "UURReport",
    "UUTInfo",
    "UUTReport",
    "WatsTimestamp",
    "parse_wsjf",
    "report_from_dict",
    "report_to_dict",
    "to_wsjf",
]
