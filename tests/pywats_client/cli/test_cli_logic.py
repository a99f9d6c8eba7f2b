"""The CLI's pure pieces: error mapping, exit codes, formatting, config edits, verdicts."""

from __future__ import annotations

import errno
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pywats.exceptions import (
    AuthenticationError,
    ReportFormatError,
    WatsConnectionError,
)
from pywats_client.cli import run_exit_code
from pywats_client.cli_app import status_lines
from pywats_client.cli_config import (
    REDACTED,
    key_parts,
    nested_change,
    parse_value,
    redacted,
    with_change,
)
from pywats_client.cli_connection import (
    ServerProbe,
    clock_skew_seconds,
    probe_lines,
    skew_ok,
    skew_text,
)
from pywats_client.cli_doctor import (
    Check,
    disk_check,
    doctor_exit_code,
    health_check,
    skew_check,
    token_mode_check,
)
from pywats_client.cli_errors import CliFailure, ExitCode, classify_error
from pywats_client.cli_format import (
    counts_line,
    entry_lines,
    entry_to_dict,
    human_size,
    iso_utc,
    normalise_entry,
)
from pywats_client.cli_queue import export_target
from pywats_client.cli_submit import FileOutcome, submit_exit_code
from pywats_client.control import ControlError
from pywats_client.errors import (
    ClientConfigError,
    DiskSpaceError,
    EntryNotFoundError,
    InputFileError,
    QueueFullError,
    QueueLockedError,
)
from pywats_client.instance_lock import InstanceLockedError
from pywats_client.queue import EntryState, EnvelopeMeta, QueueEntry
from pywats_client.service import EXIT_CONFIG, EXIT_LOCKED

# ---------------------------------------------------------------------- errors and exit codes


@pytest.mark.parametrize(
    ("exc", "code", "hint_part"),
    [
        (ClientConfigError("invalid client config", ["server_url: bad"]), 5, "config validate"),
        (QueueFullError("queue holds 10 reports"), 4, "max_pending"),
        (DiskSpaceError("free space 1 B below 2 B"), 4, "free disk space"),
        (QueueLockedError("in use"), 3, "control API did not answer"),
        (InstanceLockedError(Path("/q"), 1234), 6, "stop the other instance"),
        (EntryNotFoundError("no entry x"), 1, "queue ls"),
        (InputFileError("a.txt", "not a report"), 1, "WSJF, WSXF or WSTF"),
        (ReportFormatError("bad"), 1, "WSJF, WSXF or WSTF"),
        (AuthenticationError(401, "denied", method="GET", path="/api/App/Version"), 1, "token"),
        (WatsConnectionError("refused", method="GET", path="/x"), 3, "server_url"),
        (ControlError("cannot reach the service"), 3, "pywats-client run"),
        (ControlError("service answered 507: input refused", 507), 4, "free disk space"),
        (ControlError("service answered 404: no entry", 404), 1, "queue ls"),
        (ControlError("service answered 401", 401), 1, "control token"),
        (OSError(errno.EACCES, "Permission denied", "/x"), 1, "permissions"),
    ],
)
def test_every_expected_error_maps_to_its_exit_code_and_a_hint(
    exc: BaseException, code: int, hint_part: str
) -> None:
    failure = classify_error(exc)
    assert failure.code == code
    assert failure.hint is not None
    assert hint_part in failure.hint
    assert "\n" not in failure.line()


def test_multi_line_config_errors_become_one_line() -> None:
    exc = ClientConfigError("invalid client config", ["server_url: bad", "concurrency: too big"])
    line = classify_error(exc).line()
    assert line == (
        "error: invalid client config; server_url: bad; concurrency: too big "
        "(hint: run `pywats-client config validate` and fix the fields it names)"
    )


def test_unexpected_errors_are_one_line_too() -> None:
    failure = classify_error(RuntimeError("first\nsecond"))
    assert failure.code == 1
    assert failure.line() == (
        "error: unexpected RuntimeError: first; second "
        "(hint: rerun with --debug and report the traceback)"
    )


def test_failure_line_without_hint() -> None:
    assert CliFailure("boom\n  again").line() == "error: boom again"


