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


async def wait_until(condition: Callable[[], bool], limit: float = 30.0) -> None:
    """Poll ``condition`` until true; after ``limit`` seconds fail (a hang guard, not timing)."""
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


USER_CONVERTER = '''
import os
import time
from pydantic import BaseModel
from pywats.report import UUTBuilder
from datetime import datetime, timezone


class Options(BaseModel):
    station: str = "ST-USER"


class LineConverter:
    """One report per non-empty line "SERIAL;VALUE"; special lines misbehave on purpose."""

    name = "lines"
    version = "2.1"
    patterns = ("*.lines",)
    options_model = Options
    preserves_ids = False

    def convert(self, source, options):
        reports = []
        for line in source.text().splitlines():
            if not line.strip():
                continue
            if line == "HANG":
                time.sleep(3600)
            if line == "CRASH":
                os._exit(3)
            if line == "RAISE":
                raise RuntimeError("converter bug on purpose")
            serial, value = line.split(";")
            builder = UUTBuilder(
                pn="PN-LINES", sn=serial, rev="A", process_code=10, station=options.station,
                location="Lab", purpose="Test",
                start=datetime(2026, 11, 23, tzinfo=timezone.utc),
            )
            builder.numeric("Value", float(value), low=0.0, high=10.0, comp_op="GELE")
            reports.append(builder.build())
        return reports


CONVERTER = LineConverter()
'''


def write_user_converter(folder: Path, name: str = "line_converter.py") -> Path:
    """A user converter file (``lines``) in ``folder``; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(USER_CONVERTER, encoding="utf-8")
    return path
