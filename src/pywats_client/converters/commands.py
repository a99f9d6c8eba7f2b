"""The logic behind ``pywats-client converters ls|show|test`` and ``reconvert``.

Plain functions returning JSON-ready data; ``cli.py`` only parses arguments and prints.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pywats.report import parse_wsjf, validate
from pywats_client.converters.base import ConverterError, SourceFile
from pywats_client.converters.execution import ConvertedReport, run_conversion
from pywats_client.converters.pipeline import (
    SourceContext,
    accept_all,
    audit_record,
    correlation_id_for,
)
from pywats_client.converters.registry import ConverterRegistry, LoadedConverter
from pywats_client.converters.scan import matches
from pywats_client.converters.settings import ConvertersSettings, FolderSettings
from pywats_client.converters.workers import ConversionTask, WorkerPool
from pywats_client.queue import ReportQueue


def converter_rows(registry: ConverterRegistry) -> list[dict[str, Any]]:
    """One row per loaded converter, then one per broken one (``error`` set)."""
    rows: list[dict[str, Any]] = [
        {
            "name": c.name,
            "version": c.version,
            "origin": c.spec.describe(),
            "patterns": list(c.converter.patterns),
            "isolated": not c.trusted,
            "error": None,
        }
        for c in sorted(registry.converters.values(), key=lambda c: c.name)
    ]
    rows += [
        {"name": None, "version": None, "origin": b.spec.describe(), "patterns": [],
         "isolated": None, "error": b.error}
        for b in registry.broken
    ]  # fmt: skip
    return rows


def converter_details(registry: ConverterRegistry, name: str) -> dict[str, Any]:
    """Everything about one converter, with its options' JSON schema."""
    loaded = registry.get(name)
    model = loaded.converter.options_model
    doc = (type(loaded.converter).__doc__ or "").strip()
    return {
        "name": loaded.name,
        "version": loaded.version,
        "origin": loaded.spec.describe(),
        "patterns": list(loaded.converter.patterns),
        "isolated": not loaded.trusted,
        "preserves_ids": loaded.converter.preserves_ids,
        "description": doc,
        "options_schema": model.model_json_schema() if model is not None else None,
    }


async def _convert(
    loaded: LoadedConverter,
    path: Path,
    data: bytes,
    options: Mapping[str, Any],
    nonce: str | None,
    timeout: float,
) -> list[ConvertedReport]:
    sha256 = hashlib.sha256(data).hexdigest()
    if loaded.trusted:
        parsed = loaded.parse_options(options)
        return run_conversion(loaded, SourceFile(path, data), parsed, sha256, nonce)
    pool = WorkerPool(size=1, timeout=timeout)
    try:
        task = ConversionTask(loaded.spec, str(path), data, dict(options), sha256, nonce)
        return await pool.convert(task)
    finally:
        await asyncio.to_thread(pool.close)


