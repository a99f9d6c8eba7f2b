"""Store access for the analytics routes: reports, product groups, levels, user settings.

Product groups are the product routes' tables (read through ``_product_groups``).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from typing import Any

from starlette.requests import Request

from pywats_emulator.http import read_json
from pywats_emulator.routes._analytics_filter import (
    Catalog,
    WatsFilter,
    parse_filter,
    previous_period,
    record_matches,
)
from pywats_emulator.routes._analytics_records import ReportRecord, record_from_row
from pywats_emulator.routes._patterns import split_patterns
from pywats_emulator.routes._product_groups import analytics_groups
from pywats_emulator.state import EmulatorState
from pywats_emulator.store import Store


class AnalyticsData:
    """Reads what the analytics computations need from the store."""

    def __init__(self, state: EmulatorState) -> None:
        self._state = state

    @property
    def store(self) -> Store:
        """The emulator's database."""
        return self._state.store

    def catalog(self) -> Catalog:
        """Product groups and levels as stored."""
        levels = self.store.query(
            "SELECT id, name, location_patterns FROM analytics_levels ORDER BY id"
        )
        return Catalog(
            product_groups=tuple(analytics_groups(self.store)),
            levels=tuple((r[0], r[1], split_patterns(r[2])) for r in levels),
        )

    def all_records(self) -> list[ReportRecord]:
        """Every stored report (none while the report table does not exist yet)."""
        names = self._process_names()
        try:
            rows = self.store.query("SELECT * FROM reports")
        except sqlite3.OperationalError:
            return []
        return [record_from_row(dict(row), names) for row in rows]

    def matching(self, wats_filter: WatsFilter) -> list[ReportRecord]:
        """Stored reports that pass ``wats_filter``."""
        catalog, now = self.catalog(), self._state.clock()
        return [r for r in self.all_records() if record_matches(r, wats_filter, catalog, now)]

    def previous_period(self, wats_filter: WatsFilter) -> list[ReportRecord]:
        """Reports of the window just before the filter's (none when it has no window)."""
        earlier = previous_period(wats_filter, self._state.clock())
        return [] if earlier is None else self.matching(earlier)

    def days_window(self, days: int) -> WatsFilter:
        """A filter for the last ``days`` days up to the emulator clock's now."""
        return WatsFilter(date_from=self._state.clock() - timedelta(days=days))

    def user_settings(self, user_name: str) -> dict[str, Any] | None:
        """Stored common settings of ``user_name`` (case-insensitive), or ``None``."""
        row = self.store.query_one(
            "SELECT user_name, settings FROM analytics_user_settings WHERE user_name = ?",
            (user_name,),
        )
        if row is None:
            return None
        settings: dict[str, Any] = json.loads(row[1])
        return {"userName": row[0], **settings}

    def _process_names(self) -> dict[int, str]:
        try:
            rows = self.store.query("SELECT code, name FROM processes")
        except sqlite3.OperationalError:
            return {}
        return {int(r[0]): str(r[1]) for r in rows}


async def read_filter(request: Request) -> WatsFilter:
    """The request's ``PublicWatsFilter`` body; an empty body means "no conditions"."""
    if not (await request.body()).strip():
        return WatsFilter()
    return parse_filter(await read_json(request))
