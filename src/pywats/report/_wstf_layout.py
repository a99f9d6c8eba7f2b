"""WSTF layout shared by the reader and the writer: markers, header keys, columns, step types.

WSTF is the WATS Client's tab-delimited converter input (report-formats.md §11). The header
keys and the first ten step columns follow the layout the pywats port of the converter reads;
``Location``, ``Purpose``, ``ReportId``, ``Multiple*`` step types and the titles of columns
11-13 are pywats additions (documented in docs/report-formats-mapping.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

HEADER_START: Final = "--Header-Start--"
STEP_DATA_START: Final = "--Step-Data-Start--"
STEP_DATA_END: Final = "--Step-Data-End--"
UUT_END: Final = "--UUT-End--"
MARKERS: Final = frozenset({HEADER_START, STEP_DATA_START, STEP_DATA_END, UUT_END})

# Sections a header value lands in.
REPORT: Final = "report"
UUT: Final = "uut"
SEQUENCE: Final = "sequence"

# Value kinds.
TEXT: Final = "text"
INTEGER: Final = "integer"
NUMBER: Final = "number"
TIMESTAMP: Final = "timestamp"
RESULT: Final = "result"

HeaderField = tuple[str, str, str]  # (section, wire key, kind)

HEADER_FIELDS: Final[Mapping[str, HeaderField]] = {
    "SerialNumber": (REPORT, "sn", TEXT),
    "PartNumber": (REPORT, "pn", TEXT),
    "Revision": (REPORT, "rev", TEXT),
    "ReportId": (REPORT, "id", TEXT),
    "OperationTypeCode": (REPORT, "processCode", INTEGER),
    "OperationTypeName": (REPORT, "processName", TEXT),
    "StationName": (REPORT, "machineName", TEXT),
    "Location": (REPORT, "location", TEXT),
    "Purpose": (REPORT, "purpose", TEXT),
    "StartDateTime": (REPORT, "start", TIMESTAMP),
    "UTCStartDateTime": (REPORT, "startUTC", TIMESTAMP),
    "UUTStatus": (REPORT, "result", RESULT),
    "OperatorName": (UUT, "user", TEXT),
    "BatchSerialNumber": (UUT, "batchSN", TEXT),
    "Comment": (UUT, "comment", TEXT),
    "FixtureId": (UUT, "fixtureId", TEXT),
    "ErrorCode": (UUT, "errorCode", INTEGER),
    "ErrorMessage": (UUT, "errorMessage", TEXT),
    "ExecutionTime": (UUT, "execTime", NUMBER),
    "TestSocketIndex": (UUT, "testSocketIndex", INTEGER),
    "SoftwareName": (SEQUENCE, "name", TEXT),
    "SoftwareVersion": (SEQUENCE, "version", TEXT),
}
SUB_UNIT_KEY: Final = "Subunit"
FOOTER_KEYS: Final = ("UUTStatus", "ErrorCode", "ErrorMessage", "ExecutionTime")
RESERVED_KEYS: Final = frozenset(HEADER_FIELDS) | {SUB_UNIT_KEY}

COLUMNS: Final = (
    "StepType",
    "StepName",
    "MeasureName",
    "Value",
    "LowLimit",
    "HighLimit",
    "CompOperator",
    "Unit",
    "StepStatus",
    "StepExecutionTime",
    "ReportText",
    "StepErrorCode",
    "StepErrorMessage",
)

RESULT_WORDS: Final[Mapping[str, str]] = {
    "passed": "P",
    "failed": "F",
    "error": "E",
    "terminated": "T",
}
STATUS_WORDS: Final[Mapping[str, str]] = {
    **RESULT_WORDS,
    "done": "D",
    "skipped": "S",
}
STATUS_OF_LETTER: Final[Mapping[str, str]] = {
    "P": "Passed",
    "F": "Failed",
    "E": "Error",
    "T": "Terminated",
    "D": "Done",
    "S": "Skipped",
}
PASS_WORDS: Final = frozenset({"true", "1", "pass", "passed"})
FAIL_WORDS: Final = frozenset({"false", "0", "fail", "failed"})

# Measurement status implied by an explicit single-step status (official client's rule).
MEASUREMENT_STATUS_OF_STEP: Final[Mapping[str, str]] = {
    "P": "P",
    "F": "F",
    "S": "S",
    "E": "F",
    "T": "F",
    "D": "P",
}

SEQUENCE_CALL: Final = "SequenceCall"
END_SEQUENCE_CALL: Final = "EndSequenceCall"
ACTION: Final = "ActionStep"

# WSTF test step type -> (WSJF measurement list, WSJF step type, is multi).
TEST_TYPES: Final[Mapping[str, tuple[str, str, bool]]] = {
    "NumericLimitTest": ("numericMeas", "ET_NLT", False),
    "MultipleNumericLimitTest": ("numericMeas", "ET_MNLT", True),
    "StringValueTest": ("stringMeas", "ET_SVT", False),
    "MultipleStringValueTest": ("stringMeas", "ET_MSVT", True),
    "PassFailTest": ("booleanMeas", "ET_PFT", False),
    "MultiplePassFailTest": ("booleanMeas", "ET_MPFT", True),
}
WSTF_TYPE_OF_KIND: Final[Mapping[tuple[str, bool], str]] = {
    (kind, multi): wstf for wstf, (kind, _, multi) in TEST_TYPES.items()
}
SEQUENCE_STEP_TYPES: Final = frozenset({"SequenceCall", "WATS_SeqCall"})
