"""``ReportQueue``: the durable pending queue of the station service.

Promise: a report acknowledged by :meth:`ReportQueue.accept` is on disk (file and directory
entry fsynced) and stays there until it is completed, or an operator removes it (then it is
moved to ``removed/``). All methods are synchronous and thread-safe; the async service calls
them through ``asyncio.to_thread``. Nothing here sleeps: :meth:`seconds_until_due` tells the
caller how long to wait.
"""

from __future__ import annotations

import builtins
import json
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import filelock

from pywats.exceptions import ReportFormatError
from pywats_client.errors import (
    CorruptEntryError,
    DiskSpaceError,
    DuplicateReportIdError,
    EntryNotFoundError,
    EntryStateError,
    QueueError,
    QueueFullError,
    QueueIOError,
    QueueLockedError,
)
from pywats_client.queue.backoff import BackoffPolicy, RetryBudget, backoff_delay
from pywats_client.queue.entries import (
    AcceptResult,
    ClaimedReport,
    QueueEntry,
    QueueHealth,
    RecoveryReport,
)
from pywats_client.queue.envelope import Envelope, EnvelopeMeta, encode_envelope, sha256_hex
from pywats_client.queue.files import QueueFiles, mapped_os_errors
from pywats_client.queue.fs import FileSystem
from pywats_client.queue.index import QueueIndex
from pywats_client.queue.limits import (
    CompletedItem,
    QueueLimits,
    RefusalKind,
    RetentionPolicy,
    admission_refusal,
    completed_to_prune,
)
from pywats_client.queue.naming import LOCK_NAME, EntryName, EntryState, normalize_report_id
from pywats_client.queue.recovery import recover

Clock = Callable[[], float]
_log = logging.getLogger(__name__)


def _check_accept_input(payload: object, source: Mapping[str, Any] | None) -> None:
    if not isinstance(payload, bytes) or not payload:
        raise ReportFormatError("the report payload must be non-empty WSJF bytes")
    try:
        json.dumps(dict(source or {}))
    except (TypeError, ValueError) as exc:
        raise QueueError(f"source metadata must be JSON-serialisable: {exc}") from None


