"""TaskSupervisor: crashes are logged, critical tasks restart with backoff, cancellation wins."""

from __future__ import annotations

import asyncio
import logging

import pytest

from pywats_client.supervisor import (
    RestartHistory,
    SupervisorState,
    TaskState,
    TaskSupervisor,
    restart_delay,
)


class FakeTime:
    """A clock that only moves when the supervisor 'sleeps'."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def test_restart_delay_doubles_and_caps() -> None:
    assert [restart_delay(n, base=1, cap=10) for n in range(6)] == [0, 1, 2, 4, 8, 10]


def test_restart_history_forgets_outside_window() -> None:
    history = RestartHistory(window=300)
    for t in (0, 100, 200, 250):
        history.record(t)
    assert history.count(250) == 4
    assert history.count(401) == 2  # 0 and 100 fell out of the window


async def test_crashing_critical_task_is_restarted_with_backoff(
    caplog: pytest.LogCaptureFixture,
) -> None:
    time = FakeTime()
    supervisor = TaskSupervisor(clock=time.clock, sleep=time.sleep, backoff_base=1, backoff_cap=8)
    runs = 0
    done = asyncio.Event()

    async def flaky() -> None:
        nonlocal runs
        runs += 1
        if runs <= 3:
            raise RuntimeError(f"boom {runs}")
        done.set()

    with caplog.at_level(logging.ERROR, logger="pywats_client.supervisor"):
        supervisor.start("uploader", flaky)
        await asyncio.wait_for(done.wait(), 5)
        await supervisor.stop(timeout=5)

    assert runs == 4
    assert time.sleeps == [1, 2, 4]
    (status,) = supervisor.statuses()
    assert status.restarts == 3
    assert status.last_error == "RuntimeError: boom 3"
    assert "boom 1" in caplog.text
    assert "Traceback" in caplog.text or any(r.exc_info for r in caplog.records)


async def test_crash_loop_sets_error_state_but_keeps_restarting() -> None:
    time = FakeTime()
    supervisor = TaskSupervisor(
        clock=time.clock, sleep=time.sleep, max_restarts=3, window=300, backoff_cap=1
    )
    runs = 0
    enough = asyncio.Event()

    async def always_fails() -> None:
        nonlocal runs
        runs += 1
        if runs >= 6:
            enough.set()
            await asyncio.Event().wait()  # stays up until cancelled
        raise OSError("disk gone")

    supervisor.start("uploader", always_fails)
    await asyncio.wait_for(enough.wait(), 5)
    assert supervisor.state is SupervisorState.ERROR
    assert "restarted 5 times" in supervisor.problems()[0]
    await supervisor.stop(timeout=5)


async def test_non_critical_task_dies_and_degrades() -> None:
    time = FakeTime()
    supervisor = TaskSupervisor(clock=time.clock, sleep=time.sleep)

    async def fails_once() -> None:
        raise ValueError("bad config")

    supervisor.start("ping", fails_once, critical=False)
    await asyncio.sleep(0.01)
    (status,) = supervisor.statuses()
    assert status.state is TaskState.DEAD
    assert supervisor.state is SupervisorState.DEGRADED
    assert supervisor.problems() == ["task ping is dead: ValueError: bad config"]
    await supervisor.stop(timeout=1)


async def test_stop_cancels_running_tasks() -> None:
    supervisor = TaskSupervisor()
    started = asyncio.Event()
    cancelled = False

    async def forever() -> None:
        nonlocal cancelled
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled = True
            raise

    supervisor.start("watch", forever)
    await started.wait()
    await supervisor.stop(timeout=5)
    assert cancelled
    assert supervisor.statuses()[0].state is TaskState.STOPPED
    assert supervisor.state is SupervisorState.OK


async def test_mark_healthy_resets_backoff() -> None:
    time = FakeTime()
    supervisor = TaskSupervisor(clock=time.clock, sleep=time.sleep, backoff_base=1)
    runs = 0
    done = asyncio.Event()

    async def task() -> None:
        nonlocal runs
        runs += 1
        if runs == 3:
            supervisor.mark_healthy("t")
        if runs <= 4:
            raise RuntimeError("x")
        done.set()

    supervisor.start("t", task)
    await asyncio.wait_for(done.wait(), 5)
    await supervisor.stop(timeout=1)
    # failures 1, 2 back off 1, 2; run 3 reports healthy then fails: backoff starts again at 1.
    assert time.sleeps == [1, 2, 1, 2]


async def test_duplicate_names_are_refused() -> None:
    supervisor = TaskSupervisor()

    async def noop() -> None:
        return None

    supervisor.start("a", noop)
    with pytest.raises(ValueError, match="already supervised"):
        supervisor.start("a", noop)
    await supervisor.stop(timeout=1)
