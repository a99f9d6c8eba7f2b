"""``pywats-client test-connection``: can this station reach its WATS server?

Calls ``GET /api/App/Version`` (round-trip time) and the station ping (server clock), with the
server URL and token from the config. The clock skew is measured against the midpoint of the
ping's round trip. Exit 3 if the server is unreachable, 1 if it refuses the token.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import typer

from pywats.exceptions import ApiError
from pywats_client.cli_common import api_token, echo_json, load_cli_config, options_of
from pywats_client.cli_errors import handles_errors

MAX_CLOCK_SKEW_SECONDS = 300.0
WallClock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ServerProbe:
    """What one probe of the server found."""

    server_url: str
    version: str
    round_trip_seconds: float
    server_name: str | None
    clock_skew_seconds: float | None

    def to_dict(self) -> dict[str, object]:
        """The ``--json`` shape."""
        return {
            "server_url": self.server_url,
            "version": self.version,
            "round_trip_ms": round(self.round_trip_seconds * 1000, 1),
            "server_name": self.server_name,
            "clock_skew_seconds": self.clock_skew_seconds,
        }


def clock_skew_seconds(server_time: datetime, sent: datetime, received: datetime) -> float:
    """Server clock minus local clock, taking the request's midpoint as "now".

    A server time without a zone is read as UTC (WATS answers UTC)."""
    if server_time.tzinfo is None:
        server_time = server_time.replace(tzinfo=UTC)
    midpoint = sent + (received - sent) / 2
    return round((server_time - midpoint) / timedelta(seconds=1), 3)


def skew_text(skew: float | None) -> str:
    """``+1.250 s (server ahead)`` / ``-3.000 s (server behind)`` / ``unknown``."""
    if skew is None:
        return "unknown (the server does not answer the station ping)"
    side = "ahead" if skew > 0 else "behind" if skew < 0 else "in step"
    return f"{skew:+.3f} s (server {side})"


def skew_ok(skew: float | None, limit: float = MAX_CLOCK_SKEW_SECONDS) -> bool:
    """Whether the skew is known and within ``limit`` seconds either way."""
    return skew is not None and abs(skew) < limit


async def probe_server(
    server_url: str,
    token: str,
    *,
    timeout: float = 10.0,
    wall_clock: WallClock = _utc_now,
    monotonic: Callable[[], float] = time.monotonic,
) -> ServerProbe:
    """Version (timed) and ping (clock) of the server; raises the ``pywats`` error tree."""
    # Imported here: the full library client is the CLI's costliest import, and most
    # commands never need it.
    from pywats.client import AsyncWATS

    async with AsyncWATS(base_url=server_url, token=token, timeout=timeout, retries=0) as wats:
        started = monotonic()
        version = await wats.client.version()
        round_trip = monotonic() - started
        sent = wall_clock()
        try:
            ping = await wats.client.ping_internal()
        except ApiError:
            return ServerProbe(server_url, version, round_trip, None, None)
        received = wall_clock()
    skew = (
        None if ping.server_time is None else clock_skew_seconds(ping.server_time, sent, received)
    )
    return ServerProbe(server_url, version, round_trip, ping.server_name, skew)


def probe_lines(probe: ServerProbe) -> list[str]:
    """The human-readable ``test-connection`` report."""
    lines = [
        f"server:      {probe.server_url}",
        f"version:     {probe.version}",
        f"round trip:  {probe.round_trip_seconds * 1000:.1f} ms",
        f"clock skew:  {skew_text(probe.clock_skew_seconds)}",
    ]
    if probe.server_name:
        lines.insert(1, f"name:        {probe.server_name}")
    if probe.clock_skew_seconds is not None and not skew_ok(probe.clock_skew_seconds):
        lines.append("warning: clocks differ by 5 minutes or more; fix the station's time sync")
    return lines


@handles_errors
def test_connection(ctx: typer.Context) -> None:
    """Check the server URL and token from the config: version, round trip, clock skew."""
    options = options_of(ctx)
    config = load_cli_config(options)
    token = api_token(config)
    probe = asyncio.run(
        probe_server(config.server_url, token, timeout=config.request_timeout_seconds)
    )
    if options.json:
        echo_json(probe.to_dict())
        return
    for line in probe_lines(probe):
        typer.echo(line)
