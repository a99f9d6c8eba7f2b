"""The in-process service against the emulator: submit, upload, control API."""

from __future__ import annotations

from typing import Any

from service_helpers import report_bytes, wait_until

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
