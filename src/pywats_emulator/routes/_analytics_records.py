"""Stored reports as analytics sees them: one flat record per report, read from a table row.

No I/O here: the route module queries the ``reports`` table and hands the rows to
:func:`record_from_row`; everything downstream works on :class:`ReportRecord`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

RESULT_WORDS = {"P": "Passed", "F": "Failed", "E": "Error", "T": "Terminated", "D": "Done"}
STEP_STATUS_WORDS = {
    "P": "Passed",
    "F": "Failed",
    "D": "Done",
    "S": "Skipped",
    "E": "Error",
    "T": "Terminated",
    "U": "Unknown",
}
PATH_SEPARATOR = "\u00b6"


@dataclass(frozen=True)
class ReportRecord:
    """The header facts of one stored report; its WSJF body is decoded on first use.

    Yield queries need only the header columns, so most requests never parse a body.
    """

    id: str
    type: str
    pn: str
    sn: str
    rev: str
    process_code: int | None
    result: str
    machine_name: str
    location: str
    purpose: str
    start: str
    start_utc: datetime
    operator: str
    raw_body: Any = field(default=None, compare=False, repr=False)
    registered_process_name: str = ""

    @cached_property
    def body(self) -> Mapping[str, Any]:
        """The submitted WSJF as a mapping (empty when missing or unreadable)."""
        return _decode_body(self.raw_body)

    @property
    def is_uut(self) -> bool:
        """True for test reports (``type`` ``T``)."""
        return self.type.upper() == "T"

    @property
    def passed(self) -> bool:
        """True when the report's overall result is ``P``."""
        return self.result.upper() == "P"

    @property
    def result_word(self) -> str:
        """The result in the word vocabulary of headers and filters (``Passed`` …)."""
        return RESULT_WORDS.get(self.result.upper(), self.result)

    @property
    def process_name(self) -> str:
        """The operation name: as registered, else as submitted, else the code as text."""
        if self.registered_process_name:
            return self.registered_process_name
        name = self.body.get("processName")
        if isinstance(name, str) and name:
            return name
        return "" if self.process_code is None else str(self.process_code)

    @property
    def product_name(self) -> str:
        """The product name carried in the body (``""`` when absent)."""
        return _text(self.body.get("productName"))

    @property
    def uut(self) -> Mapping[str, Any]:
        """The ``uut`` header extension (empty mapping for repairs)."""
        return _mapping(self.body.get("uut"))

    @property
    def uur(self) -> Mapping[str, Any]:
        """The ``uur`` header extension (empty mapping for tests)."""
        return _mapping(self.body.get("uur"))

    @property
    def root(self) -> Mapping[str, Any]:
        """The root step (empty mapping when the report has none)."""
        return _mapping(self.body.get("root"))

    @property
    def sw_filename(self) -> str:
        """Test software file: the root sequence-call path."""
        return _text(_mapping(self.root.get("seqCall")).get("path"))

    @property
    def sw_version(self) -> str:
        """Test software version: the root sequence-call version."""
        return _text(_mapping(self.root.get("seqCall")).get("version"))

    @property
    def exec_time(self) -> float | None:
        """Run duration in seconds from ``uut.execTime`` / ``uur.execTime``."""
        value = self.uut.get("execTime", self.uur.get("execTime"))
        return float(value) if isinstance(value, int | float) else None

    def misc_infos(self) -> list[tuple[str, str]]:
        """``(description, text)`` pairs of the header misc infos."""
        pairs = []
        for item in _sequence(self.body.get("miscInfos")):
            info = _mapping(item)
            text = info.get("text")
            if text is None and info.get("numeric") is not None:
                text = str(info.get("numeric"))
            pairs.append((_text(info.get("description")), _text(text)))
        return pairs

    def assets(self) -> list[Mapping[str, Any]]:
        """The ``assets`` entries of the report."""
        return [_mapping(item) for item in _sequence(self.body.get("assets"))]