def test_exit_code_values_are_the_documented_ones() -> None:
    assert [c.value for c in ExitCode] == [0, 1, 2, 3, 4, 5, 6]


def test_service_exit_codes_map_to_the_cli_scheme() -> None:
    assert run_exit_code(EXIT_CONFIG) == ExitCode.BAD_CONFIG
    assert run_exit_code(EXIT_LOCKED) == ExitCode.ALREADY_RUNNING
    assert run_exit_code(0) == 0


def _outcome(code: int | None) -> FileOutcome:
    failure = None if code is None else CliFailure("x", None, code)
    return FileOutcome(Path("f"), failure=failure)


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ([None, None], 0),
        ([None, 1], 1),
        ([1, 4, None], 4),
        ([1, 3], 3),
        ([], 0),
    ],
)
def test_submit_exit_code_prefers_queue_problems_over_bad_files(
    codes: list[int | None], expected: int
) -> None:
    assert submit_exit_code([_outcome(c) for c in codes]) == expected


# ---------------------------------------------------------------------- formatting


def test_iso_utc() -> None:
    assert iso_utc(0.0) == "1970-01-01T00:00:00Z"
    assert iso_utc(None) is None


@pytest.mark.parametrize(
    ("size", "text"), [(0, "0 B"), (1023, "1023 B"), (1536, "1.5 KiB"), (3 * 1024**3, "3.0 GiB")]
)
def test_human_size(size: int, text: str) -> None:
    assert human_size(size) == text


def test_directory_and_service_entries_have_one_shape() -> None:
    meta = EnvelopeMeta("a" * 8, "cid", 10.0, "sha", attempts=2, last_error="503 busy")
    entry = QueueEntry("rid", EntryState.ERROR, 10.0, 512, 70.0, meta)
    offline = entry_to_dict(entry)
    online = normalise_entry(
        {"report_id": "rid", "state": "error", "accepted_at": 10.0, "size": 512,
         "state_time": 70.0, "next_attempt_at": 70.0, "attempts": 2, "last_error": "503 busy",
         "parked_reason": None, "correlation_id": "cid", "source": {}}
    )  # fmt: skip
    assert online == offline
    assert offline["next_attempt_at"] == "1970-01-01T00:01:10Z"


def test_entry_lines_skip_empty_values_and_show_sizes() -> None:
    lines = entry_lines({"state": "queued", "report_id": "r", "size": 2048, "last_error": None})
    assert lines == ["report_id: r", "state: queued", "size: 2.0 KiB"]
    assert entry_lines({"last_error": "400: a\nb"}) == ["last_error: 400: a\n    b"]


def test_counts_line_orders_states() -> None:
    assert (
        counts_line({"completed": 1, "queued": 2, "error": 0}) == "queued 2, error 0, completed 1"
    )
    assert counts_line({}) == "empty"


def test_status_lines() -> None:
    status = {
        "state": "running", "pid": 42, "accepting": True,
        "health": {"status": "degraded", "reasons": ["backlog: 2000"]},
        "queue": {"queued": 3, "parked": 1}, "uploads_in_flight": 2, "concurrency": 5,
        "server_url": "http://wats", "clock_skew_seconds": None,
        "tasks": [{"name": "uploader", "state": "running", "restarts": 1, "error": "boom"}],
    }  # fmt: skip
    assert status_lines(status) == [
        "service: running (pid 42)",
        "health: degraded (backlog: 2000)",
        "accepting: yes",
        "queue: queued 3, parked 1",
        "uploads in flight: 2 of 5",
        "server url: http://wats",
        "task uploader: running (restarts 1, last error: boom)",
    ]


def test_export_target(tmp_path: Path) -> None:
    assert export_target(tmp_path, "ABC") == tmp_path / "abc.json"
    assert export_target(tmp_path / "x.json", "ABC") == tmp_path / "x.json"


# ---------------------------------------------------------------------- config edits


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5", 5),
        ("2.5", 2.5),
        ("true", True),
        ("null", None),
        ("[1]", [1]),
        ("http://x", "http://x"),
    ],
)
def test_values_parse_as_json_else_text(text: str, value: object) -> None:
    assert parse_value(text) == value


