"""A small OData v4 subset for the asset list endpoints.

Options: ``$filter``, ``$orderby``, ``$top``, ``$skip``. Rows are plain dicts keyed by the wire
names (camelCase); field names in expressions match them case-insensitively, as the ASP.NET
server does. Supported in ``$filter``: ``eq ne gt ge lt le``, ``and or not``, parentheses,
``contains``/``startswith``/``endswith`` and literals (quoted strings with ``''`` escapes,
unquoted GUIDs and ISO dates/date-times, numbers, ``true``/``false``/``null``) and
``field in (v1, v2, …)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Row = Mapping[str, Any]
Predicate = Callable[[Row], bool]

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'(?:[^']|'')*')
    | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)
    | (?P<date>\d{4}-\d{2}-\d{2}(?![\dT]))
    | (?P<guid>[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<name>[A-Za-z_][A-Za-z0-9_/]*)
    | (?P<punct>[(),])
    )""",
    re.VERBOSE,
)
_COMPARISONS = {"eq", "ne", "gt", "ge", "lt", "le"}
_FUNCTIONS = {"contains", "startswith", "endswith"}


class ODataError(Exception):
    """The query options cannot be parsed; the message says why (the route answers 400)."""


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


@dataclass(frozen=True)
class Field:
    """A reference to a row field."""

    name: str


@dataclass(frozen=True)
class QueryOptions:
    """Parsed ``$filter``/``$orderby``/``$top``/``$skip`` of one request."""

    predicate: Predicate | None
    order: list[tuple[str, bool]]
    top: int
    skip: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ODataError(f"unexpected text at position {pos}: {text[pos : pos + 20]!r}")
        kind = match.lastgroup or ""
        tokens.append(_Token(kind, match.group(kind)))
        pos = match.end()
    return tokens


def field_value(row: Row, name: str) -> Any:
    """The value of ``name`` in ``row``, matched case-insensitively (``None`` when absent)."""
    if name in row:
        return row[name]
    lowered = name.lower()
    for key, value in row.items():
        if key.lower() == lowered:
            return value
    return None


