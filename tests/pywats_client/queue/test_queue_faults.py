"""Full disks, I/O errors and limits: new input is refused loudly, accepted data stays."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from queue_helpers import FakeClock, FaultyFileSystem, QueueFactory, disk_files, make_report

from pywats_client.errors import DiskSpaceError, QueueFullError, QueueIOError
from pywats_client.queue import QueueLimits, RefusalKind, ReportQueue, decode_envelope

NO_LIMITS = QueueLimits(max_pending_count=None, max_pending_bytes=None, min_free_bytes=0)


def _assert_only_intact_entries(queue_dir: Path, expected_ids: list[str]) -> None:
    names = disk_files(queue_dir)
    assert not [n for n in names if n.endswith(".tmp")]
    assert sorted(decode_envelope((queue_dir / n).read_bytes()).meta.report_id for n in names) == (
        sorted(expected_ids)
    )


@pytest.mark.parametrize("call", ["write", "fsync", "replace", "fsync_dir"])
def test_enospc_at_any_step_leaves_no_partial_file(
    open_queue: QueueFactory, queue_dir: Path, call: str
) -> None:
    fs = FaultyFileSystem()
    queue = open_queue(fs=fs, limits=NO_LIMITS)
    kept_payload, kept_id = make_report(1)
    queue.accept(kept_payload, kept_id)
    fs.fail_on = call
    payload, rid = make_report(2)
    with pytest.raises(DiskSpaceError, match="disk full"):
        queue.accept(payload, rid)
    _assert_only_intact_entries(queue_dir, [kept_id])
    assert queue.counts()["queued"] == 1
    fs.fail_on = None
    assert not queue.accept(payload, rid).duplicate
    _assert_only_intact_entries(queue_dir, [kept_id, rid])


def test_eio_is_a_queue_io_error(open_queue: QueueFactory, queue_dir: Path) -> None:
    fs = FaultyFileSystem()
    queue = open_queue(fs=fs, limits=NO_LIMITS)
    fs.fail_on, fs.fail_errno = "fsync", errno.EIO
    with pytest.raises(QueueIOError, match="I/O error"):
        queue.accept(*make_report(3))
    assert disk_files(queue_dir) == []


def test_failure_while_settling_keeps_the_entry(open_queue: QueueFactory, queue_dir: Path) -> None:
    fs = FaultyFileSystem()
    queue = open_queue(fs=fs, limits=NO_LIMITS)
    payload, rid = make_report(4)
    queue.accept(payload, rid)
    queue.claim_next()
    fs.fail_on = "write"
    with pytest.raises(DiskSpaceError):
        queue.fail_retryable(rid, "server down")
    fs.fail_on = None
    assert queue.counts()["processing"] == 1
    _assert_only_intact_entries(queue_dir, [rid])
    assert queue.fail_retryable(rid, "server down").meta is not None


def test_count_limit_refuses_then_resumes(open_queue: QueueFactory, clock: FakeClock) -> None:
    queue = open_queue(limits=QueueLimits(max_pending_count=2, min_free_bytes=0))
    queue.accept(*make_report(1))
    queue.accept(*make_report(2))
    with pytest.raises(QueueFullError, match="2 pending"):
        queue.accept(*make_report(3))
    health = queue.health()
    assert not health.accepting
    assert health.refusal is RefusalKind.COUNT
    assert health.reason is not None
    assert "limit 2" in health.reason
    claimed = queue.claim_next()
    assert claimed is not None
    queue.complete(claimed.report_id)
    assert queue.health().accepting
    assert not queue.accept(*make_report(3)).duplicate


def test_byte_limit_refuses_new_input(open_queue: QueueFactory) -> None:
    queue = open_queue(limits=QueueLimits(max_pending_bytes=900, min_free_bytes=0))
    queue.accept(*make_report(1, note="x" * 300))
    with pytest.raises(QueueFullError, match="pending bytes"):
        queue.accept(*make_report(2, note="y" * 300))
    assert queue.health().refusal is RefusalKind.BYTES


def test_low_disk_refuses_then_resumes_when_space_returns(
    open_queue: QueueFactory, queue_dir: Path
) -> None:
    fs = FaultyFileSystem()
    queue = open_queue(fs=fs, limits=QueueLimits(min_free_bytes=10_000_000))
    first, first_id = make_report(1)
    queue.accept(first, first_id)
    fs.free = 10_000_100
    with pytest.raises(DiskSpaceError, match="low disk space"):
        queue.accept(*make_report(2))
    health = queue.health()
    assert health.refusal is RefusalKind.DISK
    assert health.free_bytes == 10_000_100
    _assert_only_intact_entries(queue_dir, [first_id])
    fs.free = None
    assert queue.health().accepting
    queue.accept(*make_report(2))
    assert queue.counts()["queued"] == 2


# --------------------------------------------------------------------- real full disk


@pytest.fixture
def tiny_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs mounted for this test (needs root and mount rights; skipped otherwise —
    the injected-ENOSPC tests above always run)."""
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("a real tmpfs needs root on Linux")
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount tmpfs: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def _accept_until_refused(queue: ReportQueue, clock: FakeClock, accepted: list[str]) -> None:
    for seed in range(10_000):
        payload, rid = make_report(seed, note="z" * 20_000)
        queue.accept(payload, rid)
        accepted.append(rid)
        clock.advance(0.001)


