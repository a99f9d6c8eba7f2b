"""Fixtures for the report-model tests: the three real WSJF exports as text."""

from __future__ import annotations

from pathlib import Path

import pytest

WSJF_EXPORTS = ("new_report_example.json", "uur_example.json", "uut-wsjf-export.json")


@pytest.fixture(scope="session")
def wsjf_texts(exports_dir: Path) -> dict[str, str]:
    """Each JSON export's text by file name."""
    return {name: (exports_dir / name).read_text(encoding="utf-8") for name in WSJF_EXPORTS}


@pytest.fixture(params=WSJF_EXPORTS)
def wsjf_export(request: pytest.FixtureRequest, wsjf_texts: dict[str, str]) -> tuple[str, str]:
    """(file name, text) of one JSON export; the test runs once per export."""
    name: str = request.param
    return name, wsjf_texts[name]
