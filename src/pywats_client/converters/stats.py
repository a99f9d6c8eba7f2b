"""Converter statistics for status and ``/metrics`` (plain counters, event-loop thread only)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ConverterCounters:
    """What one converter did since the service started."""

    files_converted: int = 0
    files_failed: int = 0
    files_timed_out: int = 0
    reports_accepted: int = 0
    seconds_total: float = 0.0

    @property
    def average_seconds(self) -> float:
        """Mean time per finished file (converted or failed), 0 before the first."""
        finished = self.files_converted + self.files_failed
        return self.seconds_total / finished if finished else 0.0


@dataclass
class ConverterStats:
    """Counters per converter name plus the subsystem-wide refusal count."""

    converters: dict[str, ConverterCounters] = field(default_factory=dict)
    refusals: int = 0

    def _of(self, name: str) -> ConverterCounters:
        return self.converters.setdefault(name, ConverterCounters())

    def record_converted(self, name: str, reports: int, seconds: float) -> None:
        """A source whose reports were all durably accepted."""
        counters = self._of(name)
        counters.files_converted += 1
        counters.reports_accepted += reports
        counters.seconds_total += seconds

    def record_failed(self, name: str, seconds: float, *, timed_out: bool = False) -> None:
        """A source that went to ``Error/``."""
        counters = self._of(name)
        counters.files_failed += 1
        counters.files_timed_out += int(timed_out)
        counters.seconds_total += seconds

    def record_refused(self) -> None:
        """The queue refused a source's reports; it stays in place for a later retry."""
        self.refusals += 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the control API's status."""
        return {
            "refusals": self.refusals,
            "converters": {
                name: {**asdict(c), "average_seconds": round(c.average_seconds, 6)}
                for name, c in sorted(self.converters.items())
            },
        }

    def prometheus_lines(self) -> list[str]:
        """Prometheus text exposition lines (``# TYPE`` headers included)."""
        families = (
            ("pywats_converter_files_converted_total", "counter", "files_converted"),
            ("pywats_converter_files_failed_total", "counter", "files_failed"),
            ("pywats_converter_files_timed_out_total", "counter", "files_timed_out"),
            ("pywats_converter_reports_accepted_total", "counter", "reports_accepted"),
            ("pywats_converter_seconds_total", "counter", "seconds_total"),
        )
        lines: list[str] = []
        for metric, kind, attr in families:
            lines.append(f"# TYPE {metric} {kind}")
            for name, counters in sorted(self.converters.items()):
                value = getattr(counters, attr)
                lines.append(f'{metric}{{converter="{_escape(name)}"}} {value}')
        lines.append("# TYPE pywats_converter_refusals_total counter")
        lines.append(f"pywats_converter_refusals_total {self.refusals}")
        return lines


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
