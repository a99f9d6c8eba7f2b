"""The filesystem seam: every OS call the queue makes goes through :class:`FileSystem`.

Tests subclass it to inject ``ENOSPC``/``EIO`` at any step; production uses it as is.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

_IS_WINDOWS = sys.platform == "win32"
_BINARY_FLAG = getattr(os, "O_BINARY", 0)


class FileSystem:
    """Thin, overridable wrapper over the real filesystem calls the queue needs."""

    def create_exclusive(self, path: Path) -> int:
        """Create ``path`` (must not exist) for writing; return an OS file descriptor."""
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY_FLAG, 0o600)

    def write(self, fd: int, data: memoryview) -> int:
        """Write some of ``data``; return how many bytes were written."""
        return os.write(fd, data)

    def fsync(self, fd: int) -> None:
        """Flush a file's data and metadata to stable storage."""
        os.fsync(fd)

    def close(self, fd: int) -> None:
        """Close a descriptor from :meth:`create_exclusive`."""
        os.close(fd)

    def fsync_dir(self, directory: Path) -> None:
        """Make renames/creations in ``directory`` durable (a no-op on Windows, where
        directories cannot be opened for fsync and NTFS journals the rename itself)."""
        if _IS_WINDOWS:
            return
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def replace(self, src: Path, dst: Path) -> None:
        """Atomically rename ``src`` to ``dst``, replacing ``dst`` if present."""
        os.replace(src, dst)

    def unlink(self, path: Path) -> None:
        """Delete a file."""
        os.unlink(path)

    def listdir(self, directory: Path) -> list[str]:
        """Names in ``directory`` (files and folders, unsorted)."""
        return os.listdir(directory)

    def exists(self, path: Path) -> bool:
        """True when something exists at ``path``."""
        return path.exists()

    def is_dir(self, path: Path) -> bool:
        """True when ``path`` is a directory."""
        return path.is_dir()

    def makedirs(self, directory: Path) -> None:
        """Create ``directory`` and parents if missing."""
        directory.mkdir(parents=True, exist_ok=True)

    def read_bytes(self, path: Path) -> bytes:
        """Read a whole file."""
        with open(path, "rb") as handle:
            return handle.read()

    def file_size(self, path: Path) -> int:
        """Size of a file in bytes."""
        return path.stat().st_size

    def free_bytes(self, directory: Path) -> int:
        """Bytes available to this process on the volume holding ``directory``."""
        return shutil.disk_usage(directory).free


def write_file_durably(fs: FileSystem, path: Path, data: bytes) -> None:
    """Create ``path`` with ``data`` and fsync it; on any failure remove the partial file.

    The caller renames the file into place and fsyncs the directory afterwards.
    """
    fd = fs.create_exclusive(path)
    try:
        view = memoryview(data)
        while view:
            written = fs.write(fd, view)
            view = view[written:]
        fs.fsync(fd)
    except BaseException:
        fs.close(fd)
        _unlink_quietly(fs, path)
        raise
    fs.close(fd)


def _unlink_quietly(fs: FileSystem, path: Path) -> None:
    # A temp file we fail to delete is removed by the next start-up's recovery, so an
    # error here must not mask the original one.
    try:
        fs.unlink(path)
    except OSError:
        return
