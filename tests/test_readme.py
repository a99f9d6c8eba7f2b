"""The README's example runs as written against the emulator (over real HTTP)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pywats.report import UUTReport, validate
from pywats_emulator.testing import EmulatorHandle

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_example_builds_submits_and_reads_back(
    emulator: EmulatorHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    match = re.search(r"```python\n(.*?UUTBuilder.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert match is not None, "README lost its example"
    monkeypatch.setenv("WATS_BASE_URL", emulator.base_url)
    monkeypatch.setenv("WATS_TOKEN", emulator.token)
    printed: list[tuple[object, ...]] = []
    namespace: dict[str, object] = {"print": lambda *args: printed.append(args)}
    exec(compile(match.group(1), "README.md", "exec"), namespace)
    report = namespace["report"]
    assert isinstance(report, UUTReport)
    assert validate(report) == []
    assert printed == [("P", "DEMO0001")]
    stored = emulator.reports()
    assert [r["id"].lower() for r in stored] == [str(report.id).lower()]
