"""One source file's way through the subsystem: read, convert, queue, then post-process.

The order is the durability promise: a source is moved, zipped or deleted only after
:meth:`ReportQueue.accept` returned for every one of its reports. If the queue refuses
(full disk, full queue, I/O error) the source stays where it is and is offered again later.
A converter failure moves it to ``Error/`` with a ``.error`` text beside it.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pywats.exceptions import ReportError
from pywats_client.converters.base import ConversionError, ConversionTimeoutError, SourceFile
from pywats_client.converters.execution import ConvertedReport, run_conversion
from pywats_client.converters.postprocess import error_text, finish_source, move_to_error
from pywats_client.converters.registry import LoadedConverter
from pywats_client.converters.settings import FolderSettings
from pywats_client.converters.workers import ConversionTask, WorkerPool
from pywats_client.errors import DiskSpaceError, DuplicateReportIdError, QueueError, QueueFullError
from pywats_client.queue import ReportQueue

_CORRELATION_NAMESPACE = uuid.UUID("5d0c9e4a-7b21-4f3e-8a6d-2c9b1e0f4a37")
WallClock = Callable[[], float]


class Outcome(StrEnum):
    """How processing one source ended."""

    DONE = "done"  # every report accepted, post-process action applied
    ERROR = "error"  # moved to Error/ with a reason
    REFUSED = "refused"  # the queue refused; the source stays for a later retry
    SKIPPED = "skipped"  # vanished or not openable yet; nothing happened


@dataclass(frozen=True, slots=True)
class SourceResult:
    """What happened to one source."""

    outcome: Outcome
    path: Path
    destination: Path | None = None
    report_ids: tuple[str, ...] = ()
    duplicates: int = 0
    message: str = ""
    timed_out: bool = False


class QueueRefusedError(Exception):
    """Internal: the queue did not take a report; the source must stay in place."""


@dataclass
class SourceContext:
    """What processing needs besides the file: where it goes and which converter."""

    folder: FolderSettings
    loaded: LoadedConverter
    options: Any
    queue: ReportQueue
    wall_clock: WallClock = time.time
    extra_audit: Mapping[str, Any] = field(default_factory=dict)


def correlation_id_for(source_sha256: str, nonce: str | None = None) -> str:
    """One correlation id for all reports of one source (stable across retries)."""
    return str(uuid.uuid5(_CORRELATION_NAMESPACE, f"{source_sha256}:{nonce or ''}"))


def read_source(path: Path) -> bytes | None:
    """The file's bytes; ``None`` if it vanished. ``OSError`` means "not openable yet"."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def audit_record(
    ctx: SourceContext, path: Path, sha256: str, size: int, nonce: str | None
) -> dict[str, Any]:
    """The audit trail stored with each report (``source`` in the queue envelope)."""
    now = datetime.fromtimestamp(ctx.wall_clock(), UTC).isoformat()
    record: dict[str, Any] = {
        "path": str(path),
        "sha256": sha256,
        "size": size,
        "converter": ctx.loaded.name,
        "converter_version": ctx.loaded.version,
        "converter_origin": ctx.loaded.spec.describe(),
        "converter_options": dict(ctx.folder.options),
        "converted_at": now,
        **ctx.extra_audit,
    }
    if nonce:
        record["reconversion_nonce"] = nonce
    return record


def accept_all(
    ctx: SourceContext, reports: list[ConvertedReport], audit: Mapping[str, Any], correlation: str
) -> int:
    """Accept every report durably; returns how many were already there (duplicates)."""
    duplicates = 0
    for index, report in enumerate(reports):
        source = {**audit, "index": index, "count": len(reports)}
        try:
            result = ctx.queue.accept(
                report.payload, report.report_id, correlation_id=correlation, source=source
            )
        except (QueueFullError, DiskSpaceError) as exc:
            raise QueueRefusedError(str(exc)) from exc
        except DuplicateReportIdError:
            raise
        except QueueError as exc:
            raise QueueRefusedError(f"queue I/O: {exc}") from exc
        except ReportError as exc:
            raise ConversionError(f"report {index}: unusable report id: {exc}") from exc
        duplicates += int(result.duplicate)
    return duplicates


