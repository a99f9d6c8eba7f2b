"""Unit verification: grade a unit's test history against the processes it must pass.

No I/O: the route gathers the unit's test runs and repairs, this module decides.

Grades (the emulator's rule; a real server's rule is site-configured):
``A`` every required process passed on its first run, in process order, without repairs;
``B`` every required process passed on its last run and no repairs were needed;
``C`` every required process passed on its last run after repairs;
``F`` a required process failed on its last run or was never run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class UnitRun:
    """One test (UUT) report of the unit."""

    process_code: int
    passed: bool
    start_utc: str
    station_name: str | None


@dataclass(frozen=True)
class RequiredProcess:
    """A process the unit must pass, in the order it should be run."""

    code: int
    name: str
    index: int


def grade_unit(
    required: Sequence[RequiredProcess],
    runs: Sequence[UnitRun],
    repairs: Mapping[int, int],
) -> dict[str, Any]:
    """The ``UnitVerificationGrade`` JSON for ``runs`` (any order) and repair counts."""
    ordered = sorted(runs, key=lambda run: run.start_utc)
    results = [_process_result(process, ordered, repairs) for process in required]
    executed = all(result["totalCount"] > 0 for result in results)
    first_pass = executed and all(_first(ordered, p.code).passed for p in required)
    last_pass = executed and all(_last(ordered, p.code).passed for p in required)
    any_pass = executed and all(any(r.passed for r in _runs(ordered, p.code)) for p in required)
    no_repairs = sum(repairs.get(p.code, 0) for p in required) == 0
    in_order = executed and _first_runs_in_order(required, ordered)
    grade = _grade(first_pass and in_order and no_repairs, last_pass, no_repairs)
    return {
        "status": "Passed" if last_pass else ("Failed" if executed else "Incomplete"),
        "grade": grade,
        "allProcessesExecutedInCorrectOrder": in_order,
        "allProcessesPassedFirstRun": first_pass,
        "allProcessesPassedAnyRun": any_pass,
        "allProcessesPassedLastRun": last_pass,
        "noRepairs": no_repairs,
        "results": results,
    }


def _grade(perfect: bool, last_pass: bool, no_repairs: bool) -> str:
    if perfect:
        return "A"
    if last_pass:
        return "B" if no_repairs else "C"
    return "F"


def _runs(runs: Sequence[UnitRun], code: int) -> list[UnitRun]:
    return [run for run in runs if run.process_code == code]


def _first(runs: Sequence[UnitRun], code: int) -> UnitRun:
    return _runs(runs, code)[0]


def _last(runs: Sequence[UnitRun], code: int) -> UnitRun:
    return _runs(runs, code)[-1]


def _first_runs_in_order(required: Sequence[RequiredProcess], runs: Sequence[UnitRun]) -> bool:
    by_index = sorted(required, key=lambda process: process.index)
    starts = [_first(runs, process.code).start_utc for process in by_index]
    return starts == sorted(starts)


def _process_result(
    process: RequiredProcess, runs: Sequence[UnitRun], repairs: Mapping[int, int]
) -> dict[str, Any]:
    mine = _runs(runs, process.code)
    last = mine[-1] if mine else None
    status = "NotRun" if last is None else ("Passed" if last.passed else "Failed")
    return {
        "processCode": process.code,
        "processName": process.name,
        "processIndex": process.index,
        "status": status,
        "startUtc": last.start_utc if last else None,
        "stationName": last.station_name if last else None,
        "totalCount": len(mine),
        "nonPassedCount": sum(1 for run in mine if not run.passed),
        "repairCount": repairs.get(process.code, 0),
    }
