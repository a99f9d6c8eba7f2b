"""Token-bucket rate limiter (no I/O: it says how long to wait, the caller sleeps)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pywats.exceptions import ConfigurationError


@dataclass
class TokenBucket:
    """``rate`` tokens per second, at most ``capacity`` stored; each request takes one.

    :meth:`reserve` takes a token now (possibly going into debt) and returns the seconds the
    caller must wait before sending, so concurrent callers queue fairly without a lock.
    """

    rate: float
    capacity: float
    tokens: float = field(init=False)
    updated_at: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.capacity < 1:
            raise ConfigurationError("rate limit: rate must be > 0 and capacity >= 1")
        self.tokens = self.capacity

    def reserve(self, now: float) -> float:
        """Take one token; return how many seconds to wait before using it (0 if available)."""
        if self.updated_at is not None:
            elapsed = max(0.0, now - self.updated_at)
            self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.updated_at = now
        self.tokens -= 1.0
        if self.tokens >= 0:
            return 0.0
        return -self.tokens / self.rate


def token_bucket_from(rate_limit: float | TokenBucket | None) -> TokenBucket | None:
    """``None`` disables limiting; a number means requests per second (burst of that many)."""
    if rate_limit is None or isinstance(rate_limit, TokenBucket):
        return rate_limit
    if isinstance(rate_limit, bool) or not isinstance(rate_limit, int | float):
        raise ConfigurationError(f"rate_limit must be a number or TokenBucket, not {rate_limit!r}")
    rate = float(rate_limit)
    return TokenBucket(rate=rate, capacity=max(1.0, rate))
