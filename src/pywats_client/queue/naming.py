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

import uuid
from dataclasses import dataclass, replace
from enum import StrEnum

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
_STATE_BY_SUFFIX = {f".{s.value}": s for s in EntryState}


@dataclass(frozen=True, slots=True)
class EntryName:
    """The parsed name of one queue file."""

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
        return replace(self, state=state, stamp_ms=stamp_ms, size=new_size)


def normalize_report_id(raw: object) -> str:
    """Return the report id as a lower-case GUID string, or raise :class:`ReportFormatError`."""
    if not isinstance(raw, str):
        raise ReportFormatError("report id must be a GUID string", "id")
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise ReportFormatError(f"report id {raw[:60]!r} is not a GUID", "id") from None


def parse_entry_name(name: str) -> EntryName | None:
    """Parse a queue file name; ``None`` when it is not one (temp files, strays)."""
    dot = name.rfind(".")
    state = _STATE_BY_SUFFIX.get(name[dot:]) if dot > 0 else None
    if state is None:
        return None
    parts = name[:dot].split("_")
    if len(parts) != 4:
        return None
    accepted, report_id, size, stamp = parts
    if not (accepted.isdigit() and size.isdigit() and stamp.isdigit() and len(accepted) == 16):
        return None
    if len(report_id) != 36 or report_id != report_id.lower():
        return None
    try:
        uuid.UUID(report_id)
    except ValueError:
        return None
    return EntryName(int(accepted), report_id, int(size), int(stamp), state)


def temp_name_for(final_name: str, token: str) -> str:
    """The temporary name a file is written under before its atomic rename."""
    return f".{final_name}.{token}{TEMP_SUFFIX}"


def is_temp_name(name: str) -> bool:
    """True for a leftover temporary file (safe to delete: it was never acknowledged)."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)
