"""Circuit breaker: stop calling a failing server for a while, then probe once (no I/O)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from pywats.exceptions import CircuitOpenError, ConfigurationError


class BreakerState(enum.Enum):
    """Closed: calls flow. Open: calls refused. Half-open: one probe call is allowed."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


@dataclass
class CircuitBreaker:
    """Opens after ``failure_threshold`` consecutive failures; probes after ``reset_timeout`` s.

    Times come from the caller (``now``), so the breaker is a plain state machine that tests
    drive with a fake clock.
    """

    failure_threshold: int = 5
    reset_timeout: float = 30.0
    state: BreakerState = field(default=BreakerState.CLOSED, init=False)
    consecutive_failures: int = field(default=0, init=False)
    opened_at: float = field(default=0.0, init=False)
    _probe_in_flight: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.failure_threshold < 1:
            raise ConfigurationError("circuit breaker: failure_threshold must be at least 1")
        if self.reset_timeout < 0:
            raise ConfigurationError("circuit breaker: reset_timeout must not be negative")

    def before_call(self, now: float) -> None:
        """Raise :class:`CircuitOpenError` unless a call may go out now."""
        if self.state is BreakerState.CLOSED:
            return
        if self.state is BreakerState.OPEN:
            remaining = self.opened_at + self.reset_timeout - now
            if remaining > 0:
                raise CircuitOpenError(remaining)
            self.state = BreakerState.HALF_OPEN
            self._probe_in_flight = False
        if self._probe_in_flight:
            raise CircuitOpenError(0.0)
        self._probe_in_flight = True

    def record_success(self) -> None:
        """The server answered in a healthy way: close the circuit."""
        self.state = BreakerState.CLOSED
        self.consecutive_failures = 0
        self._probe_in_flight = False

    def record_failure(self, now: float) -> None:
        """A transport failure, 429 or 5xx: count it, and open when the threshold is reached."""
        self.consecutive_failures += 1
        self._probe_in_flight = False
        if self.state is BreakerState.HALF_OPEN or (
            self.consecutive_failures >= self.failure_threshold
        ):
            self.state = BreakerState.OPEN
            self.opened_at = now