def preview_conversion(
    registry: ConverterRegistry,
    name: str,
    path: Path,
    options: Mapping[str, Any] | None = None,
    timeout: float = 60.0,
) -> list[dict[str, Any]]:
    """Convert ``path`` without queuing anything: each report's id, WSJF text and problems.

    User converters run in a worker process, exactly as in the service.
    """
    loaded = registry.get(name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConverterError(f"cannot read {path}: {exc.strerror}") from None
    reports = asyncio.run(_convert(loaded, path, data, options or {}, None, timeout))
    results = []
    for converted in reports:
        problems = [str(p) for p in validate(parse_wsjf(converted.payload))]
        results.append(
            {
                "report_id": converted.report_id,
                "wsjf": converted.payload.decode("utf-8"),
                "problems": problems,
            }
        )
    return results


# ---------------------------------------------------------------------- reconvert


@dataclass(frozen=True, slots=True)
class ReconvertItem:
    """One archived source picked for reconversion and the folder config it belongs to.

    ``member`` names the file inside the ZIP archive ``path`` (ZIP post-processing).
    """

    path: Path
    folder: FolderSettings
    member: str | None = None

    @property
    def label(self) -> str:
        """``path``, or ``path!member`` for a source inside an archive."""
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    @property
    def source_path(self) -> Path:
        """The path the converter sees (the member's own name for archived sources)."""
        return self.path.parent / self.member if self.member else self.path

    def read(self) -> bytes:
        """The source's bytes (from the archive for a member)."""
        if self.member is None:
            return self.path.read_bytes()
        try:
            with zipfile.ZipFile(self.path) as archive:
                return archive.read(self.member)
        except (zipfile.BadZipFile, KeyError) as exc:
            raise ConverterError(f"cannot read {self.label}: {exc}") from None


def _in_range(path: Path, since: datetime | None, until: datetime | None) -> bool:
    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return (since is None or modified >= since) and (until is None or modified < until)


def _expand(path: Path, folder: FolderSettings, patterns: tuple[str, ...]) -> list[ReconvertItem]:
    if path.suffix.lower() == ".zip" and not matches(path.name, patterns):
        try:
            with zipfile.ZipFile(path) as archive:
                names = sorted(n for n in archive.namelist() if matches(n, patterns))
        except zipfile.BadZipFile:
            return []
        return [ReconvertItem(path, folder, name) for name in names]
    return [ReconvertItem(path, folder)] if matches(path.name, patterns) else []


def select_sources(
    settings: ConvertersSettings,
    registry: ConverterRegistry,
    *,
    files: Iterable[Path] = (),
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[ReconvertItem]:
    """Sources to reconvert: the given files, else everything in each folder's ``Done/`` and
    archive folder modified in ``[since, until)``. ZIP archives made by the ``zip`` action
    are opened and each matching member is a source (filtered by the archive's time)."""
    chosen: list[ReconvertItem] = []
    explicit = [Path(f) for f in files]
    for folder in settings.folders:
        loaded = registry.get(folder.converter)
        patterns = folder.patterns or loaded.converter.patterns
        places = [folder.done_path] + ([folder.archive_dir] if folder.archive_dir else [])
        if explicit:
            homes = {d.resolve() for d in places}
            candidates = [p for p in explicit if p.parent.resolve() in homes]
        else:
            candidates = [p for d in places if d.is_dir() for p in sorted(d.iterdir())]
        for path in candidates:
            if path.is_file() and _in_range(path, since, until):
                chosen += _expand(path, folder, patterns)
    return chosen


def reconvert(
    settings: ConvertersSettings,
    registry: ConverterRegistry,
    queue: ReportQueue | None,
    items: list[ReconvertItem],
    *,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Convert ``items`` again into NEW reports (ids mix in a fresh nonce) and queue them.

    Sources stay where they are. ``dry_run`` converts but queues nothing and reports what
    would be queued. A source that fails is listed with its error; the others proceed.
    """
    nonce = uuid.uuid4().hex
    results = []
    for item in items:
        loaded = registry.get(item.folder.converter)
        entry: dict[str, Any] = {"source": item.label, "converter": loaded.name}
        try:
            data = item.read()
            reports = asyncio.run(
                _convert(loaded, item.source_path, data, item.folder.options, nonce,
                         item.folder.timeout_seconds)
            )  # fmt: skip
            entry["report_ids"] = [r.report_id for r in reports]
            if not dry_run and queue is not None:
                _queue_reconverted(item, loaded, queue, data, reports, nonce)
        except (ConverterError, OSError) as exc:
            entry["error"] = str(exc)
        results.append(entry)
    return {"nonce": nonce, "dry_run": dry_run, "sources": results}


def _queue_reconverted(
    item: ReconvertItem,
    loaded: LoadedConverter,
    queue: ReportQueue,
    data: bytes,
    reports: list[ConvertedReport],
    nonce: str,
) -> None:
    options = loaded.parse_options(item.folder.options)
    ctx = SourceContext(item.folder, loaded, options, queue, extra_audit={"reconverted": True})
    sha256 = hashlib.sha256(data).hexdigest()
    audit = audit_record(ctx, item.source_path, sha256, len(data), nonce)
    if item.member:
        audit["archive"] = str(item.path)
    accept_all(ctx, reports, audit, correlation_id_for(sha256, nonce))
