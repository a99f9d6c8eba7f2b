"""The CLI's exit codes, in a module of their own so that ``pywats-client run`` can map the
service's exit code without importing typer and rich (see :mod:`pywats_client.cli`)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The CLI's exit codes (documented in ``docs/cli.md``)."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    SERVICE_DOWN = 3
    REFUSED = 4
    BAD_CONFIG = 5
    ALREADY_RUNNING = 6
