"""The queue against a model: random operation sequences (hypothesis state machine) on the
real filesystem, and concurrent claimers on threads."""

from __future__ import annotations

import random
import shutil
import tempfile
import threading
from pathlib import Path

import hypothesis.strategies as st
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from queue_helpers import FakeClock, QueueFactory, make_report

from pywats_client.errors import EntryStateError, QueueFullError
from pywats_client.queue import (
    BackoffPolicy,
    EntryState,
    QueueLimits,
    ReportQueue,
    RetryBudget,
)

NO_LIMITS = QueueLimits(max_pending_count=None, max_pending_bytes=None, min_free_bytes=0)


class QueueModel(RuleBasedStateMachine):
    """Model: report id → state. Every operation must agree with it, and a reopen (a crash
    without the process dying) must turn ``processing`` into ``queued`` and change nothing
    else."""

    def __init__(self) -> None:
        super().__init__()
        self.workdir = Path(tempfile.mkdtemp(prefix="pywats-queue-model-"))
        self.clock = FakeClock()
        self.queue = self._open()
        self.model: dict[str, EntryState] = {}
        self.seed = 0

    def _open(self) -> ReportQueue:
        queue = ReportQueue(
            self.workdir / "q",
            limits=NO_LIMITS,
            clock=self.clock,
            rng=random.Random(0),
            backoff=BackoffPolicy(base=1, cap=4, min_delay=1),
            retry_budget=RetryBudget(burst=1000, per_second=1000, now=self.clock.now),
        )
        queue.open()
        return queue

    def _ids_in(self, *states: EntryState) -> list[str]:
        return sorted(rid for rid, state in self.model.items() if state in states)

    @rule()
    def accept(self) -> None:
        self.seed += 1
        payload, rid = make_report(self.seed)
        assert not self.queue.accept(payload, rid).duplicate
        self.model[rid] = EntryState.QUEUED
        self.clock.advance(0.5)

    @rule()
    def claim(self) -> None:
        claimed = self.queue.claim_next()
        due = self._ids_in(EntryState.QUEUED)
        if claimed is None:
            assert not due
            return
        assert self.model[claimed.report_id] in (EntryState.QUEUED, EntryState.ERROR)
        self.model[claimed.report_id] = EntryState.PROCESSING

    @precondition(lambda self: self._ids_in(EntryState.PROCESSING))
    @rule(data=st.data(), outcome=st.sampled_from(["complete", "fail", "park"]))
    def settle(self, data: st.DataObject, outcome: str) -> None:
        rid = data.draw(st.sampled_from(self._ids_in(EntryState.PROCESSING)))
        if outcome == "complete":
            self.queue.complete(rid)
            self.model[rid] = EntryState.COMPLETED
        elif outcome == "fail":
            self.queue.fail_retryable(rid, "503")
            self.model[rid] = EntryState.ERROR
        else:
            self.queue.park(rid, "400")
            self.model[rid] = EntryState.PARKED

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data())
    def operator_retry(self, data: st.DataObject) -> None:
        rid = data.draw(st.sampled_from(sorted(self.model)))
        if self.model[rid] in (EntryState.ERROR, EntryState.PARKED):
            self.queue.retry(rid)
            self.model[rid] = EntryState.QUEUED
        else:
            try:
                self.queue.retry(rid)
            except EntryStateError:
                return
            raise AssertionError(f"retry of a {self.model[rid]} entry was allowed")

    @rule(seconds=st.sampled_from([0.1, 2.0, 10.0]))
    def time_passes(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @rule()
    def restart(self) -> None:
        self.queue.close()
        self.queue = self._open()
        for rid, state in self.model.items():
            if state is EntryState.PROCESSING:
                self.model[rid] = EntryState.QUEUED

    @invariant()
    def states_agree(self) -> None:
        on_queue = {e.report_id: e.state for e in self.queue.list()}
        assert on_queue == self.model
        counts = self.queue.counts()
        assert sum(counts.values()) == len(self.model)

    def teardown(self) -> None:
        self.queue.close()
        shutil.rmtree(self.workdir)


TestQueueModel = QueueModel.TestCase
TestQueueModel.settings = settings(max_examples=15, stateful_step_count=25, deadline=None)


def test_concurrent_claimers_never_share_an_entry(open_queue: QueueFactory) -> None:
    queue = open_queue(limits=NO_LIMITS)
    expected = set()
    for seed in range(200):
        payload, rid = make_report(seed)
        queue.accept(payload, rid)
        expected.add(rid)
    claimed: list[str] = []
    lock = threading.Lock()

    def uploader() -> None:
        while (item := queue.claim_next()) is not None:
            queue.complete(item.report_id)
            with lock:
                claimed.append(item.report_id)

    workers = [threading.Thread(target=uploader) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(claimed) == sorted(expected)
    assert queue.counts()["completed"] == 200


def test_concurrent_accepts_of_the_same_report_store_it_once(open_queue: QueueFactory) -> None:
    queue = open_queue(limits=NO_LIMITS)
    payload, rid = make_report(1)
    results = []
    lock = threading.Lock()

    def producer() -> None:
        result = queue.accept(payload, rid)
        with lock:
            results.append(result.duplicate)

    workers = [threading.Thread(target=producer) for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(results) == [False, True, True, True, True, True]
    assert queue.counts()["queued"] == 1


def test_concurrent_accepts_never_overshoot_the_count_limit(open_queue: QueueFactory) -> None:
    """Writes run in parallel, so reports still being written must count against the limit."""
    queue = open_queue(limits=QueueLimits(max_pending_count=10, min_free_bytes=0))
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(24)

    def producer(seed: int) -> None:
        payload, rid = make_report(seed)
        start.wait()
        try:
            queue.accept(payload, rid)
            outcome = "accepted"
        except QueueFullError:
            outcome = "refused"
        with lock:
            outcomes.append(outcome)

    workers = [threading.Thread(target=producer, args=(seed,)) for seed in range(24)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert outcomes.count("accepted") == 10
    assert outcomes.count("refused") == 14
    assert queue.counts()["queued"] == 10
