"""The OData subset of ``GET /api/Report/Query/Header`` (wats-rest-api.md §4), as SQL.

Pure: :func:`compile_filter` turns a ``$filter`` text into a parameterised SQL condition
over the ``reports`` table; :func:`compile_orderby` does the same for ``$orderby``. Bad
queries raise :class:`ODataError`, which the route answers with 400.

Supported: ``eq ne gt ge lt le in``, ``and or not``, parentheses, ``contains``,
``startswith``, ``endswith``, and ``subUnits/any(s: s/<field> <op> <literal>)``.
String comparisons ignore case, like the SQL Server collation behind WATS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .reportdata import RESULT_LETTERS, utc_key


class ODataError(Exception):
    """A query option the emulator cannot accept; the message is shown to the caller."""


@dataclass(frozen=True)
class Field:
    """A filterable header field: its SQL expression and literal kind."""

    sql: str
    kind: str  # "text", "int", "float", "time", "result", "type", "bool"


FIELDS: dict[str, Field] = {
    "uuid": Field("id", "text"),
    "serialnumber": Field("sn", "text"),
    "partnumber": Field("pn", "text"),
    "revision": Field("rev", "text"),
    "reporttype": Field("type", "type"),
    "start": Field("start_utc", "time"),
    "result": Field("result", "result"),
    "batchnumber": Field("batch_sn", "text"),
    "username": Field("operator", "text"),
    "stationname": Field("machine_name", "text"),
    "location": Field("location", "text"),
    "purpose": Field("purpose", "text"),
    "processcode": Field("process_code", "int"),
    "processname": Field("process_name", "text"),
    "comment": Field("comment", "text"),
    "executiontime": Field("exec_time", "float"),
    "swfilename": Field("sw_filename", "text"),
    "swversion": Field("sw_version", "text"),
    "testsocketindex": Field("test_socket_index", "int"),
    "fixtureid": Field("fixture_id", "text"),
    "errorcode": Field("error_code", "int"),
    "errormessage": Field("error_message", "text"),
    "run": Field("run", "int"),
    "receivecount": Field("receive_count", "int"),
    "reportsize": Field("report_size", "int"),
    "causeduutfailure": Field("caused_uut_failure", "text"),
    "causeduutfailurepath": Field("caused_uut_failure_path", "text"),
    "referenceduut": Field("ref_uut", "text"),
    "timestamp": Field("seq", "int"),
    "measuresdeleted": Field("0", "bool"),
}
SUB_UNIT_FIELDS = {
    "parttype": "$.partType",
    "serialnumber": "$.sn",
    "partnumber": "$.pn",
    "revision": "$.rev",
}
LAMBDA_COLLECTIONS = {"subunits": "$.subUnits", "uursubunits": "$.subUnits"}
ORDERABLE = {"start": "start_utc", "uuid": "id", "serialnumber": "sn", "timestamp": "seq"}
COMPARISONS = {"eq": "=", "ne": "<>", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}
FUNCTIONS = {"contains", "startswith", "endswith"}

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'(?:[^']|'')*')
    | (?P<time>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)
    | (?P<guid>[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})
    | (?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:/[A-Za-z_][A-Za-z0-9_]*)*)
    | (?P<punct>[(),:])
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    """One lexical token of a filter."""

    kind: str
    text: str
    position: int


def tokenize(text: str) -> list[Token]:
    """Split a ``$filter`` into tokens; raises :class:`ODataError` at unknown characters."""
    tokens: list[Token] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            blank = len(text[position:]) - len(text[position:].lstrip())
            raise ODataError(f"Syntax error at position {position + blank} in '{text}'.")
        kind = match.lastgroup or ""
        tokens.append(Token(kind, match.group(kind), match.start(kind)))
        position = match.end()
    return tokens


@dataclass
class SqlFilter:
    """A compiled filter: SQL condition text and its parameters."""

    sql: str
    params: list[Any]


class _Parser:
    """Recursive descent over the tokens, emitting SQL with ``?`` parameters."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.params: list[Any] = []
        self.lambda_var: str | None = None

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise ODataError(f"Unexpected end of '$filter' expression '{self.text}'.")
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text.lower() != text:
            raise ODataError(f"'{text}' expected at position {token.position} in '{self.text}'.")

    def at_word(self, *words: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "name" and token.text.lower() in words

    def parse(self) -> SqlFilter:
        sql = self.parse_or()
        leftover = self.peek()
        if leftover is not None:
            raise ODataError(f"Syntax error at position {leftover.position} in '{self.text}'.")
        return SqlFilter(sql, self.params)

    def parse_or(self) -> str:
        parts = [self.parse_and()]
        while self.at_word("or"):
            self.take()
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    def parse_and(self) -> str:
        parts = [self.parse_not()]
        while self.at_word("and"):
            self.take()
            parts.append(self.parse_not())
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def parse_not(self) -> str:
        if self.at_word("not"):
            self.take()
            return f"(NOT {self.parse_not()})"
        return self.parse_primary()

    def parse_primary(self) -> str:
        token = self.take()
        if token.text == "(":
            inner = self.parse_or()
            self.expect(")")
            return f"({inner})"
        if token.kind != "name":
            raise ODataError(f"A property name was expected at position {token.position}.")
        lowered = token.text.lower()
        if lowered in FUNCTIONS and self._next_is("("):
            return self.parse_function(lowered)
        head, _, tail = lowered.partition("/")
        if head in LAMBDA_COLLECTIONS and tail == "any":
            return self.parse_any(LAMBDA_COLLECTIONS[head])
        return self.parse_comparison(self.resolve(token))

    def _next_is(self, text: str) -> bool:
        token = self.peek()
        return token is not None and token.text == text

    def resolve(self, token: Token) -> Field:
        lowered = token.text.lower()
        if self.lambda_var is not None and lowered.startswith(self.lambda_var + "/"):
            member = lowered.split("/", 1)[1]
            path = SUB_UNIT_FIELDS.get(member)
            if path is None:
                raise ODataError(f"Could not find a property named '{member}' on sub units.")
            return Field(f"json_extract(item.value, '{path}')", "text")
        field = FIELDS.get(lowered)
        if field is None:
            raise ODataError(
                f"Could not find a property named '{token.text}' on type 'ReportHeader'."
            )
        return field

    def parse_comparison(self, field: Field) -> str:
        operator = self.take()
        op = operator.text.lower()
        if op == "in":
            return self.parse_in(field)
        if op not in COMPARISONS:
            raise ODataError(
                f"Unsupported operator '{operator.text}' at position {operator.position}."
            )
        literal = self.take()
        if literal.kind == "name" and literal.text.lower() == "null":
            if op not in ("eq", "ne"):
                raise ODataError("null can only be compared with eq or ne.")
            return f"{field.sql} IS {'NOT ' if op == 'ne' else ''}NULL"
        self.params.append(convert_literal(field, literal))
        collate = " COLLATE NOCASE" if field.kind == "text" else ""
        return f"{field.sql}{collate} {COMPARISONS[op]} ?"

    def parse_in(self, field: Field) -> str:
        self.expect("(")
        values = [convert_literal(field, self.take())]
        while self._next_is(","):
            self.take()
            values.append(convert_literal(field, self.take()))
        self.expect(")")
        self.params.extend(values)
        collate = " COLLATE NOCASE" if field.kind == "text" else ""
        return f"{field.sql}{collate} IN ({', '.join('?' * len(values))})"

    def parse_function(self, name: str) -> str:
        self.expect("(")
        field = self.resolve(self.take())
        self.expect(",")
        literal = self.take()
        self.expect(")")
        if field.kind != "text" or literal.kind != "string":
            raise ODataError(f"{name} needs a text property and a quoted string.")
        value = _escape_like(unquote(literal.text))
        pattern = {"contains": f"%{value}%", "startswith": f"{value}%", "endswith": f"%{value}"}
        self.params.append(pattern[name])
        return f"{field.sql} LIKE ? ESCAPE '\\'"

    def parse_any(self, json_path: str) -> str:
        if self.lambda_var is not None:
            raise ODataError("Nested any() is not supported.")
        self.expect("(")
        variable = self.take()
        if variable.kind != "name" or "/" in variable.text:
            raise ODataError("any() needs a range variable, e.g. any(s: s/partNumber eq 'X').")
        self.expect(":")
        self.lambda_var = variable.text.lower()
        try:
            condition = self.parse_or()
        finally:
            self.lambda_var = None
        self.expect(")")
        return (
            f"EXISTS (SELECT 1 FROM json_each(reports.body, '{json_path}') AS item "
            f"WHERE {condition})"
        )


def unquote(text: str) -> str:
    """The value of a quoted OData string literal (``''`` stands for ``'``)."""
    return text[1:-1].replace("''", "'")


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def convert_literal(field: Field, token: Token) -> Any:
    """The SQL parameter for a literal compared with ``field``."""
    text = unquote(token.text) if token.kind == "string" else token.text
    if field.kind == "time":
        if token.kind not in ("time", "string"):
            raise ODataError(f"A date-time literal was expected at position {token.position}.")
        try:
            return utc_key(datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            raise ODataError(f"'{text}' is not a valid date-time.") from None
    if field.kind == "result":
        letter = RESULT_LETTERS.get(text.lower(), text.upper() if len(text) == 1 else None)
        if letter not in ("P", "F", "E", "T"):
            raise ODataError(f"'{text}' is not a report result (Passed, Failed, Error, …).")
        return letter
    if field.kind == "type":
        upper = text.upper()
        return "T" if upper == "U" else upper
    if field.kind in ("int", "float", "bool"):
        return _number(field, token, text)
    if token.kind not in ("string", "guid"):
        raise ODataError(f"A quoted string was expected at position {token.position}.")
    return text.lower() if field.sql in ("id", "ref_uut") else text


def _number(field: Field, token: Token, text: str) -> Any:
    if field.kind == "bool":
        if text.lower() not in ("true", "false"):
            raise ODataError(f"true or false was expected at position {token.position}.")
        return 1 if text.lower() == "true" else 0
    try:
        return int(text) if field.kind == "int" else float(text)
    except ValueError:
        raise ODataError(f"A number was expected at position {token.position}.") from None


def compile_filter(text: str) -> SqlFilter:
    """Compile a ``$filter`` into SQL (``1`` for an empty filter)."""
    if not text.strip():
        return SqlFilter("1", [])
    return _Parser(text).parse()


def compile_orderby(text: str | None) -> str:
    """Compile ``$orderby`` (only ``start``, ``uuid``, ``serialNumber``, ``timestamp``)."""
    if text is None or not text.strip():
        return "start_utc DESC, seq DESC"
    terms = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2:
            raise ODataError(f"Invalid $orderby term '{part.strip()}'.")
        column = ORDERABLE.get(words[0].lower())
        if column is None:
            allowed = "start, uuid, serialNumber, timestamp"
            raise ODataError(f"The property '{words[0]}' cannot be used in $orderby ({allowed}).")
        direction = words[1].lower() if len(words) == 2 else "asc"
        if direction not in ("asc", "desc"):
            raise ODataError(f"Invalid $orderby direction '{words[1]}'.")
        terms.append(f"{column} {direction.upper()}")
    return ", ".join([*terms, "seq DESC"])
