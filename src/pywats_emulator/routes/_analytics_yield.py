"""Yield arithmetic over test (UUT) reports, grouped by WATS dimensions.

Semantics (the emulator's reading of WATS yield):
- A *unit* is one (part number, serial number, test operation). Its *runs* are its reports in
  the group, ordered by UTC start time (then id).
- first-pass count (``fpCount``): units whose first run passed; second/third pass
  (``spCount``/``tpCount``): units that passed within their first two/three runs; last pass
  (``lpCount``): units whose latest run passed.
- ``fpy``/``spy``/``tpy``/``lpy``: those counts as a percentage of ``unitCount``.
- ``testReportCount``: reports; ``testYieldCount``: passed reports; ``testYield``: their
  percentage; ``retestCount``: reports beyond the first per unit.
- ``ppm*``: defects per million, ``(100 - yield) * 10 000``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

from pywats_emulator.routes._analytics_filter import (
    NO_GROUPING,
    Catalog,
    FilterError,
    period_label,
    period_start,
)
from pywats_emulator.routes._analytics_records import ReportRecord, failure_step

YIELD_KPIS = (
    "unitCount",
    "fpCount",
    "spCount",
    "tpCount",
    "lpCount",
    "fpy",
    "spy",
    "tpy",
    "lpy",
    "testYieldCount",
    "testReportCount",
    "testYield",
    "firstUtc",
    "lastUtc",
    "fpFailCount",
    "spFailCount",
    "tpFailCount",
    "lpFailCount",
    "retestCount",
    "ppmFpy",
    "ppmSpy",
    "ppmTpy",
    "ppmLpy",
    "ppmTestYield",
)

TRENDED_KPIS = (
    "unitCount",
    "testReportCount",
    "fpy",
    "spy",
    "tpy",
    "lpy",
    "testYield",
    "ppmFpy",
    "ppmSpy",
    "ppmTpy",
    "ppmLpy",
    "ppmTestYield",
)
TREND_KPIS = (
    "previousUnitCount",
    "previousTestReportCount",
    *(f"{name}Trend" for name in TRENDED_KPIS),
)

DimensionGetter = Callable[[ReportRecord, Catalog, int], Any]


def _first_misc(record: ReportRecord, index: int) -> str:
    infos = record.misc_infos()
    return infos[0][index] if infos else ""


def _first_asset(record: ReportRecord, key: str) -> str:
    assets = record.assets()
    return str(assets[0].get(key) or "") if assets else ""


YIELD_DIMENSIONS: dict[str, DimensionGetter] = {
    "partNumber": lambda r, c, g: r.pn,
    "productName": lambda r, c, g: r.product_name,
    "stationName": lambda r, c, g: r.machine_name,
    "location": lambda r, c, g: r.location,
    "purpose": lambda r, c, g: r.purpose,
    "revision": lambda r, c, g: r.rev,
    "testOperation": lambda r, c, g: r.process_name,
    "processCode": lambda r, c, g: r.process_code,
    "swFilename": lambda r, c, g: r.sw_filename,
    "swVersion": lambda r, c, g: r.sw_version,
    "productGroup": lambda r, c, g: next(iter(c.product_groups_of(r.pn)), ""),
    "level": lambda r, c, g: c.level_of(r.location),
    "period": lambda r, c, g: period_label(period_start(r.start_utc, g), g),
    "batchNumber": lambda r, c, g: str(r.uut.get("batchSN") or ""),
    "operator": lambda r, c, g: r.operator,
    "fixtureId": lambda r, c, g: str(r.uut.get("fixtureId") or ""),
    "socketIndex": lambda r, c, g: r.uut.get("testSocketIndex"),
    "errorCode": lambda r, c, g: r.uut.get("errorCode"),
    "miscInfoDescription": lambda r, c, g: _first_misc(r, 0),
    "miscInfoString": lambda r, c, g: _first_misc(r, 1),
    "stepCausedUutFailure": lambda r, c, g: failure_step(r)[0],
    "stepPathCausedUutFailure": lambda r, c, g: failure_step(r)[1],
    "assetSerialNumber": lambda r, c, g: _first_asset(r, "assetSN"),
    "assetName": lambda r, c, g: _first_asset(r, "assetName"),
}


@dataclass(frozen=True)
class ColumnSpec:
    """One entry of a ``dimensions`` string: a dimension or KPI, optionally sorted."""

    name: str
    is_kpi: bool
    descending: bool | None = None


def parse_dimensions(
    text: str | None,
    dimensions: Sequence[str] = tuple(YIELD_DIMENSIONS),
    kpis: Sequence[str] = YIELD_KPIS + TREND_KPIS,
) -> list[ColumnSpec]:
    """Parse ``"unitCount desc;partNumber;period"`` into column specs (names canonicalised)."""
    by_dimension = {name.lower(): name for name in dimensions}
    by_kpi = {name.lower(): name for name in kpis}
    specs = []
    for item in (text or "").split(";"):
        words = item.split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise FilterError(f"Bad dimension entry '{item.strip()}' (use 'name [asc|desc]').")
        key = words[0].lower()
        if key not in by_dimension and key not in by_kpi:
            raise FilterError(f"Unknown dimension or KPI '{words[0]}'.")
        order = None if len(words) == 1 else words[1].lower() == "desc"
        is_kpi = key in by_kpi
        specs.append(ColumnSpec(by_kpi[key] if is_kpi else by_dimension[key], is_kpi, order))
    return specs


@dataclass(frozen=True)
class UnitYield:
    """Pass/fail counts over a set of units."""

    unit_count: int
    fp_count: int
    sp_count: int
    tp_count: int
    lp_count: int
    report_count: int
    passed_report_count: int
    first_utc: datetime | None
    last_utc: datetime | None


def compute_unit_yield(records: Iterable[ReportRecord]) -> UnitYield:
    """Count first/second/third/last-pass units and passed reports over ``records``."""
    runs: dict[tuple[str, str, int | None], list[ReportRecord]] = defaultdict(list)
    for record in records:
        runs[(record.pn, record.sn, record.process_code)].append(record)
    counts = [0, 0, 0, 0]
    reports = passed_reports = 0
    moments: list[datetime] = []
    for unit_runs in runs.values():
        unit_runs.sort(key=lambda r: (r.start_utc, r.id))
        first_pass_run = next((i for i, r in enumerate(unit_runs, 1) if r.passed), None)
        for index, limit in enumerate((1, 2, 3)):
            counts[index] += first_pass_run is not None and first_pass_run <= limit
        counts[3] += unit_runs[-1].passed
        reports += len(unit_runs)
        passed_reports += sum(r.passed for r in unit_runs)
        moments.extend(r.start_utc for r in unit_runs)
    return UnitYield(
        unit_count=len(runs),
        fp_count=counts[0],
        sp_count=counts[1],
        tp_count=counts[2],
        lp_count=counts[3],
        report_count=reports,
        passed_report_count=passed_reports,
        first_utc=min(moments, default=None),
        last_utc=max(moments, default=None),
    )


def percent(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole`` (``None`` when ``whole`` is 0)."""
    return None if whole == 0 else 100.0 * part / whole


