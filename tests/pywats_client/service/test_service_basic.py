"""The in-process service against the emulator: submit, upload, control API."""

from __future__ import annotations

import json
import stat
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from service_helpers import report_bytes, wait_until

from pywats_client.service import state_dir_for
from pywats_client.station import PASSCODE_FILE, REGISTRATION_TOKEN_ENV
from pywats_emulator.testing import EmulatorHandle


async def _completed(running: Any, count: int) -> bool:
    status = await running.control.status()
    return bool(status["queue"].get("completed", 0) == count)


async def test_submitted_reports_reach_the_server(
    start_service: Any, emulator: EmulatorHandle
) -> None:
    async with start_service() as running:
        ids = []
        for number in range(3):
            report_id, data = report_bytes(number)
            accepted = await running.control.submit(data, f"r{number}.json")
            assert [a["report_id"] for a in accepted] == [report_id]
            ids.append(report_id)
        await wait_until(lambda: _completed(running, 3), what="3 uploads")
        assert await running.stop() == 0
    stored = sorted(row["id"].lower() for row in emulator.reports())
    assert stored == sorted(ids)


async def test_registered_station_pings_warns_about_clock_skew_and_reports_pending(
    start_service: Any,
    emulator: EmulatorHandle,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv(REGISTRATION_TOKEN_ENV, emulator.token)
    emulator.set_clock(lambda: datetime.now(UTC) + timedelta(minutes=10))
    async with start_service(registration=True) as running:

        async def pinged() -> bool:
            return running.service.monitor is not None and (
                running.service.monitor.clock_skew is not None
            )

        await wait_until(pinged, what="the first ping")
        monitor = running.service.monitor
        skew = monitor.clock_skew
        passcode = state_dir_for(running.folder / "queue") / PASSCODE_FILE
        status = await running.control.status()
    assert skew is not None
    assert 590 < skew < 610
    assert "ahead of this station's clock" in caplog.text
    assert status["server_name"]
    if sys.platform != "win32":
        assert stat.S_IMODE(passcode.stat().st_mode) == 0o600
    rows = emulator.store.query("SELECT misc_info FROM clients WHERE name = 'TEST-STATION'")
    assert [row["misc_info"] for row in rows] == ["pywats-client stopped"]


async def test_json_log_follows_one_report_from_acceptance_to_upload(
    start_service: Any, emulator: EmulatorHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    async with start_service(log_format="json") as running:
        report_id, data = report_bytes(7)
        await running.control.submit(data, "r7.json")
        await wait_until(lambda: _completed(running, 1), what="the upload")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    about_report = [line for line in lines if line.get("report_id") == report_id]
    messages = [line["message"] for line in about_report]
    assert "report accepted" in messages
    assert "report uploaded" in messages
    assert len({line["correlation_id"] for line in about_report}) == 1
    assert emulator.token not in json.dumps(lines)
