"""The WATS filter (``PublicWatsFilter``): parsing, date windows, periods and record matching.

Emulator choices where the reference is silent (documented in docs/emulator.md):
- ``dateGrouping`` follows the pywats mapping: -1 none, 0 year, 1 quarter, 2 month, 3 week,
  4 day, 5 hour.
- With no ``dateFrom``/``dateTo``/``periodCount`` the filter has no date limit (the real server
  defaults to "the last 30 days"; an open window keeps tests independent of the clock).
- Text fields match case-insensitively; ``*`` and ``%`` are wildcards; ``;`` separates
  alternatives.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from pywats_emulator.routes._analytics_records import ReportRecord, parse_datetime
from pywats_emulator.routes._patterns import split_patterns, wildcard_match

NO_GROUPING = -1
YEAR, QUARTER, MONTH, WEEK, DAY, HOUR = 0, 1, 2, 3, 4, 5
STATUS_LETTERS = {"passed": "P", "failed": "F", "error": "E", "terminated": "T", "done": "D"}

_TEXT_FIELDS = {
    "serialNumber": "serial_number",
    "partNumber": "part_number",
    "revision": "revision",
    "batchNumber": "batch_number",
    "stationName": "station_name",
    "testOperation": "test_operation",
    "status": "status",
    "miscDescription": "misc_description",
    "miscValue": "misc_value",
    "productGroup": "product_group",
    "level": "level",
    "swFilename": "sw_filename",
    "swVersion": "sw_version",
    "socket": "socket",
    "dimensions": "dimensions",
    "assetSerialNumber": "asset_serial_number",
    "assetName": "asset_name",
    "measurementPaths": "measurement_paths",
}
_INT_FIELDS = {
    "yield": "yield_",
    "dateGrouping": "date_grouping",
    "periodCount": "period_count",
    "maxCount": "max_count",
    "minCount": "min_count",
    "topCount": "top_count",
    "run": "run",
}
# pywats sends these spellings for the misc-info pair.
_ALIASES = {"miscInfoDescription": "miscDescription", "miscInfoString": "miscValue"}


class FilterError(Exception):
    """The filter body or a query parameter is invalid (answered with HTTP 400)."""


class UnknownEntityError(Exception):
    """A product group, level or user named by the request does not exist (HTTP 404)."""


@dataclass(frozen=True)
class WatsFilter:
    """A parsed ``PublicWatsFilter``; ``None`` means "not given"."""

    serial_number: str | None = None
    part_number: str | None = None
    revision: str | None = None
    batch_number: str | None = None
    station_name: str | None = None
    test_operation: str | None = None
    status: str | None = None
    misc_description: str | None = None
    misc_value: str | None = None
    product_group: str | None = None
    level: str | None = None
    sw_filename: str | None = None
    sw_version: str | None = None
    socket: str | None = None
    dimensions: str | None = None
    asset_serial_number: str | None = None
    asset_name: str | None = None
    measurement_paths: str | None = None
    yield_: int | None = None
    date_grouping: int | None = None
    period_count: int | None = None
    max_count: int | None = None
    min_count: int | None = None
    top_count: int | None = None
    run: int | None = None
    include_current_period: bool | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None


@dataclass(frozen=True)
class Catalog:
    """Product groups and levels: which part numbers / locations belong to which name."""

    product_groups: Sequence[tuple[int, str, Sequence[str]]] = field(default_factory=tuple)
    levels: Sequence[tuple[int, str, Sequence[str]]] = field(default_factory=tuple)

    def product_groups_of(self, part_number: str) -> list[str]:
        """Names of the product groups whose part-number patterns match ``part_number``."""
        return [
            name
            for _, name, patterns in self.product_groups
            if any(wildcard_match(pattern, part_number) for pattern in patterns)
        ]

    def level_of(self, location: str) -> str:
        """Name of the level that holds stations at ``location`` (``""`` when none)."""
        for _, name, locations in self.levels:
            if any(wildcard_match(pattern, location) for pattern in locations):
                return name
        return ""

    def product_group_name(self, group_id: int) -> str:
        """Name of product group ``group_id``; raises :class:`UnknownEntityError` when unknown."""
        for known_id, name, _ in self.product_groups:
            if known_id == group_id:
                return name
        raise UnknownEntityError(f"Product group {group_id} not found.")

    def level_name(self, level_id: int) -> str:
        """Name of level ``level_id``; raises :class:`UnknownEntityError` when unknown."""
        for known_id, name, _ in self.levels:
            if known_id == level_id:
                return name
        raise UnknownEntityError(f"Level {level_id} not found.")


def parse_filter(body: Any) -> WatsFilter:
    """Read a filter body (JSON object or ``null``); raise :class:`FilterError` on bad input."""
    if body is None:
        return WatsFilter()
    if not isinstance(body, Mapping):
        raise FilterError("The filter must be a JSON object.")
    values: dict[str, Any] = {}
    for key, raw in body.items():
        wire = _ALIASES.get(key, key)
        if raw is None:
            continue
        if wire in _TEXT_FIELDS:
            values[_TEXT_FIELDS[wire]] = _as_text(wire, raw)
        elif wire in _INT_FIELDS:
            values[_INT_FIELDS[wire]] = _as_int(wire, raw)
        elif wire == "includeCurrentPeriod":
            values["include_current_period"] = _as_bool(wire, raw)
        elif wire in ("dateFrom", "dateTo"):
            values["date_from" if wire == "dateFrom" else "date_to"] = _as_datetime(wire, raw)
    if values.get("date_grouping", NO_GROUPING) not in range(-1, 6):
        raise FilterError("dateGrouping must be one of -1, 0, 1, 2, 3, 4, 5.")
    return WatsFilter(**values)


def _as_text(name: str, raw: Any) -> str | None:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise FilterError(f"Filter field '{name}' must be a string.")
    text = str(raw).strip()
    return text or None


def _as_int(name: str, raw: Any) -> int:
    if isinstance(raw, bool):
        raise FilterError(f"Filter field '{name}' must be an integer.")
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise FilterError(f"Filter field '{name}' must be an integer.") from None


def _as_bool(name: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise FilterError(f"Filter field '{name}' must be true or false.")


def _as_datetime(name: str, raw: Any) -> datetime:
    value = parse_datetime(raw) if isinstance(raw, str) else None
    if value is None:
        raise FilterError(f"Filter field '{name}' must be an ISO 8601 date-time.")
    return value


def matches_any(patterns: str | None, value: str) -> bool:
    """True when ``patterns`` is unset or one of its ``;``-separated alternatives matches."""
    if patterns is None:
        return True
    alternatives = split_patterns(patterns)
    return not alternatives or any(wildcard_match(item, value) for item in alternatives)


def status_letter(status: str | None) -> str | None:
    """Map the filter's status word to the WSJF result letter (``None`` = no status filter)."""
    if status is None or status.lower() in ("all", ""):
        return None
    letter = STATUS_LETTERS.get(status.lower())
    if letter is None and status.upper() in STATUS_LETTERS.values():
        letter = status.upper()
    if letter is None:
        raise FilterError(f"Unknown status '{status}' (use Passed, Failed, Error or Terminated).")
    return letter


