"""``python -m pywats_client run [--config PATH] [--control-port N]``: the service in the
foreground (the ``pywats-client`` CLI offers the same and more)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the station service; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m pywats_client")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the station service in the foreground")
    run.add_argument("--config", type=Path, default=None, help="config file (JSON or TOML)")
    run.add_argument("--control-port", type=int, default=None, help="override; 0 = any free")
    args = parser.parse_args(argv)
    from pywats_client.service import run_service

    return asyncio.run(run_service(args.config, control_port=args.control_port))


if __name__ == "__main__":
    sys.exit(main())
