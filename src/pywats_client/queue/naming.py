"""Queue file names: every fact the start-up index needs is in the name, so start-up never reads.

A queue file is named ``{accepted_us:016d}_{report_id}_{size}_{stamp_ms}.{state}``:

- ``accepted_us`` microseconds since the Unix epoch when the report was accepted (sort key),
- ``report_id`` the report's GUID in lower case (the idempotency key),
- ``size`` the envelope's length in bytes (for the byte limit, without a ``stat``),
- ``stamp_ms`` the time tied to the state: due time for ``error``, completion time for
  ``completed``, and the time the state was entered otherwise,
- ``state`` one of :class:`EntryState`.

Temporary files are ``.{final name}.{token}.tmp`` and never count as entries.
"""

from __future__ import annotations

import re
import uuid
from enum import StrEnum
from typing import NamedTuple

from pywats.exceptions import ReportFormatError

TEMP_SUFFIX = ".tmp"
LOCK_NAME = ".queue.lock"
QUARANTINE_DIR = "quarantine"
REMOVED_DIR = "removed"
REASON_SUFFIX = ".reason"


class EntryState(StrEnum):
    """Where a report is in its life; also the queue file's extension."""

    QUEUED = "queued"
    PROCESSING = "processing"
    COMPLETED = "completed"
    ERROR = "error"
    PARKED = "parked"


PENDING_STATES = frozenset(
    {EntryState.QUEUED, EntryState.PROCESSING, EntryState.ERROR, EntryState.PARKED}
)


class EntryName(NamedTuple):
    """The parsed name of one queue file (a tuple: cheap to build 100,000 times at start)."""

    accepted_us: int
    report_id: str
    size: int
    stamp_ms: int
    state: EntryState

    @property
    def filename(self) -> str:
        """The file name this entry has on disk."""
        return (
            f"{self.accepted_us:016d}_{self.report_id}_{self.size}_{self.stamp_ms}"
            f".{self.state.value}"
        )

    def moved(self, state: EntryState, stamp_ms: int, size: int | None = None) -> EntryName:
        """The same entry in another state (and possibly with a rewritten, resized envelope)."""
        new_size = self.size if size is None else size
        return self._replace(state=state, stamp_ms=stamp_ms, size=new_size)


def normalize_report_id(raw: object) -> str:
    """Return the report id as a lower-case GUID string, or raise :class:`ReportFormatError`."""
    if not isinstance(raw, str):
        raise ReportFormatError("report id must be a GUID string", "id")
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise ReportFormatError(f"report id {raw[:60]!r} is not a GUID", "id") from None


_NAME_PATTERN = re.compile(
    r"(\d{16})_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_(\d{1,15})_(\d{1,15})"
    r"\.(queued|processing|completed|error|parked)",
    re.ASCII,
)
_STATE_BY_VALUE = {s.value: s for s in EntryState}
_new_tuple = tuple.__new__


def parse_entry_name(name: str) -> EntryName | None:
    """Parse a queue file name; ``None`` when it is not one (temp files, strays)."""
    match = _NAME_PATTERN.fullmatch(name)
    if match is None:
        return None
    accepted, report_id, size, stamp, state = match.groups()
    # tuple.__new__ skips the generated __new__'s Python frame: start-up parses 100,000 names.
    fields = (int(accepted), report_id, int(size), int(stamp), _STATE_BY_VALUE[state])
    return _new_tuple(EntryName, fields)


def temp_name_for(final_name: str, token: str) -> str:
    """The temporary name a file is written under before its atomic rename."""
    return f".{final_name}.{token}{TEMP_SUFFIX}"


def is_temp_name(name: str) -> bool:
    """True for a leftover temporary file (safe to delete: it was never acknowledged)."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)
