"""The control API's route table, implemented over a running :class:`AsyncClientService`.

Routes (fixed by :class:`pywats_client.control.client.ControlClient`): ``GET /health``,
``GET /metrics``, ``GET /status``, ``GET /queue?state=``, ``GET /queue/{id}``,
``POST /queue/{id}/retry``, ``DELETE /queue/{id}``, ``GET /queue/{id}/export``,
``POST /queue/submit`` (raw file bytes + ``X-Filename``), ``GET /config``, ``PATCH /config``.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pywats.exceptions import ReportError
from pywats_client.control.http import ControlHttpError, ControlRequest, ControlResponse, Router
from pywats_client.errors import (
    ClientConfigError,
    DiskSpaceError,
    DuplicateReportIdError,
    EntryNotFoundError,
    EntryStateError,
    InputFileError,
    QueueError,
    QueueFullError,
)
from pywats_client.metrics import ServiceMetrics, prometheus_text
from pywats_client.queue import EntryState, QueueEntry, QueueHealth
from pywats_client.supervisor import SupervisorState

if TYPE_CHECKING:
    from pywats_client.service import AsyncClientService

log = logging.getLogger(__name__)

BACKLOG_THRESHOLD = 1000
ERROR_RATE_THRESHOLD = 0.5
MIN_ATTEMPTS_FOR_RATE = 10
UNREACHABLE_AFTER = 3


@dataclass(frozen=True)
class HealthInputs:
    """Everything the health verdict looks at (gathered by the route, judged purely)."""

    queue: QueueHealth
    supervisor_state: SupervisorState
    supervisor_problems: list[str]
    metrics: ServiceMetrics
    stopping: bool
    converter_problems: list[str] = field(default_factory=list)


def health_verdict(inputs: HealthInputs) -> tuple[str, list[str]]:
    """``("ok" | "degraded" | "error", reasons)``; ``error`` means the station cannot keep
    its promise right now (input refused, a task crash-looping)."""
    errors: list[str] = []
    warnings: list[str] = []
    queue, metrics = inputs.queue, inputs.metrics
    if not queue.accepting:
        errors.append(f"not accepting new reports: {queue.reason}")
    if inputs.supervisor_state is SupervisorState.ERROR:
        errors.extend(inputs.supervisor_problems)
    elif inputs.supervisor_state is SupervisorState.DEGRADED:
        warnings.extend(inputs.supervisor_problems)
    backlog = sum(n for state, n in queue.counts.items() if state != EntryState.COMPLETED.value)
    if backlog > BACKLOG_THRESHOLD:
        warnings.append(f"backlog: {backlog} reports waiting (threshold {BACKLOG_THRESHOLD})")
    if metrics.consecutive_auth_failures > 0:
        warnings.append(f"authentication failed: {metrics.last_error}")
    if metrics.consecutive_unreachable >= UNREACHABLE_AFTER:
        warnings.append(f"server unreachable: {metrics.last_error}")
    rate = metrics.error_rate
    if metrics.recent_attempts >= MIN_ATTEMPTS_FOR_RATE and rate > ERROR_RATE_THRESHOLD:
        warnings.append(f"upload error rate {rate:.0%} over the last attempts")
    warnings.extend(inputs.converter_problems)
    if inputs.stopping:
        warnings.append("the service is stopping")
    if errors:
        return "error", errors + warnings
    return ("degraded" if warnings else "ok"), warnings


def entry_dict(entry: QueueEntry) -> dict[str, Any]:
    """A queue entry as the control API shows it."""
    data: dict[str, Any] = {
        "report_id": entry.report_id,
        "state": entry.state.value,
        "accepted_at": entry.accepted_at,
        "size": entry.size,
        "state_time": entry.state_time,
        "next_attempt_at": entry.next_attempt_at,
    }
    if entry.meta is not None:
        data.update(
            correlation_id=entry.meta.correlation_id,
            attempts=entry.meta.attempts,
            last_error=entry.meta.last_error,
            parked_reason=entry.meta.parked_reason,
            source=entry.meta.source,
        )
    return data


def _queue_error(exc: Exception) -> ControlHttpError:
    if isinstance(exc, EntryNotFoundError):
        return ControlHttpError(404, str(exc))
    if isinstance(exc, EntryStateError | DuplicateReportIdError):
        return ControlHttpError(409, str(exc))
    if isinstance(exc, QueueFullError | DiskSpaceError):
        return ControlHttpError(507, f"input refused: {exc}")
    if isinstance(exc, InputFileError | ReportError):
        return ControlHttpError(400, str(exc))
    return ControlHttpError(500, f"queue error: {exc}")


class ControlRoutes:
    """Handlers bound to one service."""

    def __init__(self, service: AsyncClientService) -> None:
        self._service = service

    async def health(self, _: ControlRequest) -> ControlResponse:
        service = self._service
        queue_health = await asyncio.to_thread(service.queue.health)
        status, reasons = health_verdict(
            HealthInputs(
                queue=queue_health,
                supervisor_state=service.supervisor.state,
                supervisor_problems=service.supervisor.problems(),
                metrics=service.metrics,
                stopping=service.stopping(),
                converter_problems=[]
                if service.converters is None
                else service.converters.health_problems(),
            )
        )
        body = {"status": status, "reasons": reasons}
        return ControlResponse.json(body, 503 if status == "error" else 200)

    async def metrics(self, _: ControlRequest) -> ControlResponse:
        service = self._service
        counts = await asyncio.to_thread(service.queue.counts)
        restarts = {s.name: s.restarts for s in service.supervisor.statuses()}
        text = prometheus_text(service.metrics, counts, restarts)
        if service.converters is not None:
            text += "".join(line + "\n" for line in service.converters.prometheus_lines())
        return ControlResponse.text(text, content_type="text/plain; version=0.0.4")

    async def status(self, _: ControlRequest) -> ControlResponse:
        service = self._service
        counts = await asyncio.to_thread(service.queue.counts)
        monitor = service.monitor
        tasks = [
            {"name": s.name, "state": s.state.value, "restarts": s.restarts, "error": s.last_error}
            for s in service.supervisor.statuses()
        ]
        return ControlResponse.json({
            "state": "stopping" if service.stopping() else "running",
            "pid": os.getpid(),
            "accepting": service.accepting,
            "queue": counts,
            "uploads_in_flight": service.uploader.active,
            "outcomes_unrecorded": service.uploader.unrecorded,
            "concurrency": service.uploader.concurrency,
            "server_url": service.config.server_url,
            "server_name": None if monitor is None else monitor.server_name,
            "clock_skew_seconds": None if monitor is None else monitor.clock_skew,
            "last_upload_error": service.metrics.last_error,
            "tasks": tasks,
            "converters": None if service.converters is None else service.converters.status(),
        })  # fmt: skip

    async def queue_list(self, request: ControlRequest) -> ControlResponse:
        raw = request.query.get("state")
        try:
            state = EntryState(raw) if raw else None
        except ValueError:
            names = ", ".join(s.value for s in EntryState)
            raise ControlHttpError(400, f"unknown state {raw!r} (one of {names})") from None
        entries = await asyncio.to_thread(self._service.queue.list, state)
        return ControlResponse.json([entry_dict(e) for e in entries])

    async def queue_show(self, request: ControlRequest) -> ControlResponse:
        entry = await self._queue_call(self._service.queue.get, request.params["entry_id"])
        return ControlResponse.json(entry_dict(entry))

    async def queue_retry(self, request: ControlRequest) -> ControlResponse:
        entry = await self._queue_call(self._service.queue.retry, request.params["entry_id"])
        self._service.uploader.notify()
        return ControlResponse.json(entry_dict(entry))

    async def queue_remove(self, request: ControlRequest) -> ControlResponse:
        entry_id = request.params["entry_id"]
        moved_to = await self._queue_call(self._service.queue.remove, entry_id)
        return ControlResponse.json({
            "report_id": entry_id, "removed": True,
            "kept_at": None if moved_to is None else str(moved_to),
        })  # fmt: skip

    async def queue_export(self, request: ControlRequest) -> ControlResponse:
        entry_id = request.params["entry_id"]
        payload = await self._queue_call(self._service.queue.read_payload, entry_id)
        disposition = ("content-disposition", f'attachment; filename="{entry_id}.json"')
        return ControlResponse(200, payload, "application/json", (disposition,))

    async def _queue_call(self, func: Any, *args: Any) -> Any:
        try:
            return await asyncio.to_thread(func, *args)
        except (QueueError, ReportError) as exc:
            raise _queue_error(exc) from None

    async def submit(self, request: ControlRequest) -> ControlResponse:
        service = self._service
        if not service.accepting:
            service.metrics.refusals += 1
            raise ControlHttpError(503, "the service is stopping and accepts no new reports")
        filename = Path(request.headers.get("x-filename") or "submitted.json").name
        accepted = await self._accept(request.body, filename)
        return ControlResponse.json(accepted)

    async def _accept(self, data: bytes, filename: str) -> list[dict[str, Any]]:
        from pywats_client.queue.intake import prepare_reports

        service = self._service
        try:
            prepared = await asyncio.to_thread(prepare_reports, Path(filename), data)
        except InputFileError as exc:
            raise ControlHttpError(400, str(exc)) from None
        accepted: list[dict[str, Any]] = []
        source = {"filename": filename, "via": "control-api"}
        for report in prepared:
            try:
                result = await service.accept_report(report.payload, report.report_id, source)
            except (QueueFullError, DiskSpaceError) as exc:
                done = f" ({len(accepted)} earlier report(s) of the file were accepted)"
                raise ControlHttpError(
                    507, f"input refused: {exc}{done if accepted else ''}"
                ) from None
            except (QueueError, ReportError) as exc:
                raise _queue_error(exc) from None
            accepted.append({**entry_dict(result.entry), "duplicate": result.duplicate})
        return accepted

    async def config_get(self, _: ControlRequest) -> ControlResponse:
        return ControlResponse.json(self._service.config.model_dump(mode="json"))

    async def config_patch(self, request: ControlRequest) -> ControlResponse:
        changes = request.json()
        if not isinstance(changes, dict):
            raise ControlHttpError(400, "PATCH /config needs a JSON object of changes")
        watcher = self._service.config_watcher
        if watcher is None:
            raise ControlHttpError(503, "the service is not running")
        try:
            new = await watcher.patch(changes)
        except ClientConfigError as exc:
            raise ControlHttpError(400, str(exc)) from None
        return ControlResponse.json(new.model_dump(mode="json"))


def build_router(service: AsyncClientService) -> Router:
    """The control API's routes for ``service``."""
    handlers = ControlRoutes(service)
    router = Router()
    router.add("GET", "/health", handlers.health)
    router.add("GET", "/metrics", handlers.metrics)
    router.add("GET", "/status", handlers.status)
    router.add("GET", "/queue", handlers.queue_list)
    router.add("POST", "/queue/submit", handlers.submit)
    router.add("GET", "/queue/{entry_id}", handlers.queue_show)
    router.add("POST", "/queue/{entry_id}/retry", handlers.queue_retry)
    router.add("DELETE", "/queue/{entry_id}", handlers.queue_remove)
    router.add("GET", "/queue/{entry_id}/export", handlers.queue_export)
    router.add("GET", "/config", handlers.config_get)
    router.add("PATCH", "/config", handlers.config_patch)
    return router
