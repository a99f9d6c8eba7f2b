"""WatsTimestamp: original text kept, parsed value offered, bad values typed errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pywats.exceptions import ReportFormatError
from pywats.report import WatsTimestamp
from pywats.report._timestamp import utc_text


def test_seven_fraction_digits_are_kept_as_text_and_truncated_in_the_value() -> None:
    stamp = WatsTimestamp("2026-01-30T22:01:41.4707353+01:00")
    assert str(stamp) == "2026-01-30T22:01:41.4707353+01:00"
    assert stamp.datetime == datetime(
        2026, 1, 30, 22, 1, 41, 470735, tzinfo=timezone(timedelta(hours=1))
    )
    assert stamp.has_offset


def test_utc_z_and_missing_offset() -> None:
    assert WatsTimestamp("2026-01-30T21:01:41Z").datetime.tzinfo is not None
    naive = WatsTimestamp("2026-01-30T21:01:41")
    assert not naive.has_offset
    assert naive.datetime.tzinfo is None


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z"])
def test_bad_text_is_a_format_error(text: str) -> None:
    with pytest.raises(ReportFormatError, match="date-time"):
        WatsTimestamp(text)


def test_from_datetime_needs_an_offset() -> None:
    aware = datetime(2025, 3, 4, 9, 15, tzinfo=timezone(timedelta(hours=-5)))
    assert WatsTimestamp.from_datetime(aware).text == "2025-03-04T09:15:00.000000-05:00"
    with pytest.raises(ReportFormatError, match="naive datetime"):
        WatsTimestamp.from_datetime(datetime(2025, 3, 4, 9, 15))


def test_equality_is_by_text() -> None:
    assert WatsTimestamp("2026-01-30T21:01:41Z") == WatsTimestamp("2026-01-30T21:01:41Z")
    assert WatsTimestamp("2026-01-30T21:01:41Z") != WatsTimestamp("2026-01-30T21:01:41+00:00")
    assert len({WatsTimestamp("2026-01-30T21:01:41Z"), WatsTimestamp("2026-01-30T21:01:41Z")}) == 1


def test_utc_text() -> None:
    start = datetime(2025, 3, 4, 9, 15, 0, 250000, tzinfo=timezone(timedelta(hours=1)))
    assert utc_text(start) == "2025-03-04T08:15:00.250000Z"
    assert utc_text(datetime(2025, 1, 1, tzinfo=UTC)) == "2025-01-01T00:00:00.000000Z"
