"""Shared pieces of the ``pywats-client`` CLI: exit codes, error mapping, options, helpers.

Every command runs under :func:`handles_errors`, which turns any expected failure into ONE line
on stderr (``error: … (hint: …)``) and a documented exit code (see ``docs/cli.md``). Only
``--debug`` adds the traceback. The mapping from exception to exit code and hint is the pure
function :func:`classify_error`.
"""

from __future__ import annotations

import asyncio
import functools
import json
import sys
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from pywats.exceptions import (
    AuthenticationError,
    CircuitOpenError,
    ConfigurationError,
    PermissionDeniedError,
    ReportError,
    TransportError,
    WatsError,
)
from pywats_client.config import ClientConfig, load_config, resolve_config_path
from pywats_client.control import ControlClient, ControlError
from pywats_client.errors import (
    DiskSpaceError,
    DuplicateReportIdError,
    EntryNotFoundError,
    EntryStateError,
    InputFileError,
    QueueFullError,
    QueueLockedError,
)
from pywats_client.instance_lock import InstanceLockedError
from pywats_client.queue import ReportQueue

P = ParamSpec("P")
R = TypeVar("R")

CONTROL_TOKEN_NAME = "control.token"
CONTROL_ADDRESS_NAME = "control.json"


class ExitCode(IntEnum):
    """The CLI's exit codes (documented in ``docs/cli.md``)."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    SERVICE_DOWN = 3
    REFUSED = 4
    BAD_CONFIG = 5
    ALREADY_RUNNING = 6


class CliFailure(Exception):
    """A command failed in an expected way: one message, one hint, one exit code."""

    def __init__(self, message: str, hint: str | None = None, code: int = ExitCode.FAILURE):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = int(code)

    def line(self) -> str:
        """The one stderr line: ``error: message (hint: hint)``."""
        text = " ".join(self.message.split())
        return f"error: {text} (hint: {self.hint})" if self.hint else f"error: {text}"


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


_CONFIG_HINT = "run `pywats-client config validate` and fix the fields it names"
_START_HINT = "start it with `pywats-client run`"


def _one_line(text: str) -> str:
    return "; ".join(part.strip() for part in text.splitlines() if part.strip())


def _classify_control(exc: ControlError) -> CliFailure:
    if exc.status is None:
        return CliFailure(str(exc), _START_HINT, ExitCode.SERVICE_DOWN)
    if exc.status == 401:
        hint = "the control token file does not match the running service; restart the service"
        return CliFailure(str(exc), hint)
    if exc.status == 404:
        return CliFailure(str(exc), "list entries with `pywats-client queue ls`")
    if exc.status in REFUSAL_STATUSES:
        return CliFailure(str(exc), "free disk space or drain the queue, then retry", 4)
    if exc.status == 409:
        return CliFailure(str(exc), "check the entry's state with `pywats-client queue show ID`")
    if exc.status == 400:
        return CliFailure(str(exc), "check the input; the service refused it")
    return CliFailure(str(exc), "see the service log for details")


# Control API statuses that mean "new input refused for now" (queue full, disk low, stopping).
REFUSAL_STATUSES = frozenset({413, 429, 503, 507})

_SIMPLE_RULES: tuple[tuple[type[BaseException], str, int], ...] = (
    (InstanceLockedError, "stop the other instance first, or use another queue_dir", 6),
    (QueueLockedError, "the service holds the queue but its control API did not answer", 3),
    (QueueFullError, "wait for the service to upload, or raise limits.max_pending_*", 4),
    (DiskSpaceError, "free disk space on the queue's drive or lower limits.min_free_bytes", 4),
    (DuplicateReportIdError, "a different report with this id is queued; `queue rm` it first", 1),
    (EntryNotFoundError, "list entries with `pywats-client queue ls`", 1),
    (EntryStateError, "check the entry's state with `pywats-client queue show ID`", 1),
    (InputFileError, "check that the file is a WSJF, WSXF or WSTF report", 1),
    (ReportError, "check that the file is a WSJF, WSXF or WSTF report", 1),
    (AuthenticationError, "check the API token in the config's token_file", 1),
    (PermissionDeniedError, "the token lacks the permission; ask a WATS administrator", 1),
    (TransportError, "check server_url and the network; try `pywats-client doctor`", 3),
    (CircuitOpenError, "the server failed repeatedly; try again in a minute", 3),
    (ConfigurationError, _CONFIG_HINT, 5),
)


def classify_error(exc: BaseException) -> CliFailure:
    """Map any expected exception to its one-line message, hint and exit code."""
    if isinstance(exc, CliFailure):
        return exc
    if isinstance(exc, ControlError):
        return _classify_control(exc)
    for kind, hint, code in _SIMPLE_RULES:
        if isinstance(exc, kind):
            return CliFailure(_one_line(str(exc)), hint, code)
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return CliFailure(f"{exc.strerror or exc}{where}", "check the path and its permissions")
    if isinstance(exc, WatsError):
        return CliFailure(
            _one_line(str(exc)) or type(exc).__name__, "rerun with --debug for details"
        )
    # Not an error the CLI expects: say so, keep it to one line, point at --debug.
    detail = _one_line(str(exc))
    return CliFailure(
        f"unexpected {type(exc).__name__}" + (f": {detail}" if detail else ""),
        "rerun with --debug and report the traceback",
    )


def print_error(failure: CliFailure) -> None:
    """Write the failure's one line to stderr."""
    typer.echo(failure.line(), err=True)


def _debug_requested(*arguments: object) -> bool:
    # typer hands commands its (vendored) click context, a base class of typer.Context.
    for argument in arguments:
        find_object = getattr(argument, "find_object", None)
        if callable(find_object):
            options = find_object(CliOptions)
            return isinstance(options, CliOptions) and options.debug
    return False


def handles_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Decorate a command: expected failures become one stderr line and their exit code."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except KeyboardInterrupt:
            typer.echo("error: interrupted", err=True)
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, typer.BadParameter):
            raise
        except Exception as exc:  # noqa: BLE001 - the CLI's promise: one line, never a traceback
            if _debug_requested(*args, *kwargs.values()):
                traceback.print_exception(exc, file=sys.stderr)
            failure = classify_error(exc)
            print_error(failure)
            raise typer.Exit(failure.code) from None

    return wrapper


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
