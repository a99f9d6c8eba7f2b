"""WSXF ↔ WSJF mapping tables and value codecs (no I/O, no XML library).

Every table row is ``(xml attribute, wire key, codec)``. The wire side is the WSJF JSON tree
(camelCase keys, letters for enumerations); the XML side is the WSXF attribute spelling, which
is irregular (``total_time``, ``ending_index``, ``ReferencedUUT`` …) and is therefore listed
explicitly instead of being derived from the wire name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, Final

from pywats.exceptions import ReportFormatError

WSXF_NAMESPACE: Final = "http://wats.virinco.com/schemas/WATS/Report/wsxf"

# Codec names used in the tables below.
STR: Final = "str"
INT: Final = "int"
FLOAT: Final = "float"
BOOL: Final = "bool"
GUID: Final = "guid"
RESULT: Final = "result"
STEP_STATUS: Final = "step_status"
MEAS_STATUS: Final = "meas_status"
GROUP: Final = "group"
EMPTY_IS_NONE: Final = "empty_is_none"

Row = tuple[str, str, str]

REPORT_TYPE_WORDS: Final[Mapping[str, str]] = {"UUT": "T", "UUR": "R"}
RESULT_WORDS: Final[Mapping[str, str]] = {
    "Passed": "P",
    "Failed": "F",
    "Error": "E",
    "Terminated": "T",
}
STEP_STATUS_WORDS: Final[Mapping[str, str]] = {
    "Passed": "P",
    "Failed": "F",
    "Done": "D",
    "Skipped": "S",
    "Error": "E",
    "Terminated": "T",
    "Unknown": "U",
}
MEAS_STATUS_WORDS: Final[Mapping[str, str]] = {"Passed": "P", "Failed": "F", "Skipped": "S"}
GROUP_WORDS: Final[Mapping[str, str]] = {"Setup": "S", "Main": "M", "Cleanup": "C"}

WORD_TABLES: Final[Mapping[str, Mapping[str, str]]] = {
    RESULT: RESULT_WORDS,
    STEP_STATUS: STEP_STATUS_WORDS,
    MEAS_STATUS: MEAS_STATUS_WORDS,
    GROUP: GROUP_WORDS,
}
LETTER_TABLES: Final[Mapping[str, Mapping[str, str]]] = {
    codec: {letter: word for word, letter in table.items()} for codec, table in WORD_TABLES.items()
}

REPORT_ATTRS: Final[tuple[Row, ...]] = (
    ("ID", "id", GUID),
    ("Start", "start", STR),
    ("Start_utc", "startUTC", STR),
    ("Result", "result", RESULT),
    ("SN", "sn", STR),
    ("PN", "pn", STR),
    ("Rev", "rev", STR),
    ("origin", "origin", STR),
    ("MachineName", "machineName", STR),
    ("Location", "location", STR),
    ("Purpose", "purpose", STR),
    # Server exports write ProductName="" where WSJF has null.
    ("ProductName", "productName", EMPTY_IS_NONE),
)
PROCESS_ATTRS: Final[tuple[Row, ...]] = (
    ("Code", "processCode", INT),
    ("CodeFormat", "processCodeFormat", STR),
    ("Name", "processName", STR),
)
UUT_ATTRS: Final[tuple[Row, ...]] = (
    ("UserLoginName", "user", STR),
    ("BatchSN", "batchSN", STR),
    ("TestSocketIndex", "testSocketIndex", INT),
    ("TestSocketIndexFormat", "testSocketIndexFormat", STR),
    ("ExecutionTime", "execTime", FLOAT),
    ("ExecutionTimeFormat", "execTimeFormat", STR),
    ("FixtureId", "fixtureId", STR),
    ("ErrorCode", "errorCode", INT),
    ("ErrorCodeFormat", "errorCodeFormat", STR),
    ("ErrorMessage", "errorMessage", STR),
    ("BatchLoopIndex", "batchLoopIndex", INT),
    ("BatchLoopIndexFormat", "batchLoopIndexFormat", STR),
    ("BatchFailCount", "batchFailCount", INT),
    ("BatchFailCountFormat", "batchFailCountFormat", STR),
    ("StepIdCausedUUTFailure", "stepIdCausedUUTFailure", INT),
)
UUR_ATTRS: Final[tuple[Row, ...]] = (
    ("UserLoginName", "user", STR),
    ("ConfirmDate", "confirmDate", STR),
    ("FinalizeDate", "finalizeDate", STR),
    ("ExecutionTime", "execTime", FLOAT),
    ("ReferencedUUT", "refUUT", GUID),
    ("Parent", "parent", GUID),
)
MISC_INFO_ATTRS: Final[tuple[Row, ...]] = (
    ("Description", "description", STR),
    # Server exports write Typedef="" where WSJF omits the key.
    ("Typedef", "typedef", EMPTY_IS_NONE),
    ("Numeric", "numeric", INT),
    ("NumericFormat", "numericFormat", STR),
    ("Id", "id", GUID),
)
SUB_UNIT_ATTRS: Final[tuple[Row, ...]] = (
    ("PartType", "partType", STR),
    ("PN", "pn", STR),
    ("SN", "sn", STR),
    ("Rev", "rev", STR),
    ("Idx", "idx", INT),
    ("ParentIDX", "parentIdx", INT),
    ("ReplacedIDX", "replacedIdx", INT),
    ("Position", "position", INT),
)
PART_INFO_ATTRS: Final[tuple[Row, ...]] = (
    ("PartType", "partType", STR),
    ("PN", "pn", STR),
    ("SN", "sn", STR),
    ("Rev", "rev", STR),
)
ASSET_ATTRS: Final[tuple[Row, ...]] = (
    ("AssetSN", "assetSN", STR),
    ("UsageCount", "usageCount", INT),
    ("UsageCountFormat", "usageCountFormat", STR),
)
FAILURE_ATTRS: Final[tuple[Row, ...]] = (
    ("Category", "category", STR),
    ("Code", "code", STR),
    ("CompRef", "comRef", STR),
    ("FunctionBlock", "funcBlock", STR),
    ("StepID", "refStepId", INT),
    ("StepName", "refStepName", STR),
    ("ArticleNumber", "artNumber", STR),
    ("ArticleRevision", "artRev", STR),
    ("ArticleVendor", "artVendor", STR),
    ("ArticleDescription", "artDescription", STR),
)
BINARY_DATA_ATTRS: Final[tuple[Row, ...]] = (
    ("BinaryDataGUID", "id", GUID),
    ("ContentType", "contentType", STR),
    ("FileName", "name", STR),
)
STEP_ATTRS: Final[tuple[Row, ...]] = (
    ("Id", "id", INT),
    ("Group", "group", GROUP),
    ("Name", "name", STR),
    ("StepType", "stepType", STR),
    ("Status", "status", STEP_STATUS),
    ("total_time", "totTime", FLOAT),
    ("total_timeFormat", "totTimeFormat", STR),
    ("TSGuid", "tsGuid", STR),
    ("StepErrorCode", "errorCode", INT),
    ("StepErrorCodeFormat", "errorCodeFormat", STR),
    ("StepErrorMessage", "errorMessage", STR),
    ("Start", "start", STR),
    ("InteractiveExeNum", "interactiveExeNum", INT),
    ("InteractiveExeNumFormat", "interactiveExeNumFormat", STR),
    ("StepCausedSequenceFailure", "causedSeqFailure", BOOL),
    ("StepCausedUUTFailure", "causedUUTFailure", BOOL),
)
LOOP_ATTRS: Final[tuple[Row, ...]] = (
    ("index", "idx", INT),
    ("num", "num", INT),
    ("passed", "passed", INT),
    ("failed", "failed", INT),
    ("ending_index", "endingIndex", INT),
)
NUMERIC_ATTRS: Final[tuple[Row, ...]] = (
    ("Name", "name", STR),
    ("NumericValue", "value", FLOAT),
    ("NumericValueFormat", "valueFormat", STR),
    # Server exports write Units="" where WSJF has null.
    ("Units", "unit", EMPTY_IS_NONE),
    ("CompOperator", "compOp", STR),
    ("LowLimit", "lowLimit", FLOAT),
    ("LowLimitFormat", "lowLimitFormat", STR),
    ("HighLimit", "highLimit", FLOAT),
    ("HighLimitFormat", "highLimitFormat", STR),
    ("Status", "status", MEAS_STATUS),
)
STRING_ATTRS: Final[tuple[Row, ...]] = (
    ("Name", "name", STR),
    ("CompOperator", "compOp", STR),
    ("StringLimit", "limit", STR),
    ("StringValue", "value", STR),
    ("Status", "status", MEAS_STATUS),
)
BOOLEAN_ATTRS: Final[tuple[Row, ...]] = (
    ("Name", "name", STR),
    ("Status", "status", MEAS_STATUS),
)
SEQ_CALL_ATTRS: Final[tuple[Row, ...]] = (
    ("Name", "name", STR),
    # Loop summaries are exported with Version="" where WSJF has null.
    ("Version", "version", EMPTY_IS_NONE),
    ("Filepath", "path", STR),
)
CALL_EXE_ATTRS: Final[tuple[Row, ...]] = (
    ("ExitCode", "exitCode", FLOAT),
    ("ExitCodeFormat", "exitCodeFormat", STR),
)
MESSAGE_POPUP_ATTRS: Final[tuple[Row, ...]] = (
    ("Button", "button", INT),
    ("ButtonFormat", "buttonFormat", STR),
    # Exports write Response="" where WSJF has null (no answer typed).
    ("Response", "response", EMPTY_IS_NONE),
)
CHART_ATTRS: Final[tuple[Row, ...]] = (
    ("ChartType", "chartType", STR),
    ("Label", "label", STR),
    ("XLabel", "xLabel", STR),
    # Server exports write XUnit=""/YUnit="" where WSJF has null.
    ("XUnit", "xUnit", EMPTY_IS_NONE),
    ("YLabel", "yLabel", STR),
    ("YUnit", "yUnit", EMPTY_IS_NONE),
)
SERIES_ATTRS: Final[tuple[Row, ...]] = (
    ("Name", "name", STR),
    ("DataType", "dataType", STR),
)
ATTACHMENT_ATTRS: Final[tuple[Row, ...]] = (
    ("Name", "name", STR),
    ("ContentType", "contentType", STR),
)
# pywats's own spelling for the free-form AdditionalData/AdditionalResults XML (the sources
# only say "any XML children"); it mirrors the WSJF AdditionalDataProperty object.
PROP_ATTRS: Final[tuple[Row, ...]] = (
    ("Name", "name", STR),
    ("Type", "type", STR),
    ("Flags", "flags", INT),
    ("Value", "value", STR),
    ("NumFormat", "numFormat", STR),
    ("Comment", "comment", STR),
)
PROP_ARRAY_ATTRS: Final[tuple[Row, ...]] = (
    ("Dimension", "dimension", INT),
    ("Type", "type", STR),
)

_GUID_PATTERN: Final = re.compile(r"[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}")
_TRUE_WORDS: Final = frozenset({"true", "1"})
_FALSE_WORDS: Final = frozenset({"false", "0"})
_SPECIAL_FLOATS: Final[Mapping[str, float]] = {
    "NaN": math.nan,
    "INF": math.inf,
    "-INF": -math.inf,
    "Infinity": math.inf,
    "-Infinity": -math.inf,
}


def _same(text: str) -> str:
    return text


def _guid(text: str) -> str:
    # WSXF writes GUIDs upper-case, WSJF lower-case; GUIDs compare case-insensitively.
    return text.lower() if _GUID_PATTERN.fullmatch(text) else text


def _empty_is_none(text: str) -> str | None:
    return text or None


def _int(text: str) -> int:
    if "_" in text:  # Python's int() takes 1_000; xs:int does not
        raise ValueError(text)
    return int(text)


def _float(text: str) -> float:
    stripped = text.strip()
    special = _SPECIAL_FLOATS.get(stripped)
    if special is not None:
        return special
    if "_" in stripped or stripped.lower().lstrip("+-") in ("inf", "infinity", "nan"):
        raise ValueError(text)  # only the XML spellings of the special values count
    return float(stripped)


def _bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE_WORDS:
        return True
    if lowered in _FALSE_WORDS:
        return False
    raise ValueError(text)


def _word_decoder(table: Mapping[str, str]) -> Callable[[str], str]:
    def decode(text: str) -> str:
        return table[text]  # KeyError is a LookupError, handled with ValueError below

    return decode


_DECODERS: Final[Mapping[str, Callable[[str], Any]]] = {
    STR: _same,
    GUID: _guid,
    EMPTY_IS_NONE: _empty_is_none,
    INT: _int,
    FLOAT: _float,
    BOOL: _bool,
    **{codec: _word_decoder(table) for codec, table in WORD_TABLES.items()},
}
_EXPECTED: Final[Mapping[str, str]] = {
    INT: "an integer",
    FLOAT: "a number",
    BOOL: "true or false",
    **{codec: "one of " + ", ".join(table) for codec, table in WORD_TABLES.items()},
}


def decode_value(text: str, codec: str, where: str, attribute: str = "") -> Any:
    """Turn one XML attribute text into its wire value.

    ``where`` is the element path and ``attribute`` the attribute name; they only become a
    string when the value is refused, which keeps reading fast.
    """
    try:
        return _DECODERS[codec](text)
    except (ValueError, LookupError):
        location = f"{where}@{attribute}" if attribute else where
        raise ReportFormatError(f"expected {_EXPECTED[codec]}, got {text!r}", location) from None


@cache
def attribute_lookup(rows: tuple[Row, ...]) -> Mapping[str, tuple[str, str]]:
    """``rows`` indexed by XML attribute name: ``{xml name: (wire key, codec)}``."""
    return {xml_name: (key, codec) for xml_name, key, codec in rows}


def encode_value(value: Any, codec: str) -> str:
    """Turn one wire value into XML attribute text (the inverse of :func:`decode_value`)."""
    if codec == BOOL:
        return "true" if value else "false"
    if codec == FLOAT:
        return encode_float(float(value))
    if codec == INT:
        return str(int(value))
    if codec == GUID:
        text = str(value)
        return text.upper() if _GUID_PATTERN.fullmatch(text) else text
    if codec in WORD_TABLES:
        return LETTER_TABLES[codec].get(str(value), str(value))
    return str(value)


def encode_float(value: float) -> str:
    """Shortest text that reads back to the same double, ``500`` rather than ``500.0``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)
