"""The async HTTP shell: one pooled ``httpx.AsyncClient`` plus the pure decision helpers.

Every decision (retry or not, how long to wait, breaker state, which exception) is made by the
plain code in :mod:`pywats._core.retry`, :mod:`~pywats._core.breaker`,
:mod:`~pywats._core.ratelimit` and :mod:`~pywats._core.errors`; this module only performs I/O.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import logging
import random
import ssl
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, TypedDict, Unpack

import httpx

from pywats._core.breaker import CircuitBreaker
from pywats._core.config import normalise_base_url, tls_verify
from pywats._core.errors import error_for_status, parse_retry_after
from pywats._core.ratelimit import TokenBucket, token_bucket_from
from pywats._core.redact import Redactor, secret_variants
from pywats._core.retry import RetryPolicy, is_idempotent, retry_policy_from
from pywats._version import __version__
from pywats.exceptions import (
    ClientClosedError,
    ConfigurationError,
    TransportError,
    UnexpectedResponseError,
    WatsConnectionError,
    WatsError,
    WatsTimeoutError,
)

logger = logging.getLogger("pywats.http")

CORRELATION_HEADER = "X-Correlation-ID"
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


def new_correlation_id() -> str:
    """A fresh random id for one logical request (shared by its retries)."""
    return uuid.uuid4().hex


def _http2_available() -> bool:
    try:
        import h2  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
    except ImportError:
        return False
    return True


class RequestOptions(TypedDict, total=False):
    """The keyword options of every request (the parameters of :meth:`AsyncHttpCore.send`).

    ``params`` become the query string (``None`` values dropped, booleans as ``true``/``false``);
    ``json`` or ``content`` is the body (not both); ``headers`` add to the defaults;
    ``idempotent`` overrides the method's own idempotency for the retry decision.
    """

    params: Mapping[str, Any] | None
    json: Any
    content: bytes | str | None
    headers: Mapping[str, str] | None
    idempotent: bool | None


def decode_json(text: str, *, method: str, path: str) -> Any:
    """A response body as JSON (``None`` when blank); raises :class:`UnexpectedResponseError`."""
    if not text.strip():
        return None
    try:
        return jsonlib.loads(text)
    except ValueError as exc:
        raise UnexpectedResponseError(
            f"response is not JSON: {exc}", method=method, path=path
        ) from None


class AsyncHttpCore:
    """Sends requests to one WATS server with auth, retries, breaker and rate limit.

    ``clock`` (monotonic seconds), ``sleep`` and ``rng`` are injectable so tests never wait;
    ``wall_clock`` (epoch seconds) only serves ``Retry-After`` given as an HTTP date.
    ``transport`` replaces the network (e.g. ``httpx.MockTransport``). Use as an async context
    manager or call :meth:`aclose`.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        verify: bool | str | Path | ssl.SSLContext = True,
        http2: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
        retries: int | RetryPolicy = DEFAULT_RETRIES,
        breaker: CircuitBreaker | None = None,
        rate_limit: float | TokenBucket | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        correlation_ids: Callable[[], str] = new_correlation_id,
        wall_clock: Clock = time.time,
    ) -> None:
        if not token:
            raise ConfigurationError("token must not be empty")
        if http2 and not _http2_available():
            raise ConfigurationError("http2=True needs the 'h2' package (pip install httpx[http2])")
        self.base_url = normalise_base_url(base_url)
        self.retry_policy = retry_policy_from(retries)
        self.breaker = breaker if breaker is not None else CircuitBreaker()
        self.rate_limiter = token_bucket_from(rate_limit)
        self._clock = clock
        self._wall_clock = wall_clock
        self._sleep = sleep
        self._rng = rng if rng is not None else random.Random()
        self._correlation_ids = correlation_ids
        self._redact = Redactor(secret_variants(token))
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            headers={
                "Authorization": f"Basic {token}",
                "Accept": "application/json",
                "User-Agent": f"pywats/{__version__}",
            },
            timeout=timeout,
            verify=tls_verify(verify),
            http2=http2,
            transport=transport,
            follow_redirects=True,
        )

    def __repr__(self) -> str:
        return f"AsyncHttpCore(base_url={self.base_url!r})"

    async def __aenter__(self) -> AsyncHttpCore:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    @property
    def closed(self) -> bool:
        """True once :meth:`aclose` ran."""
        return self._client.is_closed

    async def request_json(self, method: str, path: str, **options: Unpack[RequestOptions]) -> Any:
        """Send a request and return the decoded JSON body (``None`` for an empty body)."""
        response = await self.send(method, path, **options)
        return decode_json(response.text, method=method.upper(), path=path)

    async def request_text(self, method: str, path: str, **options: Unpack[RequestOptions]) -> str:
        """Send a request and return the body as text (decoded by the response charset)."""
        return (await self.send(method, path, **options)).text

    async def request_bytes(
        self, method: str, path: str, **options: Unpack[RequestOptions]
    ) -> bytes:
        """Send a request and return the raw body bytes."""
        return (await self.send(method, path, **options)).content

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Send with retries; return the successful response or raise a :class:`WatsError`."""
        if self._client.is_closed:
            raise ClientClosedError("this WATS client is closed; create a new one")
        method = method.upper()
        request = self._build_request(method, path, params, json, content, headers)
        retryable = is_idempotent(method, idempotent)
        correlation_id = request.headers[CORRELATION_HEADER]
        attempt = 0
        while True:
            attempt += 1
            outcome = await self._attempt(request, method, path, correlation_id, attempt)
            if isinstance(outcome, httpx.Response):
                return outcome
            delay = self.retry_policy.next_delay(
                attempt=attempt, idempotent=retryable, error=outcome, rng=self._rng
            )
            if delay is None:
                raise outcome
            logger.info(
                "retrying %s %s [%s] in %.3f s after attempt %d: %s",
                method,
                path,
                correlation_id,
                delay,
                attempt,
                outcome,
            )
            await self._sleep(delay)

    def _build_request(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        json: Any,
        content: bytes | str | None,
        headers: Mapping[str, str] | None,
    ) -> httpx.Request:
        if json is not None and content is not None:
            raise ConfigurationError("pass either json= or content=, not both")
        merged = dict(headers or {})
        if not any(key.lower() == CORRELATION_HEADER.lower() for key in merged):
            merged[CORRELATION_HEADER] = self._correlation_ids()
        if path.lower().startswith("/api/internal/"):
            # The real server is reported to check Referer on internal endpoints.
            merged.setdefault("Referer", self.base_url)
        return self._client.build_request(
            method, path, params=_query_params(params), json=json, content=content, headers=merged
        )

    async def _attempt(
        self, request: httpx.Request, method: str, path: str, correlation_id: str, attempt: int
    ) -> httpx.Response | WatsError:
        """One try: breaker, rate limit, send. Returns the response or the error to handle."""
        self.breaker.before_call(self._clock())
        if self.rate_limiter is not None:
            wait = self.rate_limiter.reserve(self._clock())
            if wait > 0:
                await self._sleep(wait)
        started = self._clock()
        logger.debug("-> %s %s [%s] attempt %d", method, path, correlation_id, attempt)
        try:
            response = await self._client.send(request)
        except httpx.TransportError as exc:
            error = self._transport_error(exc, method, path)
            self.breaker.record_failure(self._clock())
            logger.debug("x  %s %s [%s] %s", method, path, correlation_id, error)
            return error
        elapsed_ms = (self._clock() - started) * 1000
        logger.debug(
            "<- %s %s [%s] %d in %.1f ms",
            method,
            path,
            correlation_id,
            response.status_code,
            elapsed_ms,
        )
        if response.status_code < 400:
            self.breaker.record_success()
            return response
        return self._status_error(response, method, path, correlation_id)

    def _status_error(
        self, response: httpx.Response, method: str, path: str, correlation_id: str
    ) -> WatsError:
        status = response.status_code
        if status >= 500:
            self.breaker.record_failure(self._clock())
        else:
            self.breaker.record_success()
        retry_after = parse_retry_after(
            response.headers.get("Retry-After"), now_epoch=self._wall_clock()
        )
        return error_for_status(
            status,
            self._redact(response.text),
            method=method,
            path=path,
            correlation_id=correlation_id,
            retry_after=retry_after,
        )

    def _transport_error(self, exc: httpx.TransportError, method: str, path: str) -> TransportError:
        detail = self._redact(str(exc)) or type(exc).__name__
        if isinstance(exc, httpx.TimeoutException):
            return WatsTimeoutError(f"timed out: {detail}", method=method, path=path)
        return WatsConnectionError(
            f"connection failed: {type(exc).__name__}: {detail}", method=method, path=path
        )


def _query_params(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """httpx wants str values; WATS wants booleans as ``true``/``false``; ``None`` is dropped."""
    if params is None:
        return None
    result: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            result[key] = "true" if value else "false"
        elif isinstance(value, list | tuple):
            result[key] = [_query_value(item) for item in value]
        else:
            result[key] = _query_value(value)
    return result


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
