"""SCIM 2.0 filter expressions (RFC 7644 §3.4.2.2) over user dicts, without I/O.

Supported: ``eq ne co sw ew gt ge lt le`` and ``pr``; ``and``, ``or``, ``not (…)`` and
parentheses; dotted attribute paths (``name.familyName``, ``emails.value``); values as
double-quoted JSON strings, numbers, ``true``/``false``/``null``. Attribute names and string
comparisons are case-insensitive (the core user attributes are not ``caseExact``). A
multi-valued attribute matches when any of its values does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

User = Mapping[str, Any]
Predicate = Callable[[User], bool]

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>"(?:[^"\\]|\\.)*")
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<word>[A-Za-z_$][A-Za-z0-9_.:$-]*)
    | (?P<punct>[()])
    )""",
    re.VERBOSE,
)
_BINARY = {"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"}
_NO_VALUE = object()


class ScimFilterError(Exception):
    """The filter cannot be parsed (the route answers 400 ``invalidFilter``)."""


def _tokens(text: str) -> list[tuple[str, str]]:
    found, pos, text = [], 0, text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ScimFilterError(f"unexpected text at position {pos}: {text[pos : pos + 20]!r}")
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        pos = match.end()
    return found


def _lookup(value: Any, key: str) -> Any:
    if isinstance(value, list):
        return [_lookup(item, key) for item in value]
    if not isinstance(value, Mapping):
        return None
    if key in value:  # the common, exactly spelled case skips the case-folding scan
        return value[key]
    for name, item in value.items():
        if name.lower() == key.lower():
            return item
    return None


def attribute_values(user: User, path: str) -> list[Any]:
    """Every value at ``path`` in ``user`` (flattened over multi-valued attributes)."""
    value: Any = user
    for part in path.split("."):
        value = _lookup(value, part)
    values = value if isinstance(value, list) else [value]
    flat: list[Any] = []
    for item in values:
        flat.extend(item if isinstance(item, list) else [item])
    return [v for v in flat if v is not None]


def _fold(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _test(op: str, actual: Any, expected: Any) -> bool:
    a, b = _fold(actual), _fold(expected)
    if op == "eq":
        return bool(a == b)
    if op == "ne":
        return bool(a != b)
    if isinstance(a, str) and isinstance(b, str) and op in ("co", "sw", "ew"):
        return b in a if op == "co" else a.startswith(b) if op == "sw" else a.endswith(b)
    if type(a) is not type(b) or isinstance(a, bool) or op not in ("gt", "ge", "lt", "le"):
        return False
    return bool({"gt": a > b, "ge": a >= b, "lt": a < b, "le": a <= b}[op])


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self._tokens = tokens
        self._pos = 0

    def _peek_word(self) -> str | None:
        if self._pos < len(self._tokens) and self._tokens[self._pos][0] == "word":
            return self._tokens[self._pos][1].lower()
        return None

    def _take(self) -> tuple[str, str]:
        if self._pos >= len(self._tokens):
            raise ScimFilterError("unexpected end of filter")
        self._pos += 1
        return self._tokens[self._pos - 1]

    def parse(self) -> Predicate:
        predicate = self._or()
        if self._pos != len(self._tokens):
            raise ScimFilterError(f"unexpected {self._tokens[self._pos][1]!r}")
        return predicate

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._peek_word() == "or":
            self._take()
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda u: any(p(u) for p in parts))

    def _and(self) -> Predicate:
        parts = [self._unary()]
        while self._peek_word() == "and":
            self._take()
            parts.append(self._unary())
        return parts[0] if len(parts) == 1 else (lambda u: all(p(u) for p in parts))

    def _unary(self) -> Predicate:
        if self._peek_word() == "not":
            self._take()
            inner = self._group()
            return lambda u: not inner(u)
        if self._pos < len(self._tokens) and self._tokens[self._pos] == ("punct", "("):
            return self._group()
        return self._comparison()

    def _group(self) -> Predicate:
        if self._take() != ("punct", "("):
            raise ScimFilterError("expected '('")
        inner = self._or()
        if self._take() != ("punct", ")"):
            raise ScimFilterError("expected ')'")
        return inner

    def _value(self) -> Any:
        kind, text = self._take()
        if kind in ("string", "number"):
            return json.loads(text)
        keywords = {"true": True, "false": False, "null": None}
        if kind == "word" and text.lower() in keywords:
            return keywords[text.lower()]
        raise ScimFilterError(f"expected a value, found {text!r}")

    def _comparison(self) -> Predicate:
        kind, path = self._take()
        if kind != "word":
            raise ScimFilterError(f"expected an attribute, found {path!r}")
        op = self._peek_word() or ""
        if op == "pr":
            self._take()
            return lambda u: bool(attribute_values(u, path))
        if op not in _BINARY:
            raise ScimFilterError(f"expected an operator after {path!r}")
        self._take()
        expected = self._value()
        if expected is None:
            wanted_present = op == "ne"
            return lambda u: bool(attribute_values(u, path)) == wanted_present
        return lambda u: any(_test(op, v, expected) for v in attribute_values(u, path))


def parse_scim_filter(text: str) -> Predicate:
    """Compile a SCIM filter into a user predicate (raises :class:`ScimFilterError`)."""
    return _Parser(_tokens(text)).parse()


def page(items: list[Any], start_index: int | None, count: int | None) -> tuple[list[Any], int]:
    """One SCIM page: ``start_index`` is 1-based (below 1 means 1), ``count`` below 0 means 0.

    Returns the page and the start index actually used.
    """
    start = max(1, start_index or 1)
    size = len(items) if count is None else max(0, count)
    return items[start - 1 : start - 1 + size], start
