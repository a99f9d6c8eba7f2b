"""Pure decision code of the HTTP core: retry, backoff, breaker, token bucket, errors, config."""

from __future__ import annotations

import random
import ssl
from pathlib import Path

import certifi
import pytest

from pywats._core.breaker import BreakerState, CircuitBreaker
from pywats._core.config import normalise_base_url, resolve_settings, tls_verify
from pywats._core.errors import error_for_status, parse_retry_after, server_message
from pywats._core.ratelimit import TokenBucket, token_bucket_from
from pywats._core.redact import Redactor, secret_variants
from pywats._core.retry import RetryPolicy, is_idempotent, retry_policy_from
from pywats.exceptions import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    CircuitOpenError,
    ConfigurationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    WatsConnectionError,
    WatsTimeoutError,
)


def state_of(breaker: CircuitBreaker) -> BreakerState:
    """Read the state through a call so mypy does not pin it between transitions."""
    return breaker.state


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"Message": "Report invalid"}', "Report invalid"),
        ('{"message": "lower"}', "lower"),
        ('{"error": "err"}', "err"),
        ('{"detail": "det", "title": "ttl"}', "det"),
        ('{"title": "only title"}', "only title"),
        ('{"errors": {"sn": ["required"]}}', "sn: required"),
        ('"a json string"', "a json string"),
        ("plain text\nsecond line", "plain text\nsecond line"),
        ("", ""),
        ('{"other": 1}', '{"other": 1}'),
    ],
)
def test_server_message_reads_every_known_shape(body: str, expected: str) -> None:
    assert server_message(body) == expected


def test_server_message_shortens_huge_bodies() -> None:
    message = server_message("x" * 10_000)
    assert len(message) < 2100
    assert message.endswith("…")


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (429, RateLimitedError),
        (500, ServerError),
        (503, ServerError),
        (418, ApiError),
    ],
)
def test_error_for_status_picks_class_and_carries_context(status: int, cls: type) -> None:
    error = error_for_status(
        status, '{"Message":"boom"}', method="GET", path="/api/X", correlation_id="c1"
    )
    assert type(error) is cls
    assert (error.status_code, error.server_message) == (status, "boom")
    assert (error.method, error.path, error.correlation_id) == ("GET", "/api/X", "c1")
    assert str(error) == f"GET /api/X -> {status}: boom"


def test_rate_limited_error_keeps_retry_after() -> None:
    error = error_for_status(429, "slow down", method="GET", path="/p", retry_after=7.0)
    assert isinstance(error, RateLimitedError)
    assert error.retry_after == 7.0


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after(None) is None
    assert parse_retry_after("  ") is None
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now_epoch=1445412480.0) == 10.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") is None
    assert parse_retry_after("soon", now_epoch=0.0) is None


@pytest.mark.parametrize(
    ("method", "explicit", "expected"),
    [
        ("GET", None, True),
        ("put", None, True),
        ("DELETE", None, True),
        ("POST", None, False),
        ("PATCH", None, False),
        ("POST", True, True),
        ("GET", False, False),
    ],
)
def test_is_idempotent(method: str, explicit: bool | None, expected: bool) -> None:
    assert is_idempotent(method, explicit) is expected


def test_backoff_is_full_jitter_within_capped_exponential_ceiling() -> None:
    policy = RetryPolicy(max_attempts=10, base_delay=1.0, max_delay=8.0)
    rng = random.Random(1)
    for retry_number, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (7, 8.0)]:
        delays = [policy.backoff(retry_number, rng) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # jitter spreads over the whole range


def test_next_delay_retries_only_retryable_idempotent_failures() -> None:
    policy = RetryPolicy(max_attempts=3, base_delay=1.0)
    rng = random.Random(0)
    server = ServerError(503, "down")
    transport = WatsConnectionError("refused")
    timeout = WatsTimeoutError("slow")
    assert policy.next_delay(attempt=1, idempotent=True, error=server, rng=rng) is not None
    assert policy.next_delay(attempt=2, idempotent=True, error=transport, rng=rng) is not None
    assert policy.next_delay(attempt=1, idempotent=True, error=timeout, rng=rng) is not None
    assert policy.next_delay(attempt=3, idempotent=True, error=server, rng=rng) is None
    assert policy.next_delay(attempt=1, idempotent=False, error=server, rng=rng) is None
    not_found = NotFoundError(404, "no")
    assert policy.next_delay(attempt=1, idempotent=True, error=not_found, rng=rng) is None


def test_next_delay_honours_retry_after_but_caps_it() -> None:
    policy = RetryPolicy(max_attempts=3, max_retry_after=60.0)
    rng = random.Random(0)
    hinted = RateLimitedError(429, "", retry_after=5.0)
    huge = RateLimitedError(429, "", retry_after=3600.0)
    assert policy.next_delay(attempt=1, idempotent=True, error=hinted, rng=rng) == 5.0
    assert policy.next_delay(attempt=1, idempotent=True, error=huge, rng=rng) == 60.0
    unavailable = ServerError(503, "maintenance", retry_after=4.0)
    assert policy.next_delay(attempt=1, idempotent=True, error=unavailable, rng=rng) == 4.0


def test_retry_policy_from_and_validation() -> None:
    assert retry_policy_from(0).max_attempts == 1
    assert retry_policy_from(3).max_attempts == 4
    custom = RetryPolicy(max_attempts=2)
    assert retry_policy_from(custom) is custom
    with pytest.raises(ConfigurationError):
        retry_policy_from(-1)
    with pytest.raises(ConfigurationError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ConfigurationError):
        RetryPolicy(base_delay=-1)


def test_breaker_opens_after_threshold_and_probes_once() -> None:
    breaker = CircuitBreaker(failure_threshold=3, reset_timeout=10.0)
    for now in (0.0, 1.0):
        breaker.before_call(now)
        breaker.record_failure(now)
    assert state_of(breaker) is BreakerState.CLOSED
    breaker.before_call(2.0)
    breaker.record_failure(2.0)
    assert state_of(breaker) is BreakerState.OPEN
    with pytest.raises(CircuitOpenError) as caught:
        breaker.before_call(5.0)
    assert caught.value.retry_in == pytest.approx(7.0)
    breaker.before_call(12.0)  # the probe
    assert state_of(breaker) is BreakerState.HALF_OPEN
    with pytest.raises(CircuitOpenError):
        breaker.before_call(12.5)  # only one probe at a time
    breaker.record_success()
    assert state_of(breaker) is BreakerState.CLOSED
    breaker.before_call(13.0)


def test_breaker_failed_probe_reopens_for_a_full_period() -> None:
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=10.0)
    breaker.record_failure(0.0)
    breaker.before_call(10.0)
    breaker.record_failure(10.0)
    assert state_of(breaker) is BreakerState.OPEN
    with pytest.raises(CircuitOpenError):
        breaker.before_call(19.0)
    breaker.before_call(20.0)


