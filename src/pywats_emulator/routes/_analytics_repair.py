"""Repair statistics, report-header rows and OEE over stored reports (no I/O)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pywats_emulator.routes._analytics_filter import (
    NO_GROUPING,
    Catalog,
    period_label,
    period_start,
)
from pywats_emulator.routes._analytics_records import ReportRecord, failure_step, iter_steps
from pywats_emulator.routes._analytics_yield import ColumnSpec, percent, sort_rows

REPAIR_KPIS = ("repairReportCount", "repairCount")
DEFAULT_REPAIR_DIMENSIONS = "repairCount desc;repairReportCount desc;partNumber;repairOperation"


@dataclass(frozen=True)
class RepairFact:
    """One failure of a repair report (or the report itself when it lists no failure)."""

    repair: ReportRecord
    unit: Mapping[str, Any]
    failure: Mapping[str, Any]
    tested: ReportRecord | None


def repair_facts(
    records: Iterable[ReportRecord], uuts_by_id: Mapping[str, ReportRecord]
) -> list[RepairFact]:
    """Explode UUR records into one fact per failure, each linked to its referenced UUT."""
    facts = []
    for record in records:
        if record.is_uut:
            continue
        tested = uuts_by_id.get(str(record.uur.get("refUUT") or "").lower())
        found = False
        for unit in record.body.get("subUnits") or ():
            if not isinstance(unit, Mapping):
                continue
            for failure in unit.get("failures") or ():
                if isinstance(failure, Mapping):
                    facts.append(RepairFact(record, unit, failure, tested))
                    found = True
        if not found:
            facts.append(RepairFact(record, {}, {}, tested))
    return facts


def _referenced_step_path(fact: RepairFact) -> str:
    step_id = fact.failure.get("refStepId")
    if fact.tested is None or step_id is None:
        return ""
    for path, step in iter_steps(fact.tested.root) if fact.tested.root else ():
        if step.get("id") == step_id:
            return path
    return ""


def _test_value(getter: Callable[[ReportRecord], Any]) -> Callable[[RepairFact, Catalog, int], Any]:
    return lambda f, c, g: "" if f.tested is None else getter(f.tested)


def _fail(key: str) -> Callable[[RepairFact, Catalog, int], Any]:
    return lambda f, c, g: str(f.failure.get(key) or "")


def _test_operation(fact: RepairFact) -> str:
    name = fact.repair.uur.get("processName")
    code = fact.repair.uur.get("processCode")
    return str(name or ("" if code is None else code))


def _misc(index: int) -> Callable[[RepairFact, Catalog, int], Any]:
    return lambda f, c, g: (f.repair.misc_infos() or [("", "")])[0][index]


RepairGetter = Callable[[RepairFact, Catalog, int], Any]
REPAIR_DIMENSIONS: dict[str, RepairGetter] = {
    "partNumber": lambda f, c, g: f.repair.pn,
    "revision": lambda f, c, g: f.repair.rev,
    "productName": lambda f, c, g: f.repair.product_name,
    "productGroup": lambda f, c, g: next(iter(c.product_groups_of(f.repair.pn)), ""),
    "unitType": lambda f, c, g: str(f.unit.get("partType") or ""),
    "repairOperation": lambda f, c, g: f.repair.process_name,
    "period": lambda f, c, g: period_label(period_start(f.repair.start_utc, g), g),
    "level": lambda f, c, g: c.level_of(f.repair.location),
    "stationName": lambda f, c, g: f.repair.machine_name,
    "location": lambda f, c, g: f.repair.location,
    "purpose": lambda f, c, g: f.repair.purpose,
    "operator": lambda f, c, g: f.repair.operator,
    "miscInfoDescription": _misc(0),
    "miscInfoString": _misc(1),
    "repairCode": _fail("code"),
    "repairCategory": _fail("category"),
    "repairType": lambda f, c, g: f.repair.process_name,
    "componentRef": _fail("comRef"),
    "componentNumber": _fail("artNumber"),
    "componentRevision": _fail("artRev"),
    "componentVendor": _fail("artVendor"),
    "componentDescription": _fail("artDescription"),
    "functionBlock": _fail("funcBlock"),
    "referencedStep": _fail("refStepName"),
    "referencedStepPath": lambda f, c, g: _referenced_step_path(f),
    "testOperation": lambda f, c, g: _test_operation(f),
    "testPeriod": lambda f, c, g: (
        "" if f.tested is None else period_label(period_start(f.tested.start_utc, g), g)
    ),
    "testLevel": lambda f, c, g: "" if f.tested is None else c.level_of(f.tested.location),
    "testStationName": _test_value(lambda t: t.machine_name),
    "testLocation": _test_value(lambda t: t.location),
    "testPurpose": _test_value(lambda t: t.purpose),
    "testOperator": _test_value(lambda t: t.operator),
    "batchNumber": _test_value(lambda t: str(t.uut.get("batchSN") or "")),
    "swFilename": _test_value(lambda t: t.sw_filename),
    "swVersion": _test_value(lambda t: t.sw_version),
}


def repair_table(
    facts: Sequence[RepairFact],
    columns: Sequence[ColumnSpec],
    catalog: Catalog,
    date_grouping: int | None,
) -> list[dict[str, Any]]:
    """Group repair facts by the dimension columns; count repair reports and failures."""
    grouping = date_grouping if date_grouping not in (None, NO_GROUPING) else 4
    dimension_names = [c.name for c in columns if not c.is_kpi]
    kpi_names = [c.name for c in columns if c.is_kpi] or list(REPAIR_KPIS)
    groups: dict[tuple[Any, ...], list[RepairFact]] = defaultdict(list)
    for fact in facts:
        key = tuple(REPAIR_DIMENSIONS[name](fact, catalog, grouping) for name in dimension_names)
        groups[key].append(fact)
    rows = []
    for key, members in groups.items():
        kpis = {
            "repairReportCount": len({f.repair.id for f in members}),
            "repairCount": sum(1 for f in members if f.failure),
        }
        row: dict[str, Any] = dict(zip(dimension_names, key, strict=True))
        row.update({name: kpis[name] for name in kpi_names})
        rows.append(row)
    return sort_rows(rows, [c for c in columns if c.descending is not None])


def related_repair_rows(facts: Iterable[RepairFact]) -> list[dict[str, Any]]:
    """One row per repaired failure: what was repaired, where it was found, when."""
    rows = []
    repaired = [fact for fact in facts if fact.failure]
    for fact in sorted(repaired, key=lambda f: (f.repair.start_utc, f.repair.id)):
        uur = fact.repair.uur
        rows.append(
            {
                "repairReportId": fact.repair.id,
                "serialNumber": fact.repair.sn,
                "partNumber": fact.repair.pn,
                "revision": fact.repair.rev,
                "repairOperationCode": fact.repair.process_code,
                "repairOperation": fact.repair.process_name,
                "testOperationCode": uur.get("processCode"),
                "testOperation": _test_operation(fact),
                "referencedUut": uur.get("refUUT"),
                "repairDate": fact.repair.start_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "operator": fact.repair.operator,
                "failCategory": fact.failure.get("category"),
                "failCode": fact.failure.get("code"),
                "componentRef": fact.failure.get("comRef"),
                "functionBlock": fact.failure.get("funcBlock"),
                "referencedStep": fact.failure.get("refStepName"),
                "comment": fact.failure.get("comment"),
            }
        )
    return rows


def header_row(record: ReportRecord) -> dict[str, Any]:
    """The report-header shape (§6.2 field names) of one stored report."""
    uut, uur = record.uut, record.uur
    caused_name, caused_path = failure_step(record)
    return {
        "uuid": record.id,
        "serialNumber": record.sn,
        "partNumber": record.pn,
        "revision": record.rev,
        "batchNumber": uut.get("batchSN"),
        "reportType": "T" if record.is_uut else "R",
        "start": record.start_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "result": record.result_word,
        "userName": record.operator,
        "stationName": record.machine_name,
        "location": record.location,
        "purpose": record.purpose,
        "processCode": record.process_code,
        "processName": record.process_name,
        "comment": uut.get("comment", uur.get("comment")),
        "executionTime": record.exec_time,
        "swFilename": record.sw_filename or None,
        "swVersion": record.sw_version or None,
        "testSocketIndex": uut.get("testSocketIndex"),
        "errorCode": uut.get("errorCode"),
        "errorMessage": uut.get("errorMessage"),
        "fixtureId": uut.get("fixtureId"),
        "causedUutFailure": caused_name or None,
        "causedUutFailurePath": caused_path or None,
        "referencedUut": uur.get("refUUT"),
    }


@dataclass(frozen=True)
class OeeLimits:
    """Query parameters of ``OeeAnalysis`` (times in seconds)."""

    available_time: float
    min_execution_time: float | None = None
    max_execution_time: float | None = None
    target_output: int | None = None


def oee(records: Iterable[ReportRecord], limits: OeeLimits) -> dict[str, Any]:
    """Availability × performance × quality (each a percentage) over UUT runs.

    Run time is the sum of the reports' ``execTime``; the ideal cycle time is
    ``availableTime / targetOutput`` when a target is given, else the fastest run.
    """
    runs = [
        r
        for r in records
        if r.is_uut and _within(r.exec_time, limits.min_execution_time, limits.max_execution_time)
    ]
    times = [r.exec_time for r in runs if r.exec_time is not None]
    total, good = len(runs), sum(r.passed for r in runs)
    run_time = math.fsum(times)
    ideal: float | None
    if limits.target_output:
        ideal = limits.available_time / limits.target_output
    else:
        ideal = min(times, default=None)
    availability = min(100.0, 100.0 * run_time / limits.available_time)
    performance = None if ideal is None or run_time == 0 else 100.0 * ideal * total / run_time
    quality = percent(good, total)
    overall = None
    if performance is not None and quality is not None:
        overall = availability * performance * quality / 10_000.0
    return {
        "oee": overall,
        "availability": availability,
        "performance": performance,
        "quality": quality,
        "totalTime": limits.available_time,
        "plannedProductionTime": limits.available_time,
        "runTime": run_time,
        "downTime": max(limits.available_time - run_time, 0.0),
        "totalCount": total,
        "goodCount": good,
        "rejectCount": total - good,
        "idealCycleTime": ideal,
        "actualCycleTime": run_time / total if total else None,
    }


def _within(value: float | None, low: float | None, high: float | None) -> bool:
    if value is None:
        return low is None and high is None
    return (low is None or value >= low) and (high is None or value <= high)
