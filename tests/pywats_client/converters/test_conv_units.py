"""Pure pieces of the converter subsystem: ids, scanning, stability, retention, post-process."""

from __future__ import annotations

import os
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from pywats_client.config import parse_config
from pywats_client.converters.ids import choose_report_id, derived_report_id
from pywats_client.converters.postprocess import (
    StoredFile,
    error_text,
    flush_zip_staging,
    plan_retention,
    read_kept,
    record_kept,
    unique_destination,
)
from pywats_client.converters.scan import Candidate, StabilityTracker, list_candidates, matches
from pywats_client.converters.settings import FolderSettings, settings_from_client_config
from pywats_client.converters.stats import ConverterStats

SHA = "ab" * 32


def test_derived_id_is_stable_and_depends_on_hash_index_and_nonce() -> None:
    first = derived_report_id(SHA, 0)
    assert first == derived_report_id(SHA.upper(), 0)
    assert len({first, derived_report_id(SHA, 1), derived_report_id("cd" * 32, 0)}) == 3
    assert derived_report_id(SHA, 0, nonce="n1") not in {first, derived_report_id(SHA, 0, "n2")}


def test_choose_id_keeps_station_ids_only_for_preserving_converters() -> None:
    own = "8E1F3A52-0000-4000-8000-000000000001"
    assert choose_report_id(own, SHA, 0, preserves_ids=True) == own.lower()
    assert choose_report_id(own, SHA, 0, preserves_ids=False) == derived_report_id(SHA, 0)
    assert choose_report_id(None, SHA, 2, preserves_ids=True) == derived_report_id(SHA, 2)
    assert choose_report_id(own, SHA, 0, preserves_ids=True, nonce="x") == derived_report_id(
        SHA, 0, "x"
    )


def test_patterns_match_case_insensitively() -> None:
    assert matches("REPORT.JSON", ["*.json"])
    assert not matches("report.json.tmp", ["*.json"])
    assert matches("a.csv", ["*.json", "*.csv"])


def test_listing_skips_folders_hidden_files_symlinks_and_kept_files(tmp_path: Path) -> None:
    (tmp_path / "Done").mkdir()
    (tmp_path / ".partial.json").write_bytes(b"{}")
    long_name = "ü" * 60 + "测试" * 20 + ".json"
    (tmp_path / long_name).write_bytes(b"{}")
    (tmp_path / "other.txt").write_bytes(b"x")
    kept = tmp_path / "kept.json"
    kept.write_bytes(b"{}")
    if sys.platform != "win32":
        (tmp_path / "link.json").symlink_to(tmp_path / long_name)
    info = kept.stat()
    skip = {Candidate(kept, info.st_size, info.st_mtime_ns).identity}
    names = [c.path.name for c in list_candidates(tmp_path, ["*.json"], skip)]
    assert names == [long_name]
    assert list_candidates(tmp_path / "missing", ["*"]) == []


def _cand(name: str, size: int, mtime_ns: int) -> Candidate:
    return Candidate(Path(name), size, mtime_ns)


def test_a_growing_file_is_not_ready_until_unchanged_for_the_period() -> None:
    tracker = StabilityTracker(stable_seconds=2.0)
    assert tracker.observe([_cand("a", 10, 1)], now=0.0) == []
    assert tracker.observe([_cand("a", 20, 2)], now=1.9) == []  # still growing
    assert tracker.observe([_cand("a", 30, 3)], now=3.0) == []
    assert tracker.seconds_until_next_check(3.5) == pytest.approx(1.5)
    assert tracker.observe([_cand("a", 30, 3)], now=4.9) == []
    ready = tracker.observe([_cand("a", 30, 3)], now=5.0)
    assert [c.path.name for c in ready] == ["a"]
    assert tracker.observe([_cand("a", 30, 3)], now=9.0) == []  # in flight: not handed twice
    tracker.release(Path("a"))
    assert tracker.observe([_cand("a", 30, 3)], now=9.0) == []  # judged afresh


def test_ready_files_come_oldest_first_and_vanished_ones_are_forgotten() -> None:
    tracker = StabilityTracker(stable_seconds=0)
    ready = tracker.observe([_cand("new", 1, 50), _cand("old", 1, 10), _cand("mid", 1, 30)], 0)
    assert [c.path.name for c in ready] == ["old", "mid", "new"]
    tracker2 = StabilityTracker(stable_seconds=1)
    tracker2.observe([_cand("gone", 1, 1)], 0)
    tracker2.observe([], 0.5)
    assert tracker2.seconds_until_next_check(0.5) is None