def period_start(moment: datetime, grouping: int) -> datetime:
    """Start of the period of size ``grouping`` that contains ``moment``."""
    if grouping == YEAR:
        return moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if grouping == QUARTER:
        month = 3 * ((moment.month - 1) // 3) + 1
        return moment.replace(month=month, day=1, hour=0, minute=0, second=0, microsecond=0)
    if grouping == MONTH:
        return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if grouping == WEEK:
        return day - timedelta(days=moment.weekday())
    if grouping == HOUR:
        return moment.replace(minute=0, second=0, microsecond=0)
    return day


def shift_periods(start: datetime, grouping: int, count: int) -> datetime:
    """Move a period start by ``count`` periods (negative = back in time)."""
    if grouping in (YEAR, QUARTER, MONTH):
        months = count * {YEAR: 12, QUARTER: 3, MONTH: 1}[grouping]
        index = start.year * 12 + start.month - 1 + months
        return start.replace(year=index // 12, month=index % 12 + 1)
    step = {WEEK: timedelta(weeks=1), HOUR: timedelta(hours=1)}.get(grouping, timedelta(days=1))
    return start + count * step


def period_label(moment: datetime, grouping: int) -> str:
    """Readable period name: ``2026``, ``2026-Q1``, ``2026-01``, ``2026-W05``, ``2026-01-30``…"""
    if grouping == YEAR:
        return f"{moment.year:04d}"
    if grouping == QUARTER:
        return f"{moment.year:04d}-Q{(moment.month - 1) // 3 + 1}"
    if grouping == MONTH:
        return f"{moment.year:04d}-{moment.month:02d}"
    if grouping == WEEK:
        iso = moment.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    if grouping == HOUR:
        return moment.strftime("%Y-%m-%dT%H")
    return moment.strftime("%Y-%m-%d")


def date_window(wats_filter: WatsFilter, now: datetime) -> tuple[datetime | None, datetime | None]:
    """``[start, end)`` of the filter's period; explicit ``dateFrom``/``dateTo`` win."""
    start, end = wats_filter.date_from, wats_filter.date_to
    if wats_filter.period_count is not None and start is None and end is None:
        grouping = wats_filter.date_grouping
        grouping = DAY if grouping is None or grouping == NO_GROUPING else grouping
        current = period_start(now, grouping)
        if wats_filter.include_current_period is False:
            return shift_periods(current, grouping, -wats_filter.period_count), current
        return shift_periods(current, grouping, 1 - wats_filter.period_count), None
    return start, end


def record_matches(
    record: ReportRecord, wats_filter: WatsFilter, catalog: Catalog, now: datetime
) -> bool:
    """True when ``record`` passes every condition the filter sets."""
    start, end = date_window(wats_filter, now)
    if (start is not None and record.start_utc < start) or (
        end is not None and record.start_utc >= end
    ):
        return False
    letter = status_letter(wats_filter.status)
    if letter is not None and record.result.upper() != letter:
        return False
    return _text_fields_match(record, wats_filter) and _grouping_fields_match(
        record, wats_filter, catalog
    )


def _text_fields_match(record: ReportRecord, wats_filter: WatsFilter) -> bool:
    # Getters, not values: body fields are read (and the body decoded) only when filtered on.
    checks: tuple[tuple[str | None, Callable[[], str]], ...] = (
        (wats_filter.serial_number, lambda: record.sn),
        (wats_filter.part_number, lambda: record.pn),
        (wats_filter.revision, lambda: record.rev),
        (wats_filter.batch_number, lambda: str(record.uut.get("batchSN") or "")),
        (wats_filter.station_name, lambda: record.machine_name),
        (wats_filter.sw_filename, lambda: record.sw_filename),
        (wats_filter.sw_version, lambda: record.sw_version),
        (wats_filter.socket, lambda: str(record.uut.get("testSocketIndex", ""))),
    )
    if not all(pattern is None or matches_any(pattern, value()) for pattern, value in checks):
        return False
    if wats_filter.test_operation is not None and not (
        matches_any(wats_filter.test_operation, record.process_name)
        or matches_any(wats_filter.test_operation, str(record.process_code))
    ):
        return False
    return _misc_matches(record, wats_filter)


def _misc_matches(record: ReportRecord, wats_filter: WatsFilter) -> bool:
    if wats_filter.misc_description is None and wats_filter.misc_value is None:
        return True
    return any(
        matches_any(wats_filter.misc_description, description)
        and matches_any(wats_filter.misc_value, text)
        for description, text in record.misc_infos()
    )


def _grouping_fields_match(record: ReportRecord, wats_filter: WatsFilter, catalog: Catalog) -> bool:
    if wats_filter.product_group is not None and not any(
        matches_any(wats_filter.product_group, name)
        for name in catalog.product_groups_of(record.pn)
    ):
        return False
    if wats_filter.level is not None and not matches_any(
        wats_filter.level, catalog.level_of(record.location)
    ):
        return False
    assets = record.assets()
    if wats_filter.asset_serial_number is not None and not any(
        matches_any(wats_filter.asset_serial_number, str(a.get("assetSN") or a.get("sn") or ""))
        for a in assets
    ):
        return False
    return wats_filter.asset_name is None or any(
        matches_any(wats_filter.asset_name, str(a.get("assetName") or "")) for a in assets
    )


def previous_period(wats_filter: WatsFilter, now: datetime) -> WatsFilter | None:
    """The same filter over the equally long window just before it (``None``: no window).

    Used for the previous-period and trend columns of DynamicYield.
    """
    start, end = date_window(wats_filter, now)
    if start is None:
        return None
    span = (end or now) - start
    return replace(wats_filter, date_from=start - span, date_to=start, period_count=None)
