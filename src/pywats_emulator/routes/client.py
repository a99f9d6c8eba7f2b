"""Client/station and App basics (wats-rest-api.md §2 ★, §3.2, §6.3).

Stations register with ``POST /api/internal/Client/Register`` and then authenticate as
``Basic base64("<MAC>:<passcode>")``. Registrations live in the ``clients`` table, so a
file database keeps them across restarts.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..auth import Identity
from ..http import BadRequest, error_response, json_response, query_bool, query_params, read_json
from ..state import EmulatorState

SCHEMA = """
CREATE TABLE IF NOT EXISTS clients (
    client_id INTEGER PRIMARY KEY AUTOINCREMENT,
    identifier TEXT NOT NULL UNIQUE,
    guid TEXT NOT NULL,
    name TEXT NOT NULL,
    location TEXT, purpose TEXT, description TEXT,
    utc_offset REAL, version TEXT,
    passcode TEXT NOT NULL,
    misc_info TEXT, misc_info_updated TEXT,
    reg_date TEXT NOT NULL, last_ping TEXT
);
"""
CLIENT_TYPE_CLIENT = 5
_TIMESPAN = re.compile(
    r"^(?P<sign>-)?(?:(?P<days>\d+)\.)?(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?"
)


def prepare(state: EmulatorState) -> None:
    """Re-accept the passcodes of stations registered in this database."""
    for row in state.store.query("SELECT identifier, passcode FROM clients"):
        state.auth.issue_passcode(row["identifier"], row["passcode"])


def parse_utc_offset(raw: Any) -> float | None:
    """Hours from a number or a .NET TimeSpan text (``01:00:00``, ``-05:30:00``)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, int | float):
        return float(raw)
    text = str(raw).strip()
    match = _TIMESPAN.match(text)
    if match is not None:
        hours = int(match["days"] or 0) * 24 + int(match["h"]) + int(match["m"]) / 60
        return -hours if match["sign"] else hours
    try:
        return float(text)
    except ValueError:
        raise BadRequest(f"The value '{text}' is not a valid UTC offset.") from None


def client_model(row: Any) -> dict[str, Any]:
    """A ``clients`` row as the PascalCase ``Client`` model (§6.3)."""
    return {
        "Client_ID": row["client_id"], "ClientId": row["client_id"], "Name": row["identifier"],
        "DisplayName": row["name"], "GUID": row["guid"], "RegDate": row["reg_date"],
        "Status": 1, "ParentId": None, "ClientGroupId": None, "MiscInfo": row["misc_info"],
        "MiscInfoUpdated": row["misc_info_updated"], "Location": row["location"],
        "Purpose": row["purpose"], "ClientType": CLIENT_TYPE_CLIENT,
        "UTCOffset": row["utc_offset"], "Description": row["description"],
        "LastPing": row["last_ping"], "StatusText": "Online", "MachineAccountId": None,
        "SiteCode": None,
    }  # fmt: skip


def _identity(request: Request) -> Identity | None:
    found = request.scope.get("state", {}).get("identity")
    return found if isinstance(found, Identity) else None