def _ppm(yield_percent: float | None) -> float | None:
    return None if yield_percent is None else (100.0 - yield_percent) * 10_000.0


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def yield_kpis(stats: UnitYield) -> dict[str, Any]:
    """Every yield KPI of :data:`YIELD_KPIS` for ``stats``, keyed by its wire name."""
    units = stats.unit_count
    fpy, spy = percent(stats.fp_count, units), percent(stats.sp_count, units)
    tpy, lpy = percent(stats.tp_count, units), percent(stats.lp_count, units)
    test_yield = percent(stats.passed_report_count, stats.report_count)
    return {
        "unitCount": units,
        "fpCount": stats.fp_count,
        "spCount": stats.sp_count,
        "tpCount": stats.tp_count,
        "lpCount": stats.lp_count,
        "fpy": fpy,
        "spy": spy,
        "tpy": tpy,
        "lpy": lpy,
        "testYieldCount": stats.passed_report_count,
        "testReportCount": stats.report_count,
        "testYield": test_yield,
        "firstUtc": _iso(stats.first_utc),
        "lastUtc": _iso(stats.last_utc),
        "fpFailCount": units - stats.fp_count,
        "spFailCount": units - stats.sp_count,
        "tpFailCount": units - stats.tp_count,
        "lpFailCount": units - stats.lp_count,
        "retestCount": stats.report_count - units,
        "ppmFpy": _ppm(fpy),
        "ppmSpy": _ppm(spy),
        "ppmTpy": _ppm(tpy),
        "ppmLpy": _ppm(lpy),
        "ppmTestYield": _ppm(test_yield),
    }


