"""Seedable fault injection: which requests get which failure.

This module only *decides* (pure logic, thread-safe); :mod:`pywats_emulator.middleware`
carries the decisions out on the wire. A rule applies to requests whose lower-cased path
starts with ``path`` (and whose method matches ``method`` when given). ``count`` limits a
rule to the next N matching requests; each matching request then fires with
``probability``, drawn from one :class:`random.Random` seeded by the emulator seed, so a
given seed and request sequence always produce the same faults.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from pywats.exceptions import ConfigurationError

ADMIN_PREFIX = "/_emulator"


class FaultKind(StrEnum):
    """The failures the emulator can inject."""

    LATENCY = "latency"  # wait ``delay`` seconds, then answer normally
    ERROR = "error"  # answer ``status`` (5xx, default 500)
    RATE_LIMIT = "rate_limit"  # answer 429 with ``Retry-After: retry_after``
    RESET = "reset"  # close the connection before the request is handled
    DROP = "drop"  # handle (store) the request, then close without answering
    HANG = "hang"  # read the request, then wait ``delay`` seconds or until the client leaves
    REJECT = "reject"  # answer a chosen 4xx (default 400) with ``message``


TERMINAL_KINDS = frozenset(FaultKind) - {FaultKind.LATENCY}
_DEFAULT_STATUS = {FaultKind.ERROR: 500, FaultKind.REJECT: 400, FaultKind.RATE_LIMIT: 429}
_DEFAULT_DELAY = {FaultKind.LATENCY: 0.5, FaultKind.HANG: 3600.0}


@dataclass(frozen=True)
class FaultRule:
    """One fault-injection rule; see the module docstring for matching."""

    kind: FaultKind
    path: str = ""
    method: str | None = None
    probability: float = 1.0
    count: int | None = None
    delay: float | None = None
    status: int | None = None
    retry_after: float = 1.0
    message: str = "Fault injected by pywats emulator"

    def __post_init__(self) -> None:
        if not 0.0 <= self.probability <= 1.0:
            raise ConfigurationError(f"fault probability must be in [0, 1], got {self.probability}")
        if self.count is not None and self.count < 0:
            raise ConfigurationError(f"fault count must be >= 0, got {self.count}")
        if self.delay is not None and self.delay < 0:
            raise ConfigurationError(f"fault delay must be >= 0, got {self.delay}")
        status = self.effective_status
        if self.kind is FaultKind.ERROR and not 500 <= status <= 599:
            raise ConfigurationError(f"error fault needs a 5xx status, got {status}")
        if self.kind is FaultKind.REJECT and not 400 <= status <= 499:
            raise ConfigurationError(f"reject fault needs a 4xx status, got {status}")

    @property
    def effective_status(self) -> int:
        """The status this rule answers with (defaults per kind)."""
        return self.status if self.status is not None else _DEFAULT_STATUS.get(self.kind, 0)

    @property
    def effective_delay(self) -> float:
        """Seconds of latency (or of hanging) this rule adds."""
        return self.delay if self.delay is not None else _DEFAULT_DELAY.get(self.kind, 0.0)

    def matches(self, method: str, path: str) -> bool:
        """Whether this rule is about a request (admin paths are never faulted)."""
        if path.startswith(ADMIN_PREFIX):
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return path.lower().startswith(self.path.lower())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the admin endpoint's shape)."""
        data = asdict(self)
        data["kind"] = self.kind.value
        data["retryAfter"] = data.pop("retry_after")
        return data


_RULE_KEYS = {
    "kind": "kind",
    "path": "path",
    "method": "method",
    "probability": "probability",
    "p": "probability",
    "count": "count",
    "n": "count",
    "delay": "delay",
    "seconds": "delay",
    "status": "status",
    "retryafter": "retry_after",
    "retry_after": "retry_after",
    "message": "message",
}
_CASTS: dict[str, type] = {
    "probability": float,
    "count": int,
    "delay": float,
    "status": int,
    "retry_after": float,
}


def rule_from_mapping(data: Mapping[str, Any]) -> FaultRule:
    """Build a rule from JSON/CLI fields; raises ``ConfigurationError`` on bad input."""
    values: dict[str, Any] = {}
    for key, value in data.items():
        name = _RULE_KEYS.get(str(key).lower())
        if name is None:
            raise ConfigurationError(f"unknown fault field {key!r}")
        if value is None:
            continue
        values[name] = _cast_field(name, value)
    if "kind" not in values:
        raise ConfigurationError("fault needs a 'kind'")
    return FaultRule(**values)


