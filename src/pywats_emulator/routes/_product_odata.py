"""A small OData v4 ``$filter`` / ``$orderby`` evaluator for in-memory rows.

Covers what clients send to ``GET /api/Product/Query``: comparisons (``eq ne gt ge lt le``),
``and`` / ``or`` / ``not``, parentheses, and the string functions ``contains``,
``startswith``, ``endswith``. String comparisons ignore case, as the SQL Server collation of
a real WATS server does. Field names are matched case-insensitively against a known set.
No I/O here: the route module feeds rows in and gets a predicate out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Row = Mapping[str, Any]
Predicate = Callable[[Row], bool]

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>-?\d+(?:\.\d+)?)"
    r"|(?P<punct>[(),])|(?P<word>[A-Za-z_][A-Za-z0-9_/]*))"
)
_COMPARISONS = {"eq", "ne", "gt", "ge", "lt", "le"}
_FUNCTIONS = {"contains", "startswith", "endswith"}
_KEYWORDS = {"true": True, "false": False, "null": None}


class ODataError(Exception):
    """The expression cannot be parsed or names an unknown field."""


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


def tokenize(expression: str) -> list[_Token]:
    """Split a ``$filter`` expression into tokens."""
    tokens: list[_Token] = []
    position = 0
    expression = expression.rstrip()
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if match is None or match.end() == position:
            raise ODataError(f"Syntax error at position {position} in '{expression}'.")
        kind = match.lastgroup or ""
        tokens.append(_Token(kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Token], fields: Sequence[str]) -> None:
        self._tokens = tokens
        self._index = 0
        self._fields = {name.lower(): name for name in fields}

    def parse(self) -> Predicate:
        predicate = self._or()
        if self._index != len(self._tokens):
            raise ODataError(f"Unexpected '{self._tokens[self._index].text}'.")
        return predicate

    def _peek_word(self) -> str:
        if self._index < len(self._tokens) and self._tokens[self._index].kind == "word":
            return self._tokens[self._index].text.lower()
        return ""

    def _next(self) -> _Token:
        if self._index >= len(self._tokens):
            raise ODataError("Unexpected end of the filter expression.")
        token = self._tokens[self._index]
        self._index += 1
        return token

    def _expect(self, text: str) -> None:
        token = self._next()
        if token.text != text:
            raise ODataError(f"Expected '{text}' but found '{token.text}'.")

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._peek_word() == "or":
            self._index += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda row: any(p(row) for p in parts))

    def _and(self) -> Predicate:
        parts = [self._not()]
        while self._peek_word() == "and":
            self._index += 1
            parts.append(self._not())
        return parts[0] if len(parts) == 1 else (lambda row: all(p(row) for p in parts))

    def _not(self) -> Predicate:
        if self._peek_word() == "not":
            self._index += 1
            inner = self._not()
            return lambda row: not inner(row)
        return self._primary()

    def _primary(self) -> Predicate:
        token = self._next()
        if token.text == "(":
            inner = self._or()
            self._expect(")")
            return inner
        if token.kind == "word" and token.text.lower() in _FUNCTIONS:
            return self._function(token.text.lower())
        if token.kind != "word":
            raise ODataError(f"Expected a field name but found '{token.text}'.")
        field = self._field(token.text)
        operator = self._next().text.lower()
        if operator not in _COMPARISONS:
            raise ODataError(f"Unknown operator '{operator}'.")
        value = self._literal()
        return lambda row: compare(row.get(field), operator, value)

    def _function(self, name: str) -> Predicate:
        self._expect("(")
        field = self._field(self._next().text)
        self._expect(",")
        value = self._literal()
        self._expect(")")
        if not isinstance(value, str):
            raise ODataError(f"{name}() needs a string argument.")
        needle = value.lower()

        def test(row: Row) -> bool:
            text = row.get(field)
            if text is None:
                return False
            haystack = str(text).lower()
            if name == "contains":
                return needle in haystack
            if name == "startswith":
                return haystack.startswith(needle)
            return haystack.endswith(needle)

        return test

    def _field(self, text: str) -> str:
        field = self._fields.get(text.lower())
        if field is None:
            raise ODataError(f"Could not find a property named '{text}'.")
        return field

    def _literal(self) -> Any:
        token = self._next()
        if token.kind == "string":
            return token.text[1:-1].replace("''", "'")
        if token.kind == "number":
            return float(token.text) if "." in token.text else int(token.text)
        if token.kind == "word" and token.text.lower() in _KEYWORDS:
            return _KEYWORDS[token.text.lower()]
        raise ODataError(f"Expected a literal value but found '{token.text}'.")


def compare(left: Any, operator: str, right: Any) -> bool:
    """Apply an OData comparison; strings compare case-insensitively, ``null`` only by eq/ne."""
    if isinstance(left, bool) or isinstance(right, bool):
        left = bool(left) if left is not None else None
    if isinstance(left, str) and isinstance(right, str):
        left, right = left.lower(), right.lower()
    if operator == "eq":
        return bool(left == right)
    if operator == "ne":
        return bool(left != right)
    if left is None or right is None:
        return False
    try:
        if operator == "gt":
            return bool(left > right)
        if operator == "ge":
            return bool(left >= right)
        if operator == "lt":
            return bool(left < right)
        return bool(left <= right)
    except TypeError:
        raise ODataError(f"Cannot compare {left!r} with {right!r}.") from None


def parse_filter(expression: str, fields: Sequence[str]) -> Predicate:
    """A predicate for ``expression``; an empty expression accepts every row."""
    tokens = tokenize(expression)
    if not tokens:
        return lambda row: True
    return _Parser(tokens, fields).parse()


def parse_orderby(expression: str, fields: Sequence[str]) -> list[tuple[str, bool]]:
    """``$orderby`` as ``(field, descending)`` pairs."""
    known = {name.lower(): name for name in fields}
    order: list[tuple[str, bool]] = []
    for part in expression.split(","):
        words = part.split()
        if not words:
            continue
        field = known.get(words[0].lower())
        if field is None or len(words) > 2:
            raise ODataError(f"Cannot order by '{part.strip()}'.")
        direction = words[1].lower() if len(words) == 2 else "asc"
        if direction not in ("asc", "desc"):
            raise ODataError(f"Unknown sort direction '{words[1]}'.")
        order.append((field, direction == "desc"))
    return order


def apply_orderby(rows: list[Row], order: list[tuple[str, bool]]) -> list[Row]:
    """Sort rows by several keys (stable, ``None`` first, strings ignoring case)."""
    result = list(rows)
    for field, descending in reversed(order):
        result.sort(key=lambda row: _sort_key(row.get(field)), reverse=descending)
    return result


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, "")
    if isinstance(value, str):
        return (1, value.lower())
    return (1, value)
