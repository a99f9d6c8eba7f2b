"""The in-memory index of queue entries, built from file names alone.

Due order uses two heaps with lazy deletion: entries whose state or time changed leave a stale
heap item behind that is skipped when it reaches the top. ``queued`` entries are due at their
acceptance time (oldest first); ``error`` entries at the due time in their name.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Iterator

from pywats_client.queue.naming import PENDING_STATES, EntryName, EntryState


class QueueIndex:
    """Entries by report id, counts and pending bytes by state, and due-ordered heaps."""

    def __init__(self) -> None:
        self._by_id: dict[str, EntryName] = {}
        self._counts: Counter[EntryState] = Counter()
        self._pending_bytes = 0
        self._queued: list[tuple[int, str]] = []
        self._errors: list[tuple[int, int, str]] = []

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, report_id: object) -> bool:
        return report_id in self._by_id

    def get(self, report_id: str) -> EntryName | None:
        """The entry's current name, or ``None``."""
        return self._by_id.get(report_id)

    def load(self, names: Iterable[EntryName]) -> None:
        """Fill an empty index in one pass (start-up: one report id per name)."""
        if self._by_id:
            raise RuntimeError("load() needs an empty index")
        by_id = {name.report_id: name for name in names}
        self._by_id = by_id
        self._counts = Counter(name.state for name in by_id.values())
        self._pending_bytes = sum(n.size for n in by_id.values() if n.state in PENDING_STATES)
        queued, errors = EntryState.QUEUED, EntryState.ERROR
        self._queued = [(n.accepted_us, n.report_id) for n in by_id.values() if n.state is queued]
        self._errors = [
            (n.stamp_ms, n.accepted_us, n.report_id) for n in by_id.values() if n.state is errors
        ]
        heapq.heapify(self._queued)
        heapq.heapify(self._errors)

    def put(self, name: EntryName) -> None:
        """Add an entry or replace the entry with the same report id."""
        self.discard(name.report_id)
        self._by_id[name.report_id] = name
        self._counts[name.state] += 1
        if name.state in PENDING_STATES:
            self._pending_bytes += name.size
        if name.state is EntryState.QUEUED:
            heapq.heappush(self._queued, (name.accepted_us, name.report_id))
        elif name.state is EntryState.ERROR:
            heapq.heappush(self._errors, (name.stamp_ms, name.accepted_us, name.report_id))

    def discard(self, report_id: str) -> EntryName | None:
        """Forget an entry (its heap items go stale); return what was there."""
        old = self._by_id.pop(report_id, None)
        if old is not None:
            self._counts[old.state] -= 1
            if old.state in PENDING_STATES:
                self._pending_bytes -= old.size
        return old

    def counts(self) -> dict[EntryState, int]:
        """Number of entries in every state (zeros included)."""
        return {state: self._counts[state] for state in EntryState}

    @property
    def pending_count(self) -> int:
        """Entries not yet completed."""
        return sum(self._counts[state] for state in PENDING_STATES)

    @property
    def pending_bytes(self) -> int:
        """Envelope bytes of entries not yet completed."""
        return self._pending_bytes

    def names(self, state: EntryState | None = None) -> Iterator[EntryName]:
        """Entries (optionally of one state), in no particular order."""
        for name in self._by_id.values():
            if state is None or name.state is state:
                yield name

    def oldest_queued(self) -> EntryName | None:
        """The queued entry accepted first."""
        while self._queued:
            accepted_us, report_id = self._queued[0]
            name = self._by_id.get(report_id)
            if (
                name is not None
                and name.state is EntryState.QUEUED
                and (name.accepted_us == accepted_us)
            ):
                return name
            heapq.heappop(self._queued)
        return None

    def earliest_error(self) -> EntryName | None:
        """The ``error`` entry due first (due or not)."""
        while self._errors:
            stamp_ms, _, report_id = self._errors[0]
            name = self._by_id.get(report_id)
            if name is not None and name.state is EntryState.ERROR and name.stamp_ms == stamp_ms:
                return name
            heapq.heappop(self._errors)
        return None
