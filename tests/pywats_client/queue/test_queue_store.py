"""ReportQueue on the real filesystem: accept, claim, settle, operator actions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from queue_helpers import FakeClock, QueueFactory, RecordingFileSystem, disk_files, make_report

from pywats.exceptions import ReportFormatError
from pywats_client.errors import (
    DuplicateReportIdError,
    EntryNotFoundError,
    EntryStateError,
    QueueError,
    QueueLockedError,
)
from pywats_client.queue import (
    BackoffPolicy,
    EntryState,
    ReportQueue,
    RetryBudget,
    backoff_ceiling,
    decode_envelope,
)


def test_accept_writes_one_verified_queued_file(open_queue: QueueFactory, queue_dir: Path) -> None:
    queue = open_queue()
    payload, rid = make_report(1)
    result = queue.accept(payload, rid, source={"converter": "csv", "path": "in/a.csv"})
    assert not result.duplicate
    assert result.entry.state is EntryState.QUEUED
    [name] = disk_files(queue_dir)
    assert name.endswith(".queued")
    assert rid in name
    envelope = decode_envelope((queue_dir / name).read_bytes())
    assert envelope.payload == payload
    assert envelope.meta.report_id == rid
    assert envelope.meta.source == {"converter": "csv", "path": "in/a.csv"}
    assert envelope.meta.attempts == 0


def test_accept_fsyncs_file_then_renames_then_fsyncs_directory(
    open_queue: QueueFactory, queue_dir: Path
) -> None:
    fs = RecordingFileSystem()
    queue = open_queue(fs=fs)
    fs.calls.clear()
    payload, rid = make_report(2)
    queue.accept(payload, rid)
    kinds = [call for call, _ in fs.calls]
    assert kinds == ["create", "fsync", "replace", "fsync_dir"]
    temp_name = fs.calls[0][1]
    assert fs.calls[1] == ("fsync", temp_name)
    assert fs.calls[2][1].endswith(".queued")
    assert fs.calls[3] == ("fsync_dir", queue_dir.name)


def test_same_content_twice_is_accepted_once(open_queue: QueueFactory, queue_dir: Path) -> None:
    queue = open_queue()
    payload, rid = make_report(3)
    first = queue.accept(payload, rid)
    second = queue.accept(payload, rid.upper())
    assert second.duplicate
    assert second.entry.report_id == first.entry.report_id
    assert len(disk_files(queue_dir)) == 1


def test_completed_report_id_is_not_queued_again(open_queue: QueueFactory, queue_dir: Path) -> None:
    queue = open_queue()
    payload, rid = make_report(4)
    queue.accept(payload, rid)
    claimed = queue.claim_next()
    assert claimed is not None
    queue.complete(rid)
    again = queue.accept(payload + b" ", rid)
    assert again.duplicate
    assert again.entry.state is EntryState.COMPLETED
    assert queue.claim_next() is None
    assert len(disk_files(queue_dir)) == 1


def test_pending_id_with_other_content_is_refused(open_queue: QueueFactory) -> None:
    queue = open_queue()
    payload, rid = make_report(5)
    queue.accept(payload, rid)
    with pytest.raises(DuplicateReportIdError, match=rid):
        queue.accept(payload.replace(b"SN-5", b"SN-6"), rid)


def test_non_guid_report_id_is_refused(open_queue: QueueFactory) -> None:
    with pytest.raises(ReportFormatError):
        open_queue().accept(b"{}", "station-7-report-1")


def test_claims_oldest_first_and_settles(open_queue: QueueFactory, clock: FakeClock) -> None:
    queue = open_queue()
    ids = []
    for seed in range(3):
        payload, rid = make_report(seed)
        queue.accept(payload, rid)
        ids.append(rid)
        clock.advance(1)
    claimed = [queue.claim_next() for _ in range(3)]
    assert [c.report_id for c in claimed if c is not None] == ids
    assert queue.claim_next() is None
    assert queue.counts()["processing"] == 3
    queue.complete(ids[0])
    queue.park(ids[1], "400: unknown process code 9999")
    failed = queue.fail_retryable(ids[2], "503 from server")
    assert queue.counts() == {
        "queued": 0,
        "processing": 0,
        "completed": 1,
        "error": 1,
        "parked": 1,
    }
    assert failed.meta is not None
    assert failed.meta.attempts == 1
    parked = queue.get(ids[1])
    assert parked.meta is not None
    assert parked.meta.parked_reason == "400: unknown process code 9999"


def test_error_entry_waits_for_its_backoff(open_queue: QueueFactory, clock: FakeClock) -> None:
    queue = open_queue(backoff=BackoffPolicy(base=5, cap=60, min_delay=1))
    payload, rid = make_report(10)
    queue.accept(payload, rid)
    assert queue.claim_next() is not None
    entry = queue.fail_retryable(rid, "connection refused")
    assert entry.next_attempt_at is not None
    wait = entry.next_attempt_at - clock.now
    assert 1 <= wait <= backoff_ceiling(1, queue.backoff) + 0.001
    assert queue.claim_next() is None
    assert queue.seconds_until_due() == pytest.approx(wait, abs=0.002)
    clock.advance(wait + 0.01)
    again = queue.claim_next()
    assert again is not None
    assert again.meta.attempts == 1
    assert again.meta.last_error == "connection refused"
    assert again.payload == payload


def test_retry_after_hint_postpones_the_next_attempt(
    open_queue: QueueFactory, clock: FakeClock
) -> None:
    queue = open_queue()
    payload, rid = make_report(11)
    queue.accept(payload, rid)
    queue.claim_next()
    entry = queue.fail_retryable(rid, "429", retry_after=900)
    assert entry.next_attempt_at is not None
    assert entry.next_attempt_at - clock.now == pytest.approx(900, abs=0.002)


def test_failures_are_retried_forever(open_queue: QueueFactory, clock: FakeClock) -> None:
    queue = open_queue(backoff=BackoffPolicy(base=1, cap=2, min_delay=1))
    payload, rid = make_report(12)
    queue.accept(payload, rid)
    for attempt in range(1, 41):
        claimed = queue.claim_next()
        assert claimed is not None
        assert claimed.meta.attempts == attempt - 1
        queue.fail_retryable(rid, f"failure {attempt}")
        clock.advance(3)
    assert queue.get(rid).meta is not None
    assert queue.counts()["error"] == 1


def test_retry_budget_throttles_a_crowd_of_due_retries(
    open_queue: QueueFactory, clock: FakeClock
) -> None:
    budget = RetryBudget(burst=3, per_second=1.0, now=clock.now)
    queue = open_queue(retry_budget=budget, backoff=BackoffPolicy(base=1, cap=2, min_delay=1))
    for seed in range(20):
        payload, rid = make_report(seed)
        queue.accept(payload, rid)
    for _ in range(20):
        claimed = queue.claim_next()
        assert claimed is not None
        queue.fail_retryable(claimed.report_id, "server down")
    clock.advance(3600)
    released = [queue.claim_next() for _ in range(20)]
    assert sum(r is not None for r in released) == 3
    assert queue.seconds_until_due() == pytest.approx(1.0)
    clock.advance(2)
    assert queue.claim_next() is not None
    assert queue.claim_next() is not None
    assert queue.claim_next() is None


def test_fresh_reports_are_not_held_back_by_the_budget(
    open_queue: QueueFactory, clock: FakeClock
) -> None:
    budget = RetryBudget(burst=1, per_second=0.001, now=clock.now)
    queue = open_queue(retry_budget=budget)
    for seed in range(3):
        payload, rid = make_report(seed)
        queue.accept(payload, rid)
    assert all(queue.claim_next() is not None for _ in range(3))


def test_operator_retry_and_remove(open_queue: QueueFactory, queue_dir: Path) -> None:
    queue = open_queue()
    payload, rid = make_report(20)
    queue.accept(payload, rid)
    queue.claim_next()
    with pytest.raises(EntryStateError, match="processing"):
        queue.remove(rid)
    queue.park(rid, "rejected")
    assert queue.claim_next() is None
    queue.retry(rid)
    assert queue.claim_next() is not None
    queue.park(rid, "rejected again")
    kept = queue.remove(rid)
    assert kept is not None
    assert kept.parent == queue_dir / "removed"
    assert decode_envelope(kept.read_bytes()).payload == payload
    assert disk_files(queue_dir) == []
    with pytest.raises(EntryNotFoundError):
        queue.get(rid)


def test_retry_of_a_queued_entry_is_refused(open_queue: QueueFactory) -> None:
    queue = open_queue()
    payload, rid = make_report(21)
    queue.accept(payload, rid)
    with pytest.raises(EntryStateError):
        queue.retry(rid)
    with pytest.raises(EntryStateError):
        queue.complete(rid)


def test_removing_a_completed_entry_deletes_it(open_queue: QueueFactory, queue_dir: Path) -> None:
    queue = open_queue()
    payload, rid = make_report(22)
    queue.accept(payload, rid)
    queue.claim_next()
    queue.complete(rid)
    assert queue.remove(rid) is None
    assert disk_files(queue_dir) == []


def test_export_writes_the_accepted_bytes(open_queue: QueueFactory, tmp_path: Path) -> None:
    queue = open_queue()
    payload, rid = make_report(23)
    queue.accept(payload, rid)
    exported = queue.export(rid, tmp_path)
    assert exported == tmp_path / f"{rid}.json"
    assert exported.read_bytes() == payload
    named = queue.export(rid, tmp_path / "copy.wsjf")
    assert json.loads(named.read_bytes())["id"] == rid


def test_list_orders_by_acceptance_and_reads_details_on_request(
    open_queue: QueueFactory, clock: FakeClock
) -> None:
    queue = open_queue()
    ids = []
    for seed in range(4):
        payload, rid = make_report(seed)
        queue.accept(payload, rid, correlation_id=f"c{seed}")
        ids.append(rid)
        clock.advance(1)
    queue.claim_next()
    assert [e.report_id for e in queue.list()] == ids
    assert [e.report_id for e in queue.list(EntryState.QUEUED)] == ids[1:]
    assert all(e.meta is None for e in queue.list())
    detailed = queue.list(EntryState.QUEUED, details=True, limit=2)
    assert [e.meta.correlation_id for e in detailed if e.meta] == ["c1", "c2"]


def test_unknown_ids_raise_typed_errors(open_queue: QueueFactory) -> None:
    queue = open_queue()
    rid = make_report(99)[1]
    for call in (queue.get, queue.complete, queue.retry, queue.remove):
        with pytest.raises(EntryNotFoundError):
            call(rid)


def test_second_owner_of_a_directory_is_refused(open_queue: QueueFactory, queue_dir: Path) -> None:
    open_queue()
    intruder = ReportQueue(queue_dir)
    with pytest.raises(QueueLockedError):
        intruder.open()


def test_using_a_closed_queue_is_an_error(queue_dir: Path) -> None:
    queue = ReportQueue(queue_dir)
    with pytest.raises(QueueError, match="not open"):
        queue.accept(*make_report(1))
    with queue:
        queue.accept(*make_report(1))
    with pytest.raises(QueueError, match="not open"):
        queue.claim_next()


def test_correlation_ids_are_generated_from_the_injected_rng(
    open_queue: QueueFactory, tmp_path: Path
) -> None:
    first = open_queue(directory=tmp_path / "a").accept(*make_report(1))
    second = open_queue(directory=tmp_path / "b").accept(*make_report(1))
    assert first.entry.meta is not None
    assert second.entry.meta is not None
    assert first.entry.meta.correlation_id == second.entry.meta.correlation_id


@pytest.mark.parametrize("payload", [b"", "text, not bytes"])
def test_payload_must_be_non_empty_bytes(open_queue: QueueFactory, payload: object) -> None:
    with pytest.raises(ReportFormatError, match="non-empty WSJF bytes"):
        open_queue().accept(payload, make_report(1)[1])  # type: ignore[arg-type]


def test_source_metadata_must_be_json(open_queue: QueueFactory, queue_dir: Path) -> None:
    with pytest.raises(QueueError, match="JSON"):
        open_queue().accept(*make_report(1), source={"when": object()})
    assert disk_files(queue_dir) == []


def test_new_entries_sort_after_old_ones_when_the_clock_steps_back(
    open_queue: QueueFactory, clock: FakeClock
) -> None:
    first = open_queue()
    payload, first_id = make_report(1)
    first.accept(payload, first_id)
    first.close()
    clock.advance(-3600)
    reopened = open_queue()
    late_payload, late_id = make_report(2)
    reopened.accept(late_payload, late_id)
    assert [e.report_id for e in reopened.list()] == [first_id, late_id]


def test_release_gives_an_interrupted_claim_back_without_counting_an_attempt(
    open_queue: QueueFactory,
) -> None:
    queue = open_queue()
    payload, rid = make_report(40)
    queue.accept(payload, rid)
    first = queue.claim_next()
    assert first is not None
    entry = queue.release(rid)
    assert entry.state is EntryState.QUEUED
    again = queue.claim_next()
    assert again is not None
    assert again.meta.attempts == first.meta.attempts == 0
    assert again.payload == payload
    queue.complete(rid)
    with pytest.raises(EntryStateError):
        queue.release(rid)  # only a claim in progress can be released
