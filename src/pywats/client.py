"""The client entry points: :class:`AsyncWATS` (hand-written) and :class:`WATS` (generated).

::

    async with AsyncWATS(base_url="https://acme.wats.com", token=token) as wats:
        version = await wats.client.version()

    with WATS() as wats:                      # WATS_BASE_URL / WATS_TOKEN from the environment
        result = wats.report.submit(report)
"""

from __future__ import annotations

import asyncio
import random
import ssl
import time
from pathlib import Path

import httpx

from pywats._core.breaker import CircuitBreaker
from pywats._core.config import resolve_settings
from pywats._core.http import DEFAULT_RETRIES, DEFAULT_TIMEOUT, AsyncHttpCore, Clock, Sleep
from pywats._core.ratelimit import TokenBucket
from pywats._core.retry import RetryPolicy
from pywats.domains.analytics import AsyncAnalyticsDomain
from pywats.domains.asset import AsyncAssetDomain
from pywats.domains.client import AsyncClientDomain
from pywats.domains.process import AsyncProcessDomain
from pywats.domains.product import AsyncProductDomain
from pywats.domains.production import AsyncProductionDomain
from pywats.domains.report import AsyncReportDomain
from pywats.domains.rootcause import AsyncRootCauseDomain
from pywats.domains.scim import AsyncScimDomain
from pywats.domains.software import AsyncSoftwareDomain


class AsyncWATS:
    """Async client of one WATS server; its API areas are attributes (``wats.report``, …).

    ``base_url`` and ``token`` fall back to the ``WATS_BASE_URL`` and ``WATS_TOKEN``
    environment variables; ``token`` is what follows ``Basic`` in the Authorization header.
    ``verify`` is ``True`` (system CAs), ``False``, an ``ssl.SSLContext`` or a CA bundle path.
    ``retries`` is the number of retries after the first attempt (or a :class:`RetryPolicy`);
    ``rate_limit`` is requests per second. ``clock``, ``sleep`` and ``rng`` are for tests.
    """

    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        verify: bool | str | Path | ssl.SSLContext = True,
        http2: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
        retries: int | RetryPolicy = DEFAULT_RETRIES,
        rate_limit: float | TokenBucket | None = None,
        breaker: CircuitBreaker | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        url, secret = resolve_settings(base_url, token)
        self.http = AsyncHttpCore(
            url,
            secret,
            timeout=timeout,
            verify=verify,
            http2=http2,
            transport=transport,
            retries=retries,
            breaker=breaker,
            rate_limit=rate_limit,
            clock=clock,
            sleep=sleep,
            rng=rng,
        )
        self.report = AsyncReportDomain(self.http)
        self.product = AsyncProductDomain(self.http)
        self.production = AsyncProductionDomain(self.http)
        self.process = AsyncProcessDomain(self.http)
        self.asset = AsyncAssetDomain(self.http)
        self.software = AsyncSoftwareDomain(self.http)
        self.analytics = AsyncAnalyticsDomain(self.http)
        self.rootcause = AsyncRootCauseDomain(self.http)
        self.client = AsyncClientDomain(self.http)
        self.scim = AsyncScimDomain(self.http)

    @property
    def base_url(self) -> str:
        """The normalised site root, e.g. ``https://acme.wats.com``."""
        return self.http.base_url

    def __repr__(self) -> str:
        return f"AsyncWATS(base_url={self.base_url!r})"

    async def __aenter__(self) -> AsyncWATS:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool. The client cannot be used afterwards."""
        await self.http.aclose()


from pywats._sync.client import WATS  # noqa: E402  (the generated twin imports AsyncWATS)

__all__ = ["WATS", "AsyncWATS"]