def test_retention_deletes_oldest_first_by_age_then_size() -> None:
    files = [
        StoredFile(Path("c"), mtime=300.0, size=10),
        StoredFile(Path("a"), mtime=100.0, size=10),
        StoredFile(Path("b"), mtime=200.0, size=10),
    ]
    assert plan_retention(files, now=400.0, max_age_seconds=250.0, max_bytes=None) == [Path("a")]
    assert plan_retention(files, now=400.0, max_age_seconds=None, max_bytes=15) == [
        Path("a"),
        Path("b"),
    ]
    assert plan_retention(files, now=400.0, max_age_seconds=None, max_bytes=None) == []


def test_unique_destination_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text("1")
    (tmp_path / "r-1.json").write_text("2")
    assert unique_destination(tmp_path, "r.json").name == "r-2.json"
    assert unique_destination(tmp_path, "new.json").name == "new.json"


def test_error_text_names_converter_time_message_and_traceback() -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    text = error_text(Path("in/x.csv"), "bad row", "Traceback...\n", "csv", "1.0", when)
    assert "converter: csv 1.0" in text
    assert "time: 2026-01-02T03:04:05+00:00" in text
    assert "error: bad row" in text
    assert text.endswith("Traceback...\n")


def test_kept_ledger_round_trip_survives_names_with_tabs_and_junk_lines(tmp_path: Path) -> None:
    source = tmp_path / "we\tird name.csv"
    source.write_bytes(b"abc")
    ledger = tmp_path / ".pywats-kept"
    record_kept(ledger, source, SHA)
    with ledger.open("a") as handle:
        handle.write("junk line\n")
    info = source.stat()
    kept = read_kept(ledger)
    assert Candidate(source, info.st_size, info.st_mtime_ns).identity in kept
    assert len(kept) == 1
    assert read_kept(tmp_path / "absent") == set()


def test_zip_flush_packs_staged_sources_into_one_dated_archive(tmp_path: Path) -> None:
    staging = tmp_path / ".zip-staging"
    staging.mkdir()
    for name in ("a.json", "b.json"):
        (staging / name).write_text(name)
    archive = flush_zip_staging(tmp_path, datetime(2026, 11, 23, 1, 2, 3, tzinfo=UTC))
    assert archive is not None
    assert archive.name.startswith("sources_2026-11-23_010203")
    with zipfile.ZipFile(archive) as packed:
        assert sorted(packed.namelist()) == ["a.json", "b.json"]
        assert packed.read("b.json") == b"b.json"
    assert os.listdir(staging) == []
    assert flush_zip_staging(tmp_path, datetime.now(UTC)) is None


def test_stats_average_and_prometheus_lines() -> None:
    stats = ConverterStats()
    stats.record_converted("csv", reports=3, seconds=0.5)
    stats.record_failed("csv", seconds=1.5, timed_out=True)
    stats.record_refused()
    counters = stats.converters["csv"]
    assert counters.average_seconds == pytest.approx(1.0)
    lines = stats.prometheus_lines()
    assert 'pywats_converter_reports_accepted_total{converter="csv"} 3' in lines
    assert 'pywats_converter_files_timed_out_total{converter="csv"} 1' in lines
    assert "pywats_converter_refusals_total 1" in lines
    assert stats.to_dict()["converters"]["csv"]["average_seconds"] == pytest.approx(1.0)


def test_settings_from_the_client_config_watch_folders(tmp_path: Path) -> None:
    config = parse_config(
        {
            "server_url": "http://127.0.0.1:9",
            "watch_folders": [
                {"path": "in", "converter": "csv", "pattern": "*.CSV", "post_process": "move",
                 "move_to": "done", "options": {"delimiter": ";"}},
                {"path": "raw", "converter": "wsjf", "post_process": "keep"},
            ],
        },
        base_dir=tmp_path,
    )  # fmt: skip
    first, second = settings_from_client_config(config).folders
    assert (first.path, first.done_path, first.patterns) == (
        tmp_path / "in",
        tmp_path / "done",
        ("*.CSV",),
    )
    assert first.options == {"delimiter": ";"}
    assert (second.post_process, second.patterns, second.error_path) == (
        "keep",
        None,
        tmp_path / "raw" / "Error",
    )
    with pytest.raises(ValidationError, match="archive_dir"):
        FolderSettings(path=tmp_path, converter="wsjf", post_process="archive")
