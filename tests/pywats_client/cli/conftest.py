"""Fixtures of the CLI tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cli_helpers import StationFactory, write_station


@pytest.fixture
def station(tmp_path: Path) -> StationFactory:
    """``station(**overrides) -> config path`` in a fresh folder."""

    def make(**overrides: Any) -> Path:
        return write_station(tmp_path / "station", **overrides)

    return make


@pytest.fixture(autouse=True)
def _no_ambient_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A developer's own $PYWATS_CLIENT_CONFIG or per-user config must never leak into a test.
    monkeypatch.setenv("PYWATS_CLIENT_CONFIG", str(tmp_path / "unset" / "client.json"))
