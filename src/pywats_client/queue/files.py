"""Disk operations on one queue directory, with OS errors mapped to typed queue errors.

Every write follows the same durable recipe: write a temp file in the same directory, fsync
it, rename it into place, fsync the directory. Renames between states are single atomic
``os.replace`` calls.
"""

from __future__ import annotations

import errno
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pywats_client.errors import DiskSpaceError, QueueIOError
from pywats_client.queue.envelope import Envelope, decode_envelope
from pywats_client.queue.fs import FileSystem, write_file_durably
from pywats_client.queue.naming import (
    QUARANTINE_DIR,
    REASON_SUFFIX,
    REMOVED_DIR,
    EntryName,
    temp_name_for,
)

_DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})


@contextmanager
def mapped_os_errors(action: str) -> Iterator[None]:
    """Turn an ``OSError`` into :class:`DiskSpaceError` (disk full) or :class:`QueueIOError`."""
    try:
        yield
    except OSError as exc:
        if exc.errno in _DISK_FULL_ERRNOS:
            raise DiskSpaceError(f"disk full while {action}: {exc.strerror}") from exc
        raise QueueIOError(f"I/O error while {action}: {exc}") from exc


class QueueFiles:
    """The queue directory with its ``quarantine/`` and ``removed/`` sub-folders."""

    def __init__(self, directory: Path, fs: FileSystem) -> None:
        self.directory = directory
        self.quarantine_dir = directory / QUARANTINE_DIR
        self.removed_dir = directory / REMOVED_DIR
        self.fs = fs

    def path(self, name: EntryName) -> Path:
        """Where an entry's file lives."""
        return self.directory / name.filename

    def prepare(self) -> None:
        """Create the directory tree if missing."""
        with mapped_os_errors("creating the queue directory"):
            for folder in (self.directory, self.quarantine_dir, self.removed_dir):
                self.fs.makedirs(folder)

    def write_temp(self, final_name: str, data: bytes, folder: Path | None = None) -> Path:
        """Durably write ``data`` under a temp name beside ``final_name``; return its path."""
        folder = self.directory if folder is None else folder
        temp = folder / temp_name_for(final_name, secrets.token_hex(4))
        with mapped_os_errors(f"writing {final_name}"):
            write_file_durably(self.fs, temp, data)
        return temp

    def install_new(self, name: EntryName, data: bytes) -> None:
        """Create a new entry file durably; on failure leave nothing behind."""
        temp = self.write_temp(name.filename, data)
        final = self.path(name)
        with mapped_os_errors(f"installing {name.filename}"):
            try:
                self.fs.replace(temp, final)
            except OSError:
                self._unlink_quietly(temp)
                raise
        try:
            self.sync_dir()
        except (DiskSpaceError, QueueIOError):
            # The caller will hear "not accepted"; do not keep a file whose name may not be
            # durable and that the caller will submit again.
            self._unlink_quietly(final)
            raise

    def rewrite_then_rename(self, old: EntryName, new: EntryName, data: bytes) -> None:
        """Replace ``old``'s content with ``data`` in place, then rename it to ``new``.

        Two atomic steps, never two files: a crash between them leaves the updated content
        under the old name, which recovery handles like any file in that state.
        """
        temp = self.write_temp(old.filename, data)
        with mapped_os_errors(f"updating {old.filename}"):
            try:
                self.fs.replace(temp, self.path(old))
            except OSError:
                self._unlink_quietly(temp)
                raise
            self.fs.replace(self.path(old), self.path(new))

    def rename(self, old: EntryName, new: EntryName) -> None:
        """Atomically move an entry to a new state (no directory fsync)."""
        with mapped_os_errors(f"renaming {old.filename}"):
            self.fs.replace(self.path(old), self.path(new))

    def sync_dir(self, directory: Path | None = None) -> None:
        """fsync the queue directory (or ``directory``) so renames survive power loss."""
        with mapped_os_errors("syncing the queue directory"):
            self.fs.fsync_dir(self.directory if directory is None else directory)

    def read(self, name: EntryName) -> Envelope:
        """Read and verify an entry; :class:`CorruptEntryError` when it fails its checks."""
        with mapped_os_errors(f"reading {name.filename}"):
            data = self.fs.read_bytes(self.path(name))
        return decode_envelope(data)

    def quarantine(self, filename: str, reason: str, source_dir: Path | None = None) -> Path:
        """Move a file into ``quarantine/`` with a ``.reason`` text beside it."""
        source = (self.directory if source_dir is None else source_dir) / filename
        target_name = self._free_name(self.quarantine_dir, filename)
        reason_name = target_name + REASON_SUFFIX
        # Reason first: a crash between the two steps leaves an orphan reason, never an
        # unexplained quarantined file.
        temp = self.write_temp(reason_name, reason.encode("utf-8") + b"\n", self.quarantine_dir)
        with mapped_os_errors(f"quarantining {filename}"):
            self.fs.replace(temp, self.quarantine_dir / reason_name)
            self.fs.replace(source, self.quarantine_dir / target_name)
        self.sync_dir(self.quarantine_dir)
        self.sync_dir()
        return self.quarantine_dir / target_name

    def quarantine_copy(self, data: bytes, filename: str, reason: str) -> Path:
        """Store a copy of unreadable input in ``quarantine/`` with its reason."""
        target_name = self._free_name(self.quarantine_dir, filename)
        temp = self.write_temp(target_name, data, self.quarantine_dir)
        with mapped_os_errors(f"quarantining {filename}"):
            self.fs.replace(temp, self.quarantine_dir / target_name)
        reason_temp = self.write_temp(
            target_name + REASON_SUFFIX, reason.encode("utf-8") + b"\n", self.quarantine_dir
        )
        with mapped_os_errors(f"quarantining {filename}"):
            self.fs.replace(reason_temp, self.quarantine_dir / (target_name + REASON_SUFFIX))
        self.sync_dir(self.quarantine_dir)
        return self.quarantine_dir / target_name

    def move_to_removed(self, name: EntryName) -> Path:
        """Move an entry into ``removed/`` (operator removal keeps the file)."""
        target = self.removed_dir / self._free_name(self.removed_dir, name.filename)
        with mapped_os_errors(f"removing {name.filename}"):
            self.fs.replace(self.path(name), target)
        self.sync_dir(self.removed_dir)
        self.sync_dir()
        return target

    def delete(self, name: EntryName) -> None:
        """Delete a completed entry's file."""
        with mapped_os_errors(f"deleting {name.filename}"):
            self.fs.unlink(self.path(name))

    def check_writable(self) -> None:
        """Prove the queue directory takes a durable write now, rather than failing on the
        first report (a service that cannot write its queue must say so at start)."""
        probe = self.write_temp("write-probe", b"probe\n")
        with mapped_os_errors("removing the write probe"):
            self.fs.unlink(probe)

    def _free_name(self, folder: Path, filename: str) -> str:
        candidate, counter = filename, 1
        with mapped_os_errors("checking a queue folder"):
            while self.fs.exists(folder / candidate) or self.fs.exists(
                folder / (candidate + REASON_SUFFIX)
            ):
                candidate = f"{filename}.{counter}"
                counter += 1
        return candidate

    def _unlink_quietly(self, path: Path) -> None:
        try:
            self.fs.unlink(path)
        except OSError:
            return
