"""Supervision of the service's background tasks.

Every long-running task of the station service (queue uploader, config watcher, ping, client
update, converters) runs under a :class:`TaskSupervisor`:

- an exception is logged with its traceback, never lost inside an un-awaited task;
- a *critical* task is restarted with capped exponential backoff; a non-critical one is marked
  dead and left alone;
- more than ``max_restarts`` restarts inside ``window`` seconds puts the supervisor in the
  ``error`` state, which the service reports as degraded health — but a critical task keeps
  being restarted, because giving up on the uploader would strand customer data;
- ``asyncio.CancelledError`` is always re-raised, so shutdown is never swallowed.

The bookkeeping (:class:`RestartHistory`, :func:`restart_delay`) is plain code with an injected
clock, tested without any real waiting.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

TaskFactory = Callable[[], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]


class TaskState(enum.StrEnum):
    """Where a supervised task is in its life."""

    RUNNING = "running"
    BACKING_OFF = "backing_off"
    FINISHED = "finished"
    DEAD = "dead"
    STOPPED = "stopped"


class SupervisorState(enum.StrEnum):
    """The supervisor's overall verdict, fed into the service's health."""

    OK = "ok"
    DEGRADED = "degraded"
    ERROR = "error"


def restart_delay(consecutive_failures: int, *, base: float = 1.0, cap: float = 60.0) -> float:
    """Seconds to wait before restart number ``consecutive_failures`` (1-based), capped."""
    if consecutive_failures < 1:
        return 0.0
    return min(cap, base * 2.0 ** (consecutive_failures - 1))


@dataclass
class RestartHistory:
    """Restart times of one task, to tell a crash loop from an occasional failure."""

    window: float = 300.0
    _times: deque[float] = field(default_factory=deque)

    def record(self, now: float) -> None:
        self._times.append(now)
        self._forget_before(now - self.window)

    def count(self, now: float) -> int:
        self._forget_before(now - self.window)
        return len(self._times)

    def _forget_before(self, limit: float) -> None:
        while self._times and self._times[0] < limit:
            self._times.popleft()


@dataclass
class TaskStatus:
    """What the control API shows about one supervised task."""

    name: str
    critical: bool
    state: TaskState = TaskState.RUNNING
    restarts: int = 0
    consecutive_failures: int = 0
    last_error: str | None = None
    last_error_at: float | None = None


@dataclass
class _Supervised:
    factory: TaskFactory
    status: TaskStatus
    history: RestartHistory
    task: asyncio.Task[None] | None = None


class TaskSupervisor:
    """Starts, watches and restarts the service's background tasks."""

    def __init__(
        self,
        *,
        max_restarts: int = 3,
        window: float = 300.0,
        backoff_base: float = 1.0,
        backoff_cap: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._max_restarts = max_restarts
        self._window = window
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._clock = clock
        self._sleep = sleep
        self._tasks: dict[str, _Supervised] = {}

    def start(self, name: str, factory: TaskFactory, *, critical: bool = True) -> None:
        """Run ``factory()`` as a supervised task called ``name`` (names are unique)."""
        if name in self._tasks:
            raise ValueError(f"a task named {name!r} is already supervised")
        entry = _Supervised(
            factory=factory,
            status=TaskStatus(name=name, critical=critical),
            history=RestartHistory(window=self._window),
        )
        self._tasks[name] = entry
        entry.task = asyncio.create_task(self._run(entry), name=f"supervised:{name}")

    async def stop(self, timeout: float | None = None) -> None:
        """Cancel every task and wait (at most ``timeout`` seconds) for them to end."""
        running = [e.task for e in self._tasks.values() if e.task and not e.task.done()]
        for task in running:
            task.cancel()
        if running:
            await asyncio.wait(running, timeout=timeout)
        for entry in self._tasks.values():
            if entry.status.state in (TaskState.RUNNING, TaskState.BACKING_OFF):
                entry.status.state = TaskState.STOPPED

    def statuses(self) -> list[TaskStatus]:
        """A snapshot of every task's status, in start order."""
        return [e.status for e in self._tasks.values()]

    @property
    def state(self) -> SupervisorState:
        """ERROR when a task is crash-looping, DEGRADED when a task died, else OK."""
        now = self._clock()
        verdict = SupervisorState.OK
        for entry in self._tasks.values():
            if entry.history.count(now) > self._max_restarts:
                return SupervisorState.ERROR
            if entry.status.state is TaskState.DEAD:
                verdict = SupervisorState.DEGRADED
        return verdict

    def problems(self) -> list[str]:
        """Human-readable reasons behind a non-OK :attr:`state`."""
        now = self._clock()
        reasons = []
        for entry in self._tasks.values():
            status = entry.status
            recent = entry.history.count(now)
            if recent > self._max_restarts:
                reasons.append(
                    f"task {status.name} restarted {recent} times in {self._window:.0f} s "
                    f"(last error: {status.last_error})"
                )
            elif status.state is TaskState.DEAD:
                reasons.append(f"task {status.name} is dead: {status.last_error}")
        return reasons

    async def _run(self, entry: _Supervised) -> None:
        status = entry.status
        while True:
            status.state = TaskState.RUNNING
            try:
                await entry.factory()
            except asyncio.CancelledError:
                status.state = TaskState.STOPPED
                raise
            except Exception as exc:  # noqa: BLE001 - a supervisor must outlive any task failure
                self._record_failure(entry, exc)
                if not status.critical:
                    status.state = TaskState.DEAD
                    return
                status.state = TaskState.BACKING_OFF
                await self._sleep(
                    restart_delay(
                        status.consecutive_failures,
                        base=self._backoff_base,
                        cap=self._backoff_cap,
                    )
                )
                status.restarts += 1
                entry.history.record(self._clock())
                continue
            status.state = TaskState.FINISHED
            return

    def _record_failure(self, entry: _Supervised, exc: Exception) -> None:
        status = entry.status
        status.consecutive_failures += 1
        status.last_error = f"{type(exc).__name__}: {exc}"
        status.last_error_at = self._clock()
        log.error(
            "supervised task %s failed (%s)",
            status.name,
            "restarting" if status.critical else "not restarted",
            exc_info=exc,
        )

    def mark_healthy(self, name: str) -> None:
        """Called by a task after a successful cycle: its next failure starts backoff afresh."""
        self._tasks[name].status.consecutive_failures = 0
