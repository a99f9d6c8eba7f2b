"""Descriptive statistics and process capability for numeric measurements (no I/O)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

_INSIDE_OPERATORS = {"GTLT", "GELE", "GELT", "GTLE"}
_LOWER_BOUND_OPERATORS = {"GT", "GE"}
_UPPER_BOUND_OPERATORS = {"LT", "LE"}


def specification_limits(
    comp_op: str | None, low_limit: float | None, high_limit: float | None
) -> tuple[float | None, float | None]:
    """Lower/upper specification limits implied by a WSJF operator and its limits.

    One-limit operators keep their single limit in ``lowLimit`` (also for ``LT``/``LE``).
    Outside-range, equality and ``LOG`` operators give no usable capability limits.
    """
    operator = (comp_op or "").upper()
    if operator in _INSIDE_OPERATORS:
        return low_limit, high_limit
    if operator in _LOWER_BOUND_OPERATORS:
        return low_limit, None
    if operator in _UPPER_BOUND_OPERATORS:
        return None, low_limit
    return None, None


def describe(
    values: Sequence[float], lower: float | None = None, upper: float | None = None
) -> dict[str, Any]:
    """Count, min, max, mean, sample variance/stdev and Cp/Cpk figures for ``values``.

    Capability figures need at least two values and a non-zero spread; otherwise ``None``.
    """
    count = len(values)
    if count == 0:
        return dict.fromkeys(
            ("min", "max", "avg", "stdev", "var", "cp", "cpk", "cpLower", "cpUpper"), None
        ) | {"count": 0, "sigmaHigh3": None, "sigmaLow3": None}
    mean = math.fsum(values) / count
    variance = math.fsum((v - mean) ** 2 for v in values) / (count - 1) if count > 1 else None
    stdev = None if variance is None else math.sqrt(variance)
    spread = stdev if stdev else None
    cp_upper = None if spread is None or upper is None else (upper - mean) / (3 * spread)
    cp_lower = None if spread is None or lower is None else (mean - lower) / (3 * spread)
    cp = None
    if spread is not None and lower is not None and upper is not None:
        cp = (upper - lower) / (6 * spread)
    known = [x for x in (cp_upper, cp_lower) if x is not None]
    return {
        "count": count,
        "min": min(values),
        "max": max(values),
        "avg": mean,
        "stdev": stdev,
        "var": variance,
        "cp": cp,
        "cpk": min(known) if known else None,
        "cpLower": cp_lower,
        "cpUpper": cp_upper,
        "sigmaHigh3": None if stdev is None else mean + 3 * stdev,
        "sigmaLow3": None if stdev is None else mean - 3 * stdev,
    }


def as_number(value: Any) -> float | None:
    """A finite float from a JSON number (or numeric string); ``None`` otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None
