"""The console script as a real subprocess: start, serve, fault flags, stop on a signal."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pywats_emulator.cli import build_parser, config_from_args, main

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


class RunningEmulator:
    """A ``pywats-emulator`` subprocess; the base URL and token come from its output."""

    def __init__(self, *args: str) -> None:
        command = [sys.executable, "-m", "pywats_emulator", "--port", "0", *args]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        self.base_url = self.process.stdout.readline().split()[-1]
        self.token = self.process.stdout.readline().split()[-1]

    def stop(self, signum: int = signal.SIGTERM) -> int:
        self.process.send_signal(signum)
        code = self.process.wait(timeout=60)
        self.close()
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=20)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def running() -> Iterator[list[RunningEmulator]]:
    started: list[RunningEmulator] = []
    yield started
    for item in started:
        item.close()


def get(emulator: RunningEmulator, path: str) -> httpx.Response:
    headers = {"Authorization": f"Basic {emulator.token}"}
    return httpx.get(emulator.base_url + path, headers=headers, timeout=60)


def test_cli_serves_and_exits_zero_on_sigterm(running: list[RunningEmulator]) -> None:
    emulator = RunningEmulator("--token", "c2VjcmV0")
    running.append(emulator)
    assert emulator.base_url.startswith("http://127.0.0.1:")
    assert emulator.token == "c2VjcmV0"
    assert get(emulator, "/api/App/Version").json() == "2026.1.5.324"
    assert emulator.stop(signal.SIGTERM) == 0


def test_cli_exits_zero_on_sigint_and_applies_fault_flags(
    running: list[RunningEmulator],
) -> None:
    emulator = RunningEmulator("--fault", "reject:status=418,path=/api/app,n=1", "--seed", "3")
    running.append(emulator)
    assert get(emulator, "/api/App/Version").status_code == 418
    assert get(emulator, "/api/App/Version").status_code == 200
    assert emulator.stop(signal.SIGINT) == 0


def test_cli_file_database_survives_restart(running: list[RunningEmulator], tmp_path: Path) -> None:
    db = str(tmp_path / "emu.sqlite")
    first = RunningEmulator("--db", db, "--demo-reports", "3")
    running.append(first)
    assert get(first, "/_emulator/reports").json()["count"] == 3
    assert first.stop() == 0
    second = RunningEmulator("--db", db, "--demo-reports", "5")
    running.append(second)
    assert get(second, "/_emulator/reports").json()["count"] == 3
    assert second.stop() == 0


def test_cli_rejects_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--fault", "explode", "--port", "0"]) == 2
    assert "unknown fault kind" in capsys.readouterr().err
    assert main(["--user", "nocolon", "--port", "0"]) == 2


def test_cli_options_become_config() -> None:
    args = build_parser().parse_args(
        ["--latency", "0.1", "--error-rate", "0.5", "--fault-path", "/api/report",
         "--user", "alice:pw", "--registration-token", "reg", "--seed", "9",
         "--loop-counters", "strict", "--check-repair-types"]
    )  # fmt: skip
    config = config_from_args(args)
    assert config.seed == 9
    assert (config.loop_counters, config.check_repair_types) == ("strict", True)
    assert config.users == {"alice": "pw"}
    assert config.accepted_registration_token == "reg"
    assert [(r.kind.value, r.path) for r in config.faults] == [
        ("latency", "/api/report"), ("error", "/api/report"),
    ]  # fmt: skip
