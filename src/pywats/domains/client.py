"""Station (client) endpoints: registration, liveness, version, station info.

Most of these are ⚠ internal WATS endpoints (``/api/internal/Client/...``): not part of the
published API and subject to change, but the official station client relies on them. Their
method names end in ``_internal`` so a caller always knows.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from pydantic import TypeAdapter

from pywats.domains._base import AsyncDomain
from pywats.domains._parsing import parse_as, parse_list, parse_model
from pywats.exceptions import InvalidArgumentError, UnexpectedResponseError
from pywats.models.client import (
    ClientInfo,
    ClientSettings,
    ModuleVersion,
    PingResult,
    normalise_mac,
)

_SERVER_INFO = TypeAdapter(dict[str, Any])


def unquote_json_string(text: str) -> str:
    """The server answers some strings as JSON (``"abc"``), some bare; accept both."""
    stripped = text.strip()
    if stripped.startswith('"'):
        try:
            value = json.loads(stripped)
        except ValueError:
            return stripped.strip('"')
        return str(value)
    return stripped


class AsyncClientDomain(AsyncDomain):
    """The calling station's own endpoints: ``wats.client``."""

    async def version(self) -> str:
        """The server version, e.g. ``2026.1.5.324`` (``GET /api/App/Version``)."""
        text = await self._http.request_text("GET", "/api/App/Version")
        return unquote_json_string(text)

    async def get_token(self, identifier: str | None = None, *, reset: bool = False) -> str:
        """Create an API token for the caller (``GET /api/Auth/GetToken[/{identifier}]``).

        The token is shown once; use it as ``AsyncWATS(token=...)``. ``reset=True``
        invalidates the previous token of that identity.
        """
        path = "/api/Auth/GetToken"
        if identifier is not None:
            if not identifier.strip():
                raise InvalidArgumentError("identifier must not be empty")
            path += "/" + quote(identifier, safe="")
        text = await self._http.request_text("GET", path, params={"reset": reset or None})
        token = unquote_json_string(text)
        if not token:
            raise UnexpectedResponseError("no token in the answer", method="GET", path=path)
        return token

    async def register_internal(
        self,
        mac: str,
        name: str,
        *,
        location: str | None = None,
        purpose: str | None = None,
        description: str | None = None,
        utc_offset_hours: float | None = None,
        client_version: str | None = None,
    ) -> str:
        """Register (or re-register) a station; returns its new passcode.

        ⚠ internal endpoint ``POST /api/internal/Client/Register``. Call it authenticated as a
        user or with a registration token; afterwards the station authenticates with
        ``pywats.models.client.station_token(mac, passcode)``.
        """
        if not name.strip():
            raise InvalidArgumentError("station name must not be empty")
        params = {
            "mac": normalise_mac(mac),
            "name": name,
            "location": location,
            "purpose": purpose,
            "description": description,
            "utcOffset": utc_offset_hours,
            "version": client_version,
        }
        text = await self._http.request_text("POST", "/api/internal/Client/Register", params=params)
        passcode = unquote_json_string(text)
        if not passcode:
            raise UnexpectedResponseError(
                "registration returned no passcode",
                method="POST",
                path="/api/internal/Client/Register",
            )
        return passcode

    async def ping_internal(self) -> PingResult:
        """Heartbeat: server name and clock (⚠ internal ``GET /api/internal/Client/Ping``)."""
        path = "/api/internal/Client/Ping"
        data = await self._http.request_json("GET", path)
        return parse_model(PingResult, data or {}, "GET", path)

    async def module_versions_internal(self) -> list[ModuleVersion]:
        """Installed server modules (⚠ internal ``GET /api/internal/Client/Version``)."""
        path = "/api/internal/Client/Version"
        data = await self._http.request_json("GET", path)
        return parse_list(ModuleVersion, data or [], "GET", path)

    async def server_info_internal(self) -> dict[str, Any]:
        """Server facts incl. ``Version`` (⚠ internal ``GET /api/internal/Client/ServerInfo``)."""
        path = "/api/internal/Client/ServerInfo"
        data = await self._http.request_json("GET", path)
        return parse_as(_SERVER_INFO, data or {}, "GET", path)

    async def update_internal(self, settings: ClientSettings) -> ClientInfo:
        """Send the station's name, UTC offset and misc info.

        ⚠ internal endpoint ``POST /api/internal/Client/Update``; answers the stored client.
        """
        path = "/api/internal/Client/Update"
        data = await self._http.request_json("POST", path, json=settings.to_wire())
        return parse_model(ClientInfo, data or {}, "POST", path)

    async def client_info_internal(self) -> ClientInfo:
        """The calling station's record (⚠ internal ``GET /api/internal/Client/GetClientInfo``)."""
        path = "/api/internal/Client/GetClientInfo"
        data = await self._http.request_json("GET", path)
        return parse_model(ClientInfo, data or {}, "GET", path)

    async def get_registration(
        self, *, name: str | None = None, identifier: str | None = None
    ) -> ClientInfo:
        """A registered client by name or identifier/MAC (``GET /api/SystemManager/Client``)."""
        if name is None and identifier is None:
            raise InvalidArgumentError("give name or identifier")
        path = "/api/SystemManager/Client"
        params = {"name": name, "identifier": identifier}
        data = await self._http.request_json("GET", path, params=params)
        return parse_model(ClientInfo, data or {}, "GET", path)

    async def update_available_internal(self, client_version: str) -> str | None:
        """Newer client version than ``client_version``, or ``None``.

        ⚠ internal endpoint ``GET /api/internal/ClientUpdates/Available``.
        """
        text = await self._http.request_text(
            "GET", "/api/internal/ClientUpdates/Available", params={"version": client_version}
        )
        answer = unquote_json_string(text)
        return answer if answer and answer.lower() != "null" else None

    async def update_link_internal(self, client_version: str, platform: str) -> str:
        """Client update download URL (⚠ internal ``GET /api/internal/ClientUpdates/Link``)."""
        text = await self._http.request_text(
            "GET",
            "/api/internal/ClientUpdates/Link",
            params={"version": client_version, "platform": platform},
        )
        return unquote_json_string(text)
