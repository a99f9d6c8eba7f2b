"""Step-level analytics read from the WSJF step trees: top failed steps, test step analysis,
raw and aggregated numeric measurements (no I/O)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pywats_emulator.routes._analytics_filter import Catalog, FilterError
from pywats_emulator.routes._analytics_records import (
    PATH_SEPARATOR,
    STEP_STATUS_WORDS,
    ReportRecord,
    analysed_steps,
)
from pywats_emulator.routes._analytics_stats import as_number, describe, specification_limits

RUN_FIRST, RUN_LAST, RUN_ALL = 1, -1, -2
_SEQUENCE_TYPES = {"sequencecall", "wats_seqcall"}


def _is_leaf(step: Mapping[str, Any]) -> bool:
    children = step.get("steps")
    has_children = isinstance(children, list) and bool(children)
    return not has_children and str(step.get("stepType") or "").lower() not in _SEQUENCE_TYPES


def _iso(record: ReportRecord) -> str:
    return record.start_utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def select_runs(records: Iterable[ReportRecord], run: int | None) -> list[ReportRecord]:
    """Keep the ``run``-th test of each unit (1, 2, 3…), the last (-1) or all (-2).

    A unit is (part number, serial number, operation); runs are ordered by UTC start.
    """
    wanted = RUN_FIRST if run is None else run
    if wanted == RUN_ALL:
        return [r for r in records if r.is_uut]
    if wanted == 0 or wanted < RUN_ALL:
        raise FilterError("run must be 1, 2, 3…, -1 (last) or -2 (all).")
    units: dict[tuple[str, str, int | None], list[ReportRecord]] = defaultdict(list)
    for record in records:
        if record.is_uut:
            units[(record.pn, record.sn, record.process_code)].append(record)
    chosen = []
    for runs in units.values():
        runs.sort(key=lambda r: (r.start_utc, r.id))
        index = len(runs) - 1 if wanted == RUN_LAST else wanted - 1
        if index < len(runs):
            chosen.append(runs[index])
    return sorted(chosen, key=lambda r: (r.start_utc, r.id))


def top_failed_rows(
    records: Iterable[ReportRecord], catalog: Catalog, top_count: int | None
) -> list[dict[str, Any]]:
    """Failed leaf steps per (part number, revision, step path), most failures first."""
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for record in records:
        if not record.is_uut or not record.root:
            continue
        for path, step in analysed_steps(record.root):
            if not _is_leaf(step):
                continue
            key = (record.pn, record.rev, path)
            row = rows.get(key)
            if row is None:
                row = rows[key] = _top_failed_row(record, path, step, catalog)
            row["totalCount"] += 1
            if str(step.get("status") or "").upper() == "F":
                row["failCount"] += 1
                moment = _iso(record)
                row["firstFailDate"] = min(filter(None, (row["firstFailDate"], moment)))
                row["lastFailDate"] = max(filter(None, (row["lastFailDate"], moment)))
    failed = [row for row in rows.values() if row["failCount"] > 0]
    for row in failed:
        row["failRate"] = 100.0 * row["failCount"] / row["totalCount"]
    failed.sort(key=lambda r: (-r["failCount"], r["partNumber"], r["revision"], r["stepPath"]))
    return failed if top_count is None or top_count <= 0 else failed[:top_count]


def _top_failed_row(
    record: ReportRecord, path: str, step: Mapping[str, Any], catalog: Catalog
) -> dict[str, Any]:
    return {
        "stepName": str(step.get("name") or ""),
        "stepPath": path,
        "stepType": step.get("stepType"),
        "stepGroup": step.get("group"),
        "partNumber": record.pn,
        "revision": record.rev,
        "productGroup": next(iter(catalog.product_groups_of(record.pn)), None),
        "failCount": 0,
        "totalCount": 0,
        "failRate": 0.0,
        "firstFailDate": None,
        "lastFailDate": None,
    }


@dataclass
class _StepTally:
    name: str
    step_type: Any
    group: Any
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    caused_failure: int = 0
    times: list[float] = field(default_factory=list)
    measures: dict[str | None, _MeasureTally] = field(default_factory=dict)


@dataclass
class _MeasureTally:
    values: list[float] = field(default_factory=list)
    comp_op: str | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None


def step_analysis_rows(records: Iterable[ReportRecord]) -> list[dict[str, Any]]:
    """Per step path (and per numeric measurement name) status counts, times and statistics."""
    tallies: dict[str, _StepTally] = {}
    for record in records:
        for path, step in analysed_steps(record.root) if record.root else ():
            tally = tallies.get(path)
            if tally is None:
                name = str(step.get("name") or "")
                tally = tallies[path] = _StepTally(name, step.get("stepType"), step.get("group"))
            _count_step(tally, step)
    rows = []
    for path, tally in tallies.items():
        base = _step_counts(path, tally)
        if not tally.measures:
            rows.append(base | _measure_columns(None, _MeasureTally()))
        for measure_name, measure in tally.measures.items():
            rows.append(base | _measure_columns(measure_name, measure))
    return rows


def _count_step(tally: _StepTally, step: Mapping[str, Any]) -> None:
    tally.statuses[str(step.get("status") or "U").upper()] += 1
    tally.caused_failure += step.get("causedUUTFailure") is True
    seconds = as_number(step.get("totTime"))
    if seconds is not None:
        tally.times.append(seconds)
    for measurement in step.get("numericMeas") or ():
        if not isinstance(measurement, Mapping):
            continue
        name = measurement.get("name")
        measure = tally.measures.setdefault(
            name if isinstance(name, str) else None, _MeasureTally()
        )
        value = as_number(measurement.get("value"))
        if value is not None:
            measure.values.append(value)
        measure.comp_op = measurement.get("compOp") or measure.comp_op
        measure.low = as_number(measurement.get("lowLimit"))
        measure.high = as_number(measurement.get("highLimit"))
        measure.unit = measurement.get("unit") or measure.unit


def _step_counts(path: str, tally: _StepTally) -> dict[str, Any]:
    statuses = tally.statuses
    named = {"P", "D", "S", "F", "E", "T"}
    times = tally.times
    return {
        "stepName": tally.name,
        "stepPath": path,
        "stepType": tally.step_type,
        "stepGroup": tally.group,
        "stepCount": sum(statuses.values()),
        "stepPassedCount": statuses.get("P", 0),
        "stepDoneCount": statuses.get("D", 0),
        "stepSkippedCount": statuses.get("S", 0),
        "stepFailedCount": statuses.get("F", 0),
        "stepErrorCount": statuses.get("E", 0),
        "stepTerminatedCount": statuses.get("T", 0),
        "stepOtherCount": sum(n for s, n in statuses.items() if s not in named),
        "stepCausedUutFailed": tally.caused_failure,
        "stepTimeAvg": math.fsum(times) / len(times) if times else None,
        "stepTimeMax": max(times, default=None),
        "stepTimeMin": min(times, default=None),
    }


def _measure_columns(name: str | None, measure: _MeasureTally) -> dict[str, Any]:
    lower, upper = specification_limits(measure.comp_op, measure.low, measure.high)
    stats = describe(measure.values, lower, upper)
    count = stats.pop("count")
    return {
        "measureName": name,
        "measureCount": count,
        "limit1": measure.low,
        "limit2": measure.high,
        "compOperator": measure.comp_op,
        "unit": measure.unit,
        **stats,
    }


@dataclass(frozen=True)
class MeasurementPath:
    """A requested measurement: step path (``¶``-separated) and optional measurement name."""

    text: str
    step_path: str
    measure_name: str | None


def parse_measurement_paths(text: str | None) -> list[MeasurementPath]:
    """Split ``a¶b¶c;a¶d¶¶M`` into paths; ``/`` and ``::`` are accepted for ``¶`` and ``¶¶``."""
    paths = []
    for item in (text or "").split(";"):
        cleaned = item.strip()
        if not cleaned:
            continue
        if PATH_SEPARATOR not in cleaned:
            cleaned = cleaned.replace("::", PATH_SEPARATOR * 2).replace("/", PATH_SEPARATOR)
        step_path, _, measure = cleaned.partition(PATH_SEPARATOR * 2)
        paths.append(MeasurementPath(cleaned, step_path.strip(PATH_SEPARATOR), measure or None))
    if not paths:
        raise FilterError("measurementPaths is required (step path elements separated by '¶').")
    return paths


def _matching_measurements(
    record: ReportRecord, wanted: MeasurementPath
) -> Iterable[tuple[str, Mapping[str, Any], Mapping[str, Any]]]:
    for path, step in analysed_steps(record.root) if record.root else ():
        if path.lower() != wanted.step_path.lower():
            continue
        for measurement in step.get("numericMeas") or ():
            if not isinstance(measurement, Mapping):
                continue
            name = measurement.get("name")
            if (
                wanted.measure_name is None
                or str(name or "").lower() == wanted.measure_name.lower()
            ):
                yield path, step, measurement


def measurement_series(
    records: Sequence[ReportRecord], paths: Sequence[MeasurementPath], max_count: int | None
) -> list[dict[str, Any]]:
    """Raw numeric values per requested path: ``[{measurementPath, measurements: [...]}]``."""
    limit = 10_000 if max_count is None or max_count <= 0 else max_count
    ordered = sorted(records, key=lambda r: (r.start_utc, r.id))
    series = []
    for wanted in paths:
        rows = [
            _measurement_row(record, path, step, measurement)
            for record in ordered
            for path, step, measurement in _matching_measurements(record, wanted)
            if as_number(measurement.get("value")) is not None
        ]
        series.append({"measurementPath": wanted.text, "measurements": rows[:limit]})
    return series


def _measurement_row(
    record: ReportRecord, path: str, step: Mapping[str, Any], measurement: Mapping[str, Any]
) -> dict[str, Any]:
    status = str(measurement.get("status") or "")
    return {
        "serialNumber": record.sn,
        "partNumber": record.pn,
        "revision": record.rev,
        "reportId": record.id,
        "stepName": str(step.get("name") or ""),
        "stepPath": path,
        "measureName": measurement.get("name"),
        "value": as_number(measurement.get("value")),
        "limitLow": as_number(measurement.get("lowLimit")),
        "limitHigh": as_number(measurement.get("highLimit")),
        "compOperator": measurement.get("compOp"),
        "unit": measurement.get("unit"),
        "status": STEP_STATUS_WORDS.get(status.upper(), status),
        "startUtc": _iso(record),
    }


def aggregated_measurements(
    records: Sequence[ReportRecord], paths: Sequence[MeasurementPath]
) -> list[dict[str, Any]]:
    """Statistics per requested path and (part number, revision)."""
    rows = []
    for series in measurement_series(records, paths, None):
        by_product: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for row in series["measurements"]:
            by_product[(row["partNumber"], row["revision"])].append(row)
        for (part_number, revision), members in sorted(by_product.items()):
            last = members[-1]
            lower, upper = specification_limits(
                last["compOperator"], last["limitLow"], last["limitHigh"]
            )
            rows.append(
                {
                    "measurementPath": series["measurementPath"],
                    "stepName": last["stepName"],
                    "stepPath": last["stepPath"],
                    "measureName": last["measureName"],
                    "partNumber": part_number,
                    "revision": revision,
                    "limitLow": last["limitLow"],
                    "limitHigh": last["limitHigh"],
                    "unit": last["unit"],
                    **describe([m["value"] for m in members], lower, upper),
                }
            )
    return rows
