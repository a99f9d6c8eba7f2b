"""The CLI against a real running service (``pywats-client run`` subprocess) and the emulator.

The service is started with the console script and an ephemeral control port; the CLI finds
it through the address file the service writes. Readiness is the service's own "ready" line;
delivery is polled with a bounded wait (a hang guard, not a timing assertion).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from cli_helpers import invoke, write_station

from pywats_client.service import READY_PREFIX
from pywats_emulator.demo import demo_uut
from pywats_emulator.faults import FaultKind, FaultRule
from pywats_emulator.testing import EmulatorHandle

UUT_ID = "3f1e2d4c-5b6a-4798-8a7b-6c5d4e3f2a10"
OTHER_ID = "3f1e2d4c-5b6a-4798-8a7b-6c5d4e3f2a11"
WAIT_LIMIT = 60.0


def demo_report_file(folder: Path, report_id: str, number: int = 1) -> Path:
    """A valid WSJF report file the emulator accepts."""
    body = demo_uut(number)
    body["id"] = report_id
    path = folder / f"{report_id}.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def cli_command() -> list[str]:
    """The installed console script, else the same entry point through the interpreter."""
    script = Path(sys.executable).with_name(
        "pywats-client.exe" if sys.platform == "win32" else "pywats-client"
    )
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from pywats_client.cli import main; raise SystemExit(main())"]


def run_cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI as its own process and wait for it."""
    return subprocess.run(
        [*cli_command(), "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=WAIT_LIMIT,
        check=False,
    )


class RunningService:
    """``pywats-client run`` as a subprocess, stopped (SIGTERM) at the end."""

    def __init__(self, config: Path, log: IO[str]) -> None:
        self.config = config
        self._log = log
        self.proc = subprocess.Popen(
            [*cli_command(), "--config", str(config), "run", "--control-port", "0"],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )

    def wait_ready(self) -> None:
        """Read stdout until the service's ready line (it ends the process's silence)."""
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith(READY_PREFIX):
                return
        self.proc.wait(timeout=WAIT_LIMIT)
        self._log.seek(0)
        raise AssertionError(f"service did not start: {self._log.read()}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
        code = self.proc.wait(timeout=WAIT_LIMIT)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return code


@pytest.fixture
def start_service(tmp_path: Path, emulator: EmulatorHandle) -> Iterator[Callable[..., Path]]:
    """``start_service(**config_overrides) -> config path`` of a running service."""
    running: list[RunningService] = []
    logs: list[IO[str]] = []

    def start(**overrides: Any) -> Path:
        config = write_station(
            tmp_path / "station",
            server_url=emulator.base_url,
            token=emulator.token,
            **overrides,
        )
        log = (tmp_path / "service.log").open("w+", encoding="utf-8")
        logs.append(log)
        service = RunningService(config, log)
        running.append(service)
        service.wait_ready()
        return config

    yield start
    for service in running:
        service.stop()
    for log in logs:
        log.close()


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` (bounded: a hang guard)."""
    deadline = time.monotonic() + WAIT_LIMIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def _entries(config: Path, state: str) -> list[dict[str, Any]]:
    result = invoke(config, "--json", "queue", "ls", "--state", state)
    assert result.exit_code == 0, result.output
    entries: list[dict[str, Any]] = json.loads(result.stdout)
    return entries


def test_status_submit_and_queue_go_through_the_service(
    tmp_path: Path, start_service: Callable[..., Path], emulator: EmulatorHandle
) -> None:
    config = start_service()
    report = demo_report_file(tmp_path, UUT_ID)
    status = run_cli(config, "status")
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith("service: running (pid ")
    assert "accepting: yes" in status.stdout
    assert "health: ok" in status.stdout
    bad = tmp_path / "broken.xml"
    bad.write_text("<not a report", encoding="utf-8")
    submitted = run_cli(config, "submit", str(report), str(bad))
    assert submitted.returncode == 1
    assert f"-> {UUT_ID}" in submitted.stdout
    assert "(via the running service)" in submitted.stderr
    assert f"{bad}: error: service answered 400" in submitted.stderr
    assert bad.is_file()
    wait_for(lambda: any(r["id"] == UUT_ID for r in emulator.reports()), "delivery")
    wait_for(lambda: bool(_entries(config, "completed")), "completion")
    shown = invoke(config, "--json", "queue", "show", UUT_ID)
    assert json.loads(shown.stdout)["state"] == "completed"
    assert "(via the running service)" in shown.stderr
    out = tmp_path / "out"
    out.mkdir()
    exported = invoke(config, "queue", "export", UUT_ID, "-o", str(out))
    assert exported.exit_code == 0
    assert (out / f"{UUT_ID}.json").read_bytes() == report.read_bytes()
    retried = invoke(config, "queue", "retry", UUT_ID)
    assert retried.exit_code == 1
    assert "service answered 409" in retried.stderr
    removed = invoke(config, "queue", "rm", UUT_ID)
    assert removed.exit_code == 0
    assert removed.stdout == f"removed {UUT_ID} (completed; deleted)\n"


def test_parked_report_retry_and_refusal_when_full(
    tmp_path: Path, start_service: Callable[..., Path], emulator: EmulatorHandle
) -> None:
    emulator.faults.set(FaultRule(FaultKind.REJECT, path="/api/report", message="bad serial"))
    config = start_service(limits={"max_pending_count": 1})
    assert run_cli(config, "submit", str(demo_report_file(tmp_path, UUT_ID))).returncode == 0
    wait_for(lambda: bool(_entries(config, "parked")), "the rejected report to be parked")
    refused = run_cli(config, "submit", str(demo_report_file(tmp_path, OTHER_ID, 2)))
    assert refused.returncode == 4
    assert "service answered 507" in refused.stderr
    assert "(hint: free disk space or drain the queue, then retry)" in refused.stderr
    emulator.faults.clear()
    retried = invoke(config, "queue", "retry", UUT_ID)
    assert retried.exit_code == 0
    assert retried.stdout == f"{UUT_ID} is queued again\n"
    wait_for(lambda: any(r["id"] == UUT_ID for r in emulator.reports()), "delivery after retry")


def test_config_set_goes_through_the_running_service(start_service: Callable[..., Path]) -> None:
    config = start_service()
    result = run_cli(config, "config", "set", "concurrency", "3")
    assert result.returncode == 0, result.stderr
    assert "applied by the running service" in result.stdout
    assert json.loads(config.read_text(encoding="utf-8"))["concurrency"] == 3
    refused = run_cli(config, "config", "set", "concurrency", "0")
    assert refused.returncode == 5
    assert json.loads(config.read_text(encoding="utf-8"))["concurrency"] == 3


def test_doctor_passes_with_a_healthy_service(start_service: Callable[..., Path]) -> None:
    config = start_service()
    result = run_cli(config, "--json", "doctor")
    checks = json.loads(result.stdout)
    assert [c["name"] for c in checks if not c["ok"]] == []
    assert result.returncode == 0
    table = run_cli(config, "doctor")
    assert table.stdout.count("✔") == len(checks)


def test_a_second_instance_is_exit_6(start_service: Callable[..., Path]) -> None:
    config = start_service()
    second = run_cli(config, "run", "--control-port", "0")
    assert second.returncode == 6
    assert f"PID {_service_pid(config)}" in second.stderr


def _service_pid(config: Path) -> int:
    status = json.loads(run_cli(config, "--json", "status").stdout)
    pid: int = status["pid"]
    assert pid != os.getpid()
    return pid


def test_run_with_an_invalid_config_is_exit_5(tmp_path: Path) -> None:
    bad = tmp_path / "client.json"
    bad.write_text(json.dumps({"server_url": "nope"}), encoding="utf-8")
    result = run_cli(bad, "run")
    assert result.returncode == 5
    assert "server_url" in result.stderr
    # `run --config` (the service's own spelling) means the same as the global option.
    result = subprocess.run(
        [*cli_command(), "run", "--config", str(bad)],
        capture_output=True,
        text=True,
        timeout=WAIT_LIMIT,
        check=False,
    )
    assert result.returncode == 5
    assert "server_url" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is a hard kill on Windows")
def test_run_exits_0_on_sigterm_and_releases_the_queue(
    tmp_path: Path, emulator: EmulatorHandle
) -> None:
    config = write_station(tmp_path / "station", server_url=emulator.base_url, token=emulator.token)
    with (tmp_path / "service.log").open("w+", encoding="utf-8") as log:
        service = RunningService(config, log)
        try:
            service.wait_ready()
            assert run_cli(config, "status").returncode == 0
        finally:
            code = service.stop()
    assert code == 0
    after = invoke(config, "queue", "ls")
    assert after.exit_code == 0
    assert "service not running: using the queue directory" in after.stderr
