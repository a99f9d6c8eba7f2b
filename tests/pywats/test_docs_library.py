"""Every ``python`` code block of docs/library.md runs against the emulator, in page order."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from pywats_emulator.testing import EmulatorHandle

DOC = Path(__file__).resolve().parents[2] / "docs" / "library.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def code_blocks() -> list[tuple[int, str]]:
    """(line number, source) of each python block."""
    text = DOC.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in BLOCK.finditer(text)]


def run_block(line: int, source: str) -> str:
    """Execute one block as a script (``__name__ == "__main__"``); return what it printed."""
    output = io.StringIO()
    namespace = {"__name__": "__main__"}
    with contextlib.redirect_stdout(output):
        exec(compile(source, f"{DOC.name}:{line}", "exec"), namespace)
    return output.getvalue()


def test_the_page_has_the_promised_examples() -> None:
    sources = "\n".join(source for _, source in code_blocks())
    for call in (
        "wats.report.submit(",
        "wats.report.query_headers(",
        "wats.production.get_unit(",
        "wats.production.take_serial_numbers(",
        "wats.analytics.get_yield(",
    ):
        assert call in sources


def test_every_example_runs_against_the_emulator(
    emulator: EmulatorHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WATS_BASE_URL", emulator.base_url)
    monkeypatch.setenv("WATS_TOKEN", emulator.token)
    printed = "".join(run_block(line, source) for line, source in code_blocks())

    assert f"server version: {emulator.state.config.server_version}" in printed
    stored = emulator.reports()
    assert [(r["pn"], r["sn"]) for r in stored] == [("PCBA-100", "SN-000123")]
    assert f"stored {stored[0]['id']} SN-000123 P" in printed
    assert "SN-000123 Passed" in printed
    assert "reports for SN-000123: 1" in printed
    assert "unit MOD-0001 MODULE-100" in printed
    assert "not found:" in printed
    taken = re.search(r"taken: \[(.*)\]", printed)
    assert taken is not None
    assert len(taken.group(1).split(",")) == 3
    assert re.search(r"yield PCBA-100 \S.* 1 100(\.0)?\b", printed)
    assert "reachable: " in printed
