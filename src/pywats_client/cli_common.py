"""Shared plumbing of the ``pywats-client`` CLI: global options, the config in use, the way to
the running service (control API) or, without one, to the queue directory."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console

from pywats_client.cli_errors import CliFailure, ExitCode
from pywats_client.config import ClientConfig, load_config, resolve_config_path
from pywats_client.control import ControlClient, ControlError
from pywats_client.queue import ReportQueue

R = TypeVar("R")

CONTROL_TOKEN_NAME = "control.token"
CONTROL_ADDRESS_NAME = "control.json"


@dataclass(frozen=True)
class CliOptions:
    """The global options every command sees (``--config``, ``--json``, ``--debug``)."""

    config: Path | None = None
    json: bool = False
    debug: bool = False

    @property
    def config_path(self) -> Path:
        """The config file in use: ``--config``, else ``$PYWATS_CLIENT_CONFIG``, else default."""
        return resolve_config_path(self.config)


def options_of(ctx: typer.Context | None) -> CliOptions:
    """The global options of this invocation (defaults when called outside one)."""
    found = None if ctx is None else ctx.find_object(CliOptions)
    return found if isinstance(found, CliOptions) else CliOptions()


# ---------------------------------------------------------------------- config and service
# ---------------------------------------------------------------------- config and service


def load_cli_config(options: CliOptions) -> ClientConfig:
    """Load and validate the config in use (raises ``ClientConfigError`` → exit 5)."""
    return load_config(options.config_path)


def service_state_dir(config: ClientConfig) -> Path:
    """The running service's state folder (control token, control address), beside the queue."""
    from pywats_client.service import state_dir_for

    return state_dir_for(config.queue_dir)


def control_url(config: ClientConfig) -> str:
    """The control API's URL: what the running service wrote to ``control.json`` (it may have
    bound another port), else the configured host and port."""
    try:
        info = json.loads((service_state_dir(config) / CONTROL_ADDRESS_NAME).read_text("utf-8"))
        url = info.get("url") if isinstance(info, dict) else None
    except (OSError, ValueError):
        url = None
    if isinstance(url, str) and url.startswith("http://"):
        return url
    host = config.control_api.host
    url_host = f"[{host}]" if ":" in host else host
    return f"http://{url_host}:{config.control_api.port}"


def control_client(config: ClientConfig, timeout: float = 10.0) -> ControlClient:
    """A client for the service's control API; :class:`ControlError` (exit 3) when the service
    never ran here (no control token yet)."""
    token_path = service_state_dir(config) / CONTROL_TOKEN_NAME
    try:
        token = token_path.read_text(encoding="ascii").strip()
    except OSError:
        token = ""
    if not token:
        raise ControlError(f"no control token at {token_path}; the service is not running")
    return ControlClient(token, base_url=control_url(config), timeout=timeout)


def service_is_down(exc: ControlError) -> bool:
    """Whether a control failure means "no service answered" (as opposed to a refusal)."""
    return exc.status is None


def open_offline_queue(config: ClientConfig) -> ReportQueue:
    """Open the queue directory directly (the service is not running); the caller closes it.

    Opening takes the directory lock, so this can never race a running service."""
    queue = ReportQueue(
        config.queue_dir,
        limits=config.limits.to_queue_limits(),
        backoff=config.backoff.to_policy(),
        retention=config.retention.to_policy(),
    )
    queue.open()
    return queue


def api_token(config: ClientConfig) -> str:
    """The WATS API token the service would use: from ``token_file``, else the registered
    station's stored passcode (exit 5 when there is neither)."""
    from pywats_client.station import stored_credentials

    credentials = stored_credentials(config, service_state_dir(config))
    if credentials is None:
        raise CliFailure(
            "no token_file in the config and the station is not registered",
            "put the API token in a 0600 file; `pywats-client config set token_file PATH`",
            ExitCode.BAD_CONFIG,
        )
    return credentials.token


def echo_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout."""
    typer.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))


def note(text: str) -> None:
    """An informational line on stderr (which path was used, progress notes)."""
    typer.echo(text, err=True)


async def _with_control(config: ClientConfig, call: Callable[[ControlClient], Awaitable[R]]) -> R:
    async with control_client(config) as client:
        return await call(client)


def call_service(options: CliOptions, call: Callable[[ControlClient], Awaitable[R]]) -> R:
    """Run one control-API exchange against the running service (exit 3 if it is down)."""
    config = load_cli_config(options)
    return asyncio.run(_with_control(config, call))


def via_service_or_directory(
    options: CliOptions,
    online: Callable[[ControlClient], Awaitable[R]],
    offline: Callable[[ReportQueue], R],
) -> R:
    """Ask the running service; when none answers, open the queue directory directly.

    Says on stderr which path was used. A service that holds the queue but does not answer
    makes opening the directory fail with ``QueueLockedError`` (exit 3)."""
    config = load_cli_config(options)
    try:
        result = asyncio.run(_with_control(config, online))
    except ControlError as exc:
        if not service_is_down(exc):
            raise
    else:
        note("(via the running service)")
        return result
    note(f"(service not running: using the queue directory {config.queue_dir})")
    queue = open_offline_queue(config)
    try:
        return offline(queue)
    finally:
        queue.close()


def table_console() -> Console:
    """A stdout console for tables: the terminal's width, or a wide one when piped (so
    report ids are never cut)."""
    console = Console()
    return console if console.is_terminal else Console(width=200)
