"""``pywats-client doctor``: check everything a station needs, print ✔/✖ with hints.

Checks, in order: config valid; queue directory writable (a real write + fsync + delete of a
probe file); free disk space against ``limits.min_free_bytes``; the API token file's
permissions (0600 on POSIX); server reachable; clock skew under 5 minutes; the service running
(control API health). Exit 0 only if every check passes. The verdicts are pure functions; the
probes around them do the I/O.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import stat
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from pywats.exceptions import WatsError
from pywats_client.cli_common import (
    CliOptions,
    api_token,
    control_client,
    echo_json,
    options_of,
    service_state_dir,
    table_console,
)
from pywats_client.cli_connection import ServerProbe, probe_server, skew_ok, skew_text
from pywats_client.cli_errors import CliFailure, ExitCode, classify_error, handles_errors
from pywats_client.cli_format import human_size
from pywats_client.config import ClientConfig, load_config
from pywats_client.control import ControlError
from pywats_client.errors import ClientConfigError

_IS_WINDOWS = sys.platform == "win32"


@dataclass(frozen=True)
class Check:
    """One doctor verdict."""

    name: str
    ok: bool
    detail: str
    hint: str | None = None


def disk_check(free_bytes: int, min_free_bytes: int) -> Check:
    """Free space on the queue's drive against the configured minimum."""
    detail = f"{human_size(free_bytes)} free (minimum {human_size(min_free_bytes)})"
    if free_bytes >= min_free_bytes:
        return Check("disk space", True, detail)
    return Check("disk space", False, detail, "free disk space or lower limits.min_free_bytes")


def token_mode_check(path: Path | None, mode: int | None, windows: bool = _IS_WINDOWS) -> Check:
    """The API token file: configured, present, and (POSIX) readable by its owner only."""
    name = "token file"
    if path is None:
        return Check(
            name, False, "no token_file and no station passcode", "set token_file to a 0600 file"
        )
    if mode is None:
        return Check(name, False, f"{path} does not exist", "write the API token to that file")
    if windows:
        return Check(name, True, f"{path} (permissions not checked on Windows)")
    if stat.S_IMODE(mode) & 0o077:
        return Check(name, False, f"{path} is mode {stat.S_IMODE(mode):04o}", f"chmod 600 {path}")
    return Check(name, True, f"{path} (mode {stat.S_IMODE(mode):04o})")


def skew_check(probe: ServerProbe | None) -> Check:
    """Server and station clocks within 5 minutes (reports are time-stamped by the station)."""
    if probe is None:
        return Check(
            "clock skew", False, "not measured (server unreachable)", "fix the server first"
        )
    detail = skew_text(probe.clock_skew_seconds)
    if skew_ok(probe.clock_skew_seconds):
        return Check("clock skew", True, detail)
    return Check("clock skew", False, detail, "sync the station clock (NTP); limit is 5 minutes")


def health_check(health: dict[str, Any] | None, error: str | None) -> Check:
    """The running service's own health verdict."""
    if health is None:
        return Check("service", False, error or "not running", "start it with `pywats-client run`")
    status = str(health.get("status", "unknown"))
    reasons = "; ".join(str(r) for r in health.get("reasons", []) or [])
    detail = f"running, health {status}" + (f" ({reasons})" if reasons else "")
    if status == "ok":
        return Check("service", True, detail)
    return Check("service", False, detail, "see `pywats-client status` and the service log")


def doctor_exit_code(checks: list[Check]) -> int:
    """0 only when every check passed."""
    return int(ExitCode.OK if all(c.ok for c in checks) else ExitCode.FAILURE)


# ---------------------------------------------------------------------- probes (I/O)


