"""CLI commands with no service running: config, submit and queue straight on the directory."""

from __future__ import annotations

import io
import json
import os
import sys
import uuid
from pathlib import Path

import pytest
from cli_helpers import StationFactory, invoke, write_station
from rich.console import Console

from pywats_client.cli_common import CliOptions
from pywats_client.cli_submit import submit_files
from pywats_client.config import load_config, write_token
from pywats_client.queue import ReportQueue
from pywats_emulator.demo import demo_uut

UUT_ID = "33a2d408-3fc8-480b-b554-6866c77fd91c"


def _queue(config_path: Path) -> ReportQueue:
    return ReportQueue(load_config(config_path).queue_dir)


# ---------------------------------------------------------------------- config


def test_config_path_follows_option_then_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    explicit = tmp_path / "a.json"
    assert invoke(explicit, "config", "path").stdout.strip() == str(explicit)
    from_env = tmp_path / "env.json"
    monkeypatch.setenv("PYWATS_CLIENT_CONFIG", str(from_env))
    result = invoke(None, "config", "path")
    assert result.exit_code == 0
    assert result.stdout.strip() == str(from_env)
    assert "does not exist yet" in result.stderr


def test_config_set_creates_validates_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "new" / "client.json"
    result = invoke(path, "config", "set", "server_url", "https://wats.example.com")
    assert result.exit_code == 0, result.output
    assert invoke(path, "config", "set", "limits.min_free_bytes", "1024").exit_code == 0
    assert invoke(path, "config", "set", "queue_dir", "spool").exit_code == 0
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written == {
        "server_url": "https://wats.example.com",
        "limits": {"min_free_bytes": 1024},
        "queue_dir": "spool",
    }
    assert load_config(path).queue_dir == path.parent / "spool"


def test_config_set_refuses_an_invalid_value_and_leaves_the_file(station: StationFactory) -> None:
    path = station()
    before = path.read_bytes()
    result = invoke(path, "config", "set", "concurrency", "1000")
    assert result.exit_code == 5
    assert result.stderr.startswith("error: invalid client config; concurrency:")
    assert len(result.stderr.strip().splitlines()) == 1
    assert path.read_bytes() == before
    assert invoke(path, "config", "set", "a..b", "1").exit_code == 2


def test_config_show_prints_the_config_but_never_the_token(station: StationFactory) -> None:
    path = station(token="very-secret-token")
    result = invoke(path, "--json", "config", "show")
    assert result.exit_code == 0
    shown = json.loads(result.stdout)
    assert shown["token"] == "********"
    assert shown["server_url"] == "http://127.0.0.1:9"
    assert shown["token_file"] == str(path.parent / "api.token")
    plain = invoke(path, "config", "show")
    assert "very-secret-token" not in plain.output + result.output
    assert plain.stdout.startswith(f"# {path}\n")


def test_config_validate_lists_every_problem(tmp_path: Path, station: StationFactory) -> None:
    good = station()
    result = invoke(None, "config", "validate", str(good))
    assert result.exit_code == 0
    assert "valid" in result.stdout
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"server_url": "ftp://x", "concurrency": 0}), encoding="utf-8")
    result = invoke(None, "config", "validate", str(bad))
    assert result.exit_code == 5
    assert "server_url:" in result.stdout
    assert "concurrency:" in result.stdout
    assert result.stderr == "error: invalid client config (hint: fix the fields listed above)\n"


def test_missing_config_is_exit_5_with_a_hint(tmp_path: Path) -> None:
    result = invoke(tmp_path / "none.json", "queue", "ls")
    assert result.exit_code == 5
    assert result.stderr.startswith("error: config file not found:")
    assert "(hint: run `pywats-client config validate`" in result.stderr


# ---------------------------------------------------------------------- submit and queue


def test_submit_accepts_good_files_and_reports_bad_ones(
    tmp_path: Path, station: StationFactory, exports_dir: Path
) -> None:
    path = station()
    bad = tmp_path / "garbage.json"
    bad.write_text("{not json", encoding="utf-8")
    good = [exports_dir / "uut-wsjf-export.json", exports_dir / "uur_example.json"]
    result = invoke(path, "submit", *map(str, good), str(bad))
    assert result.exit_code == 1
    assert f"accepted {good[0]} -> {UUT_ID}" in result.stdout
    assert "2 report(s) accepted from 2 file(s); 1 file(s) not accepted" in result.stdout
    assert f"{bad}: error: " in result.stderr
    assert "service not running: accepting into the queue directory" in result.stderr
    assert bad.read_text(encoding="utf-8") == "{not json"
    with _queue(path) as queue:
        assert queue.counts()["queued"] == 2
        assert queue.read_payload(UUT_ID) == good[0].read_bytes()
    again = invoke(path, "submit", str(good[0]))
    assert again.exit_code == 0
    assert "(already queued)" in again.stdout


