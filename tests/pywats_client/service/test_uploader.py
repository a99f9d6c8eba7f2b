"""The uploader over a real queue with a scripted sender, injected clock and sleep."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from service_helpers import report_bytes, wait_until

from pywats.exceptions import ReportRejectedError, ServerError
from pywats_client.errors import DiskSpaceError
from pywats_client.metrics import ServiceMetrics
from pywats_client.queue import ClaimedReport, QueueLimits, ReportQueue
from pywats_client.uploader import SETTLE_RETRY_SECONDS, Uploader


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def queue(tmp_path: Path, clock: FakeClock) -> Iterator[ReportQueue]:
    with ReportQueue(tmp_path / "queue", limits=QueueLimits(min_free_bytes=0), clock=clock) as q:
        yield q


def _accept(queue: ReportQueue, count: int) -> list[str]:
    ids = []
    for number in range(count):
        report_id, data = report_bytes(number)
        queue.accept(data, report_id)
        ids.append(report_id)
    return ids


async def _stop(uploader: Uploader, run: asyncio.Task[None]) -> None:
    uploader.stop_claiming()
    await run


async def test_at_most_n_uploads_at_once_and_new_work_wakes_it(queue: ReportQueue) -> None:
    gate = asyncio.Event()
    peak = 0

    async def send(claimed: ClaimedReport) -> None:
        nonlocal peak
        peak = max(peak, uploader.active)
        await gate.wait()

    async def never(_: float) -> None:
        await asyncio.Event().wait()

    uploader = Uploader(queue, send, ServiceMetrics(), concurrency=2, sleep=never)
    run = asyncio.create_task(uploader.run())
    _accept(queue, 5)
    uploader.notify()

    async def two_in_flight() -> bool:
        return uploader.active == 2

    await wait_until(two_in_flight, what="two uploads")
    assert queue.counts()["processing"] == 2
    gate.set()

    async def all_done() -> bool:
        return queue.counts().get("completed", 0) == 5

    await wait_until(all_done, what="5 completed")
    await _stop(uploader, run)
    assert peak == 2
    assert uploader.active == 0


async def test_failed_upload_is_retried_when_due_using_the_injected_sleep(
    queue: ReportQueue, clock: FakeClock
) -> None:
    attempts: list[str] = []
    slept: list[float] = []

    async def send(claimed: ClaimedReport) -> None:
        attempts.append(claimed.report_id)
        if len(attempts) == 1:
            raise ServerError(503, "busy")

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds  # time passes only when the uploader sleeps

    metrics = ServiceMetrics()
    uploader = Uploader(queue, send, metrics, sleep=sleep)
    [report_id] = _accept(queue, 1)
    run = asyncio.create_task(uploader.run())

    async def completed() -> bool:
        return queue.counts().get("completed", 0) == 1

    await wait_until(completed, what="the retry")
    await _stop(uploader, run)
    assert attempts == [report_id, report_id]
    assert slept
    assert slept[0] >= queue.backoff.min_delay
    assert (metrics.uploads_ok, metrics.uploads_failed) == (1, 1)


async def test_rejection_is_parked_and_cancelled_upload_goes_back_to_queued(
    queue: ReportQueue,
) -> None:
    hang = asyncio.Event()

    async def send(claimed: ClaimedReport) -> None:
        if claimed.report_id == rejected:
            raise ReportRejectedError(400, "missing part number")
        await hang.wait()

    rejected, hanging = _accept(queue, 2)
    metrics = ServiceMetrics()
    uploader = Uploader(queue, send, metrics, concurrency=2)
    run = asyncio.create_task(uploader.run())

    async def settled() -> bool:
        return queue.counts().get("parked", 0) == 1 and uploader.active == 1

    await wait_until(settled, what="one parked, one in flight")
    uploader.stop_claiming()
    assert await uploader.drain(0.0) is False
    await uploader.cancel_in_flight()
    await run
    meta = queue.get(rejected).meta
    assert meta is not None
    assert "missing part number" in (meta.parked_reason or "")
    assert queue.get(hanging).state.value == "queued"
    assert metrics.uploads_parked == 1


async def test_outcome_the_queue_cannot_record_is_recorded_on_a_later_pass(
    queue: ReportQueue, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_complete = queue.complete
    calls = 0

    def complete_failing_once(report_id: str) -> object:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise DiskSpaceError("disk full while renaming")
        return real_complete(report_id)

    # Fault injection on the real queue: its first state change hits a full disk.
    monkeypatch.setattr(queue, "complete", complete_failing_once)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    async def send(claimed: ClaimedReport) -> None:
        return None

    uploader = Uploader(queue, send, ServiceMetrics(), sleep=sleep)
    [report_id] = _accept(queue, 1)
    run = asyncio.create_task(uploader.run())

    async def completed() -> bool:
        return queue.counts().get("completed", 0) == 1

    await wait_until(completed, what="the second settle attempt")
    assert uploader.unrecorded == 0
    await _stop(uploader, run)
    assert calls == 2
    assert SETTLE_RETRY_SECONDS in slept
    assert queue.get(report_id).state.value == "completed"
