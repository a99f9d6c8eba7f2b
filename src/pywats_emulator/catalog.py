"""Look-ups into other domains' tables (processes, products) that the report domain needs.

The tables belong to other route modules and may be absent when the emulator runs with a
subset of modules; every look-up then answers "unknown" instead of failing.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from .store import Store
from .submission import ProcessInfo


class Catalog:
    """Process and product facts read from the shared database."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _one(self, sql: str, params: tuple[object, ...]) -> sqlite3.Row | None:
        try:
            return self.store.query_one(sql, params)
        except sqlite3.OperationalError:  # the owning module is not loaded
            return None

    def has_processes(self) -> bool:
        """True when a process register with at least one operation exists."""
        return self._one("SELECT 1 FROM processes LIMIT 1", ()) is not None

    def process(self, code: int) -> ProcessInfo | None:
        """The operation with ``code``, or ``None``."""
        row = self._one(
            "SELECT code, name, is_test, is_repair FROM processes WHERE code = ?", (code,)
        )
        if row is None:
            return None
        return ProcessInfo(int(row[0]), str(row[1]), bool(row[2]), bool(row[3]))

    def process_name(self, code: int | None) -> str | None:
        """The configured name of operation ``code``."""
        info = self.process(code) if code is not None else None
        return info.name if info is not None else None

    def repair_type(self, code: int) -> dict[str, Any] | None:
        """The ``RepairType`` configuration of repair operation ``code``, or ``None``."""
        row = self._one("SELECT config FROM repair_operations WHERE process_code = ?", (code,))
        if row is None:
            return None
        try:
            config = json.loads(row[0])
        except (TypeError, ValueError):
            return None
        return config if isinstance(config, dict) else None

    def product_name(self, part_number: str | None) -> str | None:
        """The product register's name for ``part_number``."""
        if part_number is None:
            return None
        row = self._one("SELECT name FROM products WHERE part_number = ?", (part_number,))
        return str(row[0]) if row is not None and row[0] is not None else None