def test_submit_wsxf_and_json_output(station: StationFactory, exports_dir: Path) -> None:
    path = station()
    result = invoke(path, "--json", "submit", str(exports_dir / "uut-wsxf-export.xml"))
    assert result.exit_code == 0, result.output
    (outcome,) = json.loads(result.stdout)
    assert outcome["error"] is None
    assert outcome["accepted"][0]["state"] == "queued"


def test_submit_refused_by_a_full_queue_is_exit_4_and_keeps_the_file(
    station: StationFactory, exports_dir: Path
) -> None:
    path = station(limits={"max_pending_count": 1})
    first, second = exports_dir / "uut-wsjf-export.json", exports_dir / "uur_example.json"
    assert invoke(path, "submit", str(first)).exit_code == 0
    result = invoke(path, "submit", str(second))
    assert result.exit_code == 4
    assert "max_pending" in result.stderr
    assert second.is_file()
    with _queue(path) as queue:
        assert [e.report_id for e in queue.list()] == [UUT_ID]


def test_queue_ls_show_export_rm_on_the_directory(
    tmp_path: Path, station: StationFactory, exports_dir: Path
) -> None:
    path = station()
    source = exports_dir / "uut-wsjf-export.json"
    assert invoke(path, "submit", str(source)).exit_code == 0
    listing = invoke(path, "queue", "ls")
    assert listing.exit_code == 0
    assert UUT_ID in listing.stdout
    assert "1 entry" in listing.stdout
    (entry,) = json.loads(invoke(path, "--json", "queue", "ls", "--state", "queued").stdout)
    assert entry["report_id"] == UUT_ID
    assert entry["attempts"] == 0
    assert json.loads(invoke(path, "--json", "queue", "ls", "--state", "parked").stdout) == []
    shown = invoke(path, "queue", "show", UUT_ID)
    assert f"report_id: {UUT_ID}" in shown.stdout
    assert "state: queued" in shown.stdout
    out = tmp_path / "exported.json"
    exported = invoke(path, "queue", "export", UUT_ID, "--output", str(out))
    assert exported.exit_code == 0
    assert out.read_bytes() == source.read_bytes()
    removed = invoke(path, "queue", "rm", UUT_ID)
    assert removed.exit_code == 0
    assert "kept as" in removed.stdout
    assert invoke(path, "--json", "queue", "ls").stdout.strip() == "[]"


def test_queue_retry_moves_a_parked_entry_back(station: StationFactory, exports_dir: Path) -> None:
    path = station()
    assert invoke(path, "submit", str(exports_dir / "uut-wsjf-export.json")).exit_code == 0
    with _queue(path) as queue:
        claimed = queue.claim_next()
        assert claimed is not None
        queue.park(claimed.report_id, "400: rejected by the server")
    result = invoke(path, "queue", "retry", UUT_ID)
    assert result.exit_code == 0
    assert result.stdout == f"{UUT_ID} is queued again\n"
    again = invoke(path, "queue", "retry", UUT_ID)
    assert again.exit_code == 1
    assert "queue show ID" in again.stderr


def test_unknown_entry_is_exit_1_with_a_hint(station: StationFactory) -> None:
    result = invoke(station(), "queue", "show", "6f0a1c2e-0000-4000-8000-000000000000")
    assert result.exit_code == 1
    last_line = result.stderr.splitlines()[-1]
    assert last_line.startswith("error: no queue entry with report id 6f0a1c2e-")
    assert last_line.endswith("(hint: list entries with `pywats-client queue ls`)")


def test_a_queue_held_by_a_silent_service_is_exit_3(station: StationFactory) -> None:
    path = station()
    with _queue(path):
        result = invoke(path, "queue", "ls")
    assert result.exit_code == 3
    assert "control API did not answer" in result.stderr


