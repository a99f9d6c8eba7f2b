"""The converter subsystem as one component the service starts and stops.

Integration (what ``AsyncClientService`` does)::

    subsystem = ConverterSubsystem(settings, queue, supervisor, on_accepted=uploader.notify)
    subsystem.start()                 # registers one supervised task "converters"
    ...
    subsystem.status()                # JSON-ready: converters, broken ones, folders, stats
    subsystem.health_problems()       # texts for degraded health
    subsystem.prometheus_lines()      # appended to /metrics
    await subsystem.stop()            # finishes in-flight files, stops workers and watchers

A converter that fails to load, or a folder whose converter or options are bad, is shown in
status and health and does not stop the other folders.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from pywats_client.converters.base import ConverterError
from pywats_client.converters.folder import FolderRuntime, FolderStatus
from pywats_client.converters.pipeline import SourceContext
from pywats_client.converters.registry import ConverterRegistry, load_registry
from pywats_client.converters.settings import ConvertersSettings, FolderSettings
from pywats_client.converters.stats import ConverterStats
from pywats_client.converters.workers import WorkerPool
from pywats_client.queue import ReportQueue
from pywats_client.supervisor import TaskSupervisor

log = logging.getLogger(__name__)
TASK_NAME = "converters"
FOLDER_RETRY_SECONDS = 30.0


class ConverterSubsystem:
    """Watch folders → converters → durable queue (see the module docstring)."""

    def __init__(
        self,
        settings: ConvertersSettings,
        queue: ReportQueue,
        supervisor: TaskSupervisor | None = None,
        *,
        registry: ConverterRegistry | None = None,
        wall_clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        use_events: bool = True,
        on_accepted: Callable[[], None] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self._sleep = sleep
        self._on_accepted = on_accepted
        self.queue = queue
        self.supervisor = supervisor
        self.registry = registry
        self.stats = ConverterStats()
        self.folders: list[FolderRuntime] = []
        self.broken_folders: list[FolderStatus] = []
        self.pool: WorkerPool | None = None
        self._wall_clock = wall_clock
        self._monotonic = monotonic
        self._use_events = use_events
        self._own_task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start in the background (under the supervisor when one was given)."""
        if self.supervisor is not None:
            self.supervisor.start(TASK_NAME, self.run, critical=False)
        else:
            self._own_task = asyncio.create_task(self.run(), name=TASK_NAME)

    async def stop(self) -> None:
        """Stop our own task (the service's supervisor stops its task itself)."""
        task, self._own_task = self._own_task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def run(self) -> None:
        """Load converters, run every folder until cancelled, then clean up."""
        if self.registry is None:
            self.registry = await asyncio.to_thread(
                load_registry,
                self.settings.converter_files,
                use_entry_points=self.settings.use_entry_points,
            )
        for broken in self.registry.broken:
            log.error("converter not loaded: %s", broken.error)
        self.pool = WorkerPool(
            size=self.settings.worker_processes, max_tasks=self.settings.max_tasks_per_worker
        )
        self.folders, self.broken_folders = self._build_folders(self.registry)
        try:
            async with asyncio.TaskGroup() as group:
                for runtime in self.folders:
                    name = f"converter-folder {runtime.status.path}"
                    group.create_task(self._keep_running(runtime), name=name)
        finally:
            await asyncio.to_thread(self._finish)

    async def _keep_running(self, runtime: FolderRuntime) -> None:
        """Run one folder; if it fails (folder unreachable, permissions), show it and retry
        later — one bad folder must not stop the others."""
        while True:
            try:
                await runtime.run()
            except Exception as exc:
                log.exception("watch folder %s failed; retrying", runtime.status.path)
                runtime.status.state = "error"
                runtime.status.error = f"{type(exc).__name__}: {exc}"
            await self._sleep(FOLDER_RETRY_SECONDS)

    def _finish(self) -> None:
        for runtime in self.folders:
            try:
                runtime.maintain_now()
            except OSError as exc:
                log.warning("final maintenance of %s failed: %s", runtime.status.path, exc)
        if self.pool is not None:
            self.pool.close()

    def _build_folders(
        self, registry: ConverterRegistry
    ) -> tuple[list[FolderRuntime], list[FolderStatus]]:
        runtimes, broken = [], []
        for folder in self.settings.folders:
            try:
                runtimes.append(self._runtime(folder, registry))
            except ConverterError as exc:
                log.error("watch folder %s not started: %s", folder.path, exc)
                broken.append(FolderStatus(str(folder.path), folder.converter, "error", str(exc)))
        return runtimes, broken

    def _runtime(self, folder: FolderSettings, registry: ConverterRegistry) -> FolderRuntime:
        loaded = registry.get(folder.converter)
        ctx = SourceContext(
            folder, loaded, loaded.parse_options(folder.options), self.queue, self._wall_clock
        )
        return FolderRuntime(
            folder,
            ctx,
            self.pool,
            self.stats,
            monotonic=self._monotonic,
            use_events=self._use_events,
            on_accepted=self._on_accepted,
        )

    # ------------------------------------------------------------------ reporting

    def status(self) -> dict[str, Any]:
        """JSON-ready status: loaded and broken converters, folders, statistics."""
        registry = self.registry or ConverterRegistry()
        return {
            "converters": [
                {"name": c.name, "version": c.version, "origin": c.spec.describe()}
                for c in registry.converters.values()
            ],
            "broken_converters": [
                {"origin": b.spec.describe(), "error": b.error} for b in registry.broken
            ],
            "folders": [vars(r.status).copy() for r in self.folders]
            + [vars(b).copy() for b in self.broken_folders],
            "worker_restarts": self.pool.restarts if self.pool else 0,
            "stats": self.stats.to_dict(),
        }

    def health_problems(self) -> list[str]:
        """Why converter health is degraded (empty: all good)."""
        registry = self.registry or ConverterRegistry()
        problems = [f"converter not loaded: {b.error}" for b in registry.broken]
        failing = [r.status for r in self.folders if r.status.state == "error"]
        problems += [
            f"watch folder {b.path} not running: {b.error}" for b in self.broken_folders + failing
        ]
        return problems

    def prometheus_lines(self) -> list[str]:
        """Converter statistics for ``/metrics``."""
        return self.stats.prometheus_lines()
