"""A small typed builder for the OData subset WATS supports (no I/O).

>>> f = field("partNumber").eq("PCB-1") & field("start").ge(datetime(2026, 1, 1, tzinfo=UTC))
>>> str(f)
"(partNumber eq 'PCB-1') and (start ge 2026-01-01T00:00:00+00:00)"

Strings are single-quoted with ``'`` doubled; GUIDs, numbers, booleans and date-times are
written unquoted, as the WATS server expects.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from pywats.exceptions import InvalidArgumentError

ODataValue = str | int | float | bool | datetime | date | uuid.UUID | Enum

_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*$")


def literal(value: ODataValue) -> str:
    """Render one value as an OData literal."""
    if isinstance(value, Enum):
        return literal(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise InvalidArgumentError(f"cannot use {type(value).__name__} in an OData filter")


@dataclass(frozen=True)
class Filter:
    """A ``$filter`` expression; combine with ``&`` (and), ``|`` (or) and ``~`` (not)."""

    text: str

    def __and__(self, other: Filter) -> Filter:
        return Filter(f"({self.text}) and ({other.text})")

    def __or__(self, other: Filter) -> Filter:
        return Filter(f"({self.text}) or ({other.text})")

    def __invert__(self) -> Filter:
        return Filter(f"not ({self.text})")

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Field:
    """A filterable property (``field("serialNumber")``); methods build :class:`Filter` s."""

    name: str

    def __post_init__(self) -> None:
        if not _FIELD_NAME.match(self.name):
            raise InvalidArgumentError(f"not an OData property name: {self.name!r}")

    def _compare(self, op: str, value: ODataValue) -> Filter:
        return Filter(f"{self.name} {op} {literal(value)}")

    def eq(self, value: ODataValue) -> Filter:
        """``name eq value``"""
        return self._compare("eq", value)

    def ne(self, value: ODataValue) -> Filter:
        """``name ne value``"""
        return self._compare("ne", value)

    def gt(self, value: ODataValue) -> Filter:
        """``name gt value``"""
        return self._compare("gt", value)

    def ge(self, value: ODataValue) -> Filter:
        """``name ge value``"""
        return self._compare("ge", value)

    def lt(self, value: ODataValue) -> Filter:
        """``name lt value``"""
        return self._compare("lt", value)

    def le(self, value: ODataValue) -> Filter:
        """``name le value``"""
        return self._compare("le", value)

    def in_(self, values: Iterable[ODataValue]) -> Filter:
        """``name in (v1, v2, …)``"""
        items = [literal(v) for v in values]
        if not items:
            raise InvalidArgumentError(f"{self.name} in (): give at least one value")
        return Filter(f"{self.name} in ({', '.join(items)})")

    def contains(self, text: str) -> Filter:
        """``contains(name, 'text')``"""
        return Filter(f"contains({self.name}, {literal(text)})")

    def startswith(self, text: str) -> Filter:
        """``startswith(name, 'text')``"""
        return Filter(f"startswith({self.name}, {literal(text)})")

    def endswith(self, text: str) -> Filter:
        """``endswith(name, 'text')``"""
        return Filter(f"endswith({self.name}, {literal(text)})")


def field(name: str) -> Field:
    """Start a filter on property ``name`` (e.g. ``field("serialNumber").eq("SN1")``)."""
    return Field(name)


@dataclass(frozen=True)
class ODataQuery:
    """``$filter``, ``$top``, ``$skip``, ``$orderby``, ``$select`` and ``$expand`` together.

    ``max_top`` is the server's ceiling for ``$top`` (10,000 for report headers).
    """

    filter: Filter | str | None = None
    top: int | None = None
    skip: int | None = None
    orderby: str | tuple[str, ...] | None = None
    select: tuple[str, ...] | None = None
    expand: tuple[str, ...] | None = None
    max_top: int = 10_000

    def __post_init__(self) -> None:
        if self.top is not None and not 1 <= self.top <= self.max_top:
            raise InvalidArgumentError(f"top must be between 1 and {self.max_top}, got {self.top}")
        if self.skip is not None and self.skip < 0:
            raise InvalidArgumentError(f"skip must not be negative, got {self.skip}")

    def to_params(self) -> dict[str, str]:
        """The query-string parameters (only the options that are set)."""
        params: dict[str, str] = {}
        if self.filter is not None and str(self.filter):
            params["$filter"] = str(self.filter)
        if self.top is not None:
            params["$top"] = str(self.top)
        if self.skip is not None:
            params["$skip"] = str(self.skip)
        if self.orderby:
            params["$orderby"] = _joined(self.orderby)
        if self.select:
            params["$select"] = _joined(self.select)
        if self.expand:
            params["$expand"] = _joined(self.expand)
        return params


def _joined(value: str | tuple[str, ...]) -> str:
    return value if isinstance(value, str) else ",".join(value)
