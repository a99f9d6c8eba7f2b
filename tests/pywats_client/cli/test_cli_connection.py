"""``test-connection`` and the server checks of ``doctor`` against the real emulator."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from cli_helpers import invoke, write_station

from pywats_emulator.state import utc_now
from pywats_emulator.testing import EmulatorHandle


def test_test_connection_reports_version_round_trip_and_skew(
    tmp_path: Path, emulator: EmulatorHandle
) -> None:
    path = write_station(tmp_path, server_url=emulator.base_url, token=emulator.token)
    result = invoke(path, "test-connection")
    assert result.exit_code == 0, result.output
    assert f"server:      {emulator.base_url}" in result.stdout
    assert f"version:     {emulator.state.config.server_version}" in result.stdout
    assert "round trip:  " in result.stdout
    assert "clock skew:  " in result.stdout
    assert "warning" not in result.stdout
    probe = json.loads(invoke(path, "--json", "test-connection").stdout)
    assert probe["version"] == emulator.state.config.server_version
    assert abs(probe["clock_skew_seconds"]) < 300


def test_a_wrong_token_is_exit_1(tmp_path: Path, emulator: EmulatorHandle) -> None:
    path = write_station(tmp_path, server_url=emulator.base_url, token="not-the-token")
    result = invoke(path, "test-connection")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert result.stderr.endswith("(hint: check the API token in the config's token_file)\n")


def test_an_unreachable_server_is_exit_3(tmp_path: Path) -> None:
    result = invoke(write_station(tmp_path), "test-connection")
    assert result.exit_code == 3
    assert "(hint: check server_url and the network" in result.stderr


def test_a_station_without_a_token_file_is_exit_5(tmp_path: Path) -> None:
    path = write_station(tmp_path, token_file=None)
    result = invoke(path, "test-connection")
    assert result.exit_code == 5
    assert "no token_file" in result.stderr


def test_a_skewed_server_clock_is_flagged(tmp_path: Path, emulator: EmulatorHandle) -> None:
    emulator.set_clock(lambda: utc_now() + timedelta(minutes=10))
    path = write_station(tmp_path, server_url=emulator.base_url, token=emulator.token)
    result = invoke(path, "test-connection")
    assert result.exit_code == 0
    assert "(server ahead)" in result.stdout
    assert "warning: clocks differ by 5 minutes or more" in result.stdout
    doctor = invoke(path, "--json", "doctor")
    assert doctor.exit_code == 1
    checks = {c["name"]: c for c in json.loads(doctor.stdout)}
    assert checks["server reachable"]["ok"]
    assert not checks["clock skew"]["ok"]
    assert checks["clock skew"]["detail"].startswith("+")