def record_from_row(
    row: Mapping[str, Any], process_names: Mapping[int, str] | None = None
) -> ReportRecord:
    """Build a :class:`ReportRecord` from a ``reports`` table row (as a mapping).

    ``process_names`` maps operation codes to the names registered on the server.
    """
    raw_body = row.get("body")
    if isinstance(raw_body, Mapping):
        raw_body = json.dumps(raw_body)
    process_code = _optional_int(row.get("process_code"))
    start = _text(row.get("start"))
    start_utc_text = _text(row.get("start_utc")) or start
    record_type = _text(row.get("type"))
    if process_code is None or not start_utc_text or not record_type:
        # Rows written without header columns: take the facts from the body.
        body = _decode_body(raw_body)
        if process_code is None:
            process_code = _optional_int(body.get("processCode"))
        start = start or _text(body.get("start"))
        start_utc_text = start_utc_text or _text(body.get("startUTC")) or start
        record_type = record_type or _text(body.get("type"))
    registered = (process_names or {}).get(process_code, "") if process_code is not None else ""
    return ReportRecord(
        id=_text(row.get("id")).lower(),
        type=record_type,
        pn=_text(row.get("pn")),
        sn=_text(row.get("sn")),
        rev=_text(row.get("rev")),
        process_code=process_code,
        result=_text(row.get("result")),
        machine_name=_text(row.get("machine_name")),
        location=_text(row.get("location")),
        purpose=_text(row.get("purpose")),
        start=start,
        start_utc=parse_datetime(start_utc_text) or datetime(1970, 1, 1, tzinfo=UTC),
        operator=_text(row.get("operator")),
        raw_body=raw_body,
        registered_process_name=registered or _text(row.get("process_name")),
    )


def parse_datetime(text: str | None) -> datetime | None:
    """Parse an ISO 8601 date-time; naive values are taken as UTC. ``None`` if unreadable."""
    if not text:
        return None
    cleaned = text.strip()
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iter_steps(
    step: Mapping[str, Any], parent_path: str = ""
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Yield ``(path, step)`` depth-first; the path joins step names with ``¶`` from the root."""
    name = _text(step.get("name"))
    path = f"{parent_path}{PATH_SEPARATOR}{name}" if parent_path else name
    yield path, step
    for child in _sequence(step.get("steps")):
        yield from iter_steps(_mapping(child), path)


def analysed_steps(
    step: Mapping[str, Any], parent_path: str = ""
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Like :func:`iter_steps`, minus loop summaries whose iterations are recorded too.

    A summary followed by its iteration steps would otherwise count the same work twice;
    a summary recorded alone (common in TestStand exports) stands for the whole loop.
    """
    name = _text(step.get("name"))
    path = f"{parent_path}{PATH_SEPARATOR}{name}" if parent_path else name
    yield path, step
    children = [_mapping(child) for child in _sequence(step.get("steps"))]
    iterated = {_text(c.get("name")) for c in children if _loop_index(c) is not None}
    for child in children:
        is_summary = bool(_mapping(child.get("loop"))) and _loop_index(child) is None
        if is_summary and _text(child.get("name")) in iterated:
            continue
        yield from analysed_steps(child, path)


def _loop_index(step: Mapping[str, Any]) -> Any:
    return _mapping(step.get("loop")).get("idx")


def failure_step(record: ReportRecord) -> tuple[str, str]:
    """``(name, path)`` of the step that made the unit fail, or ``("", "")``."""
    wanted = record.uut.get("stepIdCausedUUTFailure")
    for path, step in iter_steps(record.root) if record.root else ():
        if step.get("causedUUTFailure") is True or (
            wanted is not None and step.get("id") == wanted
        ):
            return _text(step.get("name")), path
    return "", ""


def _decode_body(raw: Any) -> Mapping[str, Any]:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    if not isinstance(raw, str) or not raw:
        return {}
    try:
        decoded = json.loads(raw)
    except json.JSONDecodeError:
        return {}
    return decoded if isinstance(decoded, dict) else {}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _optional_int(value: Any) -> int | None:
    try:
        return None if value is None or value == "" else int(value)
    except (TypeError, ValueError):
        return None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _sequence(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
