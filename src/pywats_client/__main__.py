"""``python -m pywats_client run [--config PATH] [--control-port N]``: the service in the
foreground (the ``pywats-client`` CLI offers the same and more)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from pywats_client.cli import RunCommand, parse_run_command


def _plain_run(args: Sequence[str]) -> RunCommand | None:
    """A well-formed ``run`` line needs no argparse (≈ 0.4 MB the service would keep).
    ``-c`` is the CLI's spelling only; help, abbreviations and mistakes go to argparse."""
    if args[:1] != ["run"] or "-c" in args:
        return None
    return parse_run_command(args)


def _parse_with_argparse(args: Sequence[str]) -> RunCommand:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m pywats_client")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the station service in the foreground")
    run.add_argument("--config", type=Path, default=None, help="config file (JSON or TOML)")
    run.add_argument("--control-port", type=int, default=None, help="override; 0 = any free")
    parsed = parser.parse_args(args)
    return RunCommand(parsed.config, parsed.control_port)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the station service; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = _plain_run(args) or _parse_with_argparse(args)
    from pywats_client.service import run_service

    return asyncio.run(run_service(command.config, control_port=command.control_port))


if __name__ == "__main__":
    sys.exit(main())
