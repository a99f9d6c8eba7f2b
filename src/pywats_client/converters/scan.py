"""Finding candidate files in a watch folder and deciding when each one is stable.

Pure bookkeeping plus one ``scandir``: the folder is listed non-recursively (so ``Done/`` and
``Error/`` inside it are never read), symlinks and hidden files (writers' temp files start
with a dot) are skipped, and names are matched against the converter's glob patterns
case-insensitively. :class:`StabilityTracker` then hands out a file only after its size and
modification time stayed the same for the configured period, oldest first.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pywats_client.converters.postprocess import FileIdentity


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file seen in a watch folder, with what stability is judged by."""

    path: Path
    size: int
    mtime_ns: int

    @property
    def identity(self) -> FileIdentity:
        return FileIdentity(self.path.name, self.size, self.mtime_ns)


def matches(name: str, patterns: Iterable[str]) -> bool:
    """Whether ``name`` matches one of the glob ``patterns`` (case-insensitive)."""
    lowered = name.lower()
    return any(fnmatch.fnmatchcase(lowered, pattern.lower()) for pattern in patterns)


def list_candidates(
    folder: Path, patterns: Iterable[str], skip: set[FileIdentity] | None = None
) -> list[Candidate]:
    """Regular, non-hidden files directly in ``folder`` matching ``patterns``."""
    pattern_list = tuple(patterns)
    found = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    for entry in entries:
        if entry.name.startswith(".") or not matches(entry.name, pattern_list):
            continue
        try:
            if entry.is_symlink() or not entry.is_file(follow_symlinks=False):
                continue
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue  # vanished or unreadable between listing and stat: next scan decides
        candidate = Candidate(Path(entry.path), info.st_size, info.st_mtime_ns)
        if skip and candidate.identity in skip:
            continue
        found.append(candidate)
    return found


@dataclass
class _Observation:
    size: int
    mtime_ns: int
    since: float


class StabilityTracker:
    """Hands out files whose size and mtime stayed unchanged for ``stable_seconds``.

    ``observe`` is fed each scan's candidates and the current (monotonic) time. A file
    handed out is *in flight* until :meth:`release` (done, failed or to be retried).
    """

    def __init__(self, stable_seconds: float) -> None:
        self.stable_seconds = stable_seconds
        self._seen: dict[Path, _Observation] = {}
        self._in_flight: set[Path] = set()

    def observe(self, candidates: Iterable[Candidate], now: float) -> list[Candidate]:
        """The candidates now stable and not in flight, oldest (by mtime) first."""
        ready: list[Candidate] = []
        present = set()
        for candidate in candidates:
            present.add(candidate.path)
            if candidate.path in self._in_flight:
                continue
            seen = self._seen.get(candidate.path)
            if seen is None or (seen.size, seen.mtime_ns) != (candidate.size, candidate.mtime_ns):
                self._seen[candidate.path] = _Observation(candidate.size, candidate.mtime_ns, now)
                if self.stable_seconds > 0:
                    continue
                seen = self._seen[candidate.path]
            if now - seen.since >= self.stable_seconds:
                ready.append(candidate)
        for gone in set(self._seen) - present - self._in_flight:
            del self._seen[gone]
        ready.sort(key=lambda c: (c.mtime_ns, c.path.name))
        self._in_flight.update(c.path for c in ready)
        return ready

    def release(self, path: Path) -> None:
        """``path`` is no longer in flight; if it is still there, it is judged afresh."""
        self._in_flight.discard(path)
        self._seen.pop(path, None)

    def seconds_until_next_check(self, now: float) -> float | None:
        """How long until a file seen but not yet stable could become stable (None: none)."""
        waiting = [
            obs.since + self.stable_seconds - now
            for path, obs in self._seen.items()
            if path not in self._in_flight
        ]
        return max(0.0, min(waiting)) if waiting else None

    @property
    def in_flight(self) -> int:
        """Files handed out and not yet released."""
        return len(self._in_flight)