def test_nested_keys_are_set_without_touching_the_rest() -> None:
    raw = {"server_url": "http://a", "limits": {"max_pending_count": 5}}
    changed = with_change(raw, key_parts("limits.min_free_bytes"), 0)
    assert changed == {
        "server_url": "http://a",
        "limits": {"max_pending_count": 5, "min_free_bytes": 0},
    }
    assert raw == {"server_url": "http://a", "limits": {"max_pending_count": 5}}
    assert with_change({}, ["a", "b"], 1) == {"a": {"b": 1}}
    assert nested_change(["a", "b"], 1) == {"a": {"b": 1}}


@pytest.mark.parametrize("key", ["", "a..b", ".a", "a."])
def test_bad_keys_are_usage_errors(key: str) -> None:
    with pytest.raises(CliFailure) as caught:
        key_parts(key)
    assert caught.value.code == ExitCode.USAGE


def test_setting_inside_a_plain_value_is_refused() -> None:
    with pytest.raises(CliFailure):
        with_change({"server_url": "http://a"}, ["server_url", "x"], 1)


def test_redaction_masks_secrets_but_keeps_paths() -> None:
    shown = redacted({"token_file": "/t", "token": "s3cret", "x": {"password": "p"}})
    assert shown == {"token_file": "/t", "token": REDACTED, "x": {"password": REDACTED}}


# ---------------------------------------------------------------------- connection and doctor


def test_clock_skew_uses_the_midpoint_and_reads_naive_times_as_utc() -> None:
    sent = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    received = sent + timedelta(seconds=2)
    assert clock_skew_seconds(sent + timedelta(seconds=11), sent, received) == 10.0
    naive = datetime(2026, 1, 1, 11, 59, 0)
    assert clock_skew_seconds(naive, sent, received) == -61.0


def test_skew_verdicts() -> None:
    assert skew_ok(299.0)
    assert skew_ok(-299.0)
    assert not skew_ok(300.0)
    assert not skew_ok(None)
    assert skew_text(1.25) == "+1.250 s (server ahead)"
    assert skew_text(-3.0) == "-3.000 s (server behind)"
    assert skew_text(None).startswith("unknown")


def test_probe_lines_warn_about_large_skew() -> None:
    probe = ServerProbe("http://w", "2026.1", 0.0123, "WATS", 400.0)
    lines = probe_lines(probe)
    assert lines[:3] == ["server:      http://w", "name:        WATS", "version:     2026.1"]
    assert "round trip:  12.3 ms" in lines
    assert lines[-1].startswith("warning: clocks differ")


def test_disk_check() -> None:
    assert disk_check(2048, 1024).ok
    low = disk_check(100, 1024)
    assert not low.ok
    assert low.hint is not None
    assert "min_free_bytes" in low.hint


def test_token_mode_check() -> None:
    path = Path("/t")
    assert token_mode_check(path, 0o100600, windows=False).ok
    loose = token_mode_check(path, 0o100644, windows=False)
    assert not loose.ok
    assert loose.hint == "chmod 600 /t"
    assert token_mode_check(path, 0o100644, windows=True).ok
    assert not token_mode_check(None, None).ok
    assert not token_mode_check(path, None).ok


def test_skew_and_health_checks() -> None:
    assert not skew_check(None).ok
    assert skew_check(ServerProbe("u", "v", 0.1, None, 3.0)).ok
    assert not skew_check(ServerProbe("u", "v", 0.1, None, 600.0)).ok
    assert not skew_check(ServerProbe("u", "v", 0.1, None, None)).ok
    assert health_check({"status": "ok", "reasons": []}, None).ok
    degraded = health_check({"status": "degraded", "reasons": ["backlog"]}, None)
    assert not degraded.ok
    assert "backlog" in degraded.detail
    assert not health_check(None, "refused").ok


def test_doctor_passes_only_when_every_check_does() -> None:
    good, bad = Check("a", True, ""), Check("b", False, "")
    assert doctor_exit_code([good, good]) == 0
    assert doctor_exit_code([good, bad]) == 1
