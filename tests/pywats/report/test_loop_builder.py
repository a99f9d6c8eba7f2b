"""Looped steps from the builder: layout, counters, verdicts and roll-up."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pywats.exceptions import ReportValidationError
from pywats.report import UUTBuilder, UUTReport, parse_wsjf, to_wsjf, validate

START = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)


def make_builder() -> UUTBuilder:
    return UUTBuilder(
        pn="PN", sn="SN", rev="A", process_code=10, station="ST", location="Lab",
        purpose="Test", start=START, report_id="5f0c9a7e-2d41-4c3b-9e8a-0b6f1d2c3a4e",
    )  # fmt: skip


def steps_of(report: UUTReport) -> list[tuple[str | None, int | None, str | None]]:
    assert report.root is not None
    power = report.root.children[0]
    return [(s.step_type, s.loop.idx if s.loop else None, s.status) for s in power.children]


def test_numeric_loop_layout_and_strict_counters() -> None:
    builder = make_builder()
    with builder.sequence("Power") as seq:
        with seq.loop("Ripple") as ripple:
            for value in (0.01, 0.09, 0.02):
                ripple.numeric(value, low=0.0, high=0.05, unit="V")
        seq.action("After")
    report = builder.build()
    assert steps_of(report) == [
        ("ET_NLT", None, "F"),
        ("ET_NLT", 0, "P"),
        ("ET_NLT", 1, "F"),
        ("ET_NLT", 2, "P"),
        ("Action", None, "D"),
    ]
    assert report.root is not None
    summary = report.root.children[0].children[0]
    assert summary.loop is not None
    assert (summary.loop.num, summary.loop.ending_index) == (3, 2)
    assert (summary.loop.passed, summary.loop.failed) == (2, 1)
    assert report.result == "F"
    assert validate(report, loop_counters="strict") == []
    assert validate(parse_wsjf(to_wsjf(report)), loop_counters="strict") == []


def test_retry_loop_passes_after_a_failed_iteration() -> None:
    builder = make_builder()
    with builder.sequence("Power") as seq, seq.loop("Boot", status="P") as boot:
        boot.pass_fail(passed=False)
        boot.pass_fail(passed=True)
    report = builder.build()
    assert report.result == "P"
    assert steps_of(report)[0] == ("ET_PFT", None, "P")
    assert validate(report) == []


def test_export_counters_and_string_iterations() -> None:
    builder = make_builder()
    with builder.sequence("Power") as seq, seq.loop("Ids", counters="export") as ids:
        ids.string("A1", limit="A1")
        ids.string("A1", limit="A1")
    report = builder.build()
    assert report.root is not None
    summary = report.root.children[0].children[0]
    assert summary.loop is not None
    assert (summary.loop.num, summary.loop.ending_index) == (2, 2)
    assert validate(report, loop_counters="export") == []


def test_iterations_stay_next_to_their_summary() -> None:
    builder = make_builder()
    with builder.sequence("Power") as seq:
        first = seq.loop("First")
        second = seq.loop("Second")
        first.generic("NI_Wait")
        second.generic("NI_Wait")
        first.generic("NI_Wait")
    report = builder.build()
    assert report.root is not None
    names = [(s.name, s.loop.idx if s.loop else None) for s in report.root.children[0].children]
    assert names == [("First", None), ("First", 0), ("First", 1), ("Second", None), ("Second", 0)]
    assert validate(report) == []


def test_loop_repeats_one_step_type() -> None:
    builder = make_builder()
    looped = builder.loop("Mixed")
    looped.numeric(1.0)
    with pytest.raises(ReportValidationError, match="one step type"):
        looped.pass_fail(passed=True)


def test_empty_loop_is_rejected_at_build() -> None:
    builder = make_builder()
    builder.loop("Nothing")
    with pytest.raises(ReportValidationError, match="at least one iteration"):
        builder.build()
