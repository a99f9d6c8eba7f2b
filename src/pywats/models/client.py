"""Models and helpers of the station (client) endpoints.

The internal station endpoints speak PascalCase JSON (``ServerName``, ``Client_ID``); their
models use :class:`PascalModel`.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta

from pydantic import Field as PydanticField

from pywats.exceptions import InvalidArgumentError
from pywats.models._base import ApiModel, PascalModel

_MAC_SEPARATORS = re.compile(r"[\s:.\-]")
_HEX12 = re.compile(r"^[0-9A-F]{12}$")


class PingResult(PascalModel):
    """Answer of ``GET /api/internal/Client/Ping``: the server's name and clock."""

    server_name: str | None = None
    server_time: datetime | None = None

    @property
    def online(self) -> bool:
        """The official client's rule: a non-empty server name means online."""
        return bool(self.server_name)


class ModuleVersion(PascalModel):
    """One row of ``GET /api/internal/Client/Version``."""

    module: str | None = None
    name: str | None = None
    version: str | None = None


class ClientSettings(ApiModel):
    """Body of ``POST /api/internal/Client/Update`` (all-lower-case wire names)."""

    name: str | None = None
    location: str | None = None
    purpose: str | None = None
    miscinfo: str | None = None
    utcoffset: str | None = None


class ClientInfo(PascalModel):
    """A registered client (station) as the server describes it."""

    client_id_legacy: int | None = PydanticField(default=None, alias="Client_ID")
    client_id: int | None = None
    name: str | None = None
    display_name: str | None = None
    guid: str | None = PydanticField(default=None, alias="GUID")
    reg_date: datetime | None = None
    status: int | str | None = None
    location: str | None = None
    purpose: str | None = None
    client_type: int | None = None
    utc_offset: float | None = PydanticField(default=None, alias="UTCOffset")
    description: str | None = None
    last_ping: datetime | None = None
    misc_info: str | None = None


def normalise_mac(mac: str) -> str:
    """A MAC address as WATS identifies stations: 12 upper-case hex digits, no separators."""
    text = _MAC_SEPARATORS.sub("", mac).upper()
    if not _HEX12.match(text):
        raise InvalidArgumentError(f"not a MAC address: {mac!r}")
    return text


def station_token(identifier: str, passcode: str) -> str:
    """The Basic token of a registered station: base64 of ``<identifier>:<passcode>``."""
    if not identifier or not passcode:
        raise InvalidArgumentError("identifier and passcode must not be empty")
    return base64.b64encode(f"{identifier}:{passcode}".encode()).decode("ascii")


def user_token(user: str, password: str) -> str:
    """The Basic token for user credentials: base64 of ``<user>:<password>``."""
    if not user:
        raise InvalidArgumentError("user must not be empty")
    return base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def timespan_text(offset: timedelta) -> str:
    """A UTC offset as a .NET TimeSpan string (``01:00:00``, ``-05:30:00``)."""
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
