"""Retries, backoff, Retry-After, circuit breaker and token redaction against the emulator.

The client gets a fake clock and a recording sleep, so no test really waits for a backoff.
"""

from __future__ import annotations

import base64
import logging
import random
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import pytest

from pywats._core.breaker import CircuitBreaker
from pywats._core.retry import RetryPolicy
from pywats.client import WATS, AsyncWATS
from pywats.exceptions import (
    CircuitOpenError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    WatsConnectionError,
    WatsTimeoutError,
)
from pywats.report import UUTBuilder, UUTReport
from pywats_emulator.faults import FaultKind, FaultRule
from pywats_emulator.testing import EmulatorHandle

VERSION_PATH = "/api/app/version"


class FakeTime:
    """Monotonic clock that advances only when the client sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def make_wats(emulator: EmulatorHandle, fake_time: FakeTime) -> Callable[..., AsyncWATS]:
    def make(**options: object) -> AsyncWATS:
        return AsyncWATS(
            base_url=emulator.base_url,
            token=emulator.token,
            clock=fake_time.clock,
            sleep=fake_time.sleep,
            rng=random.Random(3),
            **options,  # type: ignore[arg-type]
        )

    return make


@pytest.fixture
async def wats(make_wats: Callable[..., AsyncWATS]) -> AsyncIterator[AsyncWATS]:
    async with make_wats(retries=RetryPolicy(max_attempts=4, base_delay=1.0)) as client:
        yield client


def fired(emulator: EmulatorHandle, kind: FaultKind) -> int:
    return sum(1 for f in emulator.faults.fired() if f.kind == kind.value)


def small_report(sn: str) -> UUTReport:
    builder = UUTBuilder(
        pn="PCBA-100",
        sn=sn,
        rev="A",
        process_code=100,
        station="ST-01",
        location="Lab",
        purpose="Development",
        start=datetime(2026, 3, 1, tzinfo=UTC),
    )
    builder.numeric("Voltage", 5.0, low=4.5, high=5.5)
    return builder.build()


async def test_5xx_is_retried_with_jittered_exponential_backoff(
    wats: AsyncWATS, emulator: EmulatorHandle, fake_time: FakeTime
) -> None:
    emulator.faults.set(FaultRule(FaultKind.ERROR, path=VERSION_PATH, status=503, count=3))
    assert await wats.client.version()
    assert fired(emulator, FaultKind.ERROR) == 3
    assert len(fake_time.sleeps) == 3
    for retry_number, delay in enumerate(fake_time.sleeps, start=1):
        assert 0.0 <= delay <= 2 ** (retry_number - 1)


async def test_retry_after_is_honoured(
    wats: AsyncWATS, emulator: EmulatorHandle, fake_time: FakeTime
) -> None:
    emulator.faults.set(
        FaultRule(FaultKind.RATE_LIMIT, path=VERSION_PATH, retry_after=7.0, count=1)
    )
    assert await wats.client.version()
    assert fake_time.sleeps == [7.0]


async def test_rate_limited_after_all_attempts_carries_retry_after(
    make_wats: Callable[..., AsyncWATS], emulator: EmulatorHandle
) -> None:
    emulator.faults.set(FaultRule(FaultKind.RATE_LIMIT, path=VERSION_PATH, retry_after=2.0))
    async with make_wats(retries=1) as wats:
        with pytest.raises(RateLimitedError) as caught:
            await wats.client.version()
    assert caught.value.retry_after == 2.0
    assert fired(emulator, FaultKind.RATE_LIMIT) == 2


async def test_connection_reset_is_retried(
    wats: AsyncWATS, emulator: EmulatorHandle, fake_time: FakeTime
) -> None:
    emulator.faults.set(FaultRule(FaultKind.RESET, path=VERSION_PATH, count=2))
    assert await wats.client.version()
    assert len(fake_time.sleeps) == 2


async def test_exhausted_connection_failures_raise_typed_error(
    make_wats: Callable[..., AsyncWATS], emulator: EmulatorHandle
) -> None:
    emulator.faults.set(FaultRule(FaultKind.RESET, path=VERSION_PATH))
    async with make_wats(retries=2) as wats:
        with pytest.raises(WatsConnectionError, match="GET /api/App/Version"):
            await wats.client.version()
    assert fired(emulator, FaultKind.RESET) == 3


async def test_lost_acknowledgement_submit_retries_and_server_keeps_one_report(
    wats: AsyncWATS, emulator: EmulatorHandle, fake_time: FakeTime
) -> None:
    emulator.faults.set(FaultRule(FaultKind.DROP, path="/api/report/wsjf", method="POST", count=1))
    report = small_report("SN-LOST-ACK")
    result = await wats.report.submit(report)
    assert str(result.id) == report.id
    assert fired(emulator, FaultKind.DROP) == 1
    assert len(fake_time.sleeps) == 1
    rows = emulator.reports()
    assert [r["id"] for r in rows] == [report.id]
    assert rows[0]["receive_count"] == 2  # received twice, stored once


async def test_non_idempotent_post_is_not_retried(
    wats: AsyncWATS, emulator: EmulatorHandle, fake_time: FakeTime
) -> None:
    emulator.faults.set(FaultRule(FaultKind.ERROR, path="/api/internal/client/register", count=1))
    with pytest.raises(ServerError) as caught:
        await wats.client.register_internal("001122334455", "Station")
    assert caught.value.status_code == 500
    assert fake_time.sleeps == []
    assert fired(emulator, FaultKind.ERROR) == 1


async def test_client_errors_are_not_retried(wats: AsyncWATS, fake_time: FakeTime) -> None:
    with pytest.raises(NotFoundError):
        await wats.report.get("00000000-0000-0000-0000-000000000001")
    assert fake_time.sleeps == []


async def test_circuit_breaker_opens_then_half_open_probe_recovers(
    make_wats: Callable[..., AsyncWATS], emulator: EmulatorHandle, fake_time: FakeTime
) -> None:
    breaker = CircuitBreaker(failure_threshold=3, reset_timeout=30.0)
    emulator.faults.set(FaultRule(FaultKind.ERROR, path=VERSION_PATH, status=502))
    async with make_wats(retries=0, breaker=breaker) as wats:
        for _ in range(3):
            with pytest.raises(ServerError):
                await wats.client.version()
        with pytest.raises(CircuitOpenError) as caught:
            await wats.client.version()
        assert caught.value.retry_in == pytest.approx(30.0)
        assert fired(emulator, FaultKind.ERROR) == 3  # refused without a request
        fake_time.now += 29.0
        with pytest.raises(CircuitOpenError):
            await wats.client.version()
        fake_time.now += 1.0
        emulator.faults.clear()
        assert await wats.client.version()  # the half-open probe closes the breaker
        assert await wats.client.version()


async def test_failed_probe_reopens_the_breaker(
    make_wats: Callable[..., AsyncWATS], emulator: EmulatorHandle, fake_time: FakeTime
) -> None:
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=10.0)
    emulator.faults.set(FaultRule(FaultKind.ERROR, path=VERSION_PATH))
    async with make_wats(retries=0, breaker=breaker) as wats:
        with pytest.raises(ServerError):
            await wats.client.version()
        fake_time.now += 10.0
        with pytest.raises(ServerError):
            await wats.client.version()  # the probe fails
        with pytest.raises(CircuitOpenError):
            await wats.client.version()


async def test_request_timeout_is_typed(
    make_wats: Callable[..., AsyncWATS], emulator: EmulatorHandle
) -> None:
    emulator.faults.set(FaultRule(FaultKind.HANG, path=VERSION_PATH, delay=30.0))
    async with make_wats(retries=0, timeout=0.2) as wats:
        with pytest.raises(WatsTimeoutError, match="GET /api/App/Version"):
            await wats.client.version()


def secret_forms(token: str) -> list[str]:
    forms = [token]
    try:
        decoded = base64.b64decode(token, validate=True).decode()
    except ValueError:
        return forms
    forms.append(decoded)
    forms += [part for part in decoded.split(":") if len(part) >= 4]
    return forms


async def test_token_never_appears_in_logs_reprs_or_errors(
    make_wats: Callable[..., AsyncWATS],
    emulator: EmulatorHandle,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    emulator.faults.set(
        FaultRule(FaultKind.ERROR, path=VERSION_PATH, count=2),
        FaultRule(FaultKind.RESET, path="/api/internal/client/ping"),
    )
    texts: list[str] = []
    async with make_wats(retries=1) as wats:
        texts += [repr(wats), repr(wats.http), repr(wats.report), str(vars(wats.http))]
        for call in (wats.client.version, wats.client.ping_internal):
            with pytest.raises((ServerError, WatsConnectionError)) as caught:
                await call()
            texts += [str(caught.value), repr(caught.value), repr(caught.value.args)]
        with pytest.raises(NotFoundError) as missing:
            await wats.report.get("00000000-0000-0000-0000-000000000002")
        texts += [str(missing.value), repr(missing.value)]
    with WATS(base_url=emulator.base_url, token=emulator.token) as sync_wats:
        texts += [repr(sync_wats), repr(sync_wats.report)]
    library_logs = [
        record.getMessage()
        for record in caplog.records
        if record.name.split(".")[0] in ("pywats", "httpx", "httpcore")
    ]
    assert any("GET /api/App/Version" in line for line in library_logs)  # requests were logged
    for secret in secret_forms(emulator.token):
        for text in texts + library_logs:
            assert secret not in text
