"""Deterministic demo reports (WSJF trees) for tests, benchmarks and ``--demo-reports``.

The shapes follow report-formats.md §12: a passing sequence of numeric tests under a root
sequence call, and a repair report that references a test report.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

DEMO_START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def demo_id(number: int, kind: str = "uut") -> str:
    """A stable report id for demo report ``number``."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"pywats-emulator-demo:{kind}:{number}"))


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def numeric_step(step_id: int, name: str, value: float, low: float, high: float) -> dict[str, Any]:
    """A single-measurement numeric limit step whose status follows its value."""
    status = "P" if low <= value <= high else "F"
    return {
        "id": step_id,
        "group": "M",
        "stepType": "ET_NLT",
        "name": name,
        "status": status,
        "totTime": 0.01,
        "numericMeas": [
            {"compOp": "GELE", "status": status, "unit": "V", "value": value,
             "lowLimit": low, "highLimit": high}
        ],
    }  # fmt: skip


def demo_uut(
    number: int = 1,
    *,
    steps: int = 4,
    failing_step: int | None = None,
    pn: str = "DEMO-PCBA-100",
    sn: str | None = None,
    process_code: int = 10,
    start: datetime | None = None,
    station: str = "STATION-01",
) -> dict[str, Any]:
    """A valid UUT report with ``steps`` numeric steps; ``failing_step`` (1-based) fails."""
    begin = start or DEMO_START + timedelta(minutes=number)
    children = []
    for index in range(1, steps + 1):
        value = 9.0 if index == failing_step else 3.3
        children.append(numeric_step(index + 1, f"Voltage {index}", value, 3.2, 3.4))
    failed = failing_step is not None and 1 <= failing_step <= steps
    result = "F" if failed else "P"
    return {
        "type": "T",
        "id": demo_id(number),
        "pn": pn,
        "sn": sn or f"DEMO{number:06d}",
        "rev": "B",
        "processCode": process_code,
        "result": result,
        "machineName": station,
        "location": "Line 1",
        "purpose": "Production",
        "start": _stamp(begin),
        "uut": {"user": "operator1", "execTime": 0.01 * steps, "fixtureId": "FX-7"},
        "miscInfos": [{"description": "Firmware", "text": "1.4.2"}],
        "subUnits": [{"partType": "PSU", "pn": "PSU-7", "sn": f"PSU{number:06d}", "rev": "A"}],
        "root": {
            "id": 1,
            "group": "M",
            "stepType": "SequenceCall",
            "name": "MainSequence Callback",
            "status": result,
            "totTime": 0.01 * steps,
            "seqCall": {"path": "demo.seq", "name": "demo.seq", "version": "1.0.0"},
            "steps": children,
        },
    }


def demo_uur(number: int, uut: dict[str, Any], *, repair_code: int = 500) -> dict[str, Any]:
    """A repair report for the unit of ``uut`` (its ``refUUT``)."""
    begin = datetime.fromisoformat(uut["start"]) + timedelta(hours=1)
    return {
        "type": "R",
        "id": demo_id(number, "uur"),
        "pn": uut["pn"],
        "sn": uut["sn"],
        "rev": uut["rev"],
        "processCode": repair_code,
        "result": "P",
        "machineName": "REPAIR-01",
        "location": "Line 1",
        "purpose": "Repair",
        "start": _stamp(begin),
        "uur": {
            "user": "tech1",
            "comment": "Replaced U3",
            "processCode": uut["processCode"],
            "refUUT": uut["id"],
            "confirmDate": _stamp(begin.astimezone(UTC)),
            "finalizeDate": _stamp(begin.astimezone(UTC)),
            "execTime": 600.0,
        },
        "subUnits": [
            {"partType": "Main", "pn": uut["pn"], "sn": uut["sn"], "rev": uut["rev"], "idx": 0,
             "failures": [{"category": "Component", "code": "Defective", "comRef": "U3"}]}
        ],
    }  # fmt: skip
