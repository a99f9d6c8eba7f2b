"""The WATS report model: lossless WSJF models, builder, comparison and validation.

``parse_wsjf`` / ``to_wsjf`` read and write WSJF JSON; ``UUTBuilder`` / ``UURBuilder``
author new reports with status roll-up; ``validate`` / ``ensure_valid`` apply the submit
rules. WSXF and WSTF live in :mod:`pywats.report.wsxf` and :mod:`pywats.report.wstf`.
"""

from pywats.report._build_steps import StepOptions
from pywats.report._timestamp import TimestampError, WatsTimestamp
from pywats.report.builder import (
    MultiNumericBuilder,
    MultiPassFailBuilder,
    MultiStringBuilder,
    SequenceBuilder,
    UUTBuilder,
)
from pywats.report.compare import numeric_passes, string_passes
from pywats.report.enums import (
    ChartType,
    CompOp,
    MeasurementStatus,
    ReportResult,
    ReportType,
    StepGroup,
    StepStatus,
)
from pywats.report.loop_builder import LoopBuilder
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
from pywats.report.problems import ValidationProblem
from pywats.report.rollup import roll_up
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
from pywats.report.uur_builder import UURBuilder
from pywats.report.validation import ensure_valid, validate
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
    "LoopBuilder",
    "LoopInfo",
    "MeasurementStatus",
    "MessagePopup",
    "MiscInfo",
    "MultiNumericBuilder",
    "MultiPassFailBuilder",
    "MultiStringBuilder",
    "NumericMeasurement",
    "Report",
    "ReportResult",
    "ReportType",
    "SequenceBuilder",
    "SequenceCall",
    "Step",
    "StepGroup",
    "StepOptions",
    "StepStatus",
    "StringMeasurement",
    "SubUnit",
    "TimestampError",
    "UURBuilder",
    "UURInfo",
    "UURReference",
    "UURReport",
    "UUTBuilder",
    "UUTInfo",
    "UUTReport",
    "ValidationProblem",
    "WatsTimestamp",
    "ensure_valid",
    "numeric_passes",
    "parse_wsjf",
    "report_from_dict",
    "report_to_dict",
    "roll_up",
    "string_passes",
    "to_wsjf",
    "validate",
]
