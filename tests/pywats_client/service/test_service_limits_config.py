"""Queue full / disk low refusals, health and metrics, and config changes while running."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from service_helpers import report_bytes, wait_until

from pywats_client.control import ControlError
from pywats_emulator.demo import demo_uut
from pywats_emulator.faults import FaultKind, FaultRule
from pywats_emulator.testing import EmulatorHandle


async def _delivered(running: Any, count: int) -> bool:
    return bool((await running.control.status())["queue"].get("completed", 0) == count)


async def test_full_queue_and_low_disk_refuse_input_clearly_and_recover(
    start_service: Any, emulator: EmulatorHandle
) -> None:
    emulator.faults.set(FaultRule(FaultKind.ERROR, path="/api/report", status=503))
    async with start_service(limits={"max_pending_count": 3}) as running:
        control = running.control
        for number in range(3):
            await control.submit(report_bytes(number)[1], f"r{number}.json")
        _, fourth = report_bytes(4)
        with pytest.raises(ControlError) as full:
            await control.submit(fourth, "r4.json")
        assert full.value.status == 507
        assert "input refused" in str(full.value)
        health = await control.health()
        assert health["status"] == "error"
        assert any("not accepting" in reason for reason in health["reasons"])
        # Disk low: more free space demanded than any disk has.
        await control.config_set({"limits": {"max_pending_count": 100, "min_free_bytes": 2**62}})
        with pytest.raises(ControlError) as low:
            await control.submit(fourth, "r4.json")
        assert low.value.status == 507
        assert "disk" in str(low.value).lower()
        assert "pywats_refusals_total 2" in await control.metrics()
        # Space returns, the server recovers: the refused file is accepted, nothing was lost.
        await control.config_set({"limits": {"min_free_bytes": 0}})
        emulator.faults.clear()
        await control.submit(fourth, "r4.json")
        await wait_until(lambda: _delivered(running, 4), what="all 4 reports delivered")
        health = await control.health()
        assert health["status"] != "error"
        assert not any("not accepting" in reason for reason in health["reasons"])
    assert len(emulator.reports()) == 4


async def test_config_patch_is_validated_persisted_and_applied(
    start_service: Any, emulator: EmulatorHandle
) -> None:
    async with start_service() as running:
        with pytest.raises(ControlError) as bad:
            await running.control.config_set({"concurrency": 0})
        assert bad.value.status == 400
        assert "concurrency" in str(bad.value)
        answer = await running.control.config_set({"concurrency": 2, "log_level": "DEBUG"})
        assert answer["concurrency"] == 2
        assert running.service.uploader.concurrency == 2
        saved = json.loads(running.service.config_path.read_text(encoding="utf-8"))
        assert saved["concurrency"] == 2
        shown = await running.control.config_get()
        assert shown["log_level"] == "DEBUG"
        assert emulator.token not in json.dumps(shown)


async def test_config_file_edits_apply_and_invalid_ones_are_ignored_with_a_reason(
    start_service: Any, caplog: pytest.LogCaptureFixture
) -> None:
    async with start_service() as running:
        service = running.service
        watcher = service.config_watcher
        assert watcher is not None
        data = json.loads(service.config_path.read_text(encoding="utf-8"))
        service.config_path.write_text(json.dumps({**data, "concurrency": 0}), encoding="utf-8")
        with caplog.at_level(logging.ERROR):
            await watcher.check_once()
        assert service.config.concurrency == 5
        assert "keeping the running config" in caplog.text
        assert watcher.last_error is not None
        assert "concurrency" in watcher.last_error
        service.config_path.write_text(json.dumps({**data, "concurrency": 3}), encoding="utf-8")
        await watcher.check_once()
        assert service.config.concurrency == 3
        assert service.uploader.concurrency == 3
        assert watcher.last_error is None


async def test_health_metrics_status_and_queue_routes(
    start_service: Any, emulator: EmulatorHandle
) -> None:
    async with start_service() as running:
        control = running.control
        report_id, data = report_bytes(1)
        await control.submit(data, "r1.json")
        await wait_until(lambda: _delivered(running, 1), what="the upload")
        assert await control.health() == {"status": "ok", "reasons": []}
        metrics = await control.metrics()
        assert 'pywats_queue_entries{state="completed"} 1' in metrics
        assert 'pywats_uploads_total{outcome="ok"} 1' in metrics
        assert "pywats_upload_seconds_count 1" in metrics
        assert "pywats_accepted_total 1" in metrics
        status = await control.status()
        assert status["accepting"] is True
        assert {t["name"] for t in status["tasks"]} >= {"uploader", "station", "config-watcher"}
        assert await control.queue_export(report_id) == data
        shown = await control.queue_show(report_id)
        assert shown["state"] == "completed"
        with pytest.raises(ControlError) as unknown:
            await control.queue_show("00000000-0000-0000-0000-000000000001")
        assert unknown.value.status == 404
        with pytest.raises(ControlError) as wrong_state:
            await control.queue_retry(report_id)
        assert wrong_state.value.status == 409
        with pytest.raises(ControlError) as bad_input:
            await control.submit(b"not a report", "junk.json")
        assert bad_input.value.status == 400
        removed = await control.queue_remove(report_id)
        assert removed["removed"] is True
        assert await control.queue_list() == []


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 3 MB tmpfs (root on Linux only; the limit-based refusal test above always
    runs)."""
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("a real small disk needs root on Linux")
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount_point)]
    mounted = subprocess.run(command, capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount tmpfs: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def _big_report(number: int) -> tuple[str, bytes]:
    body = demo_uut(number, steps=120)
    body["id"] = str(uuid.uuid4())
    return body["id"], json.dumps(body).encode()


async def test_real_full_disk_refuses_input_loses_nothing_and_recovers_by_itself(
    start_service: Any, emulator: EmulatorHandle, small_disk: Path
) -> None:
    emulator.faults.set(FaultRule(FaultKind.ERROR, path="/api/report", status=503))
    limits = {"min_free_bytes": 256 * 1024}
    async with start_service(folder=small_disk / "station", limits=limits) as running:
        control = running.control
        accepted: list[str] = []
        refused: ControlError | None = None
        for number in range(1000):
            report_id, data = _big_report(number)
            try:
                await control.submit(data, f"big-{number}.json")
            except ControlError as exc:
                refused = exc
                break
            accepted.append(report_id)
        assert refused is not None
        assert refused.status == 507
        assert "disk" in str(refused).lower()
        assert len(accepted) > 5
        assert (await control.health())["status"] == "error"
        # Nothing accepted was touched: every report is still there and intact.
        listed = await control.queue_list()
        assert sorted(e["report_id"] for e in listed) == sorted(accepted)
        emulator.faults.clear()
        await wait_until(lambda: _delivered(running, len(accepted)), what="the backlog")
        # The delivered files still fill the disk; the next report makes room for itself.
        last_id, last = _big_report(9999)
        await control.submit(last, "big-last.json")
        await wait_until(lambda: _delivered(running, 1), what="the last report")
    stored = {row["id"].lower() for row in emulator.reports()}
    assert stored == {*accepted, last_id}
