"""The service as a real process: SIGTERM during uploads, one instance per queue folder."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest
from service_helpers import ServiceProcess, control_token, report_bytes, wait_until, write_config

from pywats_client.control import ControlClient
from pywats_client.instance_lock import InstanceLock
from pywats_client.service import EXIT_LOCKED, EXIT_OK
from pywats_client.station import REGISTRATION_TOKEN_ENV
from pywats_emulator.faults import FaultKind, FaultRule
from pywats_emulator.testing import EmulatorHandle

GRACEFUL = 1.0
FORCE = 5.0


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is a POSIX signal")
async def test_sigterm_during_uploads_requeues_releases_the_lock_and_disconnects(
    tmp_path: Path, emulator: EmulatorHandle
) -> None:
    folder = tmp_path / "station"
    config = write_config(
        folder, emulator.base_url, None, request_timeout_seconds=60.0,
        shutdown={"graceful_timeout_seconds": GRACEFUL, "force_timeout_seconds": FORCE},
    )  # fmt: skip
    # Registration mode: the station registers itself, so a disconnect is due at the end.
    env = {REGISTRATION_TOKEN_ENV: emulator.token}
    emulator.faults.set(FaultRule(FaultKind.LATENCY, path="/api/report", delay=60.0))
    service = ServiceProcess(config, env).start()
    try:
        async with ControlClient(control_token(folder), base_url=service.control_url) as control:
            for number in range(3):
                await control.submit(report_bytes(number)[1], f"r{number}.json")

            async def uploading() -> bool:
                return bool((await control.status())["uploads_in_flight"] == 3)

            await wait_until(uploading, what="3 uploads in flight")
        assert service.proc is not None
        service.proc.send_signal(signal.SIGTERM)
        # A hang guard with the service's own promise as the limit: graceful + force.
        assert service.proc.wait(timeout=GRACEFUL + FORCE + 5) == EXIT_OK
    finally:
        service.close()
    queue_dir = folder / "queue"
    assert len(list(queue_dir.glob("*.queued"))) == 3
    assert not list(queue_dir.glob("*.processing"))
    with InstanceLock(queue_dir):
        pass  # released: a new holder gets it at once
    rows = emulator.store.query("SELECT misc_info FROM clients WHERE name = 'TEST-STATION'")
    assert [row["misc_info"] for row in rows] == ["pywats-client stopped"]
    assert "stopping: cancelling 3 unfinished upload(s)" in service.stderr()


def test_second_instance_is_refused_naming_the_holder_and_a_stale_lock_is_recovered(
    tmp_path: Path, emulator: EmulatorHandle
) -> None:
    config = write_config(tmp_path / "station", emulator.base_url, emulator.token)
    first = ServiceProcess(config).start()
    second = ServiceProcess(config)
    try:
        second.spawn()
        assert second.proc is not None
        assert second.proc.wait(timeout=120) == EXIT_LOCKED
        assert f"PID {first.pid}" in second.stderr()
    finally:
        second.close()
        first.kill()
    # kill -9 left the lock file behind; the OS released the lock itself.
    third = ServiceProcess(config).start()
    try:
        assert third.terminate() == EXIT_OK
    finally:
        third.close()


async def test_control_port_in_use_is_a_clear_start_up_error(
    tmp_path: Path, emulator: EmulatorHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    from pywats_client.service import EXIT_FAILED, AsyncClientService

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = write_config(
            tmp_path / "station", emulator.base_url, emulator.token, control_api={"port": port}
        )
        service = AsyncClientService(config, handle_signals=False)
        assert await service.run() == EXIT_FAILED
    assert "cannot start the control API" in capsys.readouterr().err
    with InstanceLock(tmp_path / "station" / "queue"):
        pass


async def test_missing_config_and_unregistered_station_without_token_exit_with_code_2(
    tmp_path: Path, emulator: EmulatorHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    from pywats_client.service import EXIT_CONFIG, AsyncClientService

    missing = AsyncClientService(tmp_path / "nope.json", handle_signals=False)
    assert await missing.run() == EXIT_CONFIG
    assert "config file not found" in capsys.readouterr().err
    if sys.platform == "win32":
        return  # POSIX permission bits only
    config = write_config(tmp_path / "station", emulator.base_url, "tok")
    (tmp_path / "station" / "api.token").chmod(0o644)
    unsafe = AsyncClientService(config, handle_signals=False)
    assert await unsafe.run() == EXIT_CONFIG
    assert "readable by other users" in capsys.readouterr().err


def test_sync_service_stops_when_asked_from_another_thread(
    tmp_path: Path, emulator: EmulatorHandle
) -> None:
    import threading
    import time

    from pywats_client.service import ClientService

    config = write_config(tmp_path / "station", emulator.base_url, emulator.token)
    service = ClientService(config, control_port=0, handle_signals=False)
    codes: list[int] = []
    runner = threading.Thread(target=lambda: codes.append(service.run()))
    runner.start()
    try:
        while not service.service.accepting and runner.is_alive():
            time.sleep(0.01)
        assert service.service.accepting
    finally:
        service.stop("windows service stop")
        runner.join(timeout=120)
    assert codes == [EXIT_OK]
    with InstanceLock(tmp_path / "station" / "queue"):
        pass
