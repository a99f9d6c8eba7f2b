"""The station service: queue, uploader, station heartbeat and control API under one roof.

:class:`AsyncClientService` is the only implementation; :class:`ClientService` and
:func:`run_service` are thin entry points. Lifecycle (``docs/service.md``):

1. load and validate the config; 2. take the :class:`InstanceLock` on the queue directory (a
second instance exits naming the holder's PID); 3. open the queue (start-up recovery);
4. start the control API; 5. start the supervised tasks (uploader, station heartbeat /
registration, config watcher, retention pruning); 6. wait for a stop request.

Two-phase shutdown: stop accepting (the control API's submit answers 503) and claiming, let
in-flight uploads finish for up to ``shutdown.graceful_timeout_seconds``, then cancel them
(their reports go back to ``queued``); the rest of the teardown is bounded by
``shutdown.force_timeout_seconds``. The lock is always released.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pywats_client.config import ClientConfig, load_config, resolve_config_path
from pywats_client.errors import ClientConfigError, DiskSpaceError, QueueError, QueueFullError
from pywats_client.instance_lock import InstanceLock, InstanceLockedError
from pywats_client.logging_setup import RedactingFilter, configure_logging, remove_logging
from pywats_client.metrics import ServiceMetrics
from pywats_client.signals import StopRequest, install_stop_handlers
from pywats_client.station import (
    ServerConnection,
    StationCredentials,
    StationMonitor,
    stored_credentials,
)
from pywats_client.supervisor import TaskSupervisor
from pywats_client.uploader import Uploader, wsjf_sender

if TYPE_CHECKING:
    from pywats_client.config_watch import ConfigWatcher
    from pywats_client.control.http import ControlServer
    from pywats_client.converters import ConverterSubsystem
    from pywats_client.queue import AcceptResult, ReportQueue

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_LOCKED = 3
READY_PREFIX = "pywats-client service ready; control API at "
RETENTION_INTERVAL_SECONDS = 600.0
BREAKER_RESET_SECONDS = 30.0
Sleep = Callable[[float], Awaitable[None]]


def _tell_operator(message: str) -> None:
    """A start-up failure goes to stderr too: logging may not be configured yet."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def state_dir_for(queue_dir: Path) -> Path:
    """The folder beside the queue holding the control token, control address and station
    passcode (never inside the queue folder, whose recovery quarantines strange files)."""
    return queue_dir.parent / f"{queue_dir.name}-service"


def default_client_factory(config: ClientConfig) -> Callable[[str], ServerConnection]:
    """Builds the server connection for a token; one retry per request, the queue does the
    rest."""

    def make(token: str) -> ServerConnection:
        from pywats._core.breaker import CircuitBreaker
        from pywats._core.http import AsyncHttpCore

        # The breaker spares a dead server the load; it never waits longer than the queue's
        # own backoff cap would.
        reset = min(BREAKER_RESET_SECONDS, config.backoff.cap_seconds)
        http = AsyncHttpCore(
            config.server_url,
            token,
            timeout=config.request_timeout_seconds,
            retries=1,
            breaker=CircuitBreaker(reset_timeout=reset),
        )
        return ServerConnection(http)

    return make


