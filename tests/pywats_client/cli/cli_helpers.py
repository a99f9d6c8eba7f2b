"""Helpers of the CLI tests: station configs and an in-process CLI runner."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from pywats_client.cli_app import app
from pywats_client.config import write_token

# A test's `station` fixture: builds a station folder and returns its config path.
StationFactory = Callable[..., Path]

# Nothing listens here: a connection is refused at once (port 9 is "discard", never served).
DEAD_SERVER = "http://127.0.0.1:9"


def write_station(
    folder: Path, server_url: str = DEAD_SERVER, token: str = "station-token", **overrides: Any
) -> Path:
    """A config in ``folder``: token in a 0600 file, queue in ``folder/queue``, an unused
    control port (nothing answers on it), no disk minimum."""
    folder.mkdir(parents=True, exist_ok=True)
    write_token(folder / "api.token", token)
    config: dict[str, Any] = {
        "server_url": server_url,
        "token_file": "api.token",
        "queue_dir": "queue",
        "limits": {"min_free_bytes": 0},
        "control_api": {"port": 9},
        "request_timeout_seconds": 5.0,
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    path = folder / "client.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def invoke(config: Path | None, *args: str) -> Result:
    """Run the CLI in-process with ``--config`` (if given) and ``args``."""
    argv = (["--config", str(config)] if config is not None else []) + list(args)
    return CliRunner().invoke(app, argv)
