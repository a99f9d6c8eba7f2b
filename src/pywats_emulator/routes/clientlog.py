"""Station log uploads (wats-rest-api.md §3.2): ``PostClientLog``, ``syslog`` and reading back.

Stations upload log entries; ``GET /api/SystemManager/ClientLog/{identifier}`` returns the
most recent one of a station (identifier = MAC).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..auth import Identity
from ..http import BadRequest, error_response, json_response, read_json
from ..state import EmulatorState

SCHEMA = """
CREATE TABLE IF NOT EXISTS client_logs (
    log_id INTEGER PRIMARY KEY AUTOINCREMENT,
    identifier TEXT,
    kind TEXT NOT NULL,
    log_date TEXT,
    user_name TEXT,
    text TEXT,
    record TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS client_logs_identifier ON client_logs (identifier, log_id);
"""
SYSLOG_CATEGORIES = frozenset(range(17)) | {255}


def _caller(request: Request) -> str | None:
    identity = request.scope.get("state", {}).get("identity")
    if isinstance(identity, Identity) and identity.kind == "client":
        return identity.name
    return None


def validate_syslog(record: dict[str, Any]) -> None:
    """The ``ClientSyslog`` limits: category 0–16 or 255, severity 0–7, description ≤ 100."""
    category, severity = record.get("category"), record.get("severity")
    if category not in SYSLOG_CATEGORIES:
        raise BadRequest("category must be 0..16 or 255.")
    if not isinstance(severity, int) or not 0 <= severity <= 7:
        raise BadRequest("severity must be 0..7.")
    if len(str(record.get("description") or "")) > 100:
        raise BadRequest("description must not be longer than 100 characters.")


class ClientLogRoutes:
    """Handlers bound to one emulator state."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    def _client_id(self, identifier: str | None) -> int | None:
        if identifier is None:
            return None
        row = self.state.store.query_one(
            "SELECT client_id FROM clients WHERE identifier = ?", (identifier,)
        )
        return int(row[0]) if row is not None else None

    def _store(self, request: Request, kind: str, record: dict[str, Any]) -> int:
        text = record.get("text") if kind == "log" else record.get("description")
        row = self.state.store.query(
            "INSERT INTO client_logs (identifier, kind, log_date, user_name, text, record, "
            "received_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING log_id",
            (
                _caller(request), kind, record.get("logDate") or record.get("date"),
                record.get("userName"), None if text is None else str(text),
                json.dumps(record), self.state.now_iso(),
            ),
        )  # fmt: skip
        return int(row[0][0])

    async def post_client_log(self, request: Request) -> Response:
        """``POST /api/internal/Client/PostClientLog``: store a ``ClientLog``, return it."""
        record = await read_json(request)
        if not isinstance(record, dict):
            raise BadRequest("ClientLog must be a JSON object.")
        log_id = self._store(request, "log", record)
        client_id = self._client_id(_caller(request))
        return json_response({**record, "clientLogId": log_id, "clientId": client_id})

    async def syslog(self, request: Request) -> Response:
        """``POST /api/internal/Client/syslog``: store a ``ClientSyslog`` record."""
        record = await read_json(request)
        if not isinstance(record, dict):
            raise BadRequest("ClientSyslog must be a JSON object.")
        validate_syslog(record)
        return json_response({**record, "logId": self._store(request, "syslog", record)})

    async def latest_log(self, request: Request) -> Response:
        """``GET /api/SystemManager/ClientLog/{identifier}``: the station's newest log."""
        identifier = request.path_params["identifier"].upper()
        row = self.state.store.query_one(
            "SELECT log_id, record FROM client_logs WHERE identifier = ? AND kind = 'log' "
            "ORDER BY log_id DESC LIMIT 1",
            (identifier,),
        )
        if row is None:
            return error_response(404, f"No log from client '{identifier}'.")
        record = json.loads(row["record"])
        client_id = self._client_id(identifier)
        return json_response({**record, "clientLogId": row["log_id"], "clientId": client_id})


def routes(state: EmulatorState) -> list[Route]:
    """The client-log endpoints."""
    h = ClientLogRoutes(state)
    return [
        Route("/api/internal/client/postclientlog", h.post_client_log, methods=["POST"]),
        Route("/api/internal/client/syslog", h.syslog, methods=["POST"]),
        Route("/api/systemmanager/clientlog/{identifier}", h.latest_log, methods=["GET"]),
    ]
