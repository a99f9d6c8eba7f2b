"""Start-up recovery from what a crash or a person left in the queue directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from queue_helpers import FakeClock, QueueFactory, RecordingFileSystem, disk_files, make_report

from pywats_client.errors import CorruptEntryError
from pywats_client.queue import (
    EntryState,
    Envelope,
    ReportQueue,
    RetentionPolicy,
    decode_envelope,
    encode_envelope,
)
from pywats_client.queue.naming import EntryName


def _fill(queue: ReportQueue, count: int, clock: FakeClock) -> list[str]:
    ids = []
    for seed in range(count):
        payload, rid = make_report(seed)
        queue.accept(payload, rid)
        ids.append(rid)
        clock.advance(1)
    return ids


def test_processing_entries_are_requeued_on_start(
    open_queue: QueueFactory, queue_dir: Path, clock: FakeClock
) -> None:
    first = open_queue()
    ids = _fill(first, 3, clock)
    first.claim_next()
    first.claim_next()
    first.close()  # like a crash: two entries are left in .processing
    assert sum(n.endswith(".processing") for n in disk_files(queue_dir)) == 2
    second = open_queue()
    assert second.last_recovery is not None
    assert sorted(second.last_recovery.requeued) == sorted(ids[:2])
    assert second.counts()["queued"] == 3
    assert not any(n.endswith(".processing") for n in disk_files(queue_dir))
    claimed = [second.claim_next() for _ in range(3)]
    assert [c.report_id for c in claimed if c] == ids


def test_start_up_reads_no_entry_file(
    open_queue: QueueFactory, queue_dir: Path, clock: FakeClock
) -> None:
    _fill(open_queue(directory=queue_dir), 200, clock)
    fs = RecordingFileSystem()
    reopened = ReportQueue(queue_dir, fs=fs, clock=clock, lock_directory=False)
    report = reopened.open()
    try:
        assert report.entries == 200
        assert [c for c in fs.calls if c[0] == "read"] == []
        assert reopened.counts()["queued"] == 200
    finally:
        reopened.close()


def test_temp_leftovers_are_removed_and_strays_quarantined(
    open_queue: QueueFactory, queue_dir: Path, clock: FakeClock
) -> None:
    first = open_queue()
    _fill(first, 1, clock)
    first.close()
    (queue_dir / ".0001_x.queued.ab12.tmp").write_bytes(b"half a rep")
    (queue_dir / "notes.txt").write_text("operator notes")
    (queue_dir / "subfolder").mkdir()
    queue = open_queue()
    report = queue.last_recovery
    assert report is not None
    assert report.temp_files_removed == 1
    assert [name for name, _ in report.quarantined] == ["notes.txt"]
    quarantine = queue_dir / "quarantine"
    assert (quarantine / "notes.txt").read_text() == "operator notes"
    assert "unrecognised" in (quarantine / "notes.txt.reason").read_text()
    assert (queue_dir / "subfolder").is_dir()
    assert queue.counts()["queued"] == 1


def test_corrupt_entry_is_quarantined_when_claimed_and_the_next_one_is_served(
    open_queue: QueueFactory, queue_dir: Path, clock: FakeClock
) -> None:
    queue = open_queue()
    ids = _fill(queue, 2, clock)
    damaged = next(n for n in disk_files(queue_dir) if ids[0] in n)
    data = (queue_dir / damaged).read_bytes()
    (queue_dir / damaged).write_bytes(data[: len(data) // 2])
    claimed = queue.claim_next()
    assert claimed is not None
    assert claimed.report_id == ids[1]
    reason = next((queue_dir / "quarantine").glob("*.reason")).read_text()
    assert "truncated" in reason
    assert queue.counts()["queued"] == 0


def test_get_of_a_corrupt_entry_raises_and_quarantines(
    open_queue: QueueFactory, queue_dir: Path, clock: FakeClock
) -> None:
    queue = open_queue()
    [rid] = _fill(queue, 1, clock)
    [name] = disk_files(queue_dir)
    raw = bytearray((queue_dir / name).read_bytes())
    raw[-10] ^= 0xFF
    (queue_dir / name).write_bytes(bytes(raw))
    with pytest.raises(CorruptEntryError, match="quarantined"):
        queue.get(rid)
    assert (queue_dir / "quarantine" / name).is_file()


def test_verify_all_finds_every_damaged_file(
    open_queue: QueueFactory, queue_dir: Path, clock: FakeClock
) -> None:
    queue = open_queue()
    ids = _fill(queue, 5, clock)
    for rid in ids[1:3]:
        name = next(n for n in disk_files(queue_dir) if rid in n)
        (queue_dir / name).write_bytes(b"")
    damaged = queue.verify_all()
    assert sorted(rid for rid, _ in damaged) == sorted(ids[1:3])
    assert queue.counts()["queued"] == 3


def test_crash_between_rewrite_and_rename_keeps_the_updated_envelope(
    open_queue: QueueFactory, queue_dir: Path, clock: FakeClock
) -> None:
    queue = open_queue()
    [rid] = _fill(queue, 1, clock)
    queue.claim_next()
    queue.close()
    # Reproduce the state between the two steps of fail_retryable: new content under the
    # old .processing name (its size field now stale).
    [name] = disk_files(queue_dir)
    path = queue_dir / name
    envelope = decode_envelope(path.read_bytes())
    updated = Envelope(envelope.meta.after_failure("503", clock.now + 5), envelope.payload)
    path.write_bytes(encode_envelope(updated))
    recovered = open_queue()
    entry = recovered.get(rid)
    assert entry.state is EntryState.QUEUED
    assert entry.meta is not None
    assert entry.meta.attempts == 1
    assert entry.size == len(encode_envelope(updated))


def test_two_files_for_one_report_keep_the_one_furthest_along(
    open_queue: QueueFactory, queue_dir: Path, clock: FakeClock
) -> None:
    queue = open_queue()
    [rid] = _fill(queue, 1, clock)
    queue.close()
    [name] = disk_files(queue_dir)
    parsed = EntryName(1, rid, 1, 1, EntryState.COMPLETED)
    (queue_dir / parsed.filename).write_bytes((queue_dir / name).read_bytes())
    recovered = open_queue()
    assert recovered.counts()["completed"] == 1
    assert recovered.counts()["queued"] == 0
    assert (queue_dir / "quarantine" / name).is_file()


def test_nothing_pending_is_ever_deleted_by_retention(
    open_queue: QueueFactory, queue_dir: Path, clock: FakeClock
) -> None:
    queue = open_queue(retention=RetentionPolicy(max_age_seconds=0, max_count=0, max_bytes=0))
    ids = _fill(queue, 4, clock)
    for _ in range(2):
        claimed = queue.claim_next()
        assert claimed is not None
        queue.complete(claimed.report_id)
    clock.advance(10)
    assert sorted(queue.prune_completed()) == sorted(ids[:2])
    assert queue.counts() == {
        "queued": 2,
        "processing": 0,
        "completed": 0,
        "error": 0,
        "parked": 0,
    }
    assert len(disk_files(queue_dir)) == 2


def test_a_file_deleted_by_hand_is_skipped_by_claim(
    open_queue: QueueFactory, queue_dir: Path, clock: FakeClock
) -> None:
    queue = open_queue()
    ids = _fill(queue, 2, clock)
    (queue_dir / next(n for n in disk_files(queue_dir) if ids[0] in n)).unlink()
    claimed = queue.claim_next()
    assert claimed is not None
    assert claimed.report_id == ids[1]
    assert sum(queue.counts().values()) == 1
