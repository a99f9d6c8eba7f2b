"""The WSJF code vocabularies (report result, step and measurement status, group, compOp).

Model fields hold these codes as plain strings so that a report round-trips with the
spelling it arrived in (TestStand writes ``IgnoreCase`` where WATS documents
``IGNORECASE``). The enums name the canonical values and :meth:`CompOp.parse` maps any
spelling to its canonical operator. Every enum is a ``StrEnum``, so a member can be
passed wherever the model expects a code and serialises as its value.
"""

from __future__ import annotations

from enum import StrEnum


class ReportType(StrEnum):
    """WSJF ``type``: test (UUT) or repair (UUR) report."""

    UUT = "T"
    UUR = "R"


class ReportResult(StrEnum):
    """Report ``result``; severity order P < F < E < T."""

    PASSED = "P"
    FAILED = "F"
    ERROR = "E"
    TERMINATED = "T"


class StepStatus(StrEnum):
    """Step ``status``."""

    PASSED = "P"
    FAILED = "F"
    DONE = "D"
    SKIPPED = "S"
    ERROR = "E"
    TERMINATED = "T"
    UNKNOWN = "U"


class MeasurementStatus(StrEnum):
    """Measurement ``status``."""

    PASSED = "P"
    FAILED = "F"
    SKIPPED = "S"


class StepGroup(StrEnum):
    """TestStand step group."""

    SETUP = "S"
    MAIN = "M"
    CLEANUP = "C"


class ChartType(StrEnum):
    """Chart axis scaling."""

    LINE = "Line"
    LINE_LOG_XY = "LineLogXY"
    LINE_LOG_X = "LineLogX"
    LINE_LOG_Y = "LineLogY"


class CompOp(StrEnum):
    """Comparison operators (report-formats.md §5.4)."""

    EQ = "EQ"
    NE = "NE"
    GT = "GT"
    LT = "LT"
    GE = "GE"
    LE = "LE"
    GTLT = "GTLT"
    GELE = "GELE"
    GELT = "GELT"
    GTLE = "GTLE"
    LTGT = "LTGT"
    LEGE = "LEGE"
    LEGT = "LEGT"
    LTGE = "LTGE"
    LOG = "LOG"
    CASESENSIT = "CASESENSIT"
    IGNORECASE = "IGNORECASE"

    @classmethod
    def parse(cls, text: str) -> CompOp | None:
        """The operator spelled by ``text`` in any letter case, or None if unknown."""
        return _COMP_OPS_BY_UPPER.get(text.upper())


_COMP_OPS_BY_UPPER = {op.value: op for op in CompOp}

#: Operators that compare against ``lowLimit`` only.
ONE_LIMIT_OPS = frozenset({CompOp.EQ, CompOp.NE, CompOp.GT, CompOp.LT, CompOp.GE, CompOp.LE})
#: Operators that need both limits.
TWO_LIMIT_OPS = frozenset(
    {
        CompOp.GTLT,
        CompOp.GELE,
        CompOp.GELT,
        CompOp.GTLE,
        CompOp.LTGT,
        CompOp.LEGE,
        CompOp.LEGT,
        CompOp.LTGE,
    }
)
NUMERIC_OPS = ONE_LIMIT_OPS | TWO_LIMIT_OPS | {CompOp.LOG}
STRING_OPS = ONE_LIMIT_OPS | {CompOp.LOG, CompOp.CASESENSIT, CompOp.IGNORECASE}

#: Severity orders used by status roll-up (later = worse).
STEP_SEVERITY = ("P", "D", "S", "F", "E", "T")
RESULT_SEVERITY = ("P", "F", "E", "T")
