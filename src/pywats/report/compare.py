"""Comparison-operator evaluation (report-formats.md §5.4).

Pure functions: given an operator (any letter case), a value and the limits, say whether
the measurement passes. ``LOG`` only logs and always passes. One-limit operators
(``EQ NE GT LT GE LE``) compare against ``lowLimit`` — also ``LT`` and ``LE``. A limit the
operator needs but that is missing, or an operator that does not apply, raises
:class:`~pywats.exceptions.ReportValidationError`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from pywats.exceptions import ReportValidationError
from pywats.report.enums import NUMERIC_OPS, ONE_LIMIT_OPS, STRING_OPS, TWO_LIMIT_OPS, CompOp

_NumericTest = Callable[[float, float, float], bool]

# value, low, high -> passed. One-limit operators ignore ``high``.
_NUMERIC_TESTS: dict[CompOp, _NumericTest] = {
    CompOp.EQ: lambda v, lo, hi: v == lo,
    CompOp.NE: lambda v, lo, hi: v != lo,
    CompOp.GT: lambda v, lo, hi: v > lo,
    CompOp.LT: lambda v, lo, hi: v < lo,
    CompOp.GE: lambda v, lo, hi: v >= lo,
    CompOp.LE: lambda v, lo, hi: v <= lo,
    CompOp.GTLT: lambda v, lo, hi: lo < v < hi,
    CompOp.GELE: lambda v, lo, hi: lo <= v <= hi,
    CompOp.GELT: lambda v, lo, hi: lo <= v < hi,
    CompOp.GTLE: lambda v, lo, hi: lo < v <= hi,
    CompOp.LTGT: lambda v, lo, hi: v < lo or v > hi,
    CompOp.LEGE: lambda v, lo, hi: v <= lo or v >= hi,
    CompOp.LEGT: lambda v, lo, hi: v <= lo or v > hi,
    CompOp.LTGE: lambda v, lo, hi: v < lo or v >= hi,
}

# Exact canonical spellings, for a lookup without case folding on the hot path.
_NUMERIC_BY_TEXT: dict[str, CompOp] = {op.value: op for op in NUMERIC_OPS}


def resolve_comp_op(comp_op: str | CompOp, allowed: frozenset[CompOp]) -> CompOp:
    """The canonical operator for ``comp_op``; a typed error if unknown or not allowed."""
    op = CompOp.parse(str(comp_op))
    if op is None or op not in allowed:
        kinds = "numeric" if allowed is NUMERIC_OPS else "string"
        raise ReportValidationError([f"compOp {comp_op!r} is not a {kinds} comparison operator"])
    return op


def evaluate_numeric(
    op: CompOp, value: float, low: float | None, high: float | None
) -> bool | None:
    """Verdict of an already resolved numeric operator; None when a needed limit is missing."""
    if op is CompOp.LOG:
        return True
    if low is None or (high is None and op in TWO_LIMIT_OPS):
        return None
    if math.isnan(value):
        return False
    return _NUMERIC_TESTS[op](value, low, high if high is not None else math.nan)


def numeric_passes(
    comp_op: str | CompOp, value: float, low: float | None = None, high: float | None = None
) -> bool:
    """Whether ``value`` passes ``comp_op`` with ``low``/``high`` limits.

    A NaN value fails every operator except ``LOG`` (it is not a measurement result).
    """
    op = _NUMERIC_BY_TEXT.get(comp_op) if isinstance(comp_op, str) else None
    if op is None:
        op = resolve_comp_op(comp_op, NUMERIC_OPS)
    verdict = evaluate_numeric(op, value, low, high)
    if verdict is None:
        missing = "lowLimit" if low is None else "highLimit"
        raise ReportValidationError([f"compOp {op.value} needs {missing}"])
    return verdict


def string_passes(comp_op: str | CompOp, value: str, limit: str | None = None) -> bool:
    """Whether ``value`` passes ``comp_op`` against ``limit``.

    ``EQ``/``CASESENSIT`` compare exactly, ``IGNORECASE`` after case folding, ``NE``
    exactly; the ordering operators compare by code point (the official client uses the
    Windows culture's ordering, which has no portable equivalent).
    """
    op = resolve_comp_op(comp_op, STRING_OPS)
    if op is CompOp.LOG:
        return True
    if limit is None:
        raise ReportValidationError([f"compOp {op.value} needs a limit"])
    if op is CompOp.IGNORECASE:
        return value.casefold() == limit.casefold()
    if op in (CompOp.EQ, CompOp.CASESENSIT):
        return value == limit
    if op is CompOp.NE:
        return value != limit
    return _ordering(op, value, limit)


def _ordering(op: CompOp, value: str, limit: str) -> bool:
    if op is CompOp.GT:
        return value > limit
    if op is CompOp.LT:
        return value < limit
    if op is CompOp.GE:
        return value >= limit
    return value <= limit


def limits_used(comp_op: str | CompOp) -> int:
    """How many limits a numeric operator reads: 0 (LOG), 1 (lowLimit) or 2."""
    op = resolve_comp_op(comp_op, NUMERIC_OPS)
    if op is CompOp.LOG:
        return 0
    return 1 if op in ONE_LIMIT_OPS else 2


__all__ = ["evaluate_numeric", "limits_used", "numeric_passes", "resolve_comp_op", "string_passes"]