class AsyncClientService:
    """The station service (see the module docstring). Use :meth:`run` once."""

    def __init__(
        self,
        config_path: Path | str | None = None,
        *,
        control_port: int | None = None,
        make_client: Callable[[str], ServerConnection] | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep,
        handle_signals: bool = True,
        ready_stream: TextIO | None = None,
    ) -> None:
        self.config_path = resolve_config_path(config_path)
        self.metrics = ServiceMetrics()
        self.supervisor = TaskSupervisor(sleep=sleep)
        self.accepting = False
        self.started_at = clock()
        self._control_port = control_port
        self._make_client = make_client
        self._clock = clock
        self._sleep = sleep
        self._handle_signals = handle_signals
        self._ready_stream = ready_stream
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: StopRequest | None = None
        self._early_stop: str | None = None
        self._stop_lock = threading.Lock()
        self._config: ClientConfig | None = None
        self._queue: ReportQueue | None = None
        self._uploader: Uploader | None = None
        self._control: ControlServer | None = None
        self._wats: ServerConnection | None = None
        self._monitor: StationMonitor | None = None
        self._server_ready: asyncio.Event | None = None
        self._redactor: RedactingFilter | None = None
        self._secrets: list[str] = []
        self.config_watcher: ConfigWatcher | None = None
        self.converters: ConverterSubsystem | None = None

    # ------------------------------------------------------------------ accessors for routes

    @property
    def config(self) -> ClientConfig:
        if self._config is None:
            raise RuntimeError("the service is not running")
        return self._config

    @property
    def queue(self) -> ReportQueue:
        if self._queue is None:
            raise RuntimeError("the service is not running")
        return self._queue

    @property
    def uploader(self) -> Uploader:
        if self._uploader is None:
            raise RuntimeError("the service is not running")
        return self._uploader

    @property
    def monitor(self) -> StationMonitor | None:
        return self._monitor

    @property
    def control_url(self) -> str | None:
        return None if self._control is None else self._control.url

    @property
    def state_dir(self) -> Path:
        return state_dir_for(self.config.queue_dir)

    def stopping(self) -> bool:
        """Whether shutdown has begun."""
        return self._stop is not None and self._stop.graceful.is_set()

    def replace_config(self, config: ClientConfig) -> None:
        """Make ``config`` the running config (the caller applies its live parts)."""
        self._config = config

    def configure_logging(self) -> None:
        """(Re)install the log handler for the running config, keeping every secret redacted."""
        self._redactor = configure_logging(self.config.log_format, self.config.log_level)
        for secret in self._secrets:
            self._redactor.add_secret(secret)

    def add_secret(self, secret: str) -> None:
        """Never let ``secret`` (or its encodings) reach the log."""
        self._secrets.append(secret)
        if self._redactor is not None:
            self._redactor.add_secret(secret)

    # ------------------------------------------------------------------ intake

    async def accept_report(
        self, payload: bytes, report_id: str, source: dict[str, Any] | None = None
    ) -> AcceptResult:
        """Durably queue one report's WSJF bytes and wake the uploader.

        When free disk space refuses it, delivered (completed) files are deleted first —
        they are on the server already — and the report is tried once more. Raises the
        queue's errors (``QueueFullError``, ``DiskSpaceError``, …); refusals are counted."""
        queue = self.queue
        try:
            try:
                result = await asyncio.to_thread(queue.accept, payload, report_id, source=source)
            except DiskSpaceError:
                if not await self.free_delivered_files():
                    raise
                result = await asyncio.to_thread(queue.accept, payload, report_id, source=source)
        except (QueueFullError, DiskSpaceError):
            self.metrics.refusals += 1
            raise
        if not result.duplicate:
            self.metrics.accepted_total += 1
            cid = result.entry.meta.correlation_id if result.entry.meta else ""
            log.info("report accepted", extra={"report_id": report_id, "correlation_id": cid})
        self.uploader.notify()
        return result

    async def free_delivered_files(self) -> int:
        """Delete every completed (delivered) file to make room; returns how many."""
        from pywats_client.queue import EntryState

        queue = self.queue
        delivered = await asyncio.to_thread(queue.list, EntryState.COMPLETED)
        freed = 0
        for entry in delivered:
            try:
                await asyncio.to_thread(queue.remove, entry.report_id)
            except QueueError as exc:
                log.warning("cannot delete delivered file %s: %s", entry.report_id, exc)
                continue
            freed += 1
        if freed:
            log.warning("disk low: deleted %d delivered report file(s) to make room", freed)
        return freed

    # ------------------------------------------------------------------ stopping

    def request_stop(self, reason: str = "stop requested") -> None:
        """Ask the service to stop (callable from any thread, e.g. a Windows service
        wrapper); a second call cancels in-flight uploads at once."""
        with self._stop_lock:
            loop, stop = self._loop, self._stop
            if loop is None or stop is None:
                self._early_stop = reason
                return
        loop.call_soon_threadsafe(stop.request, reason)

    # ------------------------------------------------------------------ lifecycle

    async def run(self) -> int:
        """Run until stopped; returns the process exit code."""
        with self._stop_lock:
            self._loop = asyncio.get_running_loop()
            self._stop = StopRequest()
            if self._early_stop is not None:
                self._stop.request(self._early_stop)
        try:
            config = load_config(self.config_path)
        except ClientConfigError as exc:
            _tell_operator(f"pywats-client: {exc}")
            return EXIT_CONFIG
        self._config = config
        self.configure_logging()
        try:
            return await self._run_with_lock(config)
        finally:
            remove_logging()

    async def _run_with_lock(self, config: ClientConfig) -> int:
        lock = InstanceLock(config.queue_dir)
        try:
            lock.acquire()
        except InstanceLockedError as exc:
            _tell_operator(f"pywats-client: {exc}")
            log.error("%s", exc)
            return EXIT_LOCKED
        except OSError as exc:
            _tell_operator(f"pywats-client: cannot lock the queue folder: {exc}")
            return EXIT_FAILED
        try:
            return await self._run_locked(config)
        finally:
            lock.release()

    async def _run_locked(self, config: ClientConfig) -> int:
        from pywats_client.queue import ReportQueue

        try:
            credentials = stored_credentials(config, state_dir_for(config.queue_dir))
        except ClientConfigError as exc:
            _tell_operator(f"pywats-client: {exc}")
            return EXIT_CONFIG
        queue = ReportQueue(
            config.queue_dir,
            limits=config.limits.to_queue_limits(),
            backoff=config.backoff.to_policy(),
            retention=config.retention.to_policy(),
            retry_budget=config.backoff.to_budget(self._clock()),
            clock=self._clock,
        )
        try:
            recovery = await asyncio.to_thread(queue.open)
        except QueueError as exc:
            _tell_operator(f"pywats-client: cannot open the queue: {exc}")
            return EXIT_FAILED
        log.info("queue opened: %d entries, %d requeued", recovery.entries, len(recovery.requeued))
        self._queue = queue
        try:
            return await self._serve(config, credentials)
        finally:
            queue.close()

    async def _serve(self, config: ClientConfig, credentials: StationCredentials | None) -> int:
        assert self._stop is not None
        assert self._loop is not None
        restore = install_stop_handlers(self._loop, self._stop) if self._handle_signals else None
        try:
            try:
                await self._start_parts(config, credentials)
            except OSError as exc:
                _tell_operator(f"pywats-client: cannot start the control API: {exc}")
                await self._teardown()
                return EXIT_FAILED
            self._announce_ready()
            await self._stop.graceful.wait()
            return await self._shutdown()
        finally:
            if restore is not None:
                restore()

    async def _start_parts(
        self, config: ClientConfig, credentials: StationCredentials | None
    ) -> None:
        from pywats_client.config_watch import ConfigWatcher
        from pywats_client.control.http import ControlServer
        from pywats_client.control.routes import build_router
        from pywats_client.control.token import load_or_create_token

        self._server_ready = asyncio.Event()
        self._uploader = Uploader(
            self.queue,
            wsjf_sender(lambda: self._client().http),
            self.metrics,
            concurrency=config.concurrency,
            ready=self._server_ready,
            sleep=self._sleep,
        )
        port = self._control_port if self._control_port is not None else config.control_api.port
        control = ControlServer(
            build_router(self),
            token=load_or_create_token(self.state_dir / "control.token"),
            host=config.control_api.host,
            port=port,
        )
        await control.start()
        self._control = control
        self._write_control_address()
        self.config_watcher = ConfigWatcher(self, sleep=self._sleep)
        self.supervisor.start("uploader", self._uploader.run)
        self.supervisor.start("station", lambda: self._station_task(credentials))
        self.supervisor.start("config-watcher", self.config_watcher.run)
        self.supervisor.start("retention", self._prune_loop)
        self._start_converters(config, self._uploader)
        self.accepting = True

    def _start_converters(self, config: ClientConfig, uploader: Uploader) -> None:
        """Watch folders (docs/converters.md): one supervised task; its cancellation by
        ``supervisor.stop()`` lets in-flight files finish first."""
        if not config.watch_folders:
            return
        from pywats_client.converters import ConverterSubsystem, settings_from_client_config

        self.converters = ConverterSubsystem(
            settings_from_client_config(config),
            self.queue,
            self.supervisor,
            on_accepted=uploader.notify,
        )
        self.converters.start()

    def _client(self) -> ServerConnection:
        if self._wats is None:
            raise RuntimeError("no server connection yet")
        return self._wats

    def _write_control_address(self) -> None:
        assert self._control is not None
        info = {"url": self._control.url, "pid": os.getpid()}
        path = self.state_dir / "control.json"
        temp = path.with_name(f".{path.name}.tmp")
        temp.write_text(json.dumps(info), encoding="utf-8")
        os.replace(temp, path)

    def _announce_ready(self) -> None:
        text = f"{READY_PREFIX}{self.control_url}"
        log.info("%s (pid %d)", text, os.getpid())
        if self._ready_stream is not None:
            self._ready_stream.write(text + "\n")
            self._ready_stream.flush()

    async def _station_task(self, credentials: StationCredentials | None) -> None:
        from pywats_client.station import register_station, station_name

        config = self.config
        make = self._make_client or default_client_factory(config)
        if self._wats is None:  # a restart of this task keeps the connection it made
            if credentials is None:
                credentials = await register_station(config, self.state_dir, make)
            self.add_secret(credentials.token)
            self._wats = make(credentials.token)
            self._monitor = StationMonitor(
                self._wats,
                credentials,
                self.metrics,
                name=station_name(config),
                pending_count=self._pending_count,
                interval=lambda: self.config.ping_interval_seconds,
                sleep=self._sleep,
            )
        assert self._server_ready is not None
        assert self._monitor is not None
        self._server_ready.set()
        await self._monitor.run()

    async def _pending_count(self) -> int:
        counts = await asyncio.to_thread(self.queue.counts)
        return sum(n for state, n in counts.items() if state != "completed")

    async def _prune_loop(self) -> None:
        while True:
            pruned = await asyncio.to_thread(self.queue.prune_completed)
            if pruned:
                log.info("retention: deleted %d delivered report file(s)", len(pruned))
            await self._sleep(RETENTION_INTERVAL_SECONDS)

    async def _shutdown(self) -> int:
        assert self._stop is not None
        assert self._uploader is not None
        config = self.config
        self.accepting = False
        self._uploader.stop_claiming()
        log.info(
            "stopping: waiting up to %.0f s for uploads", config.shutdown.graceful_timeout_seconds
        )
        drained = await _first_of(
            self._uploader.drain(config.shutdown.graceful_timeout_seconds), self._stop.force.wait()
        )
        if not drained:
            log.warning("stopping: cancelling %d unfinished upload(s)", self._uploader.active)
        try:
            await asyncio.wait_for(self._teardown(), config.shutdown.force_timeout_seconds)
        except TimeoutError:
            log.error("stopping: teardown exceeded the force timeout; exiting anyway")
            return EXIT_FAILED
        log.info("stopped")
        return EXIT_OK

    async def _teardown(self) -> None:
        if self._uploader is not None:
            await self._uploader.cancel_in_flight()
        await self.supervisor.stop()
        if self._monitor is not None:
            await self._monitor.disconnect()
        if self._control is not None:
            await self._control.stop()
            (self.state_dir / "control.json").unlink(missing_ok=True)
        if self._wats is not None:
            await self._wats.aclose()


