"""Helpers for the converter tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pywats.report import UUTBuilder, to_wsjf
from pywats.report.wstf import to_wstf
from pywats.report.wsxf import to_wsxf

START = datetime(2026, 11, 23, 8, 0, 0, tzinfo=UTC)


def build_uut(serial: str, report_id: str | None = None, value: float = 1.5):  # type: ignore[no-untyped-def]
    """A small valid UUT report with one numeric step."""
    builder = UUTBuilder(
        pn="PN-CONV",
        sn=serial,
        rev="A",
        process_code=10,
        station="ST-1",
        location="Lab",
        purpose="Test",
        start=START,
        report_id=report_id,
    )
    builder.numeric("Voltage", value, low=1.0, high=2.0, comp_op="GELE", unit="V")
    return builder.build()


def wsjf_bytes(serial: str, report_id: str | None = None) -> bytes:
    return to_wsjf(build_uut(serial, report_id)).encode("utf-8")


def wsxf_bytes(serial: str) -> bytes:
    return to_wsxf(build_uut(serial)).encode("utf-8")


def wstf_bytes(*serials: str) -> bytes:
    return to_wstf([build_uut(s) for s in serials]).encode("utf-8")


async def wait_until(condition: Callable[[], bool], limit: float = 60.0) -> None:
    """Poll ``condition`` until true; fail (not a timing assertion: a hang guard) after ``limit``."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached before the hang guard")
        await asyncio.sleep(0.02)


def files_in(folder: Path) -> list[str]:
    """Names of the regular, non-hidden files directly in ``folder`` (sorted)."""
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
