"""Converter benchmark: small WSJF files from drop to durable acceptance, then the drain.

Run: ``.venv/bin/python benchmarks/converters.py [--files 1000] [--concurrency 8]``.
Prints figures; asserts nothing.

- ``conversion only``: the built-in WSJF converter over the files' bytes in one thread
  (parse, id, serialise) — what a converter costs without any durability.
- ``drop → accepted``: the files are already in the watch folder when the subsystem starts
  (stable period 0); the rate is files per second until the queue holds every report, each
  accepted with the queue's file fsync + directory fsync. Goal: ≥ 300 files/s.
- ``fsync floor``: what the queue alone needs per accept on this disk (the ceiling for any
  converter that waits for durability one report at a time).
- ``drain``: the queued reports uploaded to an emulator process on 127.0.0.1 by five
  concurrent claim → submit → complete loops (the library, not the service's uploader).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import load_note, report_line
from pywats.client import AsyncWATS
from pywats.report import UUTBuilder, to_wsjf
from pywats_client.converters import ConvertersSettings, ConverterSubsystem, FolderSettings
from pywats_client.converters.base import SourceFile
from pywats_client.converters.execution import run_conversion
from pywats_client.converters.registry import load_registry
from pywats_client.queue import QueueLimits, ReportQueue
from service_drain import start_emulator


def small_wsjf(number: int) -> bytes:
    from datetime import UTC, datetime

    builder = UUTBuilder(
        pn="PN-BENCH", sn=f"SN-{number:06}", rev="A", process_code=10, station="BENCH",
        location="Lab", purpose="Bench", start=datetime(2026, 11, 23, tzinfo=UTC),
        report_id=str(uuid.uuid4()),
    )  # fmt: skip
    builder.numeric("Voltage", 3.3, low=3.0, high=3.6, comp_op="GELE", unit="V")
    builder.pass_fail("Boot", passed=True)
    return to_wsjf(builder.build()).encode()


def conversion_only(payloads: list[bytes]) -> float:
    loaded = load_registry(use_entry_points=False).get("wsjf")
    started = time.perf_counter()
    for number, data in enumerate(payloads):
        sha = hashlib.sha256(data).hexdigest()
        run_conversion(loaded, SourceFile(Path(f"r{number}.json"), data), None, sha)
    return len(payloads) / (time.perf_counter() - started)


def fsync_floor(root: Path, payloads: list[bytes]) -> float:
    with ReportQueue(root / "floor", limits=QueueLimits(min_free_bytes=0)) as queue:
        started = time.perf_counter()
        for data in payloads[:200]:
            queue.accept(data, str(uuid.uuid4()))
        return min(200, len(payloads)) / (time.perf_counter() - started)


async def drop_to_accepted(root: Path, payloads: list[bytes], concurrency: int) -> float:
    inbox = root / "in"
    inbox.mkdir()
    for number, data in enumerate(payloads):
        (inbox / f"r{number:06}.json").write_bytes(data)
    folder = FolderSettings(
        path=inbox, converter="wsjf", stable_seconds=0, rescan_seconds=0.05,
        max_concurrency=concurrency,
    )  # fmt: skip
    settings = ConvertersSettings(folders=[folder], use_entry_points=False)
    with ReportQueue(root / "queue", limits=QueueLimits(min_free_bytes=0)) as queue:
        subsystem = ConverterSubsystem(settings, queue)
        started = time.perf_counter()
        subsystem.start()
        while queue.counts()["queued"] < len(payloads):  # noqa: ASYNC110 - polls the queue
            await asyncio.sleep(0.005)
        elapsed = time.perf_counter() - started
        await subsystem.stop()
    return len(payloads) / elapsed


async def drain(queue_dir: Path, url: str, token: str, workers: int = 5) -> tuple[int, float]:
    delivered = 0
    with ReportQueue(queue_dir, limits=QueueLimits(min_free_bytes=0)) as queue:
        async with AsyncWATS(base_url=url, token=token) as wats:

            async def loop() -> None:
                nonlocal delivered
                while (claimed := await asyncio.to_thread(queue.claim_next)) is not None:
                    await wats.report.submit_wsjf(claimed.payload)
                    await asyncio.to_thread(queue.complete, claimed.report_id)
                    delivered += 1

            started = time.perf_counter()
            await asyncio.gather(*(loop() for _ in range(workers)))
            return delivered, time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    payloads = [small_wsjf(n) for n in range(args.files)]
    print(
        f"# converters benchmark: {args.files} WSJF files of ~{len(payloads[0])} B; {load_note()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print(report_line("conversion only (no durability)", conversion_only(payloads), "files/s"))
        print(
            report_line("fsync floor: queue.accept alone", fsync_floor(root, payloads), "files/s")
        )
        rate = asyncio.run(drop_to_accepted(root, payloads, args.concurrency))
        print(
            report_line("drop -> durably accepted (fsync on)", rate, "files/s") + "   (goal >= 300)"
        )
        emulator, url, token = start_emulator(root / "emulator.db")
        try:
            count, seconds = asyncio.run(drain(root / "queue", url, token))
        finally:
            emulator.terminate()
            emulator.wait(10)
            if emulator.stdout is not None:
                emulator.stdout.close()
        print(report_line(f"drain {count} reports to the emulator", seconds, "s"))
        print(report_line("drain rate", count / seconds, "reports/s"))


if __name__ == "__main__":
    main()