def test_breaker_success_resets_failure_count() -> None:
    breaker = CircuitBreaker(failure_threshold=2)
    breaker.record_failure(0.0)
    breaker.record_success()
    breaker.record_failure(1.0)
    assert state_of(breaker) is BreakerState.CLOSED
    with pytest.raises(ConfigurationError):
        CircuitBreaker(failure_threshold=0)


def test_token_bucket_allows_burst_then_spaces_requests() -> None:
    bucket = TokenBucket(rate=2.0, capacity=2.0)
    assert bucket.reserve(0.0) == 0.0
    assert bucket.reserve(0.0) == 0.0
    assert bucket.reserve(0.0) == pytest.approx(0.5)
    assert bucket.reserve(0.0) == pytest.approx(1.0)
    assert bucket.reserve(10.0) == 0.0  # refilled (capped at capacity)
    assert bucket.tokens == pytest.approx(1.0)


def test_token_bucket_from() -> None:
    assert token_bucket_from(None) is None
    bucket = token_bucket_from(5)
    assert bucket is not None
    assert (bucket.rate, bucket.capacity) == (5.0, 5.0)
    with pytest.raises(ConfigurationError):
        token_bucket_from(0)
    with pytest.raises(ConfigurationError):
        token_bucket_from(True)


def test_redactor_hides_token_and_its_decoded_parts() -> None:
    token = "dXNlcjpzM2NyM3Q="  # base64("user:s3cr3t")
    redact = Redactor(secret_variants(token))
    text = f"Basic {token} user:s3cr3t password s3cr3t"
    cleaned = redact(text)
    assert token not in cleaned
    assert "s3cr3t" not in cleaned
    assert "***" in cleaned
    assert "s3cr3t" not in repr(redact)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://x.wats.com", "https://x.wats.com"),
        ("https://x.wats.com/", "https://x.wats.com"),
        ("https://x.wats.com/api", "https://x.wats.com"),
        ("https://x.wats.com/API/", "https://x.wats.com"),
        (" http://127.0.0.1:8080/wats/api/ ", "http://127.0.0.1:8080/wats"),
    ],
)
def test_normalise_base_url(raw: str, expected: str) -> None:
    assert normalise_base_url(raw) == expected


@pytest.mark.parametrize("raw", ["x.wats.com", "ftp://x", "", "https://"])
def test_normalise_base_url_rejects_non_http(raw: str) -> None:
    with pytest.raises(ConfigurationError, match="base_url"):
        normalise_base_url(raw)


def test_resolve_settings_uses_environment_and_names_what_is_missing() -> None:
    env = {"WATS_BASE_URL": "http://h/api", "WATS_TOKEN": "t0k"}
    assert resolve_settings(None, None, env) == ("http://h", "t0k")
    assert resolve_settings("http://other", "x", env) == ("http://other", "x")
    with pytest.raises(ConfigurationError, match="WATS_TOKEN") as caught:
        resolve_settings("http://h", None, {})
    assert "WATS_BASE_URL" not in str(caught.value)
    with pytest.raises(ConfigurationError, match=r"WATS_BASE_URL.*WATS_TOKEN"):
        resolve_settings(None, None, {})


def test_tls_verify_options(tmp_path: Path) -> None:
    assert tls_verify(True) is True
    assert tls_verify(False) is False
    with pytest.raises(ConfigurationError, match="not a file"):
        tls_verify(tmp_path / "missing.pem")
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    with pytest.raises(ConfigurationError, match="cannot load"):
        tls_verify(bad)
    context = ssl.create_default_context()
    assert tls_verify(context) is context
    assert isinstance(tls_verify(certifi.where()), ssl.SSLContext)
