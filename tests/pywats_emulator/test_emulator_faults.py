"""Fault injection: every kind over real HTTP, scoping, counts, seeds and the admin API."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from pywats.exceptions import ConfigurationError
from pywats_emulator.demo import demo_uut
from pywats_emulator.faults import (
    FaultInjector,
    FaultKind,
    FaultRule,
    parse_fault_spec,
    rule_from_mapping,
)
from pywats_emulator.testing import EmulatorHandle

SUBMIT = "/api/report/wsjf"


def client(emulator: EmulatorHandle, timeout: float = 10.0) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=emulator.base_url, headers=emulator.auth_headers, timeout=timeout
    )


async def test_error_faults_follow_the_seed(emulator: EmulatorHandle) -> None:
    async def statuses() -> list[int]:
        emulator.faults.reset(seed=42, rules=[FaultRule(FaultKind.ERROR, probability=0.5)])
        async with client(emulator) as c:
            return [(await c.get("/api/App/Version")).status_code for _ in range(24)]

    first = await statuses()
    second = await statuses()
    assert first == second
    assert set(first) == {200, 500}
    assert [f.kind for f in emulator.faults.fired()] == ["error"] * first.count(500)


async def test_error_fault_body_and_status(emulator: EmulatorHandle) -> None:
    emulator.faults.set(FaultRule(FaultKind.ERROR, status=503, message="maintenance"))
    async with client(emulator) as c:
        response = await c.get("/api/App/Version")
    assert response.status_code == 503
    assert response.json() == {"Message": "maintenance"}


async def test_rate_limit_answers_429_with_retry_after(emulator: EmulatorHandle) -> None:
    emulator.faults.set(FaultRule(FaultKind.RATE_LIMIT, retry_after=2, count=1))
    async with client(emulator) as c:
        limited = await c.get("/api/App/Version")
        after = await c.get("/api/App/Version")
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "2"
    assert after.status_code == 200


async def test_reject_with_chosen_4xx(emulator: EmulatorHandle) -> None:
    emulator.faults.set(FaultRule(FaultKind.REJECT, status=409, message="busy", path=SUBMIT))
    async with client(emulator) as c:
        response = await c.post("/api/Report/WSJF", json=demo_uut(1))
    assert response.status_code == 409
    assert response.json() == {"Message": "busy"}
    assert emulator.reports() == []


async def test_reset_closes_connection_before_storing(emulator: EmulatorHandle) -> None:
    emulator.faults.set(FaultRule(FaultKind.RESET, path=SUBMIT, count=1))
    async with client(emulator) as c:
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            await c.post("/api/Report/WSJF", json=demo_uut(1))
        retried = await c.post("/api/Report/WSJF", json=demo_uut(1))
    assert retried.status_code == 200
    assert [r["receive_count"] for r in emulator.reports()] == [1]


async def test_drop_stores_then_loses_the_acknowledgement(emulator: EmulatorHandle) -> None:
    report = demo_uut(1)
    emulator.faults.set(FaultRule(FaultKind.DROP, path=SUBMIT, method="POST", count=1))
    async with client(emulator) as c:
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            await c.post("/api/Report/WSJF", json=report)
        assert [r["id"] for r in emulator.reports()] == [report["id"]]
        retried = await c.post("/api/Report/WSJF", json=report)
    assert retried.status_code == 200
    assert retried.json()["ID"] == report["id"]
    stored = emulator.reports()
    assert len(stored) == 1
    assert stored[0]["receive_count"] == 2


async def test_hang_outlasts_client_timeout_and_server_stays_usable(
    emulator: EmulatorHandle,
) -> None:
    emulator.faults.set(FaultRule(FaultKind.HANG, path=SUBMIT, count=1))
    async with client(emulator, timeout=0.3) as c:
        with pytest.raises(httpx.ReadTimeout):
            await c.post("/api/Report/WSJF", json=demo_uut(1))
    assert await asyncio.to_thread(emulator.faults.wait_fired, 1, 60)
    async with client(emulator) as c:
        assert (await c.get("/api/App/Version")).status_code == 200
    assert emulator.reports() == []
    assert [f.kind for f in emulator.faults.fired()] == ["hang"]


async def test_short_hang_then_serves_the_request(emulator: EmulatorHandle) -> None:
    emulator.faults.set(FaultRule(FaultKind.HANG, path=SUBMIT, delay=0.01, count=1))
    async with client(emulator) as c:
        response = await c.post("/api/Report/WSJF", json=demo_uut(1))
    assert response.status_code == 200
    assert len(emulator.reports()) == 1


async def test_latency_is_injected_and_request_succeeds(emulator: EmulatorHandle) -> None:
    emulator.faults.set(FaultRule(FaultKind.LATENCY, delay=0.01, count=2))
    async with client(emulator) as c:
        answers = [(await c.get("/api/App/Version")).status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    assert [f.kind for f in emulator.faults.fired()] == ["latency", "latency"]


async def test_long_latency_hits_the_client_timeout(emulator: EmulatorHandle) -> None:
    emulator.faults.set(FaultRule(FaultKind.LATENCY, delay=3600, count=1))
    async with client(emulator, timeout=0.2) as c:
        with pytest.raises(httpx.ReadTimeout):
            await c.get("/api/App/Version")
        assert (await c.get("/api/App/Version")).status_code == 200


async def test_faults_scoped_by_path_and_count(emulator: EmulatorHandle) -> None:
    emulator.faults.set(FaultRule(FaultKind.ERROR, path=SUBMIT, count=2))
    async with client(emulator) as c:
        version = await c.get("/api/App/Version")
        submits = [
            (await c.post("/api/Report/WSJF", json=demo_uut(n))).status_code for n in range(3)
        ]
    assert version.status_code == 200
    assert submits == [500, 500, 200]
    assert emulator.faults.active() == []


async def test_admin_fault_endpoints(emulator: EmulatorHandle) -> None:
    async with client(emulator) as c:
        added = await c.post(
            "/_emulator/faults", json={"kind": "reject", "status": 418, "path": "/api/app"}
        )
        assert added.status_code == 200
        assert (await c.get("/api/App/Version")).status_code == 418
        listed = (await c.get("/_emulator/faults")).json()
        assert listed["active"][0]["kind"] == "reject"
        assert listed["fired"] == [{"kind": "reject", "method": "GET", "path": "/api/app/version"}]
        assert (await c.delete("/_emulator/faults")).status_code == 204
        assert (await c.get("/api/App/Version")).status_code == 200
        replaced = await c.put("/_emulator/faults", json=[{"kind": "error"}, {"kind": "latency"}])
        ids = replaced.json()["ids"]
        assert (await c.delete(f"/_emulator/faults/{ids[0]}")).status_code == 204
        assert (await c.delete(f"/_emulator/faults/{ids[0]}")).status_code == 404
        bad = await c.post("/_emulator/faults", json={"kind": "explode"})
    assert bad.status_code == 400
    assert "unknown fault kind" in bad.json()["Message"]


async def test_admin_paths_are_never_faulted_but_need_the_token(
    emulator: EmulatorHandle,
) -> None:
    emulator.faults.set(FaultRule(FaultKind.ERROR))
    async with client(emulator) as c:
        assert (await c.get("/_emulator/faults")).status_code == 200
    async with httpx.AsyncClient(base_url=emulator.base_url) as anonymous:
        assert (await anonymous.get("/_emulator/faults")).status_code == 401


def test_injector_is_reproducible_and_counts_down() -> None:
    def run(seed: int) -> list[bool]:
        injector = FaultInjector(seed=seed)
        injector.add(FaultRule(FaultKind.ERROR, probability=0.3))
        return [injector.decide("GET", "/x").terminal is not None for _ in range(50)]

    assert run(7) == run(7)
    assert run(7) != run(8)
    injector = FaultInjector()
    injector.add(FaultRule(FaultKind.REJECT, path="/api/report", count=1))
    assert injector.decide("GET", "/api/app/version").is_noop
    assert injector.decide("POST", "/api/report/wsjf").terminal is not None
    assert injector.decide("POST", "/api/report/wsjf").is_noop


def test_latencies_add_up_and_first_terminal_wins() -> None:
    injector = FaultInjector()
    injector.set(
        FaultRule(FaultKind.LATENCY, delay=0.25),
        FaultRule(FaultKind.REJECT),
        FaultRule(FaultKind.LATENCY, delay=0.5),
        FaultRule(FaultKind.ERROR),
    )
    decision = injector.decide("GET", "/api/x")
    assert decision.latency == 0.75
    assert decision.terminal is not None
    assert decision.terminal.kind is FaultKind.REJECT


def test_fault_specs_parse_and_bad_ones_are_configuration_errors() -> None:
    rule = parse_fault_spec("error:p=0.2,status=503,path=/api/report,n=3")
    assert (rule.kind, rule.probability, rule.status, rule.path, rule.count) == (
        FaultKind.ERROR, 0.2, 503, "/api/report", 3,
    )  # fmt: skip
    assert parse_fault_spec("rate-limit:retryAfter=5").retry_after == 5.0
    for bad in ("nope", "error:status=404", "reject:status=500", "error:p=2", "latency:x"):
        with pytest.raises(ConfigurationError):
            parse_fault_spec(bad)
    with pytest.raises(ConfigurationError, match="needs a 'kind'"):
        rule_from_mapping({"status": 500})
    with pytest.raises(ConfigurationError, match="bad value"):
        rule_from_mapping({"kind": "error", "count": "many"})


@pytest.mark.parametrize("kind", [FaultKind.HANG, FaultKind.LATENCY])
async def test_stopping_the_server_cancels_hanging_requests(
    emulator_factory: Callable[..., EmulatorHandle], kind: FaultKind
) -> None:
    handle = emulator_factory()
    handle.faults.set(FaultRule(kind, delay=3600))
    async with client(handle, timeout=120) as c:
        pending = asyncio.ensure_future(c.get("/api/App/Version"))
        assert await asyncio.to_thread(handle.faults.wait_fired, 1, 60)
        await asyncio.to_thread(handle.stop)
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            await pending
