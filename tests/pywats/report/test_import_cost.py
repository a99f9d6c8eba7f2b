"""``import pywats`` stays cheap: the report model (and pydantic) load only on demand."""

from __future__ import annotations

import subprocess
import sys


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return set(out.stdout.split())


def test_import_pywats_does_not_load_pydantic_or_the_report_model() -> None:
    loaded = _loaded_after("import pywats")
    assert "pywats" in loaded
    assert "pydantic" not in loaded
    assert "pywats.report" not in loaded


def test_import_pywats_report_does_not_load_http() -> None:
    loaded = _loaded_after("import pywats.report")
    assert "pywats.report.builder" in loaded
    assert "httpx" not in loaded
