"""The one-way import rules between the four packages, enforced by walking every module's AST.

- ``pywats`` imports none of the other three packages.
- ``pywats_client`` imports neither ``pywats_ui`` nor any Qt binding, nor the emulator.
- ``pywats_emulator`` imports from ``pywats`` only (models, report I/O), never the service or GUI.
- ``pywats_ui`` reaches the service only through ``pywats_client.control`` (its control-API client).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
QT = ("PySide6", "PyQt5", "PyQt6", "PySide2", "qasync", "shiboken6")

FORBIDDEN: dict[str, tuple[str, ...]] = {
    "pywats": ("pywats_client", "pywats_ui", "pywats_emulator", *QT),
    "pywats_client": ("pywats_ui", "pywats_emulator", *QT),
    "pywats_emulator": ("pywats_client", "pywats_ui", *QT),
}


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def _top(name: str) -> str:
    return name.split(".", 1)[0]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_downwards(package: str) -> None:
    bad = [
        f"{path.relative_to(SRC)}:{line} imports {name}"
        for path in sorted((SRC / package).rglob("*.py"))
        for line, name in imported_modules(path)
        if _top(name) in FORBIDDEN[package]
    ]
    assert not bad, "layering violated:\n" + "\n".join(bad)


def test_gui_reaches_service_only_through_control_client() -> None:
    bad = [
        f"{path.relative_to(SRC)}:{line} imports {name}"
        for path in sorted((SRC / "pywats_ui").rglob("*.py"))
        for line, name in imported_modules(path)
        if _top(name) == "pywats_client" and not name.startswith("pywats_client.control")
    ]
    assert not bad, "pywats_ui must use pywats_client.control only:\n" + "\n".join(bad)


def test_walker_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("import PySide6.QtCore\nfrom pywats_ui import x\nfrom . import y\n")
    assert [n for _, n in imported_modules(sample)] == ["PySide6.QtCore", "pywats_ui"]