class ReportQueue:
    """One directory of report files, one file per report, state in the file name.

    Construct, then :meth:`open` (or use as a context manager) to take the directory lock and
    run start-up recovery. ``clock`` returns Unix seconds; ``rng`` drives backoff jitter and
    generated correlation ids, so tests can make both deterministic.
    """

    def __init__(
        self,
        directory: Path | str,
        *,
        limits: QueueLimits | None = None,
        backoff: BackoffPolicy | None = None,
        retry_budget: RetryBudget | None = None,
        retention: RetentionPolicy | None = None,
        fs: FileSystem | None = None,
        clock: Clock = time.time,
        rng: random.Random | None = None,
        lock_directory: bool = True,
    ) -> None:
        self.directory = Path(directory)
        self.limits = limits or QueueLimits()
        self.backoff = backoff or BackoffPolicy()
        self.retention = retention or RetentionPolicy()
        self._clock = clock
        self._rng = rng or random.Random()
        self.retry_budget = retry_budget or RetryBudget(now=clock())
        self._files = QueueFiles(self.directory, fs or FileSystem())
        self._index = QueueIndex()
        self._lock = threading.RLock()
        # Accepts run concurrently: only the bookkeeping is serialised, so the fsyncs of
        # different reports overlap (the filesystem journal commits them together). A report id
        # being written is "in flight"; a second accept of the same id waits for it.
        self._accept_cond = threading.Condition()
        self._in_flight: dict[str, int] = {}
        self._claimed: dict[str, Envelope] = {}
        self._last_accepted_us = 0
        # Size of the last input refused for lack of room: health() reports "not accepting"
        # until an input of that size would fit again.
        self._last_refused_bytes = 0
        self._dir_lock = (
            filelock.FileLock(self.directory / LOCK_NAME, timeout=0, thread_local=False)
            if lock_directory
            else None
        )
        self._opened = False
        self.last_recovery: RecoveryReport | None = None

    # ------------------------------------------------------------------ lifecycle

    def open(self) -> RecoveryReport:
        """Lock the directory against a second service and run start-up recovery."""
        with self._lock:
            if self._opened:
                raise QueueError(f"queue {self.directory} is already open")
            self._files.prepare()
            self._files.check_writable()
            self._acquire_dir_lock()
            try:
                self._index = QueueIndex()
                self.last_recovery = recover(self._files, self._index, self._now_ms())
                # New entries must sort after old ones even if the clock was set back.
                newest = max((n.accepted_us for n in self._index.names()), default=0)
                self._last_accepted_us = max(self._last_accepted_us, newest)
            except BaseException:
                self._release_dir_lock()
                raise
            self._opened = True
            return self.last_recovery

    def close(self) -> None:
        """Release the directory lock. Entries being processed stay ``processing`` on disk
        and are requeued by the next :meth:`open`."""
        with self._lock:
            self._opened = False
            self._claimed.clear()
            self._release_dir_lock()

    def __enter__(self) -> ReportQueue:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _acquire_dir_lock(self) -> None:
        if self._dir_lock is None:
            return
        try:
            self._dir_lock.acquire()
        except filelock.Timeout:
            raise QueueLockedError(
                f"queue directory {self.directory} is in use by another process"
            ) from None

    def _release_dir_lock(self) -> None:
        if self._dir_lock is not None and self._dir_lock.is_locked:
            self._dir_lock.release()

    def _require_open(self) -> None:
        if not self._opened:
            raise QueueError(f"queue {self.directory} is not open; call open() first")

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)

    # ------------------------------------------------------------------ accepting

    def accept(
        self,
        payload: bytes,
        report_id: str,
        *,
        correlation_id: str | None = None,
        source: Mapping[str, Any] | None = None,
    ) -> AcceptResult:
        """Durably store a report's WSJF bytes; return only once they are safe on disk.

        Idempotent: the same content again, or any report whose id already completed here,
        returns the existing entry with ``duplicate=True``. Raises :class:`QueueFullError` or
        :class:`DiskSpaceError` when limits refuse new input (nothing is written then),
        :class:`DuplicateReportIdError` for a pending id with different content, and
        :class:`pywats.exceptions.ReportFormatError` for a report id that is not a GUID.
        """
        rid = normalize_report_id(report_id)
        _check_accept_input(payload, source)
        digest = sha256_hex(payload)
        reserved = self._reserve(rid, digest, payload, correlation_id, source)
        if isinstance(reserved, AcceptResult):
            return reserved
        name, data, meta = reserved
        try:
            self._files.install_new(name, data)
        except DiskSpaceError:
            self._release(rid, refused_bytes=len(data))
            raise
        except BaseException:
            self._release(rid)
            raise
        self._release(rid, refused_bytes=0, installed=name)
        _log.debug("accepted report %s", rid)
        return AcceptResult(QueueEntry.from_name(name, meta), duplicate=False)

    def _reserve(
        self,
        rid: str,
        digest: str,
        payload: bytes,
        correlation_id: str | None,
        source: Mapping[str, Any] | None,
    ) -> AcceptResult | tuple[EntryName, bytes, EnvelopeMeta]:
        """Under the accept lock: dedupe, check limits and claim a name for a new entry."""
        with self._accept_cond:
            while rid in self._in_flight:
                self._accept_cond.wait()
            self._require_open()
            existing = self._existing_entry(rid, digest)
            if existing is not None:
                return AcceptResult(existing, duplicate=True)
            now = self._clock()
            meta = EnvelopeMeta(
                report_id=rid,
                correlation_id=correlation_id or self._new_correlation_id(),
                accepted_at=now,
                content_sha256=digest,
                source=dict(source or {}),
            )
            data = encode_envelope(Envelope(meta, payload))
            self._check_admission(len(data))
            accepted_us = max(int(now * 1_000_000), self._last_accepted_us + 1)
            self._last_accepted_us = accepted_us
            self._in_flight[rid] = len(data)
            name = EntryName(accepted_us, rid, len(data), int(now * 1000), EntryState.QUEUED)
            return name, data, meta

    def _release(
        self, rid: str, refused_bytes: int | None = None, installed: EntryName | None = None
    ) -> None:
        """End a reservation; an installed entry joins the index in the same step, so no
        admission check ever counts it twice (in flight and pending) or not at all."""
        with self._accept_cond:
            if installed is not None:
                with self._lock:
                    self._index.put(installed)
            self._in_flight.pop(rid, None)
            if refused_bytes is not None:
                self._last_refused_bytes = refused_bytes
            self._accept_cond.notify_all()

    def _existing_entry(self, report_id: str, digest: str) -> QueueEntry | None:
        with self._lock:
            name = self._index.get(report_id)
            if name is None:
                return None
            if name.state is EntryState.COMPLETED:
                return QueueEntry.from_name(name)
            try:
                envelope = self._files.read(name)
            except CorruptEntryError as exc:
                # The new copy replaces a damaged one; the damaged file is kept for analysis.
                self._quarantine_entry(name, f"corrupt: {exc}")
                return None
            if envelope.meta.content_sha256 != digest:
                raise DuplicateReportIdError(report_id)
            return QueueEntry.from_name(name, envelope.meta)

    def _new_correlation_id(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def _check_admission(self, incoming_bytes: int) -> None:
        refusal = self._refusal(incoming_bytes, self._free_bytes())
        if refusal is None:
            return
        self._last_refused_bytes = incoming_bytes
        kind, message = refusal
        if kind is RefusalKind.DISK:
            raise DiskSpaceError(message)
        raise QueueFullError(message)

    def _refusal(self, incoming_bytes: int, free_bytes: int) -> tuple[RefusalKind, str] | None:
        # Reports still being written count as pending and as already using their disk space.
        with self._accept_cond:  # re-entrant: _reserve already holds it
            in_flight = list(self._in_flight.values())
        with self._lock:
            pending_count = self._index.pending_count + len(in_flight)
            pending_bytes = self._index.pending_bytes + sum(in_flight)
        decision = admission_refusal(
            self.limits,
            pending_count=pending_count,
            pending_bytes=pending_bytes,
            incoming_bytes=incoming_bytes,
            free_bytes=free_bytes - sum(in_flight),
        )
        return None if decision is None else (decision.kind, decision.message)

    def _free_bytes(self) -> int:
        with mapped_os_errors("measuring free disk space"):
            return self._files.fs.free_bytes(self.directory)

    # ------------------------------------------------------------------ claiming

    def claim_next(self) -> ClaimedReport | None:
        """Move the entry due first to ``processing`` and return it, or ``None`` when nothing
        is due. Retries (entries in ``error``) are released only as the retry budget allows."""
        while True:
            with self._lock:
                self._require_open()
                now = self._clock()
                candidate = self._pick_due(now)
                if candidate is None:
                    return None
                claimed = candidate.moved(EntryState.PROCESSING, int(now * 1000))
                if not self._claim_rename(candidate, claimed):
                    continue
                try:
                    envelope = self._files.read(claimed)
                except CorruptEntryError as exc:
                    self._quarantine_entry(claimed, f"corrupt: {exc}")
                    continue
                self._claimed[claimed.report_id] = envelope
                return ClaimedReport(claimed.report_id, envelope.payload, envelope.meta)

    def _claim_rename(self, candidate: EntryName, claimed: EntryName) -> bool:
        try:
            self._files.rename(candidate, claimed)
        except QueueIOError as exc:
            if not isinstance(exc.__cause__, FileNotFoundError):
                raise
            # Deleted behind the queue's back (by hand): nothing left to send.
            _log.error("queue file %s vanished; forgetting the entry", candidate.filename)
            self._index.discard(candidate.report_id)
            return False
        self._index.put(claimed)
        return True

    def _pick_due(self, now: float) -> EntryName | None:
        queued = self._index.oldest_queued()
        retry = self._index.earliest_error()
        now_ms = int(now * 1000)
        if retry is not None and retry.stamp_ms <= now_ms:
            retry_first = queued is None or retry.stamp_ms <= queued.accepted_us // 1000
            if retry_first and self.retry_budget.try_take(now):
                return retry
        return queued

    def seconds_until_due(self) -> float | None:
        """Seconds until :meth:`claim_next` could return something: 0 when an entry is due
        now, ``None`` when nothing is waiting (only ``processing``/``parked``/``completed``)."""
        with self._lock:
            if self._index.oldest_queued() is not None:
                return 0.0
            retry = self._index.earliest_error()
            if retry is None:
                return None
            now = self._clock()
            until_due = max(0.0, retry.stamp_ms / 1000 - now)
            return max(until_due, self.retry_budget.seconds_until_token(now))

    # ------------------------------------------------------------------ settling claims

    def complete(self, report_id: str) -> QueueEntry:
        """Mark a claimed report as delivered (``processing`` → ``completed``)."""
        with self._lock:
            name = self._expect(report_id, "complete", EntryState.PROCESSING)
            done = name.moved(EntryState.COMPLETED, self._now_ms())
            self._files.rename(name, done)
            self._index.put(done)
            self._claimed.pop(done.report_id, None)
        self._files.sync_dir()
        return QueueEntry.from_name(done)

    def fail_retryable(
        self, report_id: str, error: str, *, retry_after: float | None = None
    ) -> QueueEntry:
        """Record a failed attempt that may succeed later (``processing`` → ``error``).

        The next attempt time comes from the backoff policy, but is never earlier than
        ``retry_after`` seconds (a server's ``Retry-After`` hint)."""
        with self._lock:
            name = self._expect(report_id, "fail", EntryState.PROCESSING)
            envelope = self._claimed_envelope(name)
            now = self._clock()
            delay = backoff_delay(envelope.meta.attempts + 1, self.backoff, self._rng)
            if retry_after is not None:
                delay = max(delay, retry_after)
            meta = envelope.meta.after_failure(error, now + delay)
            return self._settle(
                name, Envelope(meta, envelope.payload), EntryState.ERROR, int((now + delay) * 1000)
            )

    def park(self, report_id: str, reason: str) -> QueueEntry:
        """Set a claimed report aside for an operator (``processing`` → ``parked``), keeping
        ``reason`` (e.g. the server's rejection text). Parked entries are never retried
        automatically."""
        with self._lock:
            name = self._expect(report_id, "park", EntryState.PROCESSING)
            envelope = self._claimed_envelope(name)
            meta = envelope.meta.after_park(reason)
            return self._settle(
                name, Envelope(meta, envelope.payload), EntryState.PARKED, self._now_ms()
            )

    def _settle(
        self, name: EntryName, envelope: Envelope, state: EntryState, stamp_ms: int
    ) -> QueueEntry:
        data = encode_envelope(envelope)
        new_name = name.moved(state, stamp_ms, size=len(data))
        self._files.rewrite_then_rename(name, new_name, data)
        self._index.put(new_name)
        self._claimed.pop(name.report_id, None)
        self._files.sync_dir()
        return QueueEntry.from_name(new_name, envelope.meta)

    def _claimed_envelope(self, name: EntryName) -> Envelope:
        cached = self._claimed.get(name.report_id)
        return cached if cached is not None else self._files.read(name)

    def _expect(self, report_id: str, operation: str, *states: EntryState) -> EntryName:
        self._require_open()
        rid = normalize_report_id(report_id)
        name = self._index.get(rid)
        if name is None:
            raise EntryNotFoundError(rid)
        if name.state not in states:
            raise EntryStateError(rid, name.state.value, operation)
        return name

    def _quarantine_entry(self, name: EntryName, reason: str) -> None:
        _log.error("quarantining queue file %s: %s", name.filename, reason)
        self._index.discard(name.report_id)
        self._claimed.pop(name.report_id, None)
        self._files.quarantine(name.filename, reason)

    # ------------------------------------------------------------------ operator actions

    def release(self, report_id: str) -> QueueEntry:
        """Give back a claim whose upload was interrupted (``processing`` → ``queued``).

        Not an attempt: the server never answered, so neither the attempt count nor the
        envelope changes — the same single rename that start-up recovery would do."""
        with self._lock:
            name = self._expect(report_id, "release", EntryState.PROCESSING)
            queued = name.moved(EntryState.QUEUED, self._now_ms())
            self._files.rename(name, queued)
            self._index.put(queued)
            self._claimed.pop(name.report_id, None)
        self._files.sync_dir()
        return QueueEntry.from_name(queued)

    def retry(self, report_id: str) -> QueueEntry:
        """Operator: send an ``error`` or ``parked`` entry again now (→ ``queued``)."""
        with self._lock:
            name = self._expect(report_id, "retry", EntryState.ERROR, EntryState.PARKED)
            queued = name.moved(EntryState.QUEUED, self._now_ms())
            self._files.rename(name, queued)
            self._index.put(queued)
        self._files.sync_dir()
        return QueueEntry.from_name(queued)

    def remove(self, report_id: str) -> Path | None:
        """Operator: take an entry out of the queue.

        A pending or parked entry is moved to ``removed/`` (returned path) — never deleted; a
        completed entry's file is deleted (``None``). A ``processing`` entry cannot be removed
        while an uploader holds it."""
        with self._lock:
            name = self._expect(
                report_id,
                "remove",
                EntryState.QUEUED,
                EntryState.ERROR,
                EntryState.PARKED,
                EntryState.COMPLETED,
            )
            if name.state is EntryState.COMPLETED:
                self._files.delete(name)
                self._index.discard(name.report_id)
                return None
            target = self._files.move_to_removed(name)
            self._index.discard(name.report_id)
            return target

    def get(self, report_id: str) -> QueueEntry:
        """One entry with its metadata (reads its file; a corrupt file is quarantined and
        :class:`CorruptEntryError` raised)."""
        with self._lock:
            name = self._expect(report_id, "read", *EntryState)
            return QueueEntry.from_name(name, self._read_or_quarantine(name).meta)

    def read_payload(self, report_id: str) -> bytes:
        """The report's WSJF bytes exactly as accepted."""
        with self._lock:
            name = self._expect(report_id, "read", *EntryState)
            return self._read_or_quarantine(name).payload

    def export(self, report_id: str, destination: Path | str) -> Path:
        """Write the report's WSJF bytes to ``destination`` (a file path, or an existing folder
        to get ``<report id>.json``); return the path written."""
        payload = self.read_payload(report_id)
        target = Path(destination)
        if self._files.fs.is_dir(target):
            target = target / f"{normalize_report_id(report_id)}.json"
        temp = self._files.write_temp(target.name, payload, target.parent)
        with mapped_os_errors(f"exporting to {target}"):
            self._files.fs.replace(temp, target)
        return target

    def _read_or_quarantine(self, name: EntryName) -> Envelope:
        try:
            return self._files.read(name)
        except CorruptEntryError as exc:
            self._quarantine_entry(name, f"corrupt: {exc}")
            raise CorruptEntryError(f"{name.filename} was quarantined: {exc}") from exc

    def list(
        self, state: EntryState | None = None, *, details: bool = False, limit: int | None = None
    ) -> list[QueueEntry]:
        """Entries (of one state, or all) oldest accepted first. ``details=True`` reads each
        file for attempts, last error and correlation id (corrupt ones are quarantined and
        left out)."""
        with self._lock:
            self._require_open()
            names = sorted(self._index.names(state), key=lambda n: (n.accepted_us, n.report_id))
            if limit is not None:
                names = names[:limit]
            if not details:
                return [QueueEntry.from_name(n) for n in names]
            entries: list[QueueEntry] = []
            for name in names:
                try:
                    entries.append(QueueEntry.from_name(name, self._read_or_quarantine(name).meta))
                except CorruptEntryError:
                    continue
            return entries

    def counts(self) -> dict[str, int]:
        """Number of entries in each state."""
        with self._lock:
            return {state.value: count for state, count in self._index.counts().items()}

    def health(self) -> QueueHealth:
        """Whether new input is accepted now; when not, which limit refuses it and why.

        After a refusal, "accepting" means the refused input would fit now."""
        free_bytes = self._free_bytes()
        refusal = self._refusal(self._last_refused_bytes, free_bytes)
        with self._lock:
            return QueueHealth(
                accepting=refusal is None,
                refusal=None if refusal is None else refusal[0],
                reason=None if refusal is None else refusal[1],
                counts={state.value: count for state, count in self._index.counts().items()},
                pending_bytes=self._index.pending_bytes,
                free_bytes=free_bytes,
                limits=self.limits,
            )

    def prune_completed(self) -> builtins.list[str]:
        """Delete the oldest *completed* files beyond the retention policy; return their ids.
        Pending entries are never touched."""
        with self._lock:
            self._require_open()
            completed = {n.report_id: n for n in self._index.names(EntryState.COMPLETED)}
            items = [CompletedItem(n.report_id, n.stamp_ms, n.size) for n in completed.values()]
            doomed = completed_to_prune(items, self.retention, self._now_ms())
            for report_id in doomed:
                self._files.delete(completed[report_id])
                self._index.discard(report_id)
            return doomed

    def verify_all(self) -> builtins.list[tuple[str, str]]:
        """Read and check every entry file (slow; for operators). Corrupt ones are
        quarantined; returns ``(report id, reason)`` for each."""
        with self._lock:
            self._require_open()
            names = list(self._index.names())
        damaged: builtins.list[tuple[str, str]] = []
        for name in names:
            with self._lock:
                if self._index.get(name.report_id) != name:
                    continue
                try:
                    self._files.read(name)
                except CorruptEntryError as exc:
                    self._quarantine_entry(name, f"corrupt: {exc}")
                    damaged.append((name.report_id, str(exc)))
        return damaged

    def quarantine_input(self, data: bytes, filename: str, reason: str) -> Path:
        """Keep a copy of input that could not be turned into a report in ``quarantine/``
        with a ``.reason`` file; the caller's original is left untouched."""
        self._require_open()
        return self._files.quarantine_copy(data, Path(filename).name, reason)
