"""Retry decisions: which failures are retried and how long to wait (no I/O)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from pywats.exceptions import (
    ConfigurationError,
    RateLimitedError,
    ServerError,
    TransportError,
    WatsError,
)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


def is_idempotent(method: str, explicit: bool | None) -> bool:
    """Whether a request may be sent twice: the caller's word, else decided by HTTP verb."""
    if explicit is not None:
        return explicit
    return method.upper() in IDEMPOTENT_METHODS


def is_retryable_error(error: WatsError) -> bool:
    """Transport failures, 429 and 5xx may succeed on a second try; other errors will not."""
    return isinstance(error, TransportError | RateLimitedError | ServerError)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, capped; ``max_attempts`` counts the first try.

    The delay before retry ``n`` (1-based) is uniform in ``[0, min(cap, base * 2**(n-1))]``;
    a server ``Retry-After`` (on 429 or 5xx) replaces it, capped by ``max_retry_after``.
    """

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 120.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ConfigurationError("retries: max_attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0 or self.max_retry_after < 0:
            raise ConfigurationError("retries: delays must not be negative")

    def backoff(self, retry_number: int, rng: random.Random) -> float:
        """Full-jitter delay before retry ``retry_number`` (1 for the first retry)."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (retry_number - 1))
        return rng.uniform(0.0, ceiling)

    def next_delay(
        self,
        *,
        attempt: int,
        idempotent: bool,
        error: WatsError,
        rng: random.Random,
    ) -> float | None:
        """Seconds to wait before trying again after ``attempt`` (1-based) failed, or ``None``."""
        if not idempotent or attempt >= self.max_attempts or not is_retryable_error(error):
            return None
        hint = error.retry_after if isinstance(error, RateLimitedError | ServerError) else None
        if hint is not None:
            return min(hint, self.max_retry_after)
        return self.backoff(attempt, rng)


def retry_policy_from(retries: int | RetryPolicy) -> RetryPolicy:
    """Accept either a ready policy or a number of retries after the first attempt."""
    if isinstance(retries, RetryPolicy):
        return retries
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ConfigurationError(
            f"retries must be a non-negative int or RetryPolicy, not {retries!r}"
        )
    return RetryPolicy(max_attempts=retries + 1)
