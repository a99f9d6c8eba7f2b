"""The composed examples of report-formats.md §12: the WSXF of §12.3 is the WSJF of §12.1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pywats.report import UUTReport, parse_wsjf
from pywats.report.jsondiff import first_difference
from pywats.report.wstf import parse_wstf
from pywats.report.wsxf import comparable_tree, parse_wsxf, to_wsxf


def _code_block(document: str, heading: str, language: str) -> str:
    """The first fenced ``language`` block after ``heading``."""
    start = document.index(heading)
    match = re.compile(rf"```{language}\n(.*?)```", re.DOTALL).search(document, start)
    assert match is not None, f"no {language} block after {heading!r}"
    return match.group(1)


@pytest.fixture(scope="module")
def reference(exports_dir: Path) -> str:
    path = exports_dir.parent.parent / "reference" / "report-formats.md"
    return path.read_text(encoding="utf-8")


def test_reference_wsxf_example_equals_the_wsjf_example(reference: str) -> None:
    from_json = parse_wsjf(_code_block(reference, "### 12.1", "json"))
    from_xml = parse_wsxf(_code_block(reference, "### 12.3", "xml"))
    difference = first_difference(comparable_tree(from_json), comparable_tree(from_xml))
    assert difference is None, difference


def test_reference_wsjf_example_written_as_wsxf_reads_back_equal(reference: str) -> None:
    from_json = parse_wsjf(_code_block(reference, "### 12.1", "json"))
    again = parse_wsxf(to_wsxf(from_json))
    assert first_difference(comparable_tree(from_json), comparable_tree(again)) is None


def test_reference_wstf_example_parses(reference: str) -> None:
    (report,) = parse_wstf(_code_block(reference, "### 12.4", "text"))
    assert isinstance(report, UUTReport)
    assert (report.sn, report.result) == ("DEMO0002", "P")
    assert report.root is not None
    assert [step.name for step in report.root.iter_tree()] == [
        "DemoSequence",
        "Power",
        "Supply voltage",
        "LED check",
        "Read firmware version",
    ]
