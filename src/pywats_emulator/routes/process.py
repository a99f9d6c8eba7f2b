"""Process routes: the public process list and the internal process / repair-operation calls.

Table ``processes`` (one row per operation code) is also read by other route modules, e.g.
report validation and ``SetUnitProcess``; ``repair_operations`` holds each repair process's
``RepairType`` JSON (PascalCase, as the internal API returns it).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pywats_emulator.http import json_response
from pywats_emulator.routes._params import (
    fits_int64,
    guarded,
    not_found,
    optional_bool,
    optional_int,
    row_or_404,
)
from pywats_emulator.routes._process_seed import (
    SEED_PROCESSES,
    repair_codes,
    repair_config,
)
from pywats_emulator.routes._seed_ids import seed_guid
from pywats_emulator.state import EmulatorState
from pywats_emulator.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS processes (
    code INTEGER PRIMARY KEY,
    process_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL COLLATE NOCASE,
    description TEXT,
    process_index INTEGER NOT NULL DEFAULT 0,
    state INTEGER NOT NULL DEFAULT 1,
    properties TEXT,
    is_test INTEGER NOT NULL DEFAULT 0,
    is_repair INTEGER NOT NULL DEFAULT 0,
    is_wip INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS repair_operations (
    process_code INTEGER PRIMARY KEY REFERENCES processes(code) ON DELETE CASCADE,
    config TEXT NOT NULL
);
"""


def seed(store: Store) -> None:
    """Insert the demo processes and the repair configurations of 500 and 510."""
    with store.transaction() as conn:
        for process in SEED_PROCESSES:
            conn.execute(
                "INSERT INTO processes (code, process_id, name, description, process_index,"
                " state, is_test, is_repair, is_wip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    process.code,
                    seed_guid("process", process.code),
                    process.name,
                    process.description,
                    process.index,
                    1 if process.active else 0,
                    int(process.kind == "test"),
                    int(process.kind == "repair"),
                    int(process.kind == "wip"),
                ),
            )
        for code in repair_codes():
            conn.execute(
                "INSERT INTO repair_operations (process_code, config) VALUES (?, ?)",
                (code, json.dumps(repair_config(code))),
            )


@dataclass(frozen=True)
class ProcessFilter:
    """The include flags of ``GET /api/App/Processes``; ``None`` means the default."""

    test: bool | None = None
    repair: bool | None = None
    wip: bool | None = None
    inactive: bool | None = None

    def accepts(self, row: Mapping[str, Any]) -> bool:
        """Whether a ``processes`` row belongs in the answer."""
        if not row["state"] and not self.inactive:
            return False
        return bool(
            (row["is_test"] and self.test is not False)
            or (row["is_repair"] and self.repair is not False)
            or (row["is_wip"] and self.wip is not False)
        )


def select_processes(rows: Iterable[Mapping[str, Any]], flags: ProcessFilter) -> list[Any]:
    """The public list: rows the filter accepts, ordered by process index then code."""
    chosen = [row for row in rows if flags.accepts(row)]
    chosen.sort(key=lambda row: (row["process_index"], row["code"]))
    return [public_process(row) for row in chosen]


def public_process(row: Mapping[str, Any]) -> dict[str, Any]:
    """A ``processes`` row as the public API shows it (camelCase)."""
    return {
        "code": row["code"],
        "name": row["name"],
        "description": row["description"],
        "isTestOperation": bool(row["is_test"]),
        "isRepairOperation": bool(row["is_repair"]),
        "isWipOperation": bool(row["is_wip"]),
        "processIndex": row["process_index"],
        "state": row["state"],
    }


def internal_process(row: Mapping[str, Any]) -> dict[str, Any]:
    """A ``processes`` row as the internal API shows it (PascalCase, with the GUID)."""
    return {
        "Code": row["code"],
        "ProcessID": row["process_id"],
        "Name": row["name"],
        "Description": row["description"],
        "ProcessIndex": row["process_index"],
        "State": row["state"],
        "Properties": row["properties"],
        "IsTestOperation": bool(row["is_test"]),
        "IsWIPOperation": bool(row["is_wip"]),
        "IsRepairOperation": bool(row["is_repair"]),
    }


def find_process(store: Store, code_or_name: str) -> sqlite3.Row | None:
    """A process by code (digits) or by name (any case)."""
    text = code_or_name.strip()
    if text.isdigit():
        code = int(text)
        if not fits_int64(code):
            return None
        return store.query_one("SELECT * FROM processes WHERE code = ?", (code,))
    return store.query_one("SELECT * FROM processes WHERE name = ?", (text,))


class ProcessRoutes:
    """Handlers bound to one emulator state (each wrapped by ``guarded`` when routed)."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.store = state.store

    def routes(self) -> list[Route]:
        """The route table: each handler below, wrapped by ``guarded``."""
        return [
            Route("/api/app/processes", guarded(self.list_public), methods=["GET"]),
            Route(
                "/api/internal/process/getprocesses", guarded(self.list_internal), methods=["GET"]
            ),
            Route(
                "/api/internal/process/getprocess/{id}", guarded(self.get_internal), methods=["GET"]
            ),
            Route(
                "/api/internal/process/getrepairoperations",
                guarded(self.list_repair),
                methods=["GET"],
            ),
            Route(
                "/api/internal/process/getrepairoperation/{id}",
                guarded(self.get_repair),
                methods=["GET"],
            ),
        ]

    async def list_public(self, request: Request) -> Response:
        """``GET /api/app/processes``."""
        params = request.query_params
        flags = ProcessFilter(
            test=optional_bool(params, "includeTestOperations"),
            repair=optional_bool(params, "includeRepairOperations"),
            wip=optional_bool(params, "includeWipOperations"),
            inactive=optional_bool(params, "includeInactiveProcesses"),
        )
        return json_response(
            select_processes(map(dict, self.store.query("SELECT * FROM processes")), flags)
        )

    async def list_internal(self, request: Request) -> Response:
        """``GET /api/internal/process/getprocesses``."""
        rows = self.store.query("SELECT * FROM processes ORDER BY process_index, code")
        return json_response([internal_process(dict(row)) for row in rows])

    async def get_internal(self, request: Request) -> Response:
        """``GET /api/internal/process/getprocess/{id}``."""
        return json_response(internal_process(dict(_process_by_guid(self.store, request))))

    async def list_repair(self, request: Request) -> Response:
        """``GET /api/internal/process/getrepairoperations``."""
        rows = self.store.query("SELECT * FROM repair_operations ORDER BY process_code")
        return json_response({str(row["process_code"]): json.loads(row["config"]) for row in rows})

    async def get_repair(self, request: Request) -> Response:
        """``GET /api/internal/process/getrepairoperation/{id}``."""
        code = optional_int(request.query_params, "processCode")
        process_id = str(request.path_params["id"]).lower()
        row = self.store.query_one(
            "SELECT r.config FROM repair_operations r JOIN processes p ON p.code = r.process_code"
            " WHERE p.process_id = ? OR p.code = ?",
            (process_id, code),
        )
        if row is None:
            raise not_found(f"No repair operation with id '{process_id}'.")
        return json_response(json.loads(row["config"]))


def _process_by_guid(store: Store, request: Request) -> dict[str, Any]:
    process_id = str(request.path_params["id"]).lower()
    return row_or_404(
        store,
        "SELECT * FROM processes WHERE process_id = ?",
        (process_id,),
        f"No process with id '{process_id}'.",
    )


def routes(state: EmulatorState) -> list[Route]:
    """The process routes bound to ``state``'s store."""
    return ProcessRoutes(state).routes()
