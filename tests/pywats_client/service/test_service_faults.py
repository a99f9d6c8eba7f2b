"""Network faults from the emulator: every report is eventually delivered or parked."""

from __future__ import annotations

from typing import Any

import pytest
from service_helpers import report_bytes, wait_until

from pywats_emulator.faults import FaultKind, FaultRule
from pywats_emulator.testing import EmulatorHandle

REPORTS = 6
PATH = "/api/report"


async def _submit(running: Any, count: int) -> list[str]:
    ids = []
    for number in range(count):
        report_id, data = report_bytes(number)
        await running.control.submit(data, f"r{number}.json")
        ids.append(report_id)
    return ids


async def _settled(running: Any, total: int) -> bool:
    counts = (await running.control.status())["queue"]
    return bool(counts.get("completed", 0) + counts.get("parked", 0) == total)


def _stored_ids(emulator: EmulatorHandle) -> list[str]:
    return sorted(row["id"].lower() for row in emulator.reports())


@pytest.mark.parametrize(
    "rule",
    [
        FaultRule(FaultKind.ERROR, path=PATH, status=503, count=4),
        FaultRule(FaultKind.HANG, path=PATH, delay=30.0, count=2),
        FaultRule(FaultKind.DROP, path=PATH, count=3),
        FaultRule(FaultKind.RESET, path=PATH, count=3),
        FaultRule(FaultKind.RATE_LIMIT, path=PATH, retry_after=0.2, count=3),
    ],
    ids=lambda rule: rule.kind.value,
)
async def test_transient_faults_end_with_every_report_delivered_once(
    start_service: Any, emulator: EmulatorHandle, rule: FaultRule
) -> None:
    emulator.faults.set(rule)
    async with start_service(request_timeout_seconds=1.0) as running:
        ids = await _submit(running, REPORTS)
        await wait_until(lambda: _settled(running, REPORTS), what="all reports settled")
        counts = (await running.control.status())["queue"]
        metrics = await running.control.metrics()
    assert counts.get("parked", 0) == 0
    assert _stored_ids(emulator) == sorted(ids)
    assert emulator.faults.fired(), "the fault never fired; the test proved nothing"
    assert 'pywats_uploads_total{outcome="failed"}' in metrics


async def test_rejected_report_is_parked_with_the_server_text_and_retried_by_the_operator(
    start_service: Any, emulator: EmulatorHandle
) -> None:
    emulator.faults.set(FaultRule(FaultKind.REJECT, path=PATH, count=1, message="bad serial"))
    async with start_service() as running:
        ids = await _submit(running, REPORTS)
        await wait_until(lambda: _settled(running, REPORTS), what="all reports settled")
        parked = await running.control.queue_list("parked")
        assert len(parked) == 1
        detail = await running.control.queue_show(parked[0]["report_id"])
        assert "400" in detail["parked_reason"]
        assert "bad serial" in detail["parked_reason"]
        assert len(_stored_ids(emulator)) == REPORTS - 1
        await running.control.queue_retry(parked[0]["report_id"])
        await wait_until(lambda: _settled(running, REPORTS), what="the retried report")
        assert (await running.control.queue_list("parked")) == []
    assert _stored_ids(emulator) == sorted(ids)


async def test_wrong_token_keeps_reports_and_health_says_authentication_failed(
    start_service: Any, emulator: EmulatorHandle
) -> None:
    async with start_service(token="not-the-token") as running:
        ids = await _submit(running, 2)

        async def auth_reported() -> bool:
            health = await running.control.health()
            return any("authentication failed" in r for r in health["reasons"])

        await wait_until(auth_reported, what="health to report the auth failure")
        entries = await running.control.queue_list()
        assert sorted(e["report_id"] for e in entries) == sorted(ids)
        assert all(e["state"] in ("queued", "processing", "error") for e in entries)
    assert emulator.reports() == []