def probe_queue_dir(directory: Path) -> Check:
    """Create the directory if needed, write + fsync + delete a probe file in it."""
    name = "queue dir writable"
    # The queue's recovery deletes leftover ".*.tmp" files, so a probe left by a crash is cleaned.
    probe = directory / f".doctor-probe.{secrets.token_hex(4)}.tmp"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with probe.open("xb") as handle:
            handle.write(b"pywats-client doctor probe\n")
            handle.flush()
            os.fsync(handle.fileno())
        probe.unlink()
    except OSError as exc:
        probe.unlink(missing_ok=True)
        return Check(
            name, False, f"{directory}: {exc.strerror or exc}", "fix the folder's owner/permissions"
        )
    return Check(name, True, str(directory))


def probe_disk(directory: Path, minimum: int) -> Check:
    """Free space where the queue lives (its nearest existing parent)."""
    existing = directory
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    try:
        free = shutil.disk_usage(existing).free
    except OSError as exc:
        return Check("disk space", False, f"cannot measure: {exc.strerror or exc}")
    return disk_check(free, minimum)


def probe_token(config: ClientConfig) -> Check:
    """Stat the token file (or a registered station's passcode file) and judge its mode."""
    path = config.token_file
    if path is None:
        from pywats_client.station import PASSCODE_FILE

        passcode = service_state_dir(config) / PASSCODE_FILE
        path = passcode if passcode.exists() else None
    mode = None
    if path is not None:
        try:
            mode = path.stat().st_mode
        except OSError:
            mode = None
    return token_mode_check(path, mode)


def probe_server_checks(config: ClientConfig) -> tuple[Check, ServerProbe | None]:
    """Reach the server with the configured token."""
    try:
        token = api_token(config)
        probe = asyncio.run(probe_server(config.server_url, token, timeout=10.0))
    except (WatsError, OSError, CliFailure) as exc:
        failure = classify_error(exc)
        return Check("server reachable", False, failure.message, failure.hint), None
    detail = (
        f"{config.server_url}: version {probe.version}, {probe.round_trip_seconds * 1000:.0f} ms"
    )
    return Check("server reachable", True, detail), probe


def probe_service(config: ClientConfig) -> Check:
    """Ask the running service's control API for its health."""

    async def ask() -> dict[str, Any]:
        async with control_client(config, timeout=5.0) as client:
            return await client.health()

    try:
        return health_check(asyncio.run(ask()), None)
    except ControlError as exc:
        return health_check(None, str(exc))


def run_checks(options: CliOptions) -> list[Check]:
    """Every doctor check (those needing a valid config are skipped, failed, without one)."""
    try:
        config = load_config(options.config_path)
    except ClientConfigError as exc:
        message = " ".join(str(exc).split())
        return [Check("config", False, message, "run `pywats-client config validate`")]
    checks = [Check("config", True, str(options.config_path))]
    checks.append(probe_queue_dir(config.queue_dir))
    checks.append(probe_disk(config.queue_dir, config.limits.min_free_bytes))
    checks.append(probe_token(config))
    server, probe = probe_server_checks(config)
    checks += [server, skew_check(probe), probe_service(config)]
    return checks


def checks_table(checks: list[Check]) -> Table:
    """The ✔/✖ table."""
    table = Table(title="pywats-client doctor", title_justify="left")
    for column in ("", "check", "result", "hint"):
        table.add_column(column)
    for check in checks:
        mark = "[green]✔[/green]" if check.ok else "[red]✖[/red]"
        table.add_row(mark, check.name, check.detail, check.hint or "")
    return table


@handles_errors
def doctor(ctx: typer.Context) -> None:
    """Check permissions, disk space, config, token file, server, clock skew and service."""
    options = options_of(ctx)
    checks = run_checks(options)
    if options.json:
        echo_json([asdict(c) for c in checks])
    else:
        table_console().print(checks_table(checks))
    failed = [c.name for c in checks if not c.ok]
    if failed:
        typer.echo(f"error: {len(failed)} check(s) failed: {', '.join(failed)}", err=True)
    raise typer.Exit(doctor_exit_code(checks))
