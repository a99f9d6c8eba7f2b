"""One service per queue directory, enforced by an OS-level file lock.

The lock is an advisory OS lock (``flock`` on POSIX, ``msvcrt.locking`` on Windows, via
filelock), so the kernel releases it when the holder dies, even by ``kill -9``: a stale lock file
left on disk never blocks a restart. The holder's PID is written to a separate file because a
contender opening the lock file must not be able to truncate what the holder wrote.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from pywats.exceptions import WatsError

# Both names start with the queue's own lock name, which queue recovery skips: these files live
# in the queue directory without ever being mistaken for (and quarantined as) report files.
LOCK_NAME = ".queue.lock.service"
PID_NAME = ".queue.lock.pid"


class InstanceLockedError(WatsError):
    """Another service already runs on this queue directory."""

    def __init__(self, directory: Path, holder_pid: int | None) -> None:
        self.directory = directory
        self.holder_pid = holder_pid
        holder = f"PID {holder_pid}" if holder_pid else "an unknown process"
        super().__init__(f"another pywats-client ({holder}) already uses {directory}")


class InstanceLock:
    """Hold ``<directory>/.queue.lock.service`` for the life of one service."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.lock_path = directory / LOCK_NAME
        self.pid_path = directory / PID_NAME
        self._lock = FileLock(str(self.lock_path), timeout=0, thread_local=False)

    def acquire(self) -> None:
        """Take the lock or raise :class:`InstanceLockedError` naming the holder's PID."""
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise InstanceLockedError(self.directory, self.holder_pid()) from None
        self.pid_path.write_text(f"{os.getpid()}\n", encoding="ascii")

    def release(self) -> None:
        """Give the lock up (idempotent)."""
        if self._lock.is_locked:
            self.pid_path.unlink(missing_ok=True)
            self._lock.release()

    @property
    def is_held(self) -> bool:
        return self._lock.is_locked

    def holder_pid(self) -> int | None:
        """The PID recorded by the current (or last) holder, if readable."""
        try:
            return int(self.pid_path.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            return None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
