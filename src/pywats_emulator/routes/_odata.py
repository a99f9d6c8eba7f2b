"""A small OData v4 subset over in-memory rows, for the asset and product list endpoints.

Options: ``$filter``, ``$orderby``, ``$top``, ``$skip``. Rows are plain dicts keyed by the wire
names (camelCase); field names in expressions match them case-insensitively, as the ASP.NET
server does. Given the endpoint's ``fields``, any other name is an error ("Could not find a
property"); without them, an unknown name reads as ``null``.

``$filter`` supports ``eq ne gt ge lt le``, ``and or not``, parentheses,
``contains``/``startswith``/``endswith``, ``field in (v1, v2, …)`` and literals: quoted strings
(``''`` escapes), unquoted GUIDs and ISO dates/date-times, numbers, ``true``/``false``/``null``.
Strings compare ignoring case, like the SQL Server collation of a real WATS server; ordering a
number against a string is an error, as it is on the server.
No I/O here: a route feeds rows in and gets the chosen rows out (:func:`select_rows`); every
problem is an :class:`ODataError`, answered with 400.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pywats_emulator.routes._dates import parse_iso
from pywats_emulator.routes._params import bad_request, optional_str

Row = Mapping[str, Any]
Predicate = Callable[[Row], bool]
OrderBy = list[tuple[str, bool]]

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
_KEYWORDS = {"true": True, "false": False, "null": None}
DEFAULT_TOP = 1000


class ODataError(Exception):
    """The query options cannot be parsed or applied; the message says why."""


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
    order: OrderBy
    top: int
    skip: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ODataError(f"Syntax error at position {pos}: {text[pos : pos + 20]!r}.")
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


def _literal(token: _Token) -> Any:
    if token.kind == "string":
        return token.text[1:-1].replace("''", "'")
    if token.kind in ("datetime", "date"):
        try:
            return parse_iso(token.text)
        except ValueError:
            raise ODataError(f"'{token.text}' is not a valid date.") from None
    if token.kind == "guid":
        return token.text.lower()
    if token.kind == "number":
        return float(token.text) if "." in token.text else int(token.text)
    raise ODataError(f"Expected a value but found '{token.text}'.")


def _comparable(left: Any, right: Any) -> tuple[Any, Any]:
    """Bring a row value and a literal to one type (dates, booleans, string case)."""
    if isinstance(right, datetime) and isinstance(left, str):
        try:
            return parse_iso(left), right
        except ValueError:
            return left, right.isoformat()
    if isinstance(left, str) and isinstance(right, str):
        return left.lower(), right.lower()
    if (isinstance(left, bool) or isinstance(right, bool)) and None not in (left, right):
        # SQLite keeps booleans as 0/1.
        return bool(left), bool(right)
    return left, right


def compare(op: str, left: Any, right: Any) -> bool:
    """Apply one comparison; ``null`` only equals ``null``, ordering it is always false."""
    a, b = _comparable(left, right)
    if op in ("eq", "ne"):
        return bool(a == b) == (op == "eq")
    if a is None or b is None:
        return False
    try:
        if op == "gt":
            return bool(a > b)
        if op == "ge":
            return bool(a >= b)
        if op == "lt":
            return bool(a < b)
        return bool(a <= b)
    except TypeError:
        raise ODataError(f"Cannot compare {left!r} with {right!r}.") from None


def _resolve(operand: Any, row: Row) -> Any:
    return field_value(row, operand.name) if isinstance(operand, Field) else operand


def _text_function(name: str, haystack: Any, needle: Any) -> Predicate:
    def test(row: Row) -> bool:
        text, part = _resolve(haystack, row), _resolve(needle, row)
        if text is None or not isinstance(part, str):
            return False
        text, part = str(text).lower(), part.lower()
        if name == "contains":
            return part in text
        return text.startswith(part) if name == "startswith" else text.endswith(part)

    return test


class _Parser:
    def __init__(self, tokens: list[_Token], fields: Sequence[str] | None) -> None:
        self._tokens = tokens
        self._pos = 0
        self._fields = None if fields is None else {name.lower(): name for name in fields}

    def _peek(self) -> _Token | None:
        return self._tokens[self._pos] if self._pos < len(self._tokens) else None

    def _take(self) -> _Token:
        token = self._peek()
        if token is None:
            raise ODataError("Unexpected end of the filter expression.")
        self._pos += 1
        return token

    def _expect(self, text: str) -> None:
        token = self._take()
        if token.text != text:
            raise ODataError(f"Expected '{text}' but found '{token.text}'.")

    def _at(self, text: str) -> bool:
        token = self._peek()
        return token is not None and token.text.lower() == text

    def parse(self) -> Predicate:
        predicate = self._or()
        if self._peek() is not None:
            raise ODataError(f"Unexpected '{self._take().text}'.")
        return predicate

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._at("or"):
            self._take()
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda row: any(p(row) for p in parts))

    def _and(self) -> Predicate:
        parts = [self._unary()]
        while self._at("and"):
            self._take()
            parts.append(self._unary())
        return parts[0] if len(parts) == 1 else (lambda row: all(p(row) for p in parts))

    def _unary(self) -> Predicate:
        if self._at("not"):
            self._take()
            inner = self._unary()
            return lambda row: not inner(row)
        if self._at("("):
            self._take()
            inner = self._or()
            self._expect(")")
            return inner
        token = self._peek()
        if token is not None and token.kind == "name" and token.text.lower() in _FUNCTIONS:
            return self._function()
        return self._comparison()

    def _operand(self) -> Any:
        token = self._take()
        if token.kind == "punct":
            raise ODataError(f"Expected a field or value but found '{token.text}'.")
        if token.kind != "name":
            return _literal(token)
        if token.text.lower() in _KEYWORDS:
            return _KEYWORDS[token.text.lower()]
        return Field(self._field_name(token.text))

    def _field_name(self, text: str) -> str:
        if self._fields is None:
            return text
        name = self._fields.get(text.lower())
        if name is None:
            raise ODataError(f"Could not find a property named '{text}'.")
        return name

    def _function(self) -> Predicate:
        name = self._take().text.lower()
        self._expect("(")
        haystack = self._operand()
        self._expect(",")
        needle = self._operand()
        self._expect(")")
        return _text_function(name, haystack, needle)

    def _comparison(self) -> Predicate:
        left = self._operand()
        op = self._take().text.lower()
        if op == "in":
            return self._membership(left)
        if op not in _COMPARISONS:
            raise ODataError(f"Unknown operator '{op}'.")
        right = self._operand()
        return lambda row: compare(op, _resolve(left, row), _resolve(right, row))

    def _membership(self, left: Any) -> Predicate:
        self._expect("(")
        values = [self._operand()]
        while self._at(","):
            self._take()
            values.append(self._operand())
        self._expect(")")
        return lambda row: any(compare("eq", _resolve(left, row), v) for v in values)


def parse_filter(text: str, fields: Sequence[str] | None = None) -> Predicate:
    """Compile a ``$filter`` expression into a row predicate; blank accepts every row."""
    tokens = _tokenize(text)
    if not tokens:
        return lambda row: True
    return _Parser(tokens, fields).parse()


def parse_orderby(text: str, fields: Sequence[str] | None = None) -> OrderBy:
    """Parse ``$orderby`` into ``(field, descending)`` pairs."""
    known = None if fields is None else {name.lower(): name for name in fields}
    order: OrderBy = []
    for part in text.split(","):
        words = part.split()
        if not words:
            continue
        name = words[0] if known is None else known.get(words[0].lower())
        direction = words[1].lower() if len(words) == 2 else "asc"
        if name is None or len(words) > 2 or direction not in ("asc", "desc"):
            raise ODataError(f"Cannot order by '{part.strip()}'.")
        order.append((name, direction == "desc"))
    return order


def _non_negative(params: Mapping[str, str], name: str, default: int) -> int:
    raw = optional_str(params, name)
    if raw is None:
        return default
    if not raw.strip().isdigit():
        raise ODataError(f"{name} must be a non-negative integer, not {raw!r}.")
    return int(raw)


def parse_options(
    params: Mapping[str, str],
    default_order: OrderBy,
    *,
    fields: Sequence[str] | None = None,
    default_top: int = DEFAULT_TOP,
) -> QueryOptions:
    """Read the OData options of a request's query string (names in any case)."""
    filter_text = optional_str(params, "$filter")
    orderby = optional_str(params, "$orderby")
    return QueryOptions(
        predicate=parse_filter(filter_text, fields) if filter_text else None,
        order=parse_orderby(orderby, fields) if orderby else default_order,
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


def apply_orderby(rows: Sequence[Row], order: OrderBy) -> list[Row]:
    """Rows sorted by several keys (stable, ``None`` first, strings ignoring case)."""
    result = list(rows)
    for name, descending in reversed(order):

        def key(row: Row, field_name: str = name) -> tuple[int, Any]:
            return _sort_key(field_value(row, field_name))

        result.sort(key=key, reverse=descending)
    return result


def apply_options(rows: Sequence[Row], options: QueryOptions) -> list[Row]:
    """Filter, order and page ``rows`` as ``options`` say (raises :class:`ODataError`)."""
    selected = [r for r in rows if options.predicate is None or options.predicate(r)]
    return apply_orderby(selected, options.order)[options.skip : options.skip + options.top]


def select_rows(
    rows: Sequence[Row],
    params: Mapping[str, str],
    default_order: OrderBy,
    *,
    fields: Sequence[str] | None = None,
) -> list[Row]:
    """The rows a list endpoint answers for the request's OData options.

    Any :class:`ODataError`, including a type mismatch found only while filtering, becomes a
    400 ``RouteError`` in the ASP.NET wording.
    """
    try:
        return apply_options(rows, parse_options(params, default_order, fields=fields))
    except ODataError as exc:
        raise bad_request(f"The query specified in the URI is not valid. {exc}") from None
