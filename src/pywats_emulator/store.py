"""SQLite storage shared by every emulator route module.

One connection serves the whole process: SQLite serialises writers anyway, and a single
connection guarded by a lock is both the fastest and the simplest safe choice for a server
whose handlers run on one event loop while tests read from another thread.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MEMORY = ":memory:"

Params = Sequence[Any] | dict[str, Any]


class Store:
    """Thread-safe access to the emulator's SQLite database (WAL mode for files).

    ``path`` is a file path or ``":memory:"``. Every :meth:`execute` commits immediately;
    use :meth:`transaction` to group several statements atomically.
    """

    def __init__(self, path: str | Path = MEMORY) -> None:
        self.path = str(path)
        if self.path != MEMORY:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._depth = 0
        self._conn = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=30.0
        )
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA foreign_keys=ON")
        if self.path != MEMORY:
            self._conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable across application crashes in WAL mode; only an OS crash can
            # lose the last transactions, which is acceptable for an emulator.
            self._conn.execute("PRAGMA synchronous=NORMAL")

    @property
    def journal_mode(self) -> str:
        """The journal mode SQLite reports (``wal`` for files, ``memory`` for ``:memory:``)."""
        return str(self.query("PRAGMA journal_mode")[0][0])

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        """Run one statement and commit it (unless inside :meth:`transaction`)."""
        with self._lock:
            cursor = self._conn.execute(sql, params)
            return cursor

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement for each parameter set, atomically."""
        with self.transaction():
            self._conn.executemany(sql, rows)

    def query(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Run a statement and return every row (reads, or writes with ``RETURNING``)."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def query_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """Run a read statement and return its first row, or ``None``."""
        with self._lock:
            row: sqlite3.Row | None = self._conn.execute(sql, params).fetchone()
            return row

    def executescript(self, sql: str) -> None:
        """Run a script of several statements (schemas)."""
        with self._lock:
            self._conn.executescript(sql)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Group statements into one transaction; nested use joins the outer one."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self._conn
            except BaseException:
                self._depth -= 1
                if outer:
                    self._conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self._conn.execute("COMMIT")

    def table_names(self) -> list[str]:
        """Names of the user tables in the database."""
        rows = self.query(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
        return [str(r[0]) for r in rows]

    def clear_all(self) -> None:
        """Delete every row of every table (the schema stays)."""
        with self.transaction() as conn:
            conn.execute("PRAGMA defer_foreign_keys=ON")
            for name in self.table_names():
                conn.execute(f'DELETE FROM "{name}"')
            has_sequence = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'"
            ).fetchone()
            if has_sequence:
                conn.execute("DELETE FROM sqlite_sequence")

    def close(self) -> None:
        """Close the connection (checkpointing the WAL for file databases)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
