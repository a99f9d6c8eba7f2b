"""Suite-wide fixtures: where the shared real-server exports live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["pywats_emulator.testing"]

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PYWATS_SHARED", REPO_ROOT.parent / "shared"))
EXPORTS = SHARED / "fixtures" / "wats-exports"
EXPORT_NAMES = (
    "new_report_example.json",
    "uur_example.json",
    "uut-wsjf-export.json",
    "uut-wsxf-export.xml",
)


@pytest.fixture(scope="session")
def exports_dir() -> Path:
    """The folder holding the four real WATS server exports (never copied into the repo)."""
    if not (EXPORTS / "uut-wsjf-export.json").is_file():
        pytest.fail(f"shared fixtures not found at {EXPORTS}; set PYWATS_SHARED")
    return EXPORTS
