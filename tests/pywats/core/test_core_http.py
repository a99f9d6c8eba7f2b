"""AsyncHttpCore driven through httpx.MockTransport with a fake clock and recorded sleeps."""

from __future__ import annotations

import importlib.util
import logging
import random
from collections.abc import Callable, Iterator

import httpx
import pytest

from pywats._core.breaker import BreakerState, CircuitBreaker
from pywats._core.http import CORRELATION_HEADER, AsyncHttpCore
from pywats._core.retry import RetryPolicy
from pywats.exceptions import (
    BadRequestError,
    CircuitOpenError,
    ConfigurationError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    UnexpectedResponseError,
    WatsConnectionError,
    WatsTimeoutError,
)

TOKEN = "c3RhdGlvbjpoeXBlcnNlY3JldA=="  # base64("station:hypersecret")

Handler = Callable[[httpx.Request], httpx.Response]


class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_core(handler: Handler, time: FakeTime, **options: object) -> AsyncHttpCore:
    return AsyncHttpCore(
        "http://wats.test/api/",
        TOKEN,
        transport=httpx.MockTransport(handler),
        clock=time.clock,
        sleep=time.sleep,
        rng=random.Random(7),
        **options,  # type: ignore[arg-type]
    )


def scripted(*responses: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    """A handler that answers with the given responses (or raises) in order."""
    seen: list[httpx.Request] = []
    queue: Iterator[httpx.Response | Exception] = iter(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        item = next(queue)
        if isinstance(item, Exception):
            raise item
        return item

    return handler, seen


async def test_request_json_sends_auth_accept_and_correlation_headers() -> None:
    handler, seen = scripted(httpx.Response(200, json="2026.1.5.324"))
    async with make_core(handler, FakeTime()) as core:
        assert await core.request_json("GET", "/api/App/Version") == "2026.1.5.324"
    request = seen[0]
    assert str(request.url) == "http://wats.test/api/App/Version"
    assert request.headers["Authorization"] == f"Basic {TOKEN}"
    assert request.headers["Accept"] == "application/json"
    assert len(request.headers[CORRELATION_HEADER]) == 32
    assert "Referer" not in request.headers


async def test_internal_paths_carry_referer_and_params_are_wats_formatted() -> None:
    handler, seen = scripted(httpx.Response(200, json={}))
    async with make_core(handler, FakeTime()) as core:
        await core.request_json(
            "get", "/api/internal/Client/Ping", params={"a": True, "b": None, "c": 3}
        )
    assert seen[0].headers["Referer"] == "http://wats.test"
    assert seen[0].url.params == httpx.QueryParams({"a": "true", "c": "3"})


async def test_empty_body_is_none_text_and_bytes_are_raw() -> None:
    handler, _ = scripted(
        httpx.Response(200, content=b""),
        httpx.Response(200, text="<Reports/>"),
        httpx.Response(200, content=b"\x00\x01"),
    )
    async with make_core(handler, FakeTime()) as core:
        assert await core.request_json("GET", "/a") is None
        assert await core.request_text("GET", "/b") == "<Reports/>"
        assert await core.request_bytes("GET", "/c") == b"\x00\x01"


async def test_invalid_json_body_raises_unexpected_response() -> None:
    handler, _ = scripted(httpx.Response(200, text="<html>"))
    async with make_core(handler, FakeTime()) as core:
        with pytest.raises(UnexpectedResponseError, match="GET /x"):
            await core.request_json("GET", "/x")


async def test_retries_5xx_with_backoff_then_succeeds() -> None:
    time = FakeTime()
    handler, seen = scripted(
        httpx.Response(503, json={"Message": "busy"}),
        httpx.Response(502, text="bad gateway"),
        httpx.Response(200, json=[1]),
    )
    async with make_core(handler, time, retries=RetryPolicy(max_attempts=3)) as core:
        assert await core.request_json("GET", "/x") == [1]
    assert len(seen) == 3
    assert len(time.sleeps) == 2
    assert 0 <= time.sleeps[0] <= 0.5
    assert 0 <= time.sleeps[1] <= 1.0
    ids = {r.headers[CORRELATION_HEADER] for r in seen}
    assert len(ids) == 1  # one logical request, one correlation id


async def test_gives_up_after_max_attempts_with_last_error() -> None:
    time = FakeTime()
    handler, seen = scripted(*[httpx.Response(500, json={"Message": "down"})] * 3)
    async with make_core(handler, time, retries=2) as core:
        with pytest.raises(ServerError, match="down") as caught:
            await core.request_json("GET", "/x")
    assert caught.value.status_code == 500
    assert len(seen) == 3


async def test_post_is_not_retried_unless_marked_idempotent() -> None:
    handler, seen = scripted(httpx.Response(503), httpx.Response(503), httpx.Response(200))
    async with make_core(handler, FakeTime()) as core:
        with pytest.raises(ServerError):
            await core.request_json("POST", "/x", json={})
        assert len(seen) == 1
        assert await core.request_json("POST", "/x", json={}, idempotent=True) is None
    assert len(seen) == 3


async def test_connection_errors_and_timeouts_are_retried_and_typed() -> None:
    time = FakeTime()
    handler, _ = scripted(
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.Response(200, json=True),
    )
    async with make_core(handler, time) as core:
        assert await core.request_json("GET", "/x") is True
    assert len(time.sleeps) == 2
    handler, _ = scripted(*[httpx.ConnectError("refused")] * 2)
    async with make_core(handler, time, retries=1) as core:
        with pytest.raises(WatsConnectionError, match=r"refused.*GET /y"):
            await core.request_json("GET", "/y")
    handler, _ = scripted(httpx.ReadTimeout("slow"))
    async with make_core(handler, time, retries=0) as core:
        with pytest.raises(WatsTimeoutError):
            await core.request_json("GET", "/z")


async def test_retry_after_header_sets_the_wait() -> None:
    time = FakeTime()
    handler, _ = scripted(
        httpx.Response(429, headers={"Retry-After": "7"}, json={"Message": "throttled"}),
        httpx.Response(200, json=1),
    )
    async with make_core(handler, time) as core:
        assert await core.request_json("GET", "/x") == 1
    assert time.sleeps == [7.0]


async def test_retry_after_http_date_uses_the_wall_clock() -> None:
    time = FakeTime()
    handler, _ = scripted(
        httpx.Response(503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:10 GMT"}),
        httpx.Response(200, json=1),
    )
    core = make_core(handler, time, wall_clock=lambda: 1445412480.0)  # 07:28:00
    async with core:
        assert await core.request_json("GET", "/x") == 1
    assert time.sleeps == [10.0]


async def test_rate_limited_error_after_retries_carries_retry_after() -> None:
    handler, _ = scripted(httpx.Response(429, headers={"Retry-After": "3"}))
    async with make_core(handler, FakeTime(), retries=0) as core:
        with pytest.raises(RateLimitedError) as caught:
            await core.request_json("GET", "/x")
    assert caught.value.retry_after == 3.0


async def test_client_errors_are_not_retried() -> None:
    handler, seen = scripted(
        httpx.Response(404, json={"Message": "no such unit"}),
        httpx.Response(400, text="root -> step 1: bad"),
    )
    async with make_core(handler, FakeTime()) as core:
        with pytest.raises(NotFoundError, match="no such unit"):
            await core.request_json("GET", "/x")
        with pytest.raises(BadRequestError, match="root -> step 1: bad"):
            await core.request_json("GET", "/x")
    assert len(seen) == 2


async def test_breaker_opens_then_half_open_probe_closes_it() -> None:
    time = FakeTime()
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout=30.0)
    handler, seen = scripted(httpx.Response(500), httpx.Response(500), httpx.Response(200))
    async with make_core(handler, time, retries=0, breaker=breaker) as core:
        for _ in range(2):
            with pytest.raises(ServerError):
                await core.request_json("GET", "/x")
        with pytest.raises(CircuitOpenError):
            await core.request_json("GET", "/x")
        assert len(seen) == 2  # refused without touching the network
        time.now += 30.0
        assert await core.request_json("GET", "/x") is None
    assert breaker.state is BreakerState.CLOSED


async def test_rate_limiter_spaces_requests_by_sleeping() -> None:
    time = FakeTime()
    handler, _ = scripted(*[httpx.Response(200)] * 4)
    async with make_core(handler, time, rate_limit=2) as core:
        for _ in range(4):
            await core.request_json("GET", "/x")
    assert time.sleeps == pytest.approx([0.5, 0.5])


async def test_caller_correlation_id_is_kept() -> None:
    handler, seen = scripted(httpx.Response(200))
    async with make_core(handler, FakeTime()) as core:
        await core.request_json("GET", "/x", headers={"x-correlation-id": "mine"})
    assert seen[0].headers[CORRELATION_HEADER] == "mine"


async def test_json_and_content_together_is_a_configuration_error() -> None:
    handler, _ = scripted()
    async with make_core(handler, FakeTime()) as core:
        with pytest.raises(ConfigurationError):
            await core.request_json("POST", "/x", json={}, content=b"x")


async def test_token_never_in_repr_logs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    echo = f"your header was Basic {TOKEN}; password hypersecret"
    handler, _ = scripted(
        httpx.Response(500, text=echo),
        httpx.ConnectError(f"failed for {TOKEN}"),
    )
    core = make_core(handler, FakeTime(), retries=1)
    async with core:
        with pytest.raises(WatsConnectionError) as caught:
            await core.request_json("GET", "/x")
    texts = [repr(core), str(caught.value), repr(caught.value), caplog.text]
    texts += [str(caught.value.__cause__ or ""), str(caught.value.__context__ or "")]
    for text in texts:
        assert TOKEN not in text
        assert "hypersecret" not in text
    assert "GET /x" in caplog.text  # the requests were logged


async def test_correlation_id_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="pywats.http")
    handler, seen = scripted(httpx.Response(200))
    async with make_core(handler, FakeTime()) as core:
        await core.request_json("GET", "/x")
    assert seen[0].headers[CORRELATION_HEADER] in caplog.text


def test_empty_token_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="token"):
        AsyncHttpCore("http://h", "")


@pytest.mark.skipif(importlib.util.find_spec("h2") is not None, reason="h2 is installed")
def test_http2_without_h2_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="h2"):
        AsyncHttpCore("http://h", "t", http2=True)
