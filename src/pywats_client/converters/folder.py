"""One watch folder at run time: events + periodic rescan → stable files → bounded workers."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from pywats_client.converters.pipeline import (
    Outcome,
    SourceContext,
    SourceResult,
    process_source,
)
from pywats_client.converters.postprocess import (
    FileIdentity,
    apply_retention,
    flush_zip_staging,
    read_kept,
)
from pywats_client.converters.scan import Candidate, StabilityTracker, list_candidates
from pywats_client.converters.settings import FolderSettings
from pywats_client.converters.stats import ConverterStats
from pywats_client.converters.watch import FolderWatcher
from pywats_client.converters.workers import WorkerPool

log = logging.getLogger(__name__)

RETRY_AFTER_REFUSAL_SECONDS = 5.0
MAINTENANCE_SECONDS = 60.0


@dataclass
class FolderStatus:
    """What status shows about one folder."""

    path: str
    converter: str
    state: str = "starting"  # starting | watching | polling | error
    error: str | None = None
    in_flight: int = 0
    last_problem: str | None = None


class FolderRuntime:
    """Runs one folder until cancelled; ``run`` is what the supervisor restarts."""

    def __init__(
        self,
        settings: FolderSettings,
        ctx: SourceContext,
        pool: WorkerPool | None,
        stats: ConverterStats,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        use_events: bool = True,
        on_accepted: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self._on_accepted = on_accepted
        self.ctx = ctx
        self.pool = pool
        self.stats = stats
        self.status = FolderStatus(str(settings.path), settings.converter)
        self._monotonic = monotonic
        self._use_events = use_events and not settings.polling
        self._tracker = StabilityTracker(settings.stable_seconds)
        self._patterns = settings.patterns or ctx.loaded.converter.patterns
        self._kept: set[FileIdentity] = set()
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(settings.max_concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self._refused_until = 0.0
        self._next_maintenance = 0.0

    def wake(self) -> None:
        """Ask for a scan now (file-system event, finished file)."""
        self._wake.set()

    async def run(self) -> None:
        """Scan, dispatch and wait, forever; in-flight files finish before it returns."""
        await asyncio.to_thread(self.settings.path.mkdir, parents=True, exist_ok=True)
        if self.settings.post_process == "keep":
            self._kept = await asyncio.to_thread(read_kept, self.settings.kept_ledger())
        watcher = FolderWatcher(self.settings.path, self.wake) if self._use_events else None
        try:
            if watcher is not None:
                watcher.start(asyncio.get_running_loop())
            self.status.state = "watching" if watcher else "polling"
            self.status.error = None
            while True:
                await self.scan_once()
                await self._maintain()
                await self._wait(self._next_wait())
        finally:
            if watcher is not None:
                await asyncio.to_thread(watcher.stop)
            await self.drain()

    async def drain(self) -> None:
        """Wait for every file being processed (they are never abandoned half-way)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def scan_once(self) -> int:
        """List the folder and dispatch every stable file, oldest first; returns how many."""
        now = self._monotonic()
        if now < self._refused_until:
            return 0
        candidates = await asyncio.to_thread(
            list_candidates, self.settings.path, self._patterns, self._kept
        )
        ready = self._tracker.observe(candidates, now)
        for candidate in ready:
            await self._slots.acquire()
            task = asyncio.create_task(self._handle(candidate))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self.status.in_flight = self._tracker.in_flight
        return len(ready)

    def _next_wait(self) -> float:
        base = self.settings.poll_seconds if self.settings.polling else self.settings.rescan_seconds
        now = self._monotonic()
        waits = [base, max(0.0, self._next_maintenance - now)]
        unstable = self._tracker.seconds_until_next_check(now)
        if unstable is not None:
            waits.append(unstable + 0.01)
        if self._refused_until > now:
            waits.append(self._refused_until - now)
        return min(waits)

    async def _wait(self, seconds: float) -> None:
        # Not asyncio.wait_for: on Python 3.11 it can swallow a cancellation that arrives
        # just as the event is set, and then shutdown would never reach this loop.
        timer = asyncio.get_running_loop().call_later(seconds, self._wake.set)
        try:
            await self._wake.wait()
        finally:
            timer.cancel()
        self._wake.clear()

    async def _handle(self, candidate: Candidate) -> None:
        started = self._monotonic()
        try:
            result = await process_source(self.ctx, candidate.path, self.pool)
            self._record(candidate, result, self._monotonic() - started)
        except Exception as exc:
            # A bug or an OS error while moving: keep the file, back off, try again later.
            log.exception("processing %s failed unexpectedly", candidate.path)
            self.status.last_problem = f"{candidate.path.name}: {exc}"
            self._refused_until = self._monotonic() + RETRY_AFTER_REFUSAL_SECONDS
        finally:
            self._tracker.release(candidate.path)
            self.status.in_flight = self._tracker.in_flight
            self._slots.release()
            self.wake()

    def _record(self, candidate: Candidate, result: SourceResult, seconds: float) -> None:
        name = self.ctx.loaded.name
        if result.outcome is Outcome.DONE:
            self.stats.record_converted(name, len(result.report_ids), seconds)
            if self._on_accepted is not None and result.duplicates < len(result.report_ids):
                self._on_accepted()  # e.g. wake the uploader
            if self.settings.post_process == "keep":
                self._kept.add(candidate.identity)
        elif result.outcome is Outcome.ERROR:
            self.stats.record_failed(name, seconds, timed_out=result.timed_out)
            self.status.last_problem = f"{candidate.path.name}: {result.message}"
            log.warning("source %s moved to Error/: %s", candidate.path, result.message)
        elif result.outcome is Outcome.REFUSED:
            self.stats.record_refused()
            self.status.last_problem = f"queue refused {candidate.path.name}: {result.message}"
            self._refused_until = self._monotonic() + RETRY_AFTER_REFUSAL_SECONDS
            log.warning("queue refused %s; kept for retry: %s", candidate.path, result.message)

    async def _maintain(self) -> None:
        now = self._monotonic()
        if now < self._next_maintenance:
            return
        self._next_maintenance = now + MAINTENANCE_SECONDS
        await asyncio.to_thread(self.maintain_now)

    def maintain_now(self) -> None:
        """Pack staged ZIP sources and apply retention to ``Done/`` and the archive."""
        if self.settings.post_process == "zip":
            flush_zip_staging(self.settings.done_path, datetime.now(UTC))
        deleted = apply_retention(self.settings, self.ctx.wall_clock())
        if deleted:
            log.info(
                "retention deleted %d old source file(s) in %s", len(deleted), self.status.path
            )