def _parse_datetime(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _literal(token: _Token) -> Any:
    if token.kind == "string":
        return token.text[1:-1].replace("''", "'")
    if token.kind in ("datetime", "date"):
        return _parse_datetime(token.text)
    if token.kind == "guid":
        return token.text.lower()
    if token.kind == "number":
        return float(token.text) if "." in token.text else int(token.text)
    keywords = {"true": True, "false": False, "null": None}
    if token.kind == "name" and token.text in keywords:
        return keywords[token.text]
    return Field(token.text)


def _comparable(left: Any, right: Any) -> tuple[Any, Any]:
    """Bring a row value and a literal to one type (dates, GUID/string case)."""
    if isinstance(right, datetime) and isinstance(left, str):
        try:
            return _parse_datetime(left), right
        except ValueError:
            return left, right.isoformat()
    if isinstance(left, str) and isinstance(right, str):
        return left.lower(), right.lower()
    if isinstance(left, bool) or isinstance(right, bool):
        return left, right
    return left, right


def _compare(op: str, left: Any, right: Any) -> bool:
    if op in ("eq", "ne"):
        a, b = _comparable(left, right)
        return bool(a == b) == (op == "eq")
    if left is None or right is None:
        return False
    a, b = _comparable(left, right)
    try:
        if op == "gt":
            return bool(a > b)
        if op == "ge":
            return bool(a >= b)
        if op == "lt":
            return bool(a < b)
        return bool(a <= b)
    except TypeError:
        return False


def _resolve(operand: Any, row: Row) -> Any:
    return field_value(row, operand.name) if isinstance(operand, Field) else operand


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self._tokens = tokens
        self._pos = 0

    def _peek(self) -> _Token | None:
        return self._tokens[self._pos] if self._pos < len(self._tokens) else None

    def _take(self) -> _Token:
        token = self._peek()
        if token is None:
            raise ODataError("unexpected end of $filter")
        self._pos += 1
        return token

    def _expect(self, text: str) -> None:
        token = self._take()
        if token.text != text:
            raise ODataError(f"expected {text!r}, found {token.text!r}")

    def _at_keyword(self, word: str) -> bool:
        token = self._peek()
        return token is not None and token.kind == "name" and token.text.lower() == word

    def parse(self) -> Predicate:
        predicate = self._or()
        if self._peek() is not None:
            raise ODataError(f"unexpected {self._take().text!r} in $filter")
        return predicate

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._at_keyword("or"):
            self._take()
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda row: any(p(row) for p in parts))

    def _and(self) -> Predicate:
        parts = [self._unary()]
        while self._at_keyword("and"):
            self._take()
            parts.append(self._unary())
        return parts[0] if len(parts) == 1 else (lambda row: all(p(row) for p in parts))

    def _unary(self) -> Predicate:
        if self._at_keyword("not"):
            self._take()
            inner = self._unary()
            return lambda row: not inner(row)
        token = self._peek()
        if token is not None and token.text == "(":
            self._take()
            inner = self._or()
            self._expect(")")
            return inner
        if token is not None and token.kind == "name" and token.text.lower() in _FUNCTIONS:
            return self._function()
        return self._comparison()

    def _operand(self) -> Any:
        token = self._take()
        if token.kind == "punct":
            raise ODataError(f"expected a field or value, found {token.text!r}")
        return _literal(token)

    def _function(self) -> Predicate:
        name = self._take().text.lower()
        self._expect("(")
        haystack = self._operand()
        self._expect(",")
        needle = self._operand()
        self._expect(")")

        def test(row: Row) -> bool:
            text, part = _resolve(haystack, row), _resolve(needle, row)
            if not isinstance(text, str) or not isinstance(part, str):
                return False
            text, part = text.lower(), part.lower()
            if name == "contains":
                return part in text
            return text.startswith(part) if name == "startswith" else text.endswith(part)

        return test

    def _comparison(self) -> Predicate:
        left = self._operand()
        op_token = self._take()
        op = op_token.text.lower()
        if op == "in":
            return self._membership(left)
        if op not in _COMPARISONS:
            raise ODataError(f"unsupported operator {op_token.text!r}")
        right = self._operand()
        return lambda row: _compare(op, _resolve(left, row), _resolve(right, row))

    def _membership(self, left: Any) -> Predicate:
        self._expect("(")
        values = [self._operand()]
        while self._peek_text() == ",":
            self._take()
            values.append(self._operand())
        self._expect(")")
        return lambda row: any(_compare("eq", _resolve(left, row), v) for v in values)

    def _peek_text(self) -> str | None:
        token = self._peek()
        return token.text if token is not None else None


def parse_filter(text: str) -> Predicate:
    """Compile a ``$filter`` expression into a row predicate (raises :class:`ODataError`)."""
    return _Parser(_tokenize(text)).parse()


def parse_orderby(text: str) -> list[tuple[str, bool]]:
    """Parse ``$orderby`` into ``(field, descending)`` pairs."""
    order: list[tuple[str, bool]] = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
            raise ODataError(f"bad $orderby clause {part.strip()!r}")
        order.append((words[0], len(words) == 2 and words[1] == "desc"))
    return order


def _non_negative(params: Mapping[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not raw.isdigit():
        raise ODataError(f"{name} must be a non-negative integer, not {raw!r}")
    return int(raw)


def parse_options(
    params: Mapping[str, str], default_order: list[tuple[str, bool]], default_top: int = 1000
) -> QueryOptions:
    """Read the OData options of a request's query string."""
    filter_text = params.get("$filter")
    orderby = params.get("$orderby")
    return QueryOptions(
        predicate=parse_filter(filter_text) if filter_text else None,
        order=parse_orderby(orderby) if orderby else default_order,
        top=_non_negative(params, "$top", default_top),
        skip=_non_negative(params, "$skip", 0),
    )


def _sort_key(value: Any) -> tuple[int, Any]:
    # None sorts first (as SQL Server does ascending); strings compare case-insensitively.
    if value is None:
        return (0, "")
    if isinstance(value, str):
        return (1, value.lower())
    return (2, value) if isinstance(value, bool | int | float) else (1, str(value))


def apply_options(rows: Sequence[Row], options: QueryOptions) -> list[Row]:
    """Filter, order and page ``rows`` as ``options`` say."""
    selected = [r for r in rows if options.predicate is None or options.predicate(r)]
    for name, descending in reversed(options.order):

        def key(row: Row, field_name: str = name) -> tuple[int, Any]:
            return _sort_key(field_value(row, field_name))

        selected.sort(key=key, reverse=descending)
    return selected[options.skip : options.skip + options.top]
