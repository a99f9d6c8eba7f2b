"""The OData query builder: literals, operators, combination, query options."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, date, datetime

import pytest

from pywats._core.odata import Filter, ODataQuery, field, literal
from pywats.exceptions import InvalidArgumentError


class Color(enum.Enum):
    RED = "red"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PCB-1", "'PCB-1'"),
        ("O'Brien", "'O''Brien'"),
        (True, "true"),
        (False, "false"),
        (42, "42"),
        (1.5, "1.5"),
        (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
        (datetime(2026, 1, 1, tzinfo=UTC), "2026-01-01T00:00:00+00:00"),
        (date(2026, 1, 2), "2026-01-02"),
        (Color.RED, "'red'"),
    ],
)
def test_literals(value: object, expected: str) -> None:
    assert literal(value) == expected  # type: ignore[arg-type]


def test_unsupported_literal_is_invalid_argument() -> None:
    with pytest.raises(InvalidArgumentError, match="list"):
        literal([1])  # type: ignore[arg-type]


def test_comparisons_and_functions() -> None:
    sn = field("serialNumber")
    assert str(sn.eq("A")) == "serialNumber eq 'A'"
    assert str(sn.ne("A")) == "serialNumber ne 'A'"
    assert str(field("processCode").gt(10)) == "processCode gt 10"
    assert str(field("processCode").lt(10)) == "processCode lt 10"
    assert str(field("processCode").le(10)) == "processCode le 10"
    assert str(field("start").ge(date(2026, 1, 1))) == "start ge 2026-01-01"
    assert str(field("result").in_(["Passed", "Failed"])) == "result in ('Passed', 'Failed')"
    assert str(sn.contains("x")) == "contains(serialNumber, 'x')"
    assert str(sn.startswith("SN")) == "startswith(serialNumber, 'SN')"
    assert str(sn.endswith("9")) == "endswith(serialNumber, '9')"
    assert str(field("subUnits/partNumber").eq("S")) == "subUnits/partNumber eq 'S'"


def test_combination_keeps_precedence_with_parentheses() -> None:
    a, b, c = field("a").eq(1), field("b").eq(2), field("c").eq(3)
    assert str((a | b) & ~c) == "((a eq 1) or (b eq 2)) and (not (c eq 3))"
    assert isinstance(a & b, Filter)


@pytest.mark.parametrize("name", ["", "1abc", "a b", "a;drop", "a/"])
def test_bad_field_names_are_rejected(name: str) -> None:
    with pytest.raises(InvalidArgumentError, match="property name"):
        field(name)


def test_empty_in_is_rejected() -> None:
    with pytest.raises(InvalidArgumentError):
        field("a").in_([])


def test_query_parameters() -> None:
    query = ODataQuery(
        filter=field("partNumber").eq("X"),
        top=25,
        skip=50,
        orderby=("start desc", "serialNumber"),
        select=("uuid", "serialNumber"),
        expand=("miscInfo",),
    )
    assert query.to_params() == {
        "$filter": "partNumber eq 'X'",
        "$top": "25",
        "$skip": "50",
        "$orderby": "start desc,serialNumber",
        "$select": "uuid,serialNumber",
        "$expand": "miscInfo",
    }
    assert ODataQuery().to_params() == {}
    assert ODataQuery(filter="raw eq 1").to_params() == {"$filter": "raw eq 1"}


@pytest.mark.parametrize(("top", "skip"), [(0, None), (10_001, None), (None, -1)])
def test_query_bounds(top: int | None, skip: int | None) -> None:
    with pytest.raises(InvalidArgumentError):
        ODataQuery(top=top, skip=skip)
