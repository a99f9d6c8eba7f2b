"""WSJF date-time values that keep their original text.

WATS writes up to seven fractional-second digits (.NET ticks) and a UTC offset, e.g.
``2026-01-30T22:01:41.4707353+01:00``. Python's ``datetime`` holds only six digits, so a
parsed value cannot reproduce the text. :class:`WatsTimestamp` stores the text exactly as
received and parses it on demand, which keeps round-trips byte-faithful.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

from pywats.exceptions import ReportFormatError

# Date, time, optional fraction (any number of digits), optional offset.
_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?P<offset>Z|z|[+-]\d{2}:?\d{2})?"
)


class TimestampError(ReportFormatError, ValueError):
    """A date-time text or value WATS cannot use (also a ``ValueError``, as for ``datetime``)."""


class WatsTimestamp:
    """An ISO 8601 date-time as written in a report, with its parsed value.

    ``text`` is the original spelling; :attr:`datetime` is the parsed value (aware when
    the text carries an offset). Two timestamps are equal when their texts are equal.
    Text that is not a real date-time raises :class:`TimestampError` (a
    :class:`~pywats.exceptions.ReportFormatError` and a ``ValueError``).
    """

    __slots__ = ("_has_offset", "_parsed", "text")

    def __init__(self, text: str) -> None:
        match = _ISO_DATETIME.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise TimestampError(f"not an ISO 8601 date-time: {text!r}")
        try:
            self._parsed = _parse(text)
        except ValueError as exc:  # e.g. month 13, February 30
            raise TimestampError(f"not a valid date-time: {text!r} ({exc})") from None
        self.text = text
        self._has_offset = match.group("offset") is not None

    @classmethod
    def from_datetime(cls, value: datetime) -> WatsTimestamp:
        """Format an aware ``datetime`` with microseconds and its UTC offset.

        A naive datetime is refused with :class:`TimestampError`:
        WATS needs the station's UTC offset and guessing one would silently shift the
        report in time.
        """
        if value.tzinfo is None or value.utcoffset() is None:
            raise TimestampError(
                "naive datetime: give a timezone-aware datetime (e.g. tz=timezone.utc)"
            )
        return cls(value.isoformat(timespec="microseconds"))

    @property
    def has_offset(self) -> bool:
        """True when the text states a UTC offset (``Z`` or ``±hh:mm``)."""
        return self._has_offset

    @property
    def datetime(self) -> datetime:
        """The parsed value; digits beyond microseconds are truncated."""
        return self._parsed

    def __eq__(self, other: object) -> bool:
        if isinstance(other, WatsTimestamp):
            return self.text == other.text
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.text)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"WatsTimestamp({self.text!r})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        from_text = core_schema.no_info_plain_validator_function(_validate_timestamp)
        return core_schema.json_or_python_schema(
            json_schema=core_schema.chain_schema([core_schema.str_schema(), from_text]),
            python_schema=from_text,
            serialization=core_schema.plain_serializer_function_ser_schema(
                _timestamp_text, when_used="always"
            ),
        )


def _parse(text: str) -> datetime:
    """Parse ISO text, trimming fractions longer than Python's six digits."""
    normalised = text.replace(",", ".").replace(" ", "T", 1)
    if normalised.endswith(("Z", "z")):
        normalised = normalised[:-1] + "+00:00"
    head, dot, rest = normalised.partition(".")
    if dot:
        digits = len(rest) - len(rest.lstrip("0123456789"))
        fraction, tail = rest[:digits], rest[digits:]
        normalised = f"{head}.{fraction[:6].ljust(6, '0')}{tail}"
    return datetime.fromisoformat(normalised)


def _validate_timestamp(value: Any) -> WatsTimestamp:
    if isinstance(value, WatsTimestamp):
        return value
    if not isinstance(value, str | datetime):
        raise PydanticCustomError("wats_timestamp_type", "expected an ISO 8601 date-time string")
    try:
        if isinstance(value, datetime):
            return WatsTimestamp.from_datetime(value)
        return WatsTimestamp(value)
    except ReportFormatError as exc:
        raise PydanticCustomError("wats_timestamp", "{error}", {"error": exc.message}) from None


def _timestamp_text(value: WatsTimestamp) -> str:
    return value.text


def utc_text(value: datetime) -> str:
    """The instant as UTC text with ``Z``, as WATS writes ``startUTC``."""
    utc = value.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


__all__ = ["TimestampError", "WatsTimestamp", "utc_text"]
