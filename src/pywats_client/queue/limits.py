"""Admission limits and completed-file retention, as pure decisions over plain numbers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from pywats.exceptions import ConfigurationError

MIB = 1024 * 1024


class RefusalKind(StrEnum):
    """Why new input is refused."""

    COUNT = "count"
    BYTES = "bytes"
    DISK = "disk"


@dataclass(frozen=True, slots=True)
class QueueLimits:
    """Caps on pending (not completed) entries and the free space that must remain.

    ``None`` disables a cap. ``min_free_bytes`` is checked *after* the incoming file would be
    written, so accepting never eats the last of the disk.
    """

    max_pending_count: int | None = 100_000
    max_pending_bytes: int | None = 10 * 1024 * MIB
    min_free_bytes: int = 256 * MIB

    def __post_init__(self) -> None:
        if (self.max_pending_count is not None and self.max_pending_count < 1) or (
            self.max_pending_bytes is not None and self.max_pending_bytes < 1
        ):
            raise ConfigurationError("queue limits must be positive (or None for no cap)")
        if self.min_free_bytes < 0:
            raise ConfigurationError("min_free_bytes must be >= 0")


@dataclass(frozen=True, slots=True)
class Refusal:
    """A decision to refuse new input, with a message an operator can act on."""

    kind: RefusalKind
    message: str


def admission_refusal(
    limits: QueueLimits,
    *,
    pending_count: int,
    pending_bytes: int,
    incoming_bytes: int,
    free_bytes: int,
) -> Refusal | None:
    """Return why a new entry of ``incoming_bytes`` must be refused, or ``None`` to accept."""
    if limits.max_pending_count is not None and pending_count >= limits.max_pending_count:
        return Refusal(
            RefusalKind.COUNT,
            f"queue full: {pending_count} pending reports (limit {limits.max_pending_count})",
        )
    if (
        limits.max_pending_bytes is not None
        and pending_bytes + incoming_bytes > limits.max_pending_bytes
    ):
        return Refusal(
            RefusalKind.BYTES,
            f"queue full: {pending_bytes} pending bytes + {incoming_bytes} incoming exceeds "
            f"the limit of {limits.max_pending_bytes}",
        )
    if free_bytes - incoming_bytes < limits.min_free_bytes:
        return Refusal(
            RefusalKind.DISK,
            f"low disk space: {free_bytes} bytes free, {limits.min_free_bytes} must stay free",
        )
    return None


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """How long and how much completed history is kept (pending entries are never pruned)."""

    max_age_seconds: float | None = 7 * 24 * 3600.0
    max_count: int | None = 10_000
    max_bytes: int | None = 1024 * MIB

    def __post_init__(self) -> None:
        for value in (self.max_age_seconds, self.max_count, self.max_bytes):
            if value is not None and value < 0:
                raise ConfigurationError("retention limits must be >= 0 (or None)")


@dataclass(frozen=True, slots=True)
class CompletedItem:
    """What retention needs to know about one completed entry."""

    key: str
    completed_ms: int
    size: int


def completed_to_prune(
    items: Iterable[CompletedItem], policy: RetentionPolicy, now_ms: int
) -> list[str]:
    """Keys of completed entries to delete, oldest first, so the rest fit the policy."""
    ordered = sorted(items, key=lambda item: (item.completed_ms, item.key))
    total_bytes = sum(item.size for item in ordered)
    remaining = len(ordered)
    prune: list[str] = []
    for item in ordered:
        too_old = (
            policy.max_age_seconds is not None
            and now_ms - item.completed_ms > policy.max_age_seconds * 1000
        )
        too_many = policy.max_count is not None and remaining > policy.max_count
        too_big = policy.max_bytes is not None and total_bytes > policy.max_bytes
        if not (too_old or too_many or too_big):
            break
        prune.append(item.key)
        remaining -= 1
        total_bytes -= item.size
    return prune