def _group_by(
    records: Iterable[ReportRecord], names: Sequence[str], catalog: Catalog, grouping: int
) -> dict[tuple[Any, ...], list[ReportRecord]]:
    groups: dict[tuple[Any, ...], list[ReportRecord]] = defaultdict(list)
    for record in records:
        if record.is_uut:
            key = tuple(YIELD_DIMENSIONS[name](record, catalog, grouping) for name in names)
            groups[key].append(record)
    return groups


def trend_kpis(current: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """Previous-period counts and ``<kpi>Trend`` = current − previous (``None`` if unknown)."""
    before = previous or {}
    trends: dict[str, Any] = {
        "previousUnitCount": before.get("unitCount"),
        "previousTestReportCount": before.get("testReportCount"),
    }
    for name in TRENDED_KPIS:
        now, then = current.get(name), before.get(name)
        trends[f"{name}Trend"] = None if now is None or then is None else now - then
    return trends


def yield_table(
    records: Iterable[ReportRecord],
    columns: Sequence[ColumnSpec],
    catalog: Catalog,
    date_grouping: int | None,
    previous: Iterable[ReportRecord] = (),
) -> list[dict[str, Any]]:
    """Group UUT ``records`` by the dimension columns and compute the KPI columns per group.

    Rows carry the requested dimensions and KPIs (every plain KPI when none is requested;
    previous/trend columns only when named, computed against the groups of ``previous``) and
    are sorted by the columns that name ``asc``/``desc``, in the order given.
    """
    grouping = date_grouping if date_grouping not in (None, NO_GROUPING) else 4
    dimension_names = [c.name for c in columns if not c.is_kpi]
    kpi_names = [c.name for c in columns if c.is_kpi] or list(YIELD_KPIS)
    wants_trends = any(name in TREND_KPIS for name in kpi_names)
    before = {
        key: yield_kpis(compute_unit_yield(members))
        for key, members in _group_by(previous, dimension_names, catalog, grouping).items()
    }
    rows = []
    for key, members in _group_by(records, dimension_names, catalog, grouping).items():
        kpis = yield_kpis(compute_unit_yield(members))
        if wants_trends:
            kpis |= trend_kpis(kpis, before.get(key))
        row: dict[str, Any] = dict(zip(dimension_names, key, strict=True))
        row.update({name: kpis[name] for name in kpi_names})
        rows.append(row)
    return sort_rows(rows, [c for c in columns if c.descending is not None])


def sort_rows(rows: list[dict[str, Any]], order: Sequence[ColumnSpec]) -> list[dict[str, Any]]:
    """Stable multi-key sort; ``None`` values go last whatever the direction."""
    for spec in reversed(order):
        present = [r for r in rows if r.get(spec.name) is not None]
        missing = [r for r in rows if r.get(spec.name) is None]
        present.sort(key=itemgetter(spec.name), reverse=bool(spec.descending))
        rows = present + missing
    return rows


def yield_list(
    records: Iterable[ReportRecord],
    catalog: Catalog,
    *,
    by_product_group: bool,
    date_grouping: int | None,
    order: str,
    min_count: int | None = None,
    top_count: int | None = None,
) -> list[dict[str, Any]]:
    """The fixed-shape yield lists (VolumeYield, HighVolume, WorstYield and *ByProductGroup*).

    Rows are per product (part number, revision, product name, test operation) or per product
    group; per period too when ``date_grouping`` is set. ``order`` is ``"volume"`` (unit count,
    largest first), ``"worst"`` (lowest first-pass yield first) or ``"product"``.
    """
    names = (
        ["productGroup", "testOperation"]
        if by_product_group
        else ["partNumber", "revision", "productName", "testOperation"]
    )
    if date_grouping not in (None, NO_GROUPING):
        names.append("period")
    columns = [ColumnSpec(name, is_kpi=False) for name in names]
    columns += [ColumnSpec(kpi, is_kpi=True) for kpi in YIELD_KPIS]
    rows = yield_table(records, columns, catalog, date_grouping)
    if min_count is not None:
        rows = [row for row in rows if row["unitCount"] >= min_count]
    sort_specs = {
        "volume": [ColumnSpec("unitCount", True, True)],
        "worst": [ColumnSpec("fpy", True, False), ColumnSpec("unitCount", True, True)],
        "product": [],
    }[order]
    rows = sort_rows(sort_rows(rows, [ColumnSpec(n, False, False) for n in names]), sort_specs)
    return rows if top_count is None or top_count <= 0 else rows[:top_count]