def test_status_without_a_service_is_exit_3_with_directory_counts(
    station: StationFactory, exports_dir: Path
) -> None:
    path = station()
    invoke(path, "submit", str(exports_dir / "uut-wsjf-export.json"))
    result = invoke(path, "status")
    assert result.exit_code == 3
    assert "queued 1" in result.stdout
    assert "error: the service is not running (hint: start it with `pywats-client run`)" in (
        result.stderr
    )
    as_json = json.loads(invoke(path, "--json", "status").stdout)
    assert as_json["state"] == "not running"


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = invoke(tmp_path / "none.json", "--debug", "config", "show")
    assert result.exit_code == 5
    assert "Traceback" in result.stderr


def test_usage_errors_are_exit_2(station: StationFactory) -> None:
    assert invoke(station(), "queue", "ls", "--state", "bogus").exit_code == 2
    assert invoke(station(), "submit").exit_code == 2


# ---------------------------------------------------------------------- doctor offline


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_doctor_flags_a_loose_token_file_and_no_service(tmp_path: Path) -> None:
    path = write_station(tmp_path / "s")
    os.chmod(path.parent / "api.token", 0o644)
    result = invoke(path, "--json", "doctor")
    assert result.exit_code == 1
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert checks["config"]["ok"]
    assert checks["queue dir writable"]["ok"]
    assert checks["disk space"]["ok"]
    assert not checks["token file"]["ok"]
    assert checks["token file"]["hint"] == f"chmod 600 {path.parent / 'api.token'}"
    assert not checks["server reachable"]["ok"]
    assert not checks["service"]["ok"]
    assert list((path.parent / "queue").iterdir()) == []
    assert "check(s) failed" in result.stderr


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs POSIX non-root")
def test_doctor_reports_an_unwritable_queue_dir(tmp_path: Path) -> None:
    path = write_station(tmp_path / "s")
    queue_dir = path.parent / "queue"
    queue_dir.mkdir()
    queue_dir.chmod(0o500)
    try:
        result = invoke(path, "--json", "doctor")
    finally:
        queue_dir.chmod(0o700)
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert not checks["queue dir writable"]["ok"]


def test_doctor_checks_a_registered_stations_passcode_file(tmp_path: Path) -> None:
    path = write_station(tmp_path / "s", token_file=None)
    state_dir = path.parent / "queue-service"
    write_token(state_dir / "station.passcode", "passcode-1")
    checks = {c["name"]: c for c in json.loads(invoke(path, "--json", "doctor").stdout)}
    assert checks["token file"]["ok"]
    assert "station.passcode" in checks["token file"]["detail"]


def _demo_files(folder: Path, count: int) -> list[Path]:
    files = []
    for number in range(1, count + 1):
        body = demo_uut(number)
        body["id"] = str(uuid.UUID(int=number, version=4))
        path = folder / f"uut-{number}.json"
        path.write_text(json.dumps(body), encoding="utf-8")
        files.append(path)
    return files


def test_submit_shows_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    path = write_station(tmp_path / "s")
    terminal = io.StringIO()
    console = Console(file=terminal, force_terminal=True, width=100)
    outcomes = submit_files(CliOptions(config=path), _demo_files(tmp_path, 3), console=console)
    assert [len(o.accepted) for o in outcomes] == [1, 1, 1]
    shown = terminal.getvalue()
    assert "submitting" in shown
    assert "3/3" in shown


def test_no_progress_bar_when_piped(tmp_path: Path) -> None:
    path = write_station(tmp_path / "s")
    piped = io.StringIO()
    console = Console(file=piped, force_terminal=False)
    submit_files(CliOptions(config=path), _demo_files(tmp_path, 3), console=console)
    assert piped.getvalue().startswith("(service not running: accepting into the queue")
    assert "3/3" not in piped.getvalue()


def test_leftovers_of_a_killed_service_fall_back_to_the_directory(tmp_path: Path) -> None:
    # After kill -9 the control token and address file stay behind; nothing listens there.
    path = write_station(tmp_path / "s")
    state_dir = path.parent / "queue-service"
    state_dir.mkdir()
    (state_dir / "control.token").write_text("stale-token\n", encoding="ascii")
    (state_dir / "control.json").write_text(
        json.dumps({"url": "http://127.0.0.1:9", "pid": 1}), encoding="utf-8"
    )
    result = invoke(path, "submit", *map(str, _demo_files(tmp_path, 2)))
    assert result.exit_code == 0, result.output
    assert "service not running: accepting into the queue directory" in result.stderr
    assert "2 report(s) accepted" in result.stdout
    assert invoke(path, "status").exit_code == 3
