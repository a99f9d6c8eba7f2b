"""The CLI's exit codes and its one-line errors.

Every command runs under :func:`handles_errors`, which turns any failure into ONE line on
stderr (``error: … (hint: …)``) and a documented exit code (see ``docs/cli.md``); only
``--debug`` adds the traceback. The mapping from exception to exit code and hint is the pure
function :func:`classify_error`.
"""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

from pywats.exceptions import (
    AuthenticationError,
    CircuitOpenError,
    ConfigurationError,
    PermissionDeniedError,
    ReportError,
    TransportError,
    WatsError,
)
from pywats_client.cli_exit_codes import ExitCode as ExitCode  # re-exported: its old home
from pywats_client.control import ControlError
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

P = ParamSpec("P")
R = TypeVar("R")


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


def report_failure(exc: Exception, *, debug: bool) -> int:
    """Write ``exc`` as the one stderr line (with the traceback first when ``debug``) and
    return its exit code."""
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    failure = classify_error(exc)
    print_error(failure)
    return failure.code


def _debug_requested(*arguments: object) -> bool:
    # typer hands commands its (vendored) click context, a base class of typer.Context.
    for argument in arguments:
        find_object = getattr(argument, "find_object", None)
        if callable(find_object):
            from pywats_client.cli_common import CliOptions

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
            code = report_failure(exc, debug=_debug_requested(*args, *kwargs.values()))
            raise typer.Exit(code) from None

    return wrapper
