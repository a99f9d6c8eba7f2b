"""The station's identity on the server and its heartbeat (wats-rest-api.md §2).

Two ways to authenticate:

- **token mode**: ``token_file`` in the config holds an API token;
- **registration mode**: no ``token_file``. The station registers once
  (``POST /api/internal/Client/Register`` with the registration token from
  ``$PYWATS_REGISTRATION_TOKEN`` or ``<state dir>/registration.token``), stores the passcode
  it gets in ``<state dir>/station.passcode`` (0600) and from then on authenticates as
  ``base64(<MAC>:<passcode>)``.

:class:`StationMonitor` pings the server periodically, warns when the clocks differ by more
than five minutes, and (registered stations) sends ``Client/Update`` with the pending count.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pywats.exceptions import WatsError
from pywats_client.config import ClientConfig, read_token, write_token
from pywats_client.errors import ClientConfigError
from pywats_client.metrics import ServiceMetrics

if TYPE_CHECKING:
    from types import TracebackType

    from pywats._core.http import AsyncHttpCore
    from pywats.domains.client import AsyncClientDomain

log = logging.getLogger(__name__)

CLOCK_SKEW_LIMIT_SECONDS = 300.0
REGISTRATION_TOKEN_ENV = "PYWATS_REGISTRATION_TOKEN"
PASSCODE_FILE = "station.passcode"
REGISTRATION_TOKEN_FILE = "registration.token"
Sleep = Callable[[float], Awaitable[None]]


class ServerConnection:
    """The parts of the library the service uses: the HTTP core (uploads) and the station
    endpoints (``.client``). Lighter than ``AsyncWATS``, which loads every API domain."""

    def __init__(self, http: AsyncHttpCore) -> None:
        from pywats.domains.client import AsyncClientDomain

        self.http = http
        self.client: AsyncClientDomain = AsyncClientDomain(http)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()

    async def __aenter__(self) -> ServerConnection:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


@dataclass(frozen=True)
class StationCredentials:
    """The Basic token to use, and whether it belongs to a registered station."""

    token: str
    registered: bool
    identifier: str | None = None

    def __repr__(self) -> str:
        return f"StationCredentials(registered={self.registered}, identifier={self.identifier!r})"


def station_mac() -> str:
    """This machine's MAC address as 12 upper-case hex digits (WATS's station identifier)."""
    return f"{uuid.getnode():012X}"


def station_name(config: ClientConfig) -> str:
    """The configured station name, else the host name."""
    return config.station_name or socket.gethostname() or "pywats-station"


def clock_skew_seconds(server_time: datetime, local_now: datetime) -> float:
    """Server clock minus local clock in seconds (a naive server time is taken as UTC)."""
    if server_time.tzinfo is None:
        server_time = server_time.replace(tzinfo=UTC)
    return (server_time - local_now).total_seconds()


def clock_skew_warning(skew_seconds: float) -> str | None:
    """A warning when the clocks differ by more than five minutes, else ``None``."""
    if abs(skew_seconds) <= CLOCK_SKEW_LIMIT_SECONDS:
        return None
    direction = "ahead of" if skew_seconds > 0 else "behind"
    return (
        f"the server clock is {abs(skew_seconds):.0f} s {direction} this station's clock; "
        "report times may be wrong"
    )


def utc_offset_text(now: datetime | None = None) -> str:
    """The local UTC offset as a .NET TimeSpan string (``01:00:00``, ``-05:30:00``)."""
    offset = (now or datetime.now().astimezone()).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}:00"


def _registration_token(state_dir: Path) -> str | None:
    from_env = os.environ.get(REGISTRATION_TOKEN_ENV, "").strip()
    if from_env:
        return from_env
    path = state_dir / REGISTRATION_TOKEN_FILE
    return read_token(path).get_secret_value() if path.exists() else None


def stored_credentials(config: ClientConfig, state_dir: Path) -> StationCredentials | None:
    """Credentials available without the network: the token file, or a stored passcode.
    ``None`` means the station still has to register."""
    from pywats.models.client import station_token

    if config.token_file is not None:
        return StationCredentials(read_token(config.token_file).get_secret_value(), False)
    passcode_path = state_dir / PASSCODE_FILE
    if not passcode_path.exists():
        return None
    mac = station_mac()
    passcode = read_token(passcode_path).get_secret_value()
    return StationCredentials(station_token(mac, passcode), True, mac)


async def register_station(
    config: ClientConfig, state_dir: Path, make_client: Callable[[str], ServerConnection]
) -> StationCredentials:
    """Register this station once and store its passcode (0600); raises
    :class:`ClientConfigError` when there is no registration token to do it with."""
    from pywats import __version__
    from pywats.models.client import station_token

    registration_token = _registration_token(state_dir)
    if registration_token is None:
        raise ClientConfigError(
            "no token_file in the config and the station is not registered: set "
            f"${REGISTRATION_TOKEN_ENV} or write {state_dir / REGISTRATION_TOKEN_FILE}"
        )
    mac = station_mac()
    async with make_client(registration_token) as wats:
        passcode = await wats.client.register_internal(
            mac, station_name(config), client_version=__version__
        )
    write_token(state_dir / PASSCODE_FILE, passcode)
    log.info("station %s registered as %s; passcode stored", station_name(config), mac)
    return StationCredentials(station_token(mac, passcode), True, mac)


class StationMonitor:
    """Periodic ping (clock check) and, for registered stations, ``Client/Update``."""

    def __init__(
        self,
        wats: ServerConnection,
        credentials: StationCredentials,
        metrics: ServiceMetrics,
        *,
        name: str,
        pending_count: Callable[[], Awaitable[int]],
        interval: Callable[[], float],
        sleep: Sleep = asyncio.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._wats = wats
        self._credentials = credentials
        self._metrics = metrics
        self._name = name
        self._pending_count = pending_count
        self._interval = interval
        self._sleep = sleep
        self._now = now
        self.server_name: str | None = None
        self.clock_skew: float | None = None
        self.last_ping_error: str | None = None

    async def run(self) -> None:
        """Ping and update every ``interval()`` seconds until cancelled."""
        while True:
            await self.check_once()
            await self._sleep(self._interval())

    async def check_once(self) -> None:
        """One ping (+ update when registered); failures are recorded, never raised."""
        try:
            result = await self._wats.client.ping_internal()
        except WatsError as exc:
            self.last_ping_error = f"{type(exc).__name__}: {exc}"
            self._metrics.consecutive_unreachable += 1
            log.warning("ping failed: %s", exc)
            return
        self.last_ping_error = None
        self._metrics.record_reachable()
        self.server_name = result.server_name
        if result.server_time is not None:
            self.clock_skew = clock_skew_seconds(result.server_time, self._now())
            warning = clock_skew_warning(self.clock_skew)
            if warning:
                log.warning("%s", warning)
        if self._credentials.registered:
            await self._send_update(f"pywats-client running; pending={await self._pending_count()}")

    async def disconnect(self) -> None:
        """Tell the server the station stops (registered stations; best effort)."""
        if self._credentials.registered:
            await self._send_update("pywats-client stopped")

    async def _send_update(self, misc: str) -> None:
        from pywats.models.client import ClientSettings

        settings = ClientSettings(name=self._name, utcoffset=utc_offset_text(), miscinfo=misc)
        try:
            await self._wats.client.update_internal(settings)
        except WatsError as exc:
            log.warning("client update failed: %s", exc)
