"""The ``reports`` table: schema and the SQL behind the report endpoints."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pywats.report import UURReport, UUTReport

from .reportdata import HEADER_COLUMNS, header_columns, normalise_id
from .store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    pn TEXT, sn TEXT, rev TEXT,
    process_code INTEGER, process_name TEXT,
    result TEXT,
    machine_name TEXT, location TEXT, purpose TEXT,
    start TEXT, start_utc TEXT,
    operator TEXT, batch_sn TEXT, comment TEXT, exec_time REAL,
    error_code INTEGER, error_message TEXT, fixture_id TEXT, test_socket_index INTEGER,
    sw_filename TEXT, sw_version TEXT, ref_uut TEXT,
    caused_uut_failure TEXT, caused_uut_failure_path TEXT,
    report_size INTEGER,
    run INTEGER,
    origin TEXT,
    format TEXT NOT NULL DEFAULT 'wsjf',
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    receive_count INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS reports_start ON reports (start_utc);
CREATE INDEX IF NOT EXISTS reports_unit ON reports (sn, pn, process_code);
CREATE INDEX IF NOT EXISTS reports_ref_uut ON reports (ref_uut);
"""

_INSERT_COLUMNS = (*HEADER_COLUMNS, "run", "origin", "format", "body", "received_at")
_UPDATE_COLUMNS = tuple(c for c in _INSERT_COLUMNS if c not in ("id", "run"))
# The run number counts earlier receptions of the same unit in the same process.
_NEXT_RUN = (
    "(SELECT COUNT(*) + 1 FROM reports WHERE sn = :sn AND pn = :pn "
    "AND process_code IS :process_code AND type = :type AND id <> :id)"
)
# One statement (atomic on its own): insert, or on a known id overwrite and count it.
UPSERT = (
    f"INSERT INTO reports ({', '.join(_INSERT_COLUMNS)}) "
    f"VALUES ({', '.join(_NEXT_RUN if c == 'run' else ':' + c for c in _INSERT_COLUMNS)}) "
    "ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{c}=excluded.{c}" for c in _UPDATE_COLUMNS)
    + ", receive_count=receive_count+1 RETURNING seq, receive_count"
)
PASSED_IN_RUN = (
    "(SELECT MIN(p.run) FROM reports AS p WHERE p.sn = reports.sn AND p.pn = reports.pn "
    "AND p.process_code IS reports.process_code AND p.type = 'T' AND p.result = 'P') "
    "AS passed_in_run"
)
HEADER_SELECT = ", ".join(
    ["seq", *HEADER_COLUMNS, "run", "receive_count", "origin", "received_at", PASSED_IN_RUN]
)


@dataclass(frozen=True)
class StoredReport:
    """What submitting produced: the row's sequence number and id, and how often received."""

    seq: int
    id: str
    receive_count: int


def save_report(
    store: Store,
    report: UUTReport | UURReport,
    body: str,
    *,
    origin: str,
    received_at: str,
    fmt: str = "wsjf",
) -> StoredReport:
    """Insert a report, or overwrite the stored copy when its ``id`` is known already."""
    values: dict[str, Any] = header_columns(report, body)
    values.update(origin=origin, format=fmt, body=body, received_at=received_at)
    [row] = store.query(UPSERT, values)
    return StoredReport(int(row[0]), values["id"], int(row[1]))


def find_report(store: Store, report_id: str) -> sqlite3.Row | None:
    """The full row of a report by id (any case), or ``None``."""
    return store.query_one(
        f"SELECT {HEADER_SELECT}, format, body FROM reports WHERE id = ?",
        (normalise_id(report_id),),
    )


def delete_reports(store: Store, report_ids: list[str]) -> int:
    """Delete reports by (normalised) id; returns how many existed."""
    with store.transaction() as conn:
        return sum(
            conn.execute("DELETE FROM reports WHERE id = ?", (report_id,)).rowcount
            for report_id in report_ids
        )


def repairs_of(store: Store, report_id: str) -> list[dict[str, Any]]:
    """``refUURs`` of a test report: repairs that reference it, oldest first."""
    rows = store.query(
        "SELECT id, start FROM reports WHERE ref_uut = ? AND type = 'R' ORDER BY start_utc",
        (normalise_id(report_id),),
    )
    return [{"id": row["id"], "start": row["start"]} for row in rows]


def query_headers(
    store: Store,
    where: str,
    params: list[Any],
    order_by: str,
    *,
    top: int,
    skip: int,
    with_body: bool,
) -> list[sqlite3.Row]:
    """Header rows matching a compiled filter, ordered and paged."""
    columns = HEADER_SELECT + (", body" if with_body else "")
    sql = f"SELECT {columns} FROM reports WHERE {where} ORDER BY {order_by} LIMIT ? OFFSET ?"
    return store.query(sql, [*params, top, skip])


def row_dict(row: sqlite3.Row | Mapping[str, Any]) -> dict[str, Any]:
    """A row as a plain dict."""
    return dict(row) if isinstance(row, Mapping) else {k: row[k] for k in row.keys()}  # noqa: SIM118
