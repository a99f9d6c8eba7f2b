"""Software-distribution rules without I/O: status transitions, tag matching, zips.

Zips are read and written in memory with :mod:`zipfile`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

STATUSES = ("Draft", "Pending", "Released", "Revoked")
# Allowed status changes (wats-rest-api.md §3.7).
TRANSITIONS = {
    "Draft": {"Pending"},
    "Pending": {"Draft", "Released"},
    "Released": {"Revoked"},
    "Revoked": set[str](),
}
DELETABLE = {"Draft", "Revoked"}
MAX_ZIP_ENTRIES = 10_000


class SoftwareRuleError(Exception):
    """A request breaks a software-distribution rule; the message is the server's answer."""


def canonical_status(text: str | None) -> str:
    """The status spelled as the server does, from a name (any case) or its number 0–3."""
    if text is not None:
        if text.isdigit() and int(text) < len(STATUSES):
            return STATUSES[int(text)]
        for status in STATUSES:
            if status.lower() == text.strip().lower():
                return status
    raise SoftwareRuleError(f"The package status '{text}' is not valid.")


def check_transition(current: str, requested: str) -> None:
    """Raise unless ``current`` → ``requested`` is an allowed status change."""
    if requested not in TRANSITIONS[current]:
        raise SoftwareRuleError(f"A package cannot change status from {current} to {requested}.")


def split_tag(tag: str) -> tuple[str, str | None]:
    """``"name=value"`` → ``("name", "value")``; a bare name matches any value."""
    name, sep, value = tag.partition("=")
    return name, value if sep else None


def has_tag(tags: Iterable[Mapping[str, Any]] | None, name: str, value: str | None) -> bool:
    """Whether a tag list holds ``name`` (case-sensitive) with ``value`` (case-insensitive)."""
    for tag in tags or ():
        if tag.get("key") != name:
            continue
        if value is None or str(tag.get("value") or "").lower() == value.lower():
            return True
    return False


def split_ids(text: str) -> list[str]:
    """Comma-separated package GUIDs, lower-cased, blanks dropped."""
    return [part.strip().lower() for part in text.split(",") if part.strip()]


def available_updates(
    packages: Iterable[Mapping[str, Any]], installed: list[str]
) -> list[Mapping[str, Any]]:
    """For each installed package, the highest Released version of its name above it."""
    by_id = {str(p["packageId"]).lower(): p for p in packages}
    released = [p for p in by_id.values() if p["status"] == "Released"]
    updates: dict[str, Mapping[str, Any]] = {}
    for package_id in installed:
        mine = by_id.get(package_id)
        if mine is None:
            continue
        name = str(mine["name"]).lower()
        newer = [
            p for p in released if str(p["name"]).lower() == name and p["version"] > mine["version"]
        ]
        best = max(newer, key=lambda p: int(p["version"]), default=None)
        if best is not None and (name not in updates or best["version"] > updates[name]["version"]):
            updates[name] = best
    return list(updates.values())


def revoked_installed(
    packages: Iterable[Mapping[str, Any]], installed: list[str], revoked_only: bool
) -> list[str]:
    """Installed ids that are Revoked, plus (unless ``revoked_only``) ids no longer known."""
    status = {str(p["packageId"]).lower(): p["status"] for p in packages}
    return [
        package_id
        for package_id in installed
        if status.get(package_id) == "Revoked" or (not revoked_only and package_id not in status)
    ]


@dataclass(frozen=True)
class ZipEntry:
    """One file from an uploaded zip: folder path (POSIX, no leading slash), name, content."""

    folder: str
    name: str
    content: bytes


def read_zip(data: bytes) -> list[ZipEntry]:
    """The files of a package zip; folders-only entries are skipped.

    Raises :class:`SoftwareRuleError` for a corrupt zip, a file at the zip root (the server
    requires every file inside a folder) or a path escaping the package (``..``, absolute).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SoftwareRuleError("The uploaded file is not a valid zip archive.") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_ZIP_ENTRIES:
            raise SoftwareRuleError(f"The zip holds more than {MAX_ZIP_ENTRIES} files.")
        entries = []
        for info in infos:
            path = PurePosixPath(info.filename.replace("\\", "/"))
            if path.is_absolute() or ".." in path.parts:
                raise SoftwareRuleError(f"The zip entry '{info.filename}' leaves the package.")
            if len(path.parts) < 2:
                raise SoftwareRuleError(
                    f"The zip has the file '{info.filename}' at its root; put files in folders."
                )
            entries.append(ZipEntry(str(path.parent), path.name, archive.read(info)))
    return entries


def build_zip(files: Iterable[tuple[str, bytes]]) -> bytes:
    """A deflated zip of ``(path, content)`` pairs, with a fixed timestamp for repeatability."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files:
            archive.writestr(zipfile.ZipInfo(path, date_time=(2026, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()
