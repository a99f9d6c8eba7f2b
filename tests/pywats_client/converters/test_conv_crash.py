"""Crash test: ``kill -9`` the converter subsystem at random moments, then deliver.

Each round drops a few new sources (WSJF files with their own ids, multi-report WSTF files,
now and then a bad file), starts a child process running the subsystem and kills it with
SIGKILL after a seeded random delay — before, during or after conversion, acceptance and the
move. After the rounds a last child drains the inbox, the queue is delivered to the
emulator, and: every expected report id is in the queue exactly once and on the emulator
received exactly once, every good source is in ``Done/`` exactly once, every bad one in
``Error/`` with its ``.error``. ``PYWATS_CONV_CRASH_SEED`` / ``PYWATS_CONV_CRASH_ROUNDS``
override the seed and the number of rounds (default 100).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import multiprocessing.context
import os
import random
import uuid
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from conv_crash_child import run_child
from conv_helpers import files_in, wsjf_bytes, wstf_bytes

from pywats.client import AsyncWATS
from pywats.report.wstf import parse_wstf
from pywats_client.converters.ids import choose_report_id
from pywats_client.queue import QueueLimits, ReportQueue
from pywats_emulator.testing import EmulatorHandle

SEED = int(os.environ.get("PYWATS_CONV_CRASH_SEED", "20261123"))
ROUNDS = int(os.environ.get("PYWATS_CONV_CRASH_ROUNDS", "100"))


def _drop_sources(inbox: Path, rng: random.Random, round_no: int) -> tuple[set[str], set[str]]:
    """Write this round's sources; returns (expected report ids, names of bad files)."""
    expected: set[str] = set()
    bad: set[str] = set()
    for number in range(rng.randint(1, 4)):
        name = f"r{round_no:03}_{number}"
        if rng.random() < 0.3:
            data = wstf_bytes(f"{name}-a", f"{name}-b")
            sha = hashlib.sha256(data).hexdigest()
            expected |= {
                choose_report_id(report.id, sha, index, preserves_ids=True)
                for index, report in enumerate(parse_wstf(data.decode()))
            }
            (inbox / f".{name}.tmp").write_bytes(data)
            os.replace(inbox / f".{name}.tmp", inbox / f"{name}.txt")
        elif rng.random() < 0.1:
            bad.add(f"{name}.json")
            (inbox / f"{name}.json").write_bytes(b'{"type": "T", "id": ')
        else:
            report_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            expected.add(report_id)
            (inbox / f".{name}.tmp").write_bytes(wsjf_bytes(name, report_id))
            os.replace(inbox / f".{name}.tmp", inbox / f"{name}.json")
    return expected, bad


def _context() -> multiprocessing.context.BaseContext:
    """forkserver where available: children start with everything imported (fast rounds)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pywats_client.converters", "pywats_client.queue"])
    return context


def _start_child(
    context: multiprocessing.context.BaseContext, inbox: Path, queue_dir: Path, drain: bool
) -> tuple[BaseProcess, Connection]:
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=run_child, args=(str(inbox), str(queue_dir), drain, sender))
    child.start()
    sender.close()
    return child, receiver


def _crash_round(
    context: multiprocessing.context.BaseContext, inbox: Path, queue_dir: Path, rng: random.Random
) -> None:
    child, started = _start_child(context, inbox, queue_dir, drain=False)
    try:
        assert started.poll(60), "the child did not start"
        assert started.recv() == "started"
        child.join(rng.uniform(0.0, 0.12))
    finally:
        child.kill()  # SIGKILL: no cleanup at all
        child.join()
        child.close()
        started.close()


async def _deliver(queue_dir: Path, emulator: EmulatorHandle) -> None:
    with ReportQueue(queue_dir, limits=QueueLimits(min_free_bytes=0)) as queue:
        async with AsyncWATS(base_url=emulator.base_url, token=emulator.token) as wats:
            while (claimed := queue.claim_next()) is not None:
                await wats.report.submit_wsjf(claimed.payload)
                queue.complete(claimed.report_id)


async def test_kill_9_at_random_points_loses_and_duplicates_nothing(
    tmp_path: Path, emulator: EmulatorHandle
) -> None:
    inbox, queue_dir = tmp_path / "in", tmp_path / "queue"
    inbox.mkdir()
    rng = random.Random(SEED)
    context = _context()
    expected: set[str] = set()
    bad: set[str] = set()
    for round_no in range(ROUNDS):
        ids, bad_names = _drop_sources(inbox, rng, round_no)
        expected |= ids
        bad |= bad_names
        _crash_round(context, inbox, queue_dir, rng)
    drain, started = _start_child(context, inbox, queue_dir, drain=True)
    drain.join(120)
    assert drain.exitcode == 0
    drain.close()
    started.close()

    with ReportQueue(queue_dir, limits=QueueLimits(min_free_bytes=0)) as queue:
        entries = queue.list()
    queued_ids = [e.report_id for e in entries]
    assert len(queued_ids) == len(set(queued_ids))  # no report queued twice
    assert set(queued_ids) == expected  # none lost, none extra
    assert files_in(inbox) == []
    error_files = set(files_in(inbox / "Error"))
    assert error_files == bad | {f"{name}.error" for name in bad}
    done = files_in(inbox / "Done")
    assert len(done) == len(set(done))
    assert not any("-1." in name for name in done)  # no source was moved twice

    await _deliver(queue_dir, emulator)
    received = {row["id"].lower(): row for row in emulator.reports()}
    assert set(received) == expected
    assert all(row["receive_count"] == 1 for row in received.values())
