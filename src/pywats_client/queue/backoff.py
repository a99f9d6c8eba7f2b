"""Retry timing as pure code: capped exponential backoff with full jitter, and a global budget.

Failed reports are retried forever; these two pieces decide *when*. Nothing here sleeps or
reads a clock: callers pass ``now`` and a random source.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from pywats.exceptions import ConfigurationError


@dataclass(frozen=True, slots=True)
class BackoffPolicy:
    """Delay before attempt ``n + 1`` after ``n`` failures: uniform in
    ``[min_delay, min(cap, base * factor ** (n - 1))]`` ("full jitter" with a small floor so a
    failing report is never retried in a hot loop)."""

    base: float = 5.0
    factor: float = 2.0
    cap: float = 3600.0
    min_delay: float = 1.0

    def __post_init__(self) -> None:
        if not (0 < self.min_delay <= self.base <= self.cap) or self.factor < 1:
            raise ConfigurationError("backoff needs 0 < min_delay <= base <= cap and factor >= 1")


def backoff_ceiling(failures: int, policy: BackoffPolicy) -> float:
    """The largest delay allowed after ``failures`` consecutive failures (``failures >= 1``)."""
    exponent = max(failures, 1) - 1
    # Cap the exponent before computing the power: after ~60 doublings floats overflow.
    if exponent > 200:
        return policy.cap
    return min(policy.cap, policy.base * policy.factor**exponent)


def backoff_delay(failures: int, policy: BackoffPolicy, rng: random.Random) -> float:
    """A jittered delay in seconds to wait after ``failures`` consecutive failures."""
    ceiling = backoff_ceiling(failures, policy)
    return max(policy.min_delay, rng.uniform(0.0, ceiling))


class RetryBudget:
    """Token bucket limiting how many *retries* are released per unit of time.

    When the server returns after an outage, a thousand reports in ``error`` become due at
    nearly the same time; the bucket releases at most ``burst`` at once and then
    ``per_second`` each second. First attempts of fresh reports are not limited by it.
    """

    def __init__(self, burst: int = 10, per_second: float = 1.0, now: float = 0.0) -> None:
        if burst < 1 or per_second <= 0:
            raise ConfigurationError("retry budget needs burst >= 1 and per_second > 0")
        self.burst = burst
        self.per_second = per_second
        self._tokens = float(burst)
        self._updated = now

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(float(self.burst), self._tokens + elapsed * self.per_second)
        self._updated = max(self._updated, now)

    def available(self, now: float) -> float:
        """Tokens available at ``now`` (fractional)."""
        self._refill(now)
        return self._tokens

    def try_take(self, now: float) -> bool:
        """Take one token if there is one; True when a retry may be released."""
        self._refill(now)
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False

    def seconds_until_token(self, now: float) -> float:
        """How long until :meth:`try_take` would succeed (0 when it would now)."""
        self._refill(now)
        missing = 1.0 - self._tokens
        return 0.0 if missing <= 0 else missing / self.per_second
