"""Comparison-operator evaluation: every operator of report-formats.md §5.4."""

from __future__ import annotations

import math

import pytest

from pywats.exceptions import ReportValidationError
from pywats.report import CompOp, numeric_passes, string_passes
from pywats.report.compare import limits_used

# (operator, value, low, high, passes)
NUMERIC_CASES = [
    ("EQ", 1.0, 1.0, None, True),
    ("EQ", 1.1, 1.0, None, False),
    ("NE", 1.1, 1.0, None, True),
    ("NE", 1.0, 1.0, None, False),
    ("GT", 2.0, 1.0, None, True),
    ("GT", 1.0, 1.0, None, False),
    ("LT", 0.5, 1.0, None, True),  # LT reads lowLimit
    ("LT", 1.0, 1.0, None, False),
    ("GE", 1.0, 1.0, None, True),
    ("GE", 0.9, 1.0, None, False),
    ("LE", 1.0, 1.0, None, True),  # LE reads lowLimit
    ("LE", 1.1, 1.0, None, False),
    ("GTLT", 1.5, 1.0, 2.0, True),
    ("GTLT", 1.0, 1.0, 2.0, False),
    ("GTLT", 2.0, 1.0, 2.0, False),
    ("GELE", 1.0, 1.0, 2.0, True),  # inclusive at both ends
    ("GELE", 2.0, 1.0, 2.0, True),
    ("GELE", 2.1, 1.0, 2.0, False),
    ("GELT", 1.0, 1.0, 2.0, True),
    ("GELT", 2.0, 1.0, 2.0, False),
    ("GTLE", 2.0, 1.0, 2.0, True),
    ("GTLE", 1.0, 1.0, 2.0, False),
    ("LTGT", 0.5, 1.0, 2.0, True),
    ("LTGT", 2.5, 1.0, 2.0, True),
    ("LTGT", 1.0, 1.0, 2.0, False),
    ("LTGT", 2.0, 1.0, 2.0, False),
    ("LEGE", 1.0, 1.0, 2.0, True),
    ("LEGE", 2.0, 1.0, 2.0, True),
    ("LEGE", 1.5, 1.0, 2.0, False),
    ("LEGT", 1.0, 1.0, 2.0, True),
    ("LEGT", 2.0, 1.0, 2.0, False),
    ("LTGE", 2.0, 1.0, 2.0, True),
    ("LTGE", 1.0, 1.0, 2.0, False),
    ("LOG", -1e300, None, None, True),
    ("gele", 1.5, 1.0, 2.0, True),  # operators are read case-insensitively
]


@pytest.mark.parametrize(("op", "value", "low", "high", "passes"), NUMERIC_CASES)
def test_numeric_operator(
    op: str, value: float, low: float | None, high: float | None, passes: bool
) -> None:
    assert numeric_passes(op, value, low, high) is passes


def test_every_numeric_operator_is_covered() -> None:
    covered = {CompOp.parse(case[0]) for case in NUMERIC_CASES}
    numeric = set(CompOp) - {CompOp.CASESENSIT, CompOp.IGNORECASE}
    assert covered == numeric


def test_log_only_logs_even_nan() -> None:
    assert numeric_passes("LOG", math.nan) is True
    assert numeric_passes("GELE", math.nan, 0.0, 1.0) is False


@pytest.mark.parametrize(
    ("op", "value", "limit", "passes"),
    [
        ("CASESENSIT", "Abc", "Abc", True),
        ("CASESENSIT", "abc", "Abc", False),
        ("IGNORECASE", "abc", "ABC", True),
        ("IgnoreCase", "abc", "ABD", False),
        ("EQ", "abc", "abc", True),
        ("EQ", "abc", "ABC", False),
        ("NE", "abc", "ABC", True),
        ("NE", "abc", "abc", False),
        ("GT", "b", "a", True),
        ("LT", "a", "b", True),
        ("GE", "a", "a", True),
        ("LE", "b", "a", False),
        ("LOG", "anything", None, True),
    ],
)
def test_string_operator(op: str, value: str, limit: str | None, passes: bool) -> None:
    assert string_passes(op, value, limit) is passes


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: numeric_passes("GELE", 1.0, 0.0), "needs highLimit"),
        (lambda: numeric_passes("GT", 1.0), "needs lowLimit"),
        (lambda: numeric_passes("BETWEEN", 1.0, 0.0, 2.0), "not a numeric"),
        (lambda: numeric_passes("IGNORECASE", 1.0, 0.0), "not a numeric"),
        (lambda: string_passes("GELE", "a", "b"), "not a string"),
        (lambda: string_passes("EQ", "a"), "needs a limit"),
    ],
)
def test_unusable_operator_or_limits_raise_typed_error(call: object, fragment: str) -> None:
    assert callable(call)
    with pytest.raises(ReportValidationError, match=fragment):
        call()


def test_limits_used() -> None:
    assert [limits_used(op) for op in ("LOG", "LT", "GELE")] == [0, 1, 2]
