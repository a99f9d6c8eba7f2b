"""InstanceLock: a second instance is refused with the holder PID; kill -9 leaves no stale lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pywats_client.instance_lock import InstanceLock, InstanceLockedError

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from pywats_client.instance_lock import InstanceLock
    lock = InstanceLock(Path(sys.argv[1]))
    lock.acquire()
    print("held", flush=True)
    time.sleep(60)
    """
)


def start_holder(directory: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(directory)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_second_instance_is_refused_naming_the_holder(tmp_path: Path) -> None:
    proc = start_holder(tmp_path)
    try:
        with pytest.raises(InstanceLockedError, match=f"PID {proc.pid}") as info:
            InstanceLock(tmp_path).acquire()
        assert info.value.holder_pid == proc.pid
    finally:
        proc.kill()
        proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()


@pytest.mark.skipif(
    os.name == "nt", reason="SIGKILL is POSIX; Windows releases on TerminateProcess"
)
def test_lock_of_a_killed_holder_is_recovered(tmp_path: Path) -> None:
    proc = start_holder(tmp_path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.stdout is not None
    proc.stdout.close()
    assert (tmp_path / ".queue.lock.service").exists()  # the file stays; the OS lock is gone
    with InstanceLock(tmp_path) as lock:
        assert lock.is_held
        assert lock.holder_pid() == os.getpid()


def test_release_is_idempotent_and_allows_reacquire(tmp_path: Path) -> None:
    lock = InstanceLock(tmp_path / "queue")
    lock.acquire()
    lock.release()
    lock.release()
    assert not (tmp_path / "queue" / ".queue.lock.pid").exists()
    with InstanceLock(tmp_path / "queue") as again:
        assert again.is_held
