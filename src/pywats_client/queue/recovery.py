"""Start-up recovery: rebuild the index from file names and repair what a crash left behind.

Reads no entry file: names carry everything the index needs. Corrupt content is found when an
entry is first read (claim, get, list with details) or by an explicit verify pass.
"""

from __future__ import annotations

import logging

from pywats_client.queue.entries import RecoveryReport
from pywats_client.queue.files import QueueFiles, mapped_os_errors
from pywats_client.queue.index import QueueIndex
from pywats_client.queue.naming import (
    LOCK_NAME,
    QUARANTINE_DIR,
    REMOVED_DIR,
    EntryName,
    EntryState,
    is_temp_name,
    parse_entry_name,
)

# When two files claim the same report id (only possible if files were copied in by hand),
# the one furthest along is kept and the other quarantined.
_PROGRESS = {
    EntryState.QUEUED: 0,
    EntryState.PROCESSING: 0,
    EntryState.ERROR: 1,
    EntryState.PARKED: 2,
    EntryState.COMPLETED: 3,
}
_log = logging.getLogger(__name__)
_RESERVED = frozenset({LOCK_NAME, QUARANTINE_DIR, REMOVED_DIR})


class _Recovery:
    def __init__(self, files: QueueFiles, index: QueueIndex, now_ms: int) -> None:
        self.files = files
        self.index = index
        self.now_ms = now_ms
        self.requeued: list[str] = []
        self.quarantined: list[tuple[str, str]] = []
        self.temp_removed = 0
        self.changed = False
        self.found: dict[str, EntryName] = {}

    def run(self) -> RecoveryReport:
        self.files.prepare()
        with mapped_os_errors("listing the queue directory"):
            names = self.files.fs.listdir(self.files.directory)
        for filename in names:
            self._visit(filename)
        self.index.load(self.found.values())
        if self.changed:
            self.files.sync_dir()
        _log.info(
            "queue %s: %d entries, %d requeued, %d temp files removed, %d quarantined",
            self.files.directory,
            len(self.index),
            len(self.requeued),
            self.temp_removed,
            len(self.quarantined),
        )
        return RecoveryReport(
            entries=len(self.index),
            requeued=self.requeued,
            temp_files_removed=self.temp_removed,
            quarantined=self.quarantined,
        )

    def _visit(self, filename: str) -> None:
        if filename in _RESERVED or filename.startswith(LOCK_NAME):
            return
        if is_temp_name(filename):
            # Temp files were never acknowledged to anyone: removing them loses nothing.
            with mapped_os_errors(f"removing temp file {filename}"):
                self.files.fs.unlink(self.files.directory / filename)
            self.temp_removed += 1
            self.changed = True
            return
        name = parse_entry_name(filename)
        if name is None:
            if not self.files.fs.is_dir(self.files.directory / filename):
                self._quarantine(filename, "unrecognised file name in the queue directory")
            return
        if name.state is EntryState.PROCESSING:
            name = self._requeue(name)
        self._index_unique(name)

    def _requeue(self, name: EntryName) -> EntryName:
        # The size field may be stale if the crash hit between rewrite and rename.
        with mapped_os_errors(f"inspecting {name.filename}"):
            size = self.files.fs.file_size(self.files.path(name))
        requeued = name.moved(EntryState.QUEUED, self.now_ms, size=size)
        self.files.rename(name, requeued)
        self.requeued.append(name.report_id)
        self.changed = True
        return requeued

    def _index_unique(self, name: EntryName) -> None:
        existing = self.found.setdefault(name.report_id, name)
        if existing is name:
            return
        newer_wins = _PROGRESS[name.state] > _PROGRESS[existing.state]
        keep, drop = (name, existing) if newer_wins else (existing, name)
        self.found[name.report_id] = keep
        reason = f"second file for report {name.report_id}; kept {keep.filename}"
        self._quarantine(drop.filename, reason)

    def _quarantine(self, filename: str, reason: str) -> None:
        _log.warning("quarantining %s: %s", filename, reason)
        self.files.quarantine(filename, reason)
        self.quarantined.append((filename, reason))


def recover(files: QueueFiles, index: QueueIndex, now_ms: int) -> RecoveryReport:
    """Scan ``files.directory``: drop temp files, requeue ``processing``, quarantine strays,
    and fill ``index`` (which must be empty)."""
    return _Recovery(files, index, now_ms).run()
