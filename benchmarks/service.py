"""Station-service benchmark: durable-queue figures (part 1).

Run: ``./run bench`` or ``.venv/bin/python benchmarks/service.py [--section NAME ...]``.
Prints figures; asserts nothing. Sections are plain functions registered in ``SECTIONS``;
the service engineer adds ``drain_rate`` (reports/s uploaded to the emulator) and
``idle_rss`` (resident memory of an idle service) there as part 2.

Part 1:
- ``accept``: latency of ``ReportQueue.accept`` (file fsync + rename + directory fsync) beside
  the bare cost of writing a file of the same size with the same two fsyncs.
  Goals: p99 ≤ 10 ms and ≤ 2× the bare pair.
- ``startup``: ``ReportQueue.open()`` (recovery + index) over 100,000 pending files.
  Goal: < 2 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import report_line
from pywats_client.queue import (
    EntryState,
    Envelope,
    EnvelopeMeta,
    QueueLimits,
    ReportQueue,
    encode_envelope,
)
from pywats_client.queue.envelope import sha256_hex
from pywats_client.queue.fs import FileSystem, write_file_durably
from pywats_client.queue.naming import EntryName

NO_LIMITS = QueueLimits(max_pending_count=None, max_pending_bytes=None, min_free_bytes=0)
REPORT_BYTES = 50_000  # about the size of the real WSJF export in the shared fixtures


def _report(rng: random.Random, size: int = REPORT_BYTES) -> tuple[bytes, str]:
    report_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    head = f'{{"type":"T","id":"{report_id}","pn":"BENCH","sn":"S1","pad":"'.encode()
    return head + b"x" * max(0, size - len(head) - 2) + b'"}', report_id


def percentile(samples: list[float], fraction: float) -> float:
    """The ``fraction`` quantile (0..1) of ``samples`` by nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def bare_fsync_pair_once(fs: FileSystem, directory: Path, index: int, data: bytes) -> float:
    """Write a file, fsync it, rename it, fsync the directory; return the time in ms."""
    started = time.perf_counter()
    temp = directory / f".bare{index}.tmp"
    write_file_durably(fs, temp, data)
    fs.replace(temp, directory / f"bare{index}")
    fs.fsync_dir(directory)
    return (time.perf_counter() - started) * 1000


def accept_versus_bare_ms(workdir: Path, count: int, size: int) -> tuple[list[float], list[float]]:
    """``count`` accepts of ``size``-byte reports and as many bare fsync pairs of the same size,
    interleaved so both see the same disk conditions; returns (accept ms, bare ms)."""
    fs, rng = FileSystem(), random.Random(1)
    bare_dir = workdir / "bare"
    bare_dir.mkdir()
    reports = [_report(rng, size) for _ in range(count + 5)]
    accepted: list[float] = []
    bare: list[float] = []
    with ReportQueue(workdir / "queue", limits=NO_LIMITS) as queue:
        for index, (payload, report_id) in enumerate(reports):
            bare_ms = bare_fsync_pair_once(fs, bare_dir, index, payload)
            started = time.perf_counter()
            queue.accept(payload, report_id)
            accept_ms = (time.perf_counter() - started) * 1000
            if index >= 5:  # the first few warm caches up
                bare.append(bare_ms)
                accepted.append(accept_ms)
    return accepted, bare


def section_accept(args: argparse.Namespace, workdir: Path) -> None:
    count = args.accepts
    accepted, bare = accept_versus_bare_ms(workdir, count, REPORT_BYTES)
    bare_p99, accept_p99 = percentile(bare, 0.99), percentile(accepted, 0.99)
    print(f"accept: {count} reports of {REPORT_BYTES} bytes in {workdir}")
    print(report_line("bare file+dir fsync pair p50", statistics.median(bare), "ms"))
    print(report_line("bare file+dir fsync pair p99", bare_p99, "ms"))
    print(report_line("accept p50", statistics.median(accepted), "ms"))
    print(report_line("accept p99", accept_p99, "ms", target=10))
    print(report_line("accept p99 / bare p99", accept_p99 / bare_p99, "x", target=2))


def populate_pending(directory: Path, count: int, seed: int = 7) -> None:
    """Write ``count`` real envelopes straight to disk (no fsync: setup, not the measure):
    98 % queued, 1 % error, 1 % left in processing as after a crash."""
    rng = random.Random(seed)
    directory.mkdir(parents=True)
    base_us = 1_790_000_000_000_000
    for index in range(count):
        payload, report_id = _report(rng, 600)
        meta = EnvelopeMeta(report_id, f"c{index}", base_us / 1e6, sha256_hex(payload))
        data = encode_envelope(Envelope(meta, payload))
        state = EntryState.QUEUED
        if index % 100 == 1:
            state = EntryState.ERROR
        elif index % 100 == 2:
            state = EntryState.PROCESSING
        name = EntryName(base_us + index, report_id, len(data), 1_790_000_000_000, state)
        with open(directory / name.filename, "wb") as handle:
            handle.write(data)


def section_startup(args: argparse.Namespace, workdir: Path) -> None:
    count = args.startup_files
    directory = workdir / "startup-queue"
    started = time.perf_counter()
    populate_pending(directory, count)
    print(f"startup: {count} pending files written in {time.perf_counter() - started:.1f} s")
    for label in ("cold-ish (first open)", "warm (second open)"):
        queue = ReportQueue(directory, limits=NO_LIMITS)
        started, cpu_started = time.perf_counter(), time.process_time()
        recovery = queue.open()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        queue.close()
        print(report_line(f"open {label}: recover + index", elapsed, "s", target=2))
        print(report_line("    of which CPU time of this process", cpu, "s"))
        print(f"    indexed {recovery.entries}, requeued {len(recovery.requeued)}")


# Part 2 (service engineer): add "drain_rate" and "idle_rss" functions with this signature.
SECTIONS: dict[str, Callable[[argparse.Namespace, Path], None]] = {
    "accept": section_accept,
    "startup": section_startup,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--section", action="append", choices=sorted(SECTIONS))
    parser.add_argument("--accepts", type=int, default=500)
    parser.add_argument("--startup-files", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: temp)")
    args, _ = parser.parse_known_args(argv)
    if hasattr(os, "getloadavg"):  # wall-clock figures depend on how busy the machine is
        print("load average (1/5/15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="pywats-bench-") as temp:
        for name in args.section or list(SECTIONS):
            section_dir = Path(temp) / name
            section_dir.mkdir()
            SECTIONS[name](args, section_dir)


if __name__ == "__main__":
    main()
