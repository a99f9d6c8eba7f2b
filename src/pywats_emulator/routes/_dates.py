"""ISO 8601 date-times as the domain routes store them: UTC with ``Z`` (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(value: datetime) -> str:
    """ISO 8601 UTC with ``Z``, the form every stored date uses."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_date(text: str | None) -> datetime | None:
    """Parse an ISO 8601 date-time (naive means UTC); ``None`` stays ``None``.

    Raises ``ValueError`` for text that is not a date-time.
    """
    if text is None or text == "":
        return None
    return parse_iso(text)


def parse_iso(text: str) -> datetime:
    """An ISO 8601 date or date-time; naive means UTC. Raises ``ValueError`` otherwise."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)
