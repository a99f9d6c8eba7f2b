"""Helpers of the service tests: configs, report bytes, a service subprocess, waiting."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TextIO

from pywats_client.config import write_token
from pywats_client.service import READY_PREFIX, state_dir_for
from pywats_emulator.demo import demo_uut

REPO_ROOT = Path(__file__).resolve().parents[3]


def report_bytes(number: int, report_id: str | None = None) -> tuple[str, bytes]:
    """A valid WSJF UUT report with a fresh (or given) id: ``(id, bytes)``."""
    body = demo_uut(number)
    body["id"] = report_id or str(uuid.uuid4())
    return body["id"], json.dumps(body).encode()


def write_config(folder: Path, server_url: str, token: str | None, **overrides: Any) -> Path:
    """A service config in ``folder`` (token in a 0600 file, queue in ``folder/queue``);
    ``token=None`` leaves the token out (registration mode)."""
    folder.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {
        "server_url": server_url,
        "queue_dir": "queue",
        "station_name": "TEST-STATION",
        "backoff": {
            "base_seconds": 1.0,
            "min_delay_seconds": 0.05,
            "cap_seconds": 2.0,
            "retry_burst": 1000,
            "retries_per_second": 1000,
        },
        "request_timeout_seconds": 5.0,
        "shutdown": {"graceful_timeout_seconds": 10.0, "force_timeout_seconds": 10.0},
        "limits": {"min_free_bytes": 0},
    }
    if token is not None:
        write_token(folder / "api.token", token)
        config["token_file"] = "api.token"
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    path = folder / "client.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def control_token(config_folder: Path) -> str:
    """The control API token the service created beside its queue."""
    path = state_dir_for(config_folder / "queue") / "control.token"
    return path.read_text(encoding="ascii").strip()


async def wait_until(
    condition: Callable[[], Awaitable[bool]],
    *,
    what: str,
    poll: float = 0.05,
    limit: float = 60.0,
) -> None:
    """Poll ``condition`` until true; fail (not a timing assertion: a hang guard) after
    ``limit`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not await condition():
        if loop.time() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        await asyncio.sleep(poll)


def service_command(config_path: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pywats_client",
        "run",
        "--config",
        str(config_path),
        "--control-port",
        "0",
    ]


class ServiceProcess:
    """A real service subprocess; :meth:`start` returns once its control API is up."""

    def __init__(self, config_path: Path, env: dict[str, str] | None = None) -> None:
        self.config_path = config_path
        # The service's log goes to a file: an unread stderr pipe would fill up and block it.
        self.log_path = config_path.parent / "service.log"
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen[str] | None = None
        self._log: TextIO | None = None
        self.control_url = ""

    def spawn(self) -> ServiceProcess:
        """Start the process without waiting for it to be ready."""
        self._log = self.log_path.open("a", encoding="utf-8")
        self.proc = subprocess.Popen(
            service_command(self.config_path),
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            env=self.env,
            cwd=REPO_ROOT,
        )
        return self

    def start(self) -> ServiceProcess:
        """Start the process and wait for its ready line (the control API is up)."""
        self.spawn()
        assert self.proc is not None
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith(READY_PREFIX):
                self.control_url = line[len(READY_PREFIX) :].strip()
                return self
        self.proc.wait()
        raise AssertionError(f"service did not start: {self.stderr()}")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def stderr(self) -> str:
        """Everything the service wrote to stderr (its log) so far."""
        if self._log is not None:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8")

    def kill(self) -> None:
        """``kill -9`` (TerminateProcess on Windows)."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()
        self.close()

    def terminate(self, timeout: float = 120.0) -> int:
        """Ask for a clean stop (SIGTERM) and wait; returns the exit code. Windows has no
        SIGTERM for console processes here, so it kills and reports 0 (the clean-stop tests
        that need the real signal are POSIX-only)."""
        assert self.proc is not None
        if sys.platform == "win32":
            self.kill()
            return 0
        self.proc.terminate()
        return self.proc.wait(timeout=timeout)

    def close(self) -> None:
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()
        if self._log is not None:
            self._log.close()
            self._log = None