async def _first_of(main: Awaitable[bool], interrupt: Awaitable[object]) -> bool:
    """Await ``main`` unless ``interrupt`` finishes first (then ``False``)."""
    main_task = asyncio.ensure_future(main)
    interrupt_task = asyncio.ensure_future(interrupt)
    try:
        await asyncio.wait({main_task, interrupt_task}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        interrupt_task.cancel()
        if not main_task.done():
            main_task.cancel()
        await asyncio.gather(main_task, interrupt_task, return_exceptions=True)
    return bool(main_task.result()) if not main_task.cancelled() else False


def _skip_httpx_cli() -> None:
    """Keep httpx from importing its command-line client (rich, click, pygments: ~9 MB of
    resident memory) in the long-running service process, which never uses it. A ``None``
    entry in ``sys.modules`` makes that optional import fail, and httpx falls back by design."""
    if "httpx" not in sys.modules:
        sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


async def run_service(config_path: Path | None, *, control_port: int | None = None) -> int:
    """Run the station service in the foreground until SIGTERM/SIGINT; returns the exit code
    (what ``pywats-client run`` and ``python -m pywats_client run`` call)."""
    _skip_httpx_cli()
    service = AsyncClientService(config_path, control_port=control_port, ready_stream=sys.stdout)
    return await service.run()


class ClientService:
    """Synchronous entry point: ``ClientService(path).run()`` blocks until stopped.

    :meth:`stop` may be called from another thread (a Windows service's stop handler)."""

    def __init__(self, config_path: Path | str | None = None, **options: Any) -> None:
        self._service = AsyncClientService(config_path, **options)

    @property
    def service(self) -> AsyncClientService:
        """The async service this wraps (for status while it runs)."""
        return self._service

    def run(self) -> int:
        """Run the service on a fresh event loop; returns the exit code."""
        return asyncio.run(self._service.run())

    def stop(self, reason: str = "stop requested") -> None:
        """Ask a running service to stop (thread-safe)."""
        self._service.request_stop(reason)


def main(argv: list[str] | None = None) -> int:
    """``python -m pywats_client.service --config PATH [--control-port N]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="pywats_client.service")
    parser.add_argument("--config", type=Path, default=None, help="config file (JSON/TOML)")
    parser.add_argument("--control-port", type=int, default=None, help="override; 0 = any")
    args = parser.parse_args(argv)
    return asyncio.run(run_service(args.config, control_port=args.control_port))


if __name__ == "__main__":
    sys.exit(main())
