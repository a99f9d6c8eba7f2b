"""Asset rules without I/O: count arithmetic, due dates and the status/alarm computation.

Assets and types are wire dicts (camelCase keys, ISO 8601 date strings) as the routes store them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pywats_emulator.routes._dates import parse_date

DEFAULT_WARNING_PERCENT = 80.0
DEFAULT_ALARM_PERCENT = 100.0
UNLIMITED_INTERVAL = -1.0
EXTERNAL_INTERVAL = -2.0

ALARM_OK, ALARM_WARNING, ALARM_ALARM = 0, 1, 2

Wire = Mapping[str, Any]


def counts_after(
    running: int, total: int, *, increment_by: int | None, new_total: int | None
) -> tuple[int, int]:
    """Running and total count after ``PUT /api/Asset/Count``.

    ``new_total`` wins over ``increment_by``: the total becomes it and the difference is
    applied to the running count too (never below zero).
    """
    if new_total is not None:
        return max(0, running + new_total - total), new_total
    step = increment_by or 0
    return max(0, running + step), max(0, total + step)


def next_due(done: datetime, interval_days: float | None) -> datetime | None:
    """When the next calibration/maintenance is due, or ``None`` (no, unlimited or external)."""
    if interval_days is None or interval_days <= 0:
        return None
    return done + timedelta(days=interval_days)


def overdue_days(due: datetime | None, now: datetime) -> float | None:
    """Days past ``due`` (negative while still ahead), rounded to 0.01; ``None`` without a date."""
    if due is None:
        return None
    return round((now - due).total_seconds() / 86400.0, 2)


@dataclass(frozen=True)
class _Thresholds:
    warning: float
    alarm: float

    def level(self, percent: float) -> int:
        if percent >= self.alarm:
            return ALARM_ALARM
        return ALARM_WARNING if percent >= self.warning else ALARM_OK


def _thresholds(asset_type: Wire | None) -> _Thresholds:
    asset_type = asset_type or {}
    warning = asset_type.get("warningThreshold")
    alarm = asset_type.get("alarmThreshold")
    return _Thresholds(
        float(warning) if warning is not None else DEFAULT_WARNING_PERCENT,
        float(alarm) if alarm is not None else DEFAULT_ALARM_PERCENT,
    )


def _count_findings(asset: Wire, asset_type: Wire, limits: _Thresholds) -> list[tuple[int, str]]:
    findings: list[tuple[int, str]] = []
    for label, count_key, limit_key in (
        ("Running count", "runningCount", "runningCountLimit"),
        ("Total count", "totalCount", "totalCountLimit"),
    ):
        limit = asset_type.get(limit_key)
        if not limit or limit <= 0:
            continue
        count = int(asset.get(count_key) or 0)
        percent = 100.0 * count / float(limit)
        level = limits.level(percent)
        if level != ALARM_OK:
            findings.append((level, f"{label} {count} of {limit} ({percent:.0f}%)"))
    return findings


def _date_finding(
    label: str, last: datetime | None, due: datetime | None, now: datetime, limits: _Thresholds
) -> tuple[int, str] | None:
    if due is None:
        return None
    late = overdue_days(due, now) or 0.0
    if late >= 0:
        return ALARM_ALARM, f"{label} overdue by {late:.1f} days"
    if last is None or due <= last:
        return None
    percent = 100.0 * (now - last).total_seconds() / (due - last).total_seconds()
    level = limits.level(percent)
    if level == ALARM_OK:
        return None
    return level, f"{label} due in {-late:.1f} days"


def asset_status(asset: Wire, asset_type: Wire | None, now: datetime) -> dict[str, Any]:
    """The ``GET /api/Asset/Status`` object of ``asset`` at ``now``.

    The alarm state is the worst of: each count against its limit (percent of the limit
    versus the type's warning/alarm thresholds), and each calibration/maintenance due date
    (overdue is an alarm; the elapsed share of the interval is held against the thresholds).
    """
    limits = _thresholds(asset_type)
    findings = _count_findings(asset, asset_type or {}, limits)
    next_cal = parse_date(asset.get("nextCalibrationDate"))
    next_main = parse_date(asset.get("nextMaintenanceDate"))
    for label, last_key, due in (
        ("Calibration", "lastCalibrationDate", next_cal),
        ("Maintenance", "lastMaintenanceDate", next_main),
    ):
        found = _date_finding(label, parse_date(asset.get(last_key)), due, now, limits)
        if found is not None:
            findings.append(found)
    alarm = max((level for level, _ in findings), default=ALARM_OK)
    return {
        "assetId": asset["assetId"],
        "serialNumber": asset["serialNumber"],
        "state": asset.get("state", 0),
        "alarmState": alarm,
        "message": "; ".join(text for _, text in findings) or "OK",
        "runningCount": int(asset.get("runningCount") or 0),
        "runningCountLimit": (asset_type or {}).get("runningCountLimit"),
        "totalCount": int(asset.get("totalCount") or 0),
        "totalCountLimit": (asset_type or {}).get("totalCountLimit"),
        "nextCalibrationDate": asset.get("nextCalibrationDate"),
        "calibrationOverdueDays": overdue_days(next_cal, now),
        "nextMaintenanceDate": asset.get("nextMaintenanceDate"),
        "maintenanceOverdueDays": overdue_days(next_main, now),
    }


def descendants(parent_of: Mapping[str, str | None], root: str, max_level: int) -> list[str]:
    """Ids below ``root`` in breadth-first order; ``max_level`` 0 means every level."""
    children: dict[str, list[str]] = {}
    for child, parent in parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found: list[str] = []
    seen = {root}
    frontier, level = [root], 0
    while frontier and (max_level == 0 or level < max_level):
        # ``seen`` guards against a parent cycle in bad data looping forever.
        frontier = [c for p in frontier for c in sorted(children.get(p, [])) if c not in seen]
        seen.update(frontier)
        found.extend(frontier)
        level += 1
    return found
