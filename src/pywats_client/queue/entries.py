"""Plain result types the queue hands to its callers."""

from __future__ import annotations

from dataclasses import dataclass, field

from pywats_client.queue.envelope import EnvelopeMeta
from pywats_client.queue.limits import QueueLimits, RefusalKind
from pywats_client.queue.naming import EntryName, EntryState


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """One report in the queue.

    ``state_since`` is when the entry entered its state, except for ``error`` entries where the
    file name carries the next attempt time instead (see :attr:`next_attempt_at`). ``meta`` is
    filled only by calls that read the file (``get``, ``list(details=True)``).
    """

    report_id: str
    state: EntryState
    accepted_at: float
    size: int
    state_time: float
    meta: EnvelopeMeta | None = None

    @property
    def next_attempt_at(self) -> float | None:
        """When an ``error`` entry becomes due again."""
        return self.state_time if self.state is EntryState.ERROR else None

    @classmethod
    def from_name(cls, name: EntryName, meta: EnvelopeMeta | None = None) -> QueueEntry:
        """Build an entry from its file name (and optionally its loaded metadata)."""
        return cls(
            report_id=name.report_id,
            state=name.state,
            accepted_at=name.accepted_us / 1_000_000,
            size=name.size,
            state_time=name.stamp_ms / 1000,
            meta=meta,
        )


@dataclass(frozen=True, slots=True)
class AcceptResult:
    """Outcome of accepting a report. ``duplicate`` means nothing new was written: the same
    content was already queued, or a report with this id already completed locally."""

    entry: QueueEntry
    duplicate: bool


@dataclass(frozen=True, slots=True)
class ClaimedReport:
    """A report moved to ``processing`` for one uploader; settle it with ``complete``,
    ``fail_retryable`` or ``park``."""

    report_id: str
    payload: bytes
    meta: EnvelopeMeta


@dataclass(frozen=True, slots=True)
class RecoveryReport:
    """What start-up recovery found and did."""

    entries: int
    requeued: list[str] = field(default_factory=list)
    temp_files_removed: int = 0
    quarantined: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class QueueHealth:
    """Whether new input is accepted right now, and why not."""

    accepting: bool
    refusal: RefusalKind | None
    reason: str | None
    counts: dict[str, int]
    pending_bytes: int
    free_bytes: int
    limits: QueueLimits