class ClientRoutes:
    """Handlers bound to one emulator state."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    def _client_row(self, identifier: str) -> Any:
        return self.state.store.query_one(
            "SELECT * FROM clients WHERE identifier = ?", (identifier.upper(),)
        )

    async def app_version(self, _: Request) -> Response:
        """``GET /api/App/Version``: the server version as a JSON string."""
        return json_response(self.state.config.server_version)

    async def ping(self, request: Request) -> Response:
        """``GET /api/internal/Client/Ping``: ``{ServerName, ServerTime}``."""
        now = self.state.now_iso()
        identity = _identity(request)
        if identity is not None and identity.kind == "client":
            self.state.store.execute(
                "UPDATE clients SET last_ping = ? WHERE identifier = ?", (now, identity.name)
            )
        return json_response({"ServerName": self.state.config.server_name, "ServerTime": now})

    async def versions(self, _: Request) -> Response:
        """``GET /api/internal/Client/Version``: installed modules (non-empty)."""
        version = self.state.config.server_version
        return json_response([
            {"Module": "Server", "Name": "WATS Server (pywats emulator)", "Version": version},
            {"Module": "API", "Name": "WATS REST API", "Version": version},
        ])  # fmt: skip

    async def server_info(self, _: Request) -> Response:
        """``GET /api/internal/Client/ServerInfo``: string map with ``Version``."""
        config = self.state.config
        return json_response({
            "Version": config.server_version, "ServerName": config.server_name,
            "ServerTime": self.state.now_iso(), "Product": "WATS (pywats emulator)",
        })  # fmt: skip

    async def register(self, request: Request) -> Response:
        """``POST /api/internal/Client/Register?mac=&name=…``: returns a new passcode."""
        params = query_params(request)
        mac, name = params.get("mac", "").strip(), params.get("name", "").strip()
        if not mac or not name:
            raise BadRequest("The parameters 'mac' and 'name' are required.")
        identifier = mac.replace(":", "").replace("-", "").upper()
        passcode = self.state.auth.issue_passcode(identifier)
        now = self.state.now_iso()
        values = {
            "identifier": identifier, "guid": str(uuid.uuid4()), "name": name,
            "location": params.get("location"), "purpose": params.get("purpose"),
            "description": params.get("description"),
            "utc_offset": parse_utc_offset(params.get("utcOffset")),
            "version": params.get("version"), "passcode": passcode, "reg_date": now,
        }  # fmt: skip
        self.state.store.execute(
            "INSERT INTO clients (identifier, guid, name, location, purpose, description, "
            "utc_offset, version, passcode, reg_date) VALUES (:identifier, :guid, :name, "
            ":location, :purpose, :description, :utc_offset, :version, :passcode, :reg_date) "
            "ON CONFLICT(identifier) DO UPDATE SET name=excluded.name, "
            "location=excluded.location, purpose=excluded.purpose, "
            "description=excluded.description, utc_offset=excluded.utc_offset, "
            "version=excluded.version, passcode=excluded.passcode",
            values,
        )
        return json_response(passcode)

    def _calling_client(self, request: Request) -> Any:
        identity = _identity(request)
        if identity is None or identity.kind != "client":
            return None
        return self._client_row(identity.name)

    async def update(self, request: Request) -> Response:
        """``POST /api/internal/Client/Update``: station info from ``ClientSettings``."""
        row = self._calling_client(request)
        if row is None:
            return error_response(403, "Only a registered client can update its information.")
        self._apply_settings(row, await read_json(request))
        return json_response(client_model(self._client_row(row["identifier"])))

    def _apply_settings(self, row: Any, body: Any) -> None:
        """Store ``ClientSettings`` fields (names case-insensitive) for a registered client."""
        if not isinstance(body, dict):
            raise BadRequest("ClientSettings must be a JSON object.")
        settings = {str(k).lower(): v for k, v in body.items()}
        misc = settings.get("miscinfo")
        changes = {
            "name": settings.get("name") or row["name"],
            "location": settings.get("location", row["location"]),
            "purpose": settings.get("purpose", row["purpose"]),
            "utc_offset": parse_utc_offset(settings.get("utcoffset", row["utc_offset"])),
            "misc_info": misc if misc is not None else row["misc_info"],
            "misc_info_updated": self.state.now_iso() if misc is not None
            else row["misc_info_updated"],
            "identifier": row["identifier"],
        }  # fmt: skip
        self.state.store.execute(
            "UPDATE clients SET name=:name, location=:location, purpose=:purpose, "
            "utc_offset=:utc_offset, misc_info=:misc_info, "
            "misc_info_updated=:misc_info_updated WHERE identifier=:identifier",
            changes,
        )

    async def update_client_info(self, request: Request) -> Response:
        """``POST /api/internal/Client/UpdateClientInfo``: like Update, answered with 204.

        The body is not described in the server's API description; a JSON object is taken
        as ``ClientSettings``, an empty body changes nothing.
        """
        row = self._calling_client(request)
        if row is None:
            return error_response(403, "Only a registered client can update its information.")
        if (await request.body()).strip():
            self._apply_settings(row, await read_json(request))
        return Response(status_code=204)

    async def client_info(self, request: Request) -> Response:
        """``GET /api/internal/Client/GetClientInfo``: the calling station's ``Client``."""
        row = self._calling_client(request)
        if row is None:
            return error_response(404, "The caller is not a registered client.")
        return json_response(client_model(row))

    async def system_manager_client(self, request: Request) -> Response:
        """``GET /api/SystemManager/Client?name=|identifier=``."""
        params = query_params(request)
        if params.get("identifier"):
            row = self._client_row(params["identifier"])
        elif params.get("name"):
            row = self.state.store.query_one(
                "SELECT * FROM clients WHERE name = ? ORDER BY client_id", (params["name"],)
            )
        else:
            raise BadRequest("Give 'name' or 'identifier'.")
        if row is None:
            return error_response(404, "Client was not found.")
        return json_response(client_model(row))

    async def get_token(self, request: Request) -> Response:
        """``GET /api/Auth/GetToken[/{identifier}]``: a new API token (JSON string)."""
        identity = _identity(request)
        owner = identity.name if identity is not None else "anonymous"
        label = request.path_params.get("identifier") or owner
        previous = None
        if query_bool(request, "reset", False):
            existing = self.state.auth.tokens_of(label)
            previous = existing[0] if existing else None
        return json_response(self.state.auth.issue_token(label, previous))

    async def server_time(self, _: Request) -> Response:
        """``GET /api/internal/Auth/GetServerTime``: the server clock as a JSON string."""
        return json_response(self.state.now_iso())


def routes(state: EmulatorState) -> list[Route]:
    """The client/station, App and Auth endpoints."""
    h = ClientRoutes(state)
    return [
        Route("/api/app/version", h.app_version, methods=["GET"]),
        Route("/api/internal/client/ping", h.ping, methods=["GET"]),
        Route("/api/internal/client/version", h.versions, methods=["GET"]),
        Route("/api/internal/client/serverinfo", h.server_info, methods=["GET"]),
        Route("/api/internal/client/register", h.register, methods=["POST"]),
        Route("/api/internal/client/update", h.update, methods=["POST"]),
        Route("/api/internal/client/updateclientinfo", h.update_client_info, methods=["POST"]),
        Route("/api/internal/client/getclientinfo", h.client_info, methods=["GET"]),
        Route("/api/systemmanager/client", h.system_manager_client, methods=["GET"]),
        Route("/api/auth/gettoken", h.get_token, methods=["GET"]),
        Route("/api/auth/gettoken/{identifier}", h.get_token, methods=["GET"]),
        Route("/api/internal/auth/getservertime", h.server_time, methods=["GET"]),
    ]
