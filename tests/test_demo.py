"""The demo's report stage runs and round-trips every real export without a difference."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

DEMO = Path(__file__).resolve().parent.parent / "demo"


@pytest.fixture
def report_demo(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    monkeypatch.syspath_prepend(str(DEMO))
    import report_demo as module

    yield module
    sys.modules.pop("report_demo", None)


def test_report_stage_writes_every_format(report_demo: ModuleType, tmp_path: Path) -> None:
    lines = report_demo.write_formats(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {
        "uut-pass.json",
        "uut-pass.xml",
        "uut-fail.json",
        "uut-fail.xml",
        "uur.json",
        "uur.xml",
        "uuts.txt",
    }
    assert lines[0].startswith("uut-pass  result=P problems=0")
    assert lines[1].startswith("uut-fail  result=F problems=0")
    assert "results ['P', 'F']" in lines[3]


def test_real_exports_round_trip_identically(report_demo: ModuleType, exports_dir: Path) -> None:
    lines = report_demo.round_trip_exports(exports_dir)
    assert all("round-trip identical" in line for line in lines[:3]), lines
    assert lines[3].endswith("equals its WSJF twin: yes")


def test_station_stage_delivers_everything_and_parks_the_rejected_export(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, exports_dir: Path
) -> None:
    monkeypatch.syspath_prepend(str(DEMO))
    import station_stage

    try:
        tally = station_stage.run(tmp_path, exports_dir, generated=20)
    finally:
        sys.modules.pop("station_stage", None)
        sys.modules.pop("report_demo", None)
    assert tally.refused == []
    assert len(set(tally.via_api)) == 23  # 3 exports + 20 generated
    assert tally.via_folder == 20
    # the FAT export breaks the server's submit rules: parked, not lost, not retried forever
    assert (tally.stored, tally.parked) == (42, 1)
    inbox = tmp_path / "station" / "inbox"
    assert [p.name for p in inbox.iterdir() if p.is_file()] == []
    assert len(list((inbox / "Done").glob("sources_*.zip"))) >= 1
