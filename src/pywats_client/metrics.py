"""The service's counters and their Prometheus text exposition.

Plain in-memory bookkeeping (no I/O, no locks needed: only the event loop thread updates it).
The uploader records outcomes, the control API records acceptances and refusals, the health
check reads the recent error rate and the auth / connectivity flags.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

LATENCY_WINDOW = 1024
OUTCOME_WINDOW = 50
QUANTILES = (0.5, 0.9, 0.99)


def quantile(sorted_values: list[float], q: float) -> float:
    """The ``q`` quantile of an ascending list (nearest rank); 0 for an empty list."""
    if not sorted_values:
        return 0.0
    rank = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[rank]


@dataclass
class ServiceMetrics:
    """Counters of one service run (reset at restart, like any Prometheus counter)."""

    uploads_ok: int = 0
    uploads_failed: int = 0
    uploads_parked: int = 0
    accepted_total: int = 0
    refusals: int = 0
    latency_count: int = 0
    latency_sum: float = 0.0
    consecutive_auth_failures: int = 0
    consecutive_unreachable: int = 0
    last_error: str | None = None
    _latencies: deque[float] = field(default_factory=lambda: deque(maxlen=LATENCY_WINDOW))
    _outcomes: deque[bool] = field(default_factory=lambda: deque(maxlen=OUTCOME_WINDOW))

    def record_upload(self, ok: bool, seconds: float) -> None:
        """One finished upload attempt and how long it took."""
        self.latency_count += 1
        self.latency_sum += seconds
        self._latencies.append(seconds)
        self._outcomes.append(ok)
        if ok:
            self.uploads_ok += 1
            self.consecutive_auth_failures = 0
            self.consecutive_unreachable = 0
        else:
            self.uploads_failed += 1

    def record_failure_kind(self, *, auth: bool, unreachable: bool, message: str) -> None:
        """Remember why the last attempt failed (drives the health reasons)."""
        self.last_error = message
        self.consecutive_auth_failures = self.consecutive_auth_failures + 1 if auth else 0
        self.consecutive_unreachable = self.consecutive_unreachable + 1 if unreachable else 0

    def record_reachable(self) -> None:
        """A call to the server got an answer (e.g. a ping)."""
        self.consecutive_unreachable = 0

    @property
    def error_rate(self) -> float:
        """Share of failed attempts among the last ``OUTCOME_WINDOW`` ones."""
        if not self._outcomes:
            return 0.0
        return sum(1 for ok in self._outcomes if not ok) / len(self._outcomes)

    @property
    def recent_attempts(self) -> int:
        return len(self._outcomes)

    def latency_quantiles(self) -> dict[float, float]:
        values = sorted(self._latencies)
        return {q: quantile(values, q) for q in QUANTILES}


def _line(name: str, value: float, labels: Mapping[str, str] | None = None) -> str:
    if labels:
        inner = ",".join(f'{k}="{v}"' for k, v in labels.items())
        return f"{name}{{{inner}}} {value:g}"
    return f"{name} {value:g}"


def _family(name: str, kind: str, text: str, samples: Iterable[str]) -> list[str]:
    return [f"# HELP {name} {text}", f"# TYPE {name} {kind}", *samples]


def prometheus_text(
    metrics: ServiceMetrics, queue_counts: Mapping[str, int], task_restarts: Mapping[str, int]
) -> str:
    """Prometheus text exposition (format 0.0.4) of the service's figures."""
    lines: list[str] = []
    lines += _family(
        "pywats_queue_entries",
        "gauge",
        "Reports in the local queue per state.",
        (_line("pywats_queue_entries", n, {"state": s}) for s, n in sorted(queue_counts.items())),
    )
    outcomes = {
        "ok": metrics.uploads_ok,
        "failed": metrics.uploads_failed,
        "parked": metrics.uploads_parked,
    }
    lines += _family(
        "pywats_uploads_total",
        "counter",
        "Upload attempts by outcome.",
        (_line("pywats_uploads_total", n, {"outcome": o}) for o, n in outcomes.items()),
    )
    quantiles = metrics.latency_quantiles()
    lines += _family(
        "pywats_upload_seconds",
        "summary",
        "Upload attempt latency.",
        [
            *(
                _line("pywats_upload_seconds", v, {"quantile": str(q)})
                for q, v in quantiles.items()
            ),
            _line("pywats_upload_seconds_sum", metrics.latency_sum),
            _line("pywats_upload_seconds_count", metrics.latency_count),
        ],
    )
    lines += _family(
        "pywats_accepted_total",
        "counter",
        "Reports accepted into the queue.",
        [_line("pywats_accepted_total", metrics.accepted_total)],
    )
    lines += _family(
        "pywats_refusals_total",
        "counter",
        "Input refused (queue full, disk low).",
        [_line("pywats_refusals_total", metrics.refusals)],
    )
    lines += _family(
        "pywats_task_restarts_total",
        "counter",
        "Restarts of supervised tasks.",
        (_line("pywats_task_restarts_total", n, {"task": t}) for t, n in task_restarts.items()),
    )
    return "\n".join(lines) + "\n"
