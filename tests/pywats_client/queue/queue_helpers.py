"""Helpers shared by the queue tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

import errno
import json
import os
import random
import uuid
from collections.abc import Callable
from pathlib import Path

from pywats_client.queue import FileSystem, ReportQueue

QueueFactory = Callable[..., ReportQueue]


class FakeClock:
    """Unix-seconds clock that moves only when told to."""

    def __init__(self, start: float = 1_790_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_report(seed: int, note: str = "") -> tuple[bytes, str]:
    """A small WSJF-shaped report with a deterministic GUID id; returns (bytes, id)."""
    report_id = str(uuid.UUID(int=random.Random(seed).getrandbits(128), version=4))
    doc = {
        "type": "T",
        "id": report_id,
        "pn": "PN-1",
        "sn": f"SN-{seed}",
        "rev": "A",
        "processCode": 10,
        "result": "P",
        "note": note,
    }
    return json.dumps(doc).encode("utf-8"), report_id


class RecordingFileSystem(FileSystem):
    """The real filesystem, logging ``(call, file name)`` for the durability-order tests."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self._names: dict[int, str] = {}

    def create_exclusive(self, path: Path) -> int:
        fd = super().create_exclusive(path)
        self._names[fd] = path.name
        self.calls.append(("create", path.name))
        return fd

    def fsync(self, fd: int) -> None:
        self.calls.append(("fsync", self._names[fd]))
        super().fsync(fd)

    def replace(self, src: Path, dst: Path) -> None:
        self.calls.append(("replace", dst.name))
        super().replace(src, dst)

    def fsync_dir(self, directory: Path) -> None:
        self.calls.append(("fsync_dir", directory.name))
        super().fsync_dir(directory)

    def read_bytes(self, path: Path) -> bytes:
        self.calls.append(("read", path.name))
        return super().read_bytes(path)


class FaultyFileSystem(FileSystem):
    """The real filesystem with one armed fault: ``fail_on`` names the call that raises
    ``OSError(fail_errno)``; ``write`` faults first write half the data for real, like a disk
    filling up mid-file. ``free`` overrides the reported free space when set."""

    def __init__(self) -> None:
        self.fail_on: str | None = None
        self.fail_errno = errno.ENOSPC
        self.free: int | None = None

    def _maybe_fail(self, call: str) -> None:
        if self.fail_on == call:
            raise OSError(self.fail_errno, os.strerror(self.fail_errno))

    def write(self, fd: int, data: memoryview) -> int:
        if self.fail_on == "write":
            os.write(fd, data[: len(data) // 2])
        self._maybe_fail("write")
        return super().write(fd, data)

    def fsync(self, fd: int) -> None:
        self._maybe_fail("fsync")
        super().fsync(fd)

    def replace(self, src: Path, dst: Path) -> None:
        self._maybe_fail("replace")
        super().replace(src, dst)

    def fsync_dir(self, directory: Path) -> None:
        self._maybe_fail("fsync_dir")
        super().fsync_dir(directory)

    def free_bytes(self, directory: Path) -> int:
        return super().free_bytes(directory) if self.free is None else self.free


def disk_files(directory: Path) -> list[str]:
    """Plain files directly in ``directory``, sorted (sub-folders and the lock excluded)."""
    return sorted(p.name for p in directory.iterdir() if p.is_file() and p.name != ".queue.lock")
