"""Pure output helpers of the CLI: queue entries and results as dicts, tables and text lines.

Queue entries reach the CLI in two shapes: :class:`QueueEntry` objects (service not running,
the CLI read the directory) and JSON dicts (from the control API). Both are normalised to one
dict shape by :func:`entry_to_dict` / :func:`normalise_entry`, so the tables and ``--json``
output look the same whichever path was used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from rich.table import Table

from pywats_client.queue import AcceptResult, QueueEntry

ENTRY_COLUMNS = ("report_id", "state", "accepted_at", "size", "attempts", "last_error")


def iso_utc(seconds: float | None) -> str | None:
    """Unix seconds as ISO 8601 UTC (``2026-11-23T02:53:16Z``), or ``None``."""
    if seconds is None:
        return None
    stamp = datetime.fromtimestamp(seconds, UTC).replace(microsecond=0)
    return stamp.isoformat().replace("+00:00", "Z")


def entry_to_dict(entry: QueueEntry) -> dict[str, Any]:
    """A queue entry read from the directory, in the CLI's JSON shape."""
    data: dict[str, Any] = {
        "report_id": entry.report_id,
        "state": entry.state.value,
        "accepted_at": iso_utc(entry.accepted_at),
        "size": entry.size,
        "state_time": iso_utc(entry.state_time),
        "next_attempt_at": iso_utc(entry.next_attempt_at),
    }
    if entry.meta is not None:
        meta = asdict(entry.meta)
        data.update(
            attempts=meta["attempts"],
            last_error=meta["last_error"],
            parked_reason=meta["parked_reason"],
            correlation_id=meta["correlation_id"],
            source=meta["source"],
        )
    return data


def normalise_entry(raw: Mapping[str, Any]) -> dict[str, Any]:
    """An entry from the control API: accept camelCase or snake_case keys, keep all fields."""
    aliases = {
        "reportId": "report_id",
        "id": "report_id",
        "acceptedAt": "accepted_at",
        "lastError": "last_error",
        "parkedReason": "parked_reason",
        "nextAttemptAt": "next_attempt_at",
        "correlationId": "correlation_id",
    }
    data = {aliases.get(key, key): value for key, value in raw.items()}
    for key in ("accepted_at", "next_attempt_at", "state_time"):
        if isinstance(data.get(key), int | float) and not isinstance(data.get(key), bool):
            data[key] = iso_utc(float(data[key]))
    return data


def human_size(size: int | None) -> str:
    """Bytes as a short human figure (``512 B``, ``1.5 KiB``, ``3.0 GiB``)."""
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _cell(value: Any, width: int = 60) -> str:
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def entries_table(entries: Iterable[Mapping[str, Any]], title: str) -> Table:
    """The ``queue ls`` table."""
    table = Table(title=title, title_justify="left")
    for column in ("report id", "state", "accepted (UTC)", "size", "attempts", "last error"):
        table.add_column(column, no_wrap=column in ("report id", "accepted (UTC)"))
    for entry in entries:
        table.add_row(
            str(entry.get("report_id", "")),
            str(entry.get("state", "")),
            _cell(entry.get("accepted_at")),
            human_size(entry.get("size")),
            _cell(entry.get("attempts")),
            _cell(entry.get("last_error"), 40),
        )
    return table


def entry_lines(entry: Mapping[str, Any]) -> list[str]:
    """``queue show`` as ``key: value`` lines, known fields first."""
    order = (
        "report_id",
        "state",
        "accepted_at",
        "state_time",
        "next_attempt_at",
        "size",
        "attempts",
        "last_error",
        "parked_reason",
        "correlation_id",
    )
    keys = [k for k in order if k in entry] + sorted(k for k in entry if k not in order)
    lines = []
    for key in keys:
        value = entry[key]
        if value is None or value == {}:
            continue
        shown = human_size(value) if key == "size" else str(value)
        # Server messages span lines; indent the continuation so each key stays findable.
        lines.append(f"{key}: " + shown.replace("\n", "\n    "))
    return lines


def accept_to_dict(path: str, result: AcceptResult) -> dict[str, Any]:
    """One accepted report of ``submit`` in the CLI's JSON shape."""
    return {
        "file": path,
        "report_id": result.entry.report_id,
        "state": result.entry.state.value,
        "duplicate": result.duplicate,
    }


def accept_line(item: Mapping[str, Any]) -> str:
    """``accepted <file> → <report id>`` (``already queued`` for duplicates)."""
    note = " (already queued)" if item.get("duplicate") else ""
    return f"accepted {item.get('file', '')} -> {item.get('report_id', '?')}{note}"


def counts_line(counts: Mapping[str, Any]) -> str:
    """Queue counts as one line in state order (``queued 3, error 1, …``)."""
    order = ("queued", "processing", "error", "parked", "completed")
    keys = [k for k in order if k in counts] + sorted(k for k in counts if k not in order)
    return ", ".join(f"{key} {counts[key]}" for key in keys) or "empty"
