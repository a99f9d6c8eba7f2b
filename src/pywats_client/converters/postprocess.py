"""What happens to a source file after its reports are durably queued, or after it failed.

Every function here is synchronous file-system work (the async shell calls them through
``asyncio.to_thread``). None of them is called before the queue accepted every report of the
source: a crash in between leaves the source in place, and converting it again gives the same
report ids, which the queue recognises as duplicates.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pywats_client.converters.settings import FolderSettings

ZIP_STAGING = ".zip-staging"


def unique_destination(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/stem-N.suffix`` if that name is taken."""
    candidate = folder / name
    stem, suffix = os.path.splitext(name)
    number = 1
    while candidate.exists() or candidate.is_symlink():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def move_into(source: Path, folder: Path) -> Path:
    """Move ``source`` into ``folder`` (created if needed) without overwriting anything."""
    folder.mkdir(parents=True, exist_ok=True)
    target = unique_destination(folder, source.name)
    os.replace(source, target)
    return target


def finish_source(source: Path, settings: FolderSettings, sha256: str) -> Path | None:
    """Apply the folder's post-process action; returns where the source went (None: deleted)."""
    action = settings.post_process
    if action == "delete":
        source.unlink(missing_ok=True)
        return None
    if action == "move":
        return move_into(source, settings.done_path)
    if action == "zip":
        return move_into(source, settings.done_path / ZIP_STAGING)
    if action == "archive":
        assert settings.archive_dir is not None  # checked by FolderSettings
        return move_into(source, settings.archive_dir)
    record_kept(settings.kept_ledger(), source, sha256)
    return source


def error_text(
    source: Path, message: str, details: str, converter: str, version: str, when: datetime
) -> str:
    """The ``.error`` file's content: message, converter, time, then the traceback."""
    lines = [
        f"source: {source}",
        f"converter: {converter} {version}",
        f"time: {when.astimezone(UTC).isoformat()}",
        f"error: {message}",
        "",
        details.rstrip(),
    ]
    return "\n".join(lines) + "\n"


def move_to_error(source: Path, settings: FolderSettings, text: str) -> Path:
    """Move ``source`` to ``Error/`` and write ``<name>.error`` beside it."""
    folder = settings.error_path
    folder.mkdir(parents=True, exist_ok=True)
    target = unique_destination(folder, source.name)
    reason = target.with_name(target.name + ".error")
    reason.write_text(text, encoding="utf-8")
    os.replace(source, target)
    return target


# ---------------------------------------------------------------------- KEEP ledger


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """What tells a kept, already converted file from a new one with the same name."""

    name: str
    size: int
    mtime_ns: int


def _identity(path: Path) -> FileIdentity:
    info = path.stat()
    return FileIdentity(path.name, info.st_size, info.st_mtime_ns)


def record_kept(ledger: Path, source: Path, sha256: str) -> None:
    """Remember that ``source`` was converted (KEEP mode), so rescans skip it."""
    ident = _identity(source)
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write(f"{sha256}\t{ident.size}\t{ident.mtime_ns}\t{ident.name}\n")


def read_kept(ledger: Path) -> set[FileIdentity]:
    """Every identity recorded in a KEEP ledger (empty if there is none)."""
    try:
        lines = ledger.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return set()
    kept = set()
    for line in lines:
        parts = line.split("\t", 3)
        if len(parts) == 4 and parts[1].isdigit() and parts[2].isdigit():
            kept.add(FileIdentity(parts[3], int(parts[1]), int(parts[2])))
    return kept


# ---------------------------------------------------------------------- ZIP archives


def flush_zip_staging(done_dir: Path, now: datetime) -> Path | None:
    """Pack every staged source into one dated archive in ``done_dir``, then delete them.

    The archive is written to a temp name, fsynced and renamed, so a crash leaves either
    the staged files or a complete archive (plus, at worst, staged copies packed again).
    """
    staging = done_dir / ZIP_STAGING
    staged = sorted(p for p in staging.glob("*") if p.is_file()) if staging.is_dir() else []
    if not staged:
        return None
    stamp = now.astimezone(UTC).strftime("%Y-%m-%d_%H%M%S_%f")
    target = unique_destination(done_dir, f"sources_{stamp}.zip")
    temp = done_dir / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in staged:
                archive.write(path, arcname=path.name)
        with temp.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    for path in staged:
        path.unlink(missing_ok=True)
    return target


# ---------------------------------------------------------------------- retention


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file under retention: path, modification time (epoch seconds) and size."""

    path: Path
    mtime: float
    size: int


def plan_retention(
    files: list[StoredFile], *, now: float, max_age_seconds: float | None, max_bytes: int | None
) -> list[Path]:
    """Files to delete, oldest first: everything too old, then the oldest until under
    ``max_bytes``."""
    ordered = sorted(files, key=lambda f: (f.mtime, str(f.path)))
    doomed: list[Path] = []
    total = sum(f.size for f in ordered)
    for stored in ordered:
        too_old = max_age_seconds is not None and now - stored.mtime > max_age_seconds
        too_big = max_bytes is not None and total > max_bytes
        if not (too_old or too_big):
            break
        doomed.append(stored.path)
        total -= stored.size
    return doomed


def retained_files(folder: Path) -> list[StoredFile]:
    """Finished sources and archives in ``folder`` (not staging, temp or hidden files)."""
    if not folder.is_dir():
        return []
    found = []
    for entry in os.scandir(folder):
        if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
            continue
        info = entry.stat(follow_symlinks=False)
        found.append(StoredFile(Path(entry.path), info.st_mtime, info.st_size))
    return found


def apply_retention(settings: FolderSettings, now: float) -> list[Path]:
    """Delete the oldest sources in ``Done/`` and the archive folder beyond the limits."""
    age_days = settings.retention.max_age_days
    deleted: list[Path] = []
    for folder in {settings.done_path, settings.archive_dir}:
        if folder is None:
            continue
        doomed = plan_retention(
            retained_files(folder),
            now=now,
            max_age_seconds=None if age_days is None else age_days * 86400.0,
            max_bytes=settings.retention.max_bytes,
        )
        for path in doomed:
            path.unlink(missing_ok=True)
            deleted.append(path)
    return deleted
