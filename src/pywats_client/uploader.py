"""The uploader: N worker tasks moving reports from the durable queue to the server.

Promise kept here: nothing is ever dropped. A failed upload either goes back to the queue for
a later retry (``fail_retryable``, retried forever with the queue's backoff and retry budget) or
is parked with the server's reason (a 4xx rejection that retrying cannot fix) for an operator.
Which one is decided by :func:`classify_failure`, a pure function.

All queue calls run in worker threads (``asyncio.to_thread``): they fsync.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pywats.exceptions import (
    ApiError,
    AuthenticationError,
    CircuitOpenError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    TransportError,
)
from pywats_client.errors import QueueError
from pywats_client.metrics import ServiceMetrics
from pywats_client.queue import ClaimedReport, ReportQueue

if TYPE_CHECKING:
    from pywats._core.http import AsyncHttpCore

log = logging.getLogger(__name__)

Send = Callable[[ClaimedReport], Awaitable[None]]
# The same endpoint as ``pywats.domains.report.WSJF_PATH`` (a test keeps them equal): importing
# that module would load the whole report model (~2.4 MB) into a process that only forwards
# bytes it already validated at intake.
WSJF_PATH = "/api/Report/WSJF"
Sleep = Callable[[float], Awaitable[None]]

# 4xx answers that are about the moment, not about the report: retrying can succeed.
_TRANSIENT_4XX = frozenset({408, 425})
SETTLE_RETRY_SECONDS = 5.0


class FailureAction(enum.StrEnum):
    """What to do with a report whose upload failed."""

    RETRY = "retry"
    PARK = "park"


@dataclass(frozen=True, slots=True)
class FailureDecision:
    """The verdict on one failed upload attempt."""

    action: FailureAction
    message: str
    retry_after: float | None = None
    auth_failed: bool = False
    unreachable: bool = False


def classify_failure(exc: BaseException) -> FailureDecision:
    """Decide retry or park for an upload exception.

    Retried (forever): connection errors, timeouts, 429 (with its Retry-After), 5xx, an open
    circuit breaker, 401/403 (the station is misconfigured; fixing the token must not need a
    resubmission) and anything unexpected. Parked: every other 4xx, keeping the server's text.
    """
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, TransportError):
        return FailureDecision(FailureAction.RETRY, text, unreachable=True)
    if isinstance(exc, CircuitOpenError):
        return FailureDecision(FailureAction.RETRY, text, exc.retry_in, unreachable=True)
    if isinstance(exc, RateLimitedError):
        return FailureDecision(FailureAction.RETRY, text, exc.retry_after)
    if isinstance(exc, AuthenticationError | PermissionDeniedError):
        return FailureDecision(FailureAction.RETRY, text, auth_failed=True)
    if isinstance(exc, ServerError):
        return FailureDecision(FailureAction.RETRY, text)
    if isinstance(exc, ApiError) and 400 <= exc.status_code < 500:
        if exc.status_code in _TRANSIENT_4XX:
            return FailureDecision(FailureAction.RETRY, text)
        reason = exc.server_message or text
        return FailureDecision(FailureAction.PARK, f"server answered {exc.status_code}: {reason}")
    return FailureDecision(FailureAction.RETRY, text)


def _extra(claimed: ClaimedReport) -> dict[str, str]:
    return {"report_id": claimed.report_id, "correlation_id": claimed.meta.correlation_id}


class Uploader:
    """Claims due reports and uploads up to ``concurrency`` of them at a time.

    :meth:`run` is the supervised loop. It sleeps until a report is accepted (:meth:`notify`),
    a worker finishes, or the next retry is due (``queue.seconds_until_due()``, slept with the
    injected ``sleep``). Shutdown: :meth:`stop_claiming`, :meth:`drain`, then
    :meth:`cancel_in_flight` puts interrupted reports back to ``queued``.
    """

    def __init__(
        self,
        queue: ReportQueue,
        send: Send,
        metrics: ServiceMetrics,
        *,
        concurrency: int = 5,
        ready: asyncio.Event | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._queue = queue
        self._send = send
        self._metrics = metrics
        self._concurrency = max(1, concurrency)
        self._ready = ready
        self._clock = clock
        self._sleep = sleep
        self._workers: set[asyncio.Task[None]] = set()
        # Claims whose outcome the queue could not record yet (report id → outcome).
        self._unsettled: dict[str, tuple[ClaimedReport, FailureDecision | None]] = {}
        self._wake = asyncio.Event()
        self._stop_requested = False

    @property
    def active(self) -> int:
        """Uploads in flight right now."""
        return len(self._workers)

    @property
    def unrecorded(self) -> int:
        """Finished uploads whose outcome the queue could not record yet (retried)."""
        return len(self._unsettled)

    @property
    def concurrency(self) -> int:
        return self._concurrency

    def set_concurrency(self, concurrency: int) -> None:
        """Change the worker limit while running (takes effect at the next claim)."""
        self._concurrency = max(1, concurrency)
        self._wake.set()

    def notify(self) -> None:
        """A report was accepted: look for work now."""
        self._wake.set()

    def stop_claiming(self) -> None:
        """Phase one of shutdown: claim nothing more; in-flight uploads continue."""
        self._stop_requested = True
        self._wake.set()

    def stopping(self) -> bool:
        """Whether shutdown has begun (no more claims)."""
        return self._stop_requested

    async def run(self) -> None:
        """The claiming loop (runs under the supervisor until shutdown)."""
        while not self.stopping():
            if self._ready is not None and not self._ready.is_set():
                await self._wait_for(None, self._ready)
                continue
            self._wake.clear()
            await self._settle_leftovers()
            await self._fill_slots()
            if self.stopping():
                return
            full = len(self._workers) >= self._concurrency
            delay = None if full else await asyncio.to_thread(self._queue.seconds_until_due)
            if delay is not None and delay <= 0:
                continue
            if self._unsettled:
                delay = SETTLE_RETRY_SECONDS if delay is None else min(delay, SETTLE_RETRY_SECONDS)
            await self._wait_for(delay, self._wake)

    async def _fill_slots(self) -> None:
        while not self.stopping() and len(self._workers) < self._concurrency:
            claimed = await asyncio.to_thread(self._queue.claim_next)
            if claimed is None:
                return
            if self.stopping():
                self._requeue(claimed)
                return
            worker = asyncio.create_task(self._upload(claimed), name=f"upload:{claimed.report_id}")
            self._workers.add(worker)
            worker.add_done_callback(self._worker_done)

    def _worker_done(self, worker: asyncio.Task[None]) -> None:
        self._workers.discard(worker)
        self._wake.set()

    async def _wait_for(self, delay: float | None, event: asyncio.Event) -> None:
        waits: set[asyncio.Future[object]] = {asyncio.ensure_future(event.wait())}
        if delay is not None:
            waits.add(asyncio.ensure_future(self._sleep(delay)))
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waits:
                waiter.cancel()
            await asyncio.gather(*waits, return_exceptions=True)

    async def _upload(self, claimed: ClaimedReport) -> None:
        log.debug("uploading (attempt %d)", claimed.meta.attempts + 1, extra=_extra(claimed))
        started = self._clock()
        try:
            await self._send(claimed)
        except asyncio.CancelledError:
            self._requeue(claimed)
            raise
        except Exception as exc:  # noqa: BLE001 - every failure is classified, none escapes
            self._metrics.record_upload(False, self._clock() - started)
            decision = classify_failure(exc)
            self._metrics.record_failure_kind(
                auth=decision.auth_failed,
                unreachable=decision.unreachable,
                message=decision.message,
            )
            if decision.action is FailureAction.PARK:
                self._metrics.uploads_parked += 1
            await self._settle(claimed, decision)
            return
        self._metrics.record_upload(True, self._clock() - started)
        await self._settle(claimed, None)

    async def _settle(self, claimed: ClaimedReport, decision: FailureDecision | None) -> bool:
        """Record an upload's outcome (``None`` = delivered) in the queue. If the queue cannot
        (e.g. the disk is full), the claim is kept and recorded again on a later pass."""
        extra = _extra(claimed)
        queue, report_id = self._queue, claimed.report_id
        try:
            if decision is None:
                await asyncio.to_thread(queue.complete, report_id)
            elif decision.action is FailureAction.PARK:
                await asyncio.to_thread(queue.park, report_id, decision.message)
            else:
                await asyncio.to_thread(
                    queue.fail_retryable, report_id, decision.message,
                    retry_after=decision.retry_after,
                )  # fmt: skip
        except QueueError as exc:
            self._unsettled[report_id] = (claimed, decision)
            log.error("cannot record the upload outcome (%s); will try again", exc, extra=extra)
            return False
        self._unsettled.pop(report_id, None)
        if decision is None:
            log.info("report uploaded", extra=extra)
        elif decision.action is FailureAction.PARK:
            log.warning("report parked: %s", decision.message, extra=extra)
        else:
            log.warning("upload failed, will retry: %s", decision.message, extra=extra)
        return True

    async def _settle_leftovers(self) -> None:
        for claimed, decision in list(self._unsettled.values()):
            await self._settle(claimed, decision)

    def _requeue(self, claimed: ClaimedReport) -> None:
        """Put an unfinished claim back to ``queued`` (synchronously: we may be cancelled)."""
        try:
            self._queue.release(claimed.report_id)
        except QueueError:
            log.exception("cannot requeue an interrupted upload", extra=_extra(claimed))
            return
        log.info("upload interrupted; report queued again", extra=_extra(claimed))

    async def drain(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for in-flight uploads; True if all finished."""
        pending = set(self._workers)
        if not pending:
            return True
        _, still_running = await asyncio.wait(pending, timeout=timeout)
        return not still_running

    async def cancel_in_flight(self) -> None:
        """Cancel remaining uploads; each puts its report back to ``queued`` (as do claims
        whose outcome could not be recorded; if even that fails, start-up recovery will)."""
        pending = set(self._workers)
        for worker in pending:
            worker.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        for claimed, _ in list(self._unsettled.values()):
            self._requeue(claimed)
        self._unsettled.clear()


def wsjf_sender(get_http: Callable[[], AsyncHttpCore]) -> Send:
    """A :data:`Send` posting the queued WSJF bytes with the report's correlation id as the
    request's ``X-Correlation-ID`` (``POST /api/Report/WSJF``)."""
    from pywats._core.http import CORRELATION_HEADER
    from pywats.models.report import insert_result_from

    async def send(claimed: ClaimedReport) -> None:
        headers = {
            "Content-Type": "application/json",
            CORRELATION_HEADER: claimed.meta.correlation_id,
        }
        answer = await get_http().request_json(
            "POST", WSJF_PATH, content=claimed.payload, headers=headers, idempotent=True
        )
        insert_result_from(answer, path=WSJF_PATH)

    return send