class _BlindToFreeSpace(FaultyFileSystem):
    """Reports plenty of room, so the pre-check passes and the kernel's ENOSPC is what stops
    the write (as when another process fills the disk between check and write)."""

    def free_bytes(self, directory: Path) -> int:
        return 1 << 40


def test_real_enospc_leaves_no_partial_file(tiny_tmpfs: Path, clock: FakeClock) -> None:
    queue_dir = tiny_tmpfs / "queue"
    queue = ReportQueue(queue_dir, clock=clock, limits=NO_LIMITS, fs=_BlindToFreeSpace())
    queue.open()
    try:
        accepted: list[str] = []
        with pytest.raises(DiskSpaceError, match="disk full"):
            _accept_until_refused(queue, clock, accepted)
        assert len(accepted) > 10
        _assert_only_intact_entries(queue_dir, accepted)
        claimed = queue.claim_next()
        assert claimed is not None
        queue.complete(claimed.report_id)
        queue.remove(claimed.report_id)
        payload, rid = make_report(99_999)
        assert not queue.accept(payload, rid).duplicate
    finally:
        queue.close()
    reopened = ReportQueue(queue_dir, clock=clock, limits=NO_LIMITS)
    with reopened:
        assert reopened.counts()["queued"] == len(accepted)


def test_real_small_disk_is_refused_before_writing(tiny_tmpfs: Path, clock: FakeClock) -> None:
    queue_dir = tiny_tmpfs / "queue"
    limits = QueueLimits(min_free_bytes=512 * 1024)
    with ReportQueue(queue_dir, clock=clock, limits=limits) as queue:
        accepted: list[str] = []
        with pytest.raises(DiskSpaceError, match="low disk space"):
            _accept_until_refused(queue, clock, accepted)
        assert len(accepted) > 10
        health = queue.health()
        assert health.refusal is RefusalKind.DISK
        assert health.free_bytes >= 0
        _assert_only_intact_entries(queue_dir, accepted)


def test_unwritable_queue_directory_fails_loudly_at_open(queue_dir: Path) -> None:
    fs = FaultyFileSystem()
    fs.fail_on, fs.fail_errno = "write", errno.EACCES
    queue = ReportQueue(queue_dir, fs=fs)
    with pytest.raises(QueueIOError, match="Permission denied"):
        queue.open()
    assert disk_files(queue_dir) == []
    fs.fail_on = None
    with queue:
        assert queue.counts()["queued"] == 0