def _cast_field(name: str, value: Any) -> Any:
    if name == "kind":
        try:
            return FaultKind(str(value).lower().replace("-", "_"))
        except ValueError:
            kinds = ", ".join(k.value for k in FaultKind)
            raise ConfigurationError(f"unknown fault kind {value!r} (one of {kinds})") from None
    cast = _CASTS.get(name)
    if cast is None:
        return str(value)
    try:
        return cast(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"fault field {name!r}: bad value {value!r}") from None


def parse_fault_spec(spec: str) -> FaultRule:
    """Parse the CLI form ``kind[:key=value,key=value…]``, e.g. ``error:p=0.2,status=503``."""
    kind, _, rest = spec.partition(":")
    fields: dict[str, Any] = {"kind": kind.strip()}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, sep, value = part.partition("=")
        if not sep:
            raise ConfigurationError(f"fault option {part!r} is not key=value")
        fields[key.strip()] = value.strip()
    return rule_from_mapping(fields)


@dataclass
class _ActiveRule:
    rule_id: int
    rule: FaultRule
    remaining: int | None


@dataclass(frozen=True)
class FaultDecision:
    """What to do with one request: total latency first, then at most one terminal fault."""

    latency: float = 0.0
    terminal: FaultRule | None = None

    @property
    def is_noop(self) -> bool:
        """True when the request passes untouched."""
        return self.latency == 0.0 and self.terminal is None


@dataclass
class FiredFault:
    """A record of one injected fault (for tests and the admin endpoint)."""

    kind: str
    method: str
    path: str


@dataclass
class FaultInjector:
    """Thread-safe registry of fault rules with a seeded random source."""

    seed: int = 0
    _rules: list[_ActiveRule] = field(default_factory=list)
    _fired: list[FiredFault] = field(default_factory=list)
    _next_id: int = 1

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._fired_changed = threading.Condition(self._lock)
        self._rng = random.Random(self.seed)

    def add(self, rule: FaultRule) -> int:
        """Activate a rule; returns its id."""
        with self._lock:
            rule_id = self._next_id
            self._next_id += 1
            self._rules.append(_ActiveRule(rule_id, rule, rule.count))
            return rule_id

    def set(self, *rules: FaultRule) -> list[int]:
        """Replace every active rule with ``rules``."""
        self.clear()
        return [self.add(rule) for rule in rules]

    def remove(self, rule_id: int) -> bool:
        """Deactivate one rule; False when no such rule is active."""
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.rule_id != rule_id]
            return len(self._rules) != before

    def clear(self) -> None:
        """Deactivate every rule (the fired-fault history stays)."""
        with self._lock:
            self._rules.clear()

    def reset(self, seed: int | None = None, rules: Iterable[FaultRule] = ()) -> None:
        """Back to a fresh state: no history, the RNG re-seeded, only ``rules`` active."""
        with self._lock:
            if seed is not None:
                self.seed = seed
            self._rng = random.Random(self.seed)
            self._rules.clear()
            self._fired.clear()
            self._next_id = 1
        for rule in rules:
            self.add(rule)

    def active(self) -> list[dict[str, Any]]:
        """The active rules as JSON-ready dicts (with ``id`` and ``remaining``)."""
        with self._lock:
            return [
                {"id": r.rule_id, "remaining": r.remaining, **r.rule.to_dict()} for r in self._rules
            ]

    def fired(self) -> list[FiredFault]:
        """Every fault injected since the last reset, oldest first."""
        with self._lock:
            return list(self._fired)

    def wait_fired(self, count: int = 1, timeout: float | None = None) -> bool:
        """Block until at least ``count`` faults fired since the last reset (False on timeout).

        Blocking: from async code call it through ``asyncio.to_thread``.
        """
        with self._fired_changed:
            return self._fired_changed.wait_for(lambda: len(self._fired) >= count, timeout)

    def decide(self, method: str, path: str) -> FaultDecision:
        """Consume matching rules for one request and say what to inject."""
        latency = 0.0
        terminal: FaultRule | None = None
        with self._lock:
            for active in self._rules:
                if not active.rule.matches(method, path):
                    continue
                if active.remaining is not None:
                    if active.remaining <= 0:
                        continue
                    active.remaining -= 1
                fires = active.rule.probability >= 1.0 or (
                    self._rng.random() < active.rule.probability
                )
                if not fires:
                    continue
                if active.rule.kind is FaultKind.LATENCY:
                    latency += active.rule.effective_delay
                elif terminal is None:
                    terminal = active.rule
                else:
                    continue
                self._fired.append(FiredFault(active.rule.kind.value, method, path))
                self._fired_changed.notify_all()
            self._rules = [r for r in self._rules if r.remaining is None or r.remaining > 0]
        return FaultDecision(latency, terminal)