def fail_source(
    ctx: SourceContext, path: Path, message: str, details: str, *, timed_out: bool = False
) -> SourceResult:
    """Move ``path`` to ``Error/`` with its ``.error`` text."""
    when = datetime.fromtimestamp(ctx.wall_clock(), UTC)
    text = error_text(path, message, details, ctx.loaded.name, ctx.loaded.version, when)
    try:
        target = move_to_error(path, ctx.folder, text)
    except FileNotFoundError:
        return SourceResult(Outcome.SKIPPED, path, message="vanished before it could be moved")
    return SourceResult(Outcome.ERROR, path, target, message=message, timed_out=timed_out)


def queue_and_finish(
    ctx: SourceContext,
    path: Path,
    data: bytes,
    reports: list[ConvertedReport],
    nonce: str | None = None,
) -> SourceResult:
    """Accept ``reports`` durably, then apply the post-process action (or fail/refuse)."""
    sha256 = hashlib.sha256(data).hexdigest()
    audit = audit_record(ctx, path, sha256, len(data), nonce)
    try:
        duplicates = accept_all(ctx, reports, audit, correlation_id_for(sha256, nonce))
    except QueueRefusedError as exc:
        return SourceResult(Outcome.REFUSED, path, message=str(exc))
    except (DuplicateReportIdError, ConversionError) as exc:
        return fail_source(ctx, path, str(exc), "")
    ids = tuple(r.report_id for r in reports)
    destination = finish_source(path, ctx.folder, sha256)
    return SourceResult(Outcome.DONE, path, destination, ids, duplicates)


def convert_in_process(ctx: SourceContext, path: Path, data: bytes) -> SourceResult:
    """The whole flow in the calling thread: the fast path for trusted converters."""
    if not data:
        return fail_source(ctx, path, "empty file (zero bytes)", "")
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        reports = run_conversion(ctx.loaded, SourceFile(path, data), ctx.options, sha256)
    except ConversionError as exc:
        return fail_source(ctx, path, str(exc), exc.details)
    return queue_and_finish(ctx, path, data, reports)


def process_trusted(ctx: SourceContext, path: Path) -> SourceResult:
    """Read and process ``path`` in this thread (built-in converters)."""
    try:
        data = read_source(path)
    except OSError as exc:
        return SourceResult(Outcome.SKIPPED, path, message=f"not openable yet: {exc}")
    if data is None:
        return SourceResult(Outcome.SKIPPED, path, message="vanished")
    return convert_in_process(ctx, path, data)


def _read_and_hash(path: Path) -> tuple[bytes, str] | None:
    data = read_source(path)
    return None if data is None else (data, hashlib.sha256(data).hexdigest())


async def process_source(ctx: SourceContext, path: Path, pool: WorkerPool | None) -> SourceResult:
    """Process one stable source: in-process for trusted converters, else in ``pool``."""
    if ctx.loaded.trusted or pool is None:
        return await asyncio.to_thread(process_trusted, ctx, path)
    try:
        read = await asyncio.to_thread(_read_and_hash, path)
    except OSError as exc:
        return SourceResult(Outcome.SKIPPED, path, message=f"not openable yet: {exc}")
    if read is None:
        return SourceResult(Outcome.SKIPPED, path, message="vanished")
    data, sha256 = read
    if not data:
        return await asyncio.to_thread(fail_source, ctx, path, "empty file (zero bytes)", "")
    task = ConversionTask(ctx.loaded.spec, str(path), data, dict(ctx.folder.options), sha256)
    try:
        reports = await pool.convert(task, ctx.folder.timeout_seconds)
    except ConversionError as exc:
        failure = functools.partial(fail_source, timed_out=isinstance(exc, ConversionTimeoutError))
        return await asyncio.to_thread(failure, ctx, path, str(exc), exc.details)
    return await asyncio.to_thread(queue_and_finish, ctx, path, data, reports)
