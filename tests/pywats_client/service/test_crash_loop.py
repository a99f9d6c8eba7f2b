"""Proof: kill -9 at random moments never loses or duplicates an accepted report.

One emulator process (file database) serves the whole loop. Each iteration starts a real
service process, feeds it reports through the control API, and kills it (``kill -9``) at a
seeded random moment — during start-up recovery, during accept, during upload, between the
server storing a report and the client hearing about it (the emulator's ``drop`` fault loses
the acknowledgement; ``latency`` widens the upload window). Finally a clean service drains
the queue and the test checks: every report the service answered "accepted" for is on the
server exactly once, no queue file is corrupt, nothing is left in ``processing``.

``PYWATS_CRASH_ITERATIONS`` (default 200) and ``PYWATS_CRASH_SEED`` change the run.
"""

from __future__ import annotations

import asyncio
import os
import random
from pathlib import Path
from typing import Any

import pytest
from emulator_process import EmulatorProcess
from service_helpers import ServiceProcess, control_token, report_bytes, wait_until, write_config

from pywats_client.control import ControlClient, ControlError
from pywats_client.queue import ReportQueue

ITERATIONS = int(os.environ.get("PYWATS_CRASH_ITERATIONS", "200"))
SEED = int(os.environ.get("PYWATS_CRASH_SEED", "20261123"))
REPORT_PATH = "/api/report"
FAULT_MODES: list[list[dict[str, Any]]] = [
    [],
    [{"kind": "latency", "path": REPORT_PATH, "delay": 0.2}],
    [{"kind": "drop", "path": REPORT_PATH, "probability": 0.5}],
    [{"kind": "error", "path": REPORT_PATH, "probability": 0.3, "status": 503}],
    [{"kind": "latency", "path": REPORT_PATH, "delay": 0.1},
     {"kind": "drop", "path": REPORT_PATH, "probability": 0.3}],
]  # fmt: skip


class Feeder:
    """Submits reports one by one and records those the service answered "accepted" for."""

    def __init__(self, url: str, token: str, count: int) -> None:
        self.url = url
        self.token = token
        self.count = count
        self.accepted: list[str] = []
        self.progress = asyncio.Event()

    async def run(self) -> None:
        async with ControlClient(self.token, base_url=self.url, timeout=10) as control:
            for number in range(self.count):
                _, data = report_bytes(number)
                try:
                    answer = await control.submit(data, f"crash-{number}.json")
                except ControlError:
                    return  # killed mid-request: the client was never told "accepted"
                self.accepted.extend(entry["report_id"] for entry in answer)
                self.progress.set()

    async def wait_for(self, accepted: int, feeding: asyncio.Task[None]) -> None:
        while len(self.accepted) < accepted and not feeding.done():
            self.progress.clear()
            waiter = asyncio.ensure_future(self.progress.wait())
            await asyncio.wait({waiter, feeding}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()


async def _iteration(
    emu: EmulatorProcess, config_path: Path, rng: random.Random, accepted: list[str]
) -> None:
    emu.set_faults(rng.choice(FAULT_MODES))
    service = ServiceProcess(config_path)
    if rng.random() < 0.1:
        service.spawn()  # killed during start-up / recovery
        await asyncio.sleep(rng.uniform(0.0, 0.5))
        service.kill()
        return
    service.start()
    # Kill after a random number of acknowledged accepts plus a random delay: lands during
    # the next accept, during uploads or between store and acknowledgement, however fast
    # the machine is.
    feeder = Feeder(service.control_url, control_token(config_path.parent), rng.randint(1, 6))
    feeding = asyncio.create_task(feeder.run())
    await feeder.wait_for(rng.randint(0, feeder.count), feeding)
    await asyncio.sleep(rng.uniform(0.0, 0.3))
    service.kill()
    await feeding
    accepted.extend(feeder.accepted)


async def _drain(config_path: Path) -> None:
    service = ServiceProcess(config_path).start()
    try:
        async with ControlClient(control_token(config_path.parent),
                                 base_url=service.control_url) as control:  # fmt: skip

            async def drained() -> bool:
                counts = (await control.status())["queue"]
                return all(counts.get(s, 0) == 0 for s in ("queued", "processing", "error"))

            await wait_until(drained, what="the queue to drain", limit=300)
        assert service.terminate() == 0
    finally:
        service.close()


def _check_queue_files(queue_dir: Path) -> dict[str, int]:
    assert not list(queue_dir.glob("*.processing"))
    quarantine = queue_dir / "quarantine"
    assert not quarantine.exists() or not any(quarantine.iterdir())
    with ReportQueue(queue_dir) as queue:
        assert queue.verify_all() == []
        return queue.counts()


@pytest.mark.slow
@pytest.mark.timeout(3600)
async def test_kill_9_loop_never_loses_or_duplicates_an_accepted_report(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    accepted: list[str] = []
    with EmulatorProcess(tmp_path / "emulator.db") as emu:
        config_path = write_config(
            tmp_path / "station", emu.base_url, emu.token,
            request_timeout_seconds=2.0, ping_interval_seconds=3600,
        )  # fmt: skip
        for _ in range(ITERATIONS):
            await _iteration(emu, config_path, rng, accepted)
        emu.set_faults([])
        await _drain(config_path)
        stored = emu.stored_id_counts()
    assert accepted, "the loop accepted nothing; the test proved nothing"
    missing = [rid for rid in accepted if stored.get(rid) != 1]
    assert missing == []
    counts = _check_queue_files(tmp_path / "station" / "queue")
    assert counts.get("parked", 0) == 0
    assert counts.get("completed", 0) >= len(set(accepted))
