"""``pywats-client``: the station's command line (typer + rich, in :mod:`pywats_client.cli_app`).

Commands: ``run``, ``status``, ``submit FILE...``, ``queue ls|show|retry|rm|export``,
``config path|show|set|validate``, ``test-connection``, ``doctor``. Global options:
``--config PATH``, ``--json``, ``--debug``. Exit codes and examples: ``docs/cli.md``.

``pywats-client run`` starts the long-running service, which never prints through typer or
rich: a plain ``run`` command line (:func:`parse_run_command`) is dispatched before they are
imported, so the service process does not carry them (≈ 10 MB resident). Every other command
line, including one with ``--help`` or a mistake in it, goes to the typer application.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_CONFIG_OPTION = ("--config", "-c")
_PORT_OPTION = ("--control-port",)
_GLOBAL_FLAGS = ("--json", "--debug")
_MAX_PORT = 65535
# Characters click may glob-expand on Windows: such command lines take the typer route.
_GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class RunCommand:
    """A ``pywats-client [global options] run [options]`` command line, parsed."""

    config: Path | None = None
    control_port: int | None = None
    debug: bool = False


def _option_value(tokens: Sequence[str], index: int, names: Sequence[str]) -> tuple[str, int]:
    """``(value, next index)`` when ``tokens[index]`` is one of ``names`` with its value
    (``--name VALUE``, ``-n VALUE`` or ``--name=VALUE``), else ``("", index)``."""
    token = tokens[index]
    for name in names:
        if token == name and index + 1 < len(tokens):
            return tokens[index + 1], index + 2
        if name.startswith("--") and token.startswith(name + "="):
            return token[len(name) + 1 :], index + 1
    return "", index


def _port(value: str) -> int | None:
    if value.isascii() and value.isdigit() and int(value) <= _MAX_PORT:
        return int(value)
    return None


def parse_run_command(args: Sequence[str]) -> RunCommand | None:
    """The ``run`` command line in ``args``, or ``None`` for anything else.

    Deliberately strict: only the options ``run`` and the global callback define, each with a
    plain value. Whatever it does not recognise (help, another command, a bad port, an empty
    or dash-led value) returns ``None`` so that typer answers exactly as it always has."""
    if any(_GLOB_CHARACTERS.intersection(token) for token in args):
        return None
    config: str | None = None
    port: int | None = None
    debug, seen_run, index = False, False, 0
    while index < len(args):
        token = args[index]
        value, after = _option_value(args, index, _CONFIG_OPTION)
        if after == index and seen_run:
            value, after = _option_value(args, index, _PORT_OPTION)
            if after != index:
                port = _port(value)
                if port is None:
                    return None
                index = after
                continue
        if after != index:
            if not value or value.startswith("-"):
                return None
            config, index = value, after
        elif token == "run" and not seen_run:
            seen_run, index = True, index + 1
        elif token in _GLOBAL_FLAGS and not seen_run:
            debug, index = debug or token == "--debug", index + 1
        else:
            return None
    if not seen_run:
        return None
    return RunCommand(None if config is None else Path(config), port, debug)


def run_exit_code(service_code: int) -> int:
    """The service's exit code in the CLI's documented scheme (config → 5, locked → 6)."""
    from pywats_client import service
    from pywats_client.cli_exit_codes import ExitCode

    mapping = {
        service.EXIT_CONFIG: ExitCode.BAD_CONFIG,
        service.EXIT_LOCKED: ExitCode.ALREADY_RUNNING,
    }
    return int(mapping.get(service_code, service_code))


def run_in_foreground(config: Path | None, control_port: int | None) -> int:
    """Run the station service until Ctrl+C / SIGTERM; returns the CLI exit code."""
    from pywats_client.service import run_service

    return run_exit_code(asyncio.run(run_service(config, control_port=control_port)))


def _run_command(command: RunCommand) -> int:
    """``run`` without typer, failing the way every command does (``cli_errors``)."""
    try:
        return run_in_foreground(command.config, command.control_port)
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return 130
    except Exception as exc:  # noqa: BLE001 - the CLI's promise: one line, never a traceback
        from pywats_client.cli_errors import report_failure

        return report_failure(exc, debug=command.debug)


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point; returns the process exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = parse_run_command(args)
    if command is not None:
        return _run_command(command)
    from pywats_client.cli_app import app

    try:
        app(args=args, prog_name="pywats-client")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
