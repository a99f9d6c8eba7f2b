"""Worker processes that run untrusted converters, with a per-file timeout.

Each worker is one ``spawn``-started process talking to the service over a pipe. The service
sends one :class:`ConversionTask` at a time and waits at most ``timeout`` seconds for the
answer. A worker that hangs is killed and replaced; one that dies (segfault, ``os._exit``,
out of memory) is replaced; one that has served ``max_tasks`` files is recycled, which bounds
what a leaking converter can accumulate. None of this can take the service process down.

Why not ``ProcessPoolExecutor``: it cannot cancel a running call, and a killed worker breaks
the whole pool. One pipe per worker makes "kill exactly the hung one" simple.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pywats_client.converters.base import (
    ConversionError,
    ConversionTimeoutError,
    ConverterError,
    SourceFile,
)
from pywats_client.converters.execution import ConvertedReport, run_conversion
from pywats_client.converters.registry import ConverterSpec, LoadedConverter, load_spec

if TYPE_CHECKING:
    import multiprocessing.connection
    import multiprocessing.context
    from multiprocessing.process import BaseProcess

_JOIN_SECONDS = 5.0
_START_SECONDS = 120.0


@dataclass(frozen=True, slots=True)
class ConversionTask:
    """Everything a worker needs to convert one file (picklable)."""

    spec: ConverterSpec
    path: str
    data: bytes
    options: dict[str, Any]
    source_sha256: str
    nonce: str | None = None


def convert_task(
    task: ConversionTask, cache: dict[ConverterSpec, LoadedConverter]
) -> list[ConvertedReport]:
    """Load (once per process) and run the task's converter; raises ConverterError."""
    loaded = cache.get(task.spec)
    if loaded is None:
        loaded = cache[task.spec] = load_spec(task.spec)
    options = loaded.parse_options(task.options)
    source = SourceFile(Path(task.path), task.data)
    return run_conversion(loaded, source, options, task.source_sha256, task.nonce)


def worker_main(conn: multiprocessing.connection.Connection) -> None:
    """The worker process's loop: one task in, one ``("ok", reports)`` or error out."""
    cache: dict[ConverterSpec, LoadedConverter] = {}
    conn.send(("ready",))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            reply: tuple[Any, ...] = ("ok", convert_task(task, cache))
        except ConversionError as exc:
            reply = ("error", str(exc), exc.details)
        except ConverterError as exc:
            reply = ("error", str(exc), traceback.format_exc())
        except BaseException as exc:  # noqa: BLE001 - report anything, keep serving
            reply = ("error", f"{type(exc).__name__}: {exc}", traceback.format_exc())
        conn.send(reply)


@dataclass
class _Worker:
    process: BaseProcess
    conn: multiprocessing.connection.Connection
    served: int = 0

    def stop(self, *, kill: bool) -> None:
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        self.process.join(_JOIN_SECONDS)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(_JOIN_SECONDS)
        self.conn.close()
        self.process.close()


def _discard(worker: _Worker, job: asyncio.Future[list[ConvertedReport]]) -> None:
    if not job.cancelled():
        job.exception()  # retrieved on purpose: nobody waits for this result any more
    worker.stop(kill=True)


def _start_worker(context: multiprocessing.context.SpawnContext) -> _Worker:
    parent, child = context.Pipe()
    process = context.Process(
        target=worker_main, args=(child,), daemon=True, name="pywats-converter"
    )
    process.start()
    child.close()
    worker = _Worker(process, parent)
    # Wait until the interpreter is up, so its start-up never counts against a file's timeout.
    try:
        ready = parent.poll(_START_SECONDS) and parent.recv() == ("ready",)
    except (EOFError, OSError):
        ready = False
    if not ready:
        worker.stop(kill=True)
        raise ConverterError(f"a converter worker process did not start in {_START_SECONDS:g} s")
    return worker


def _exchange(worker: _Worker, task: ConversionTask, timeout: float) -> tuple[Any, ...] | None:
    """Send ``task`` and wait for the reply; ``None`` means timed out."""
    worker.conn.send(task)
    if not worker.conn.poll(timeout):
        return None
    reply: tuple[Any, ...] = worker.conn.recv()
    return reply


@dataclass
class WorkerPool:
    """``size`` worker processes, started on first use; see the module docstring."""

    size: int = 2
    timeout: float = 60.0
    max_tasks: int = 1000
    # multiprocessing loads with the first worker: built-in converters never start one.
    _context: multiprocessing.context.SpawnContext | None = None
    _idle: list[_Worker] = field(default_factory=list)
    _started: int = 0
    _free: asyncio.Semaphore | None = None
    restarts: int = 0

    async def convert(
        self, task: ConversionTask, timeout: float | None = None
    ) -> list[ConvertedReport]:
        """Run ``task`` in a worker; :class:`ConversionError` on failure, crash or timeout."""
        if self._free is None:
            self._free = asyncio.Semaphore(self.size)
        async with self._free:
            worker = self._idle.pop() if self._idle else await asyncio.to_thread(self._spawn)
            job = asyncio.ensure_future(
                asyncio.to_thread(self._run, worker, task, timeout or self.timeout)
            )
            try:
                reports = await asyncio.shield(job)
            except asyncio.CancelledError:
                # The caller gave up (shutdown): kill the worker so the thread returns now.
                worker.process.kill()
                job.add_done_callback(functools.partial(_discard, worker))
                raise
            except ConversionError:
                self._idle.append(worker)
                raise
            self._idle.append(worker)
            return reports

    def _spawn_context(self) -> multiprocessing.context.SpawnContext:
        if self._context is None:
            import multiprocessing

            self._context = multiprocessing.get_context("spawn")
        return self._context

    def _spawn(self) -> _Worker:
        self._started += 1
        return _start_worker(self._spawn_context())

    def _run(self, worker: _Worker, task: ConversionTask, timeout: float) -> list[ConvertedReport]:
        try:
            reply = _exchange(worker, task, timeout)
        except (EOFError, OSError):
            reply = ("died",)
        if reply is None or reply[0] == "died":
            if reply is not None:
                worker.process.join(_JOIN_SECONDS)  # it is exiting: collect its exit code
            code = worker.process.exitcode
            self._replace(worker, kill=True)
            if reply is None:
                raise ConversionTimeoutError(
                    f"{Path(task.path).name}: converter timed out after {timeout:g} s "
                    "(worker killed)"
                )
            raise ConversionError(
                f"{Path(task.path).name}: converter process died (exit code {code})"
            )
        worker.served += 1
        if worker.served >= self.max_tasks:
            self._replace(worker, kill=False)
        if reply[0] == "ok":
            reports: list[ConvertedReport] = reply[1]
            return reports
        raise ConversionError(str(reply[1]), str(reply[2]))

    def _replace(self, worker: _Worker, *, kill: bool) -> None:
        """Stop ``worker`` and put a fresh process into the same slot object."""
        worker.stop(kill=kill)
        fresh = _start_worker(self._spawn_context())
        worker.process, worker.conn, worker.served = fresh.process, fresh.conn, 0
        self.restarts += 1

    def close(self) -> None:
        """Stop every idle worker (call when no conversion is running)."""
        while self._idle:
            self._idle.pop().stop(kill=False)
