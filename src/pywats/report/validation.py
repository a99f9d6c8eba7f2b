"""Report validation: the submit rules of report-formats.md §8 applied offline.

:func:`validate` returns every problem, each naming its JSON path
(``root.steps[3].steps[0].numericMeas[1]``); :func:`ensure_valid` raises
:class:`~pywats.exceptions.ReportValidationError` carrying them. Rules that need the
server's configuration (known process codes, repair-type misc infos and fail codes) are
not applied here.
"""

from __future__ import annotations

import re

from pywats.exceptions import ReportValidationError
from pywats.report._loop_rules import LoopCounterRule
from pywats.report._step_rules import FAILING, StepRules
from pywats.report.models import MiscInfo, ReportHeader, SubUnit, UURReport, UUTReport
from pywats.report.problems import ProblemList, ValidationProblem
from pywats.report.wsjf import require_report

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HEADER_TEXTS = ("pn", "sn", "rev", "machine_name", "location", "purpose")
_RESULTS = ("P", "F", "E", "T")


def validate(
    report: UUTReport | UURReport, *, loop_counters: LoopCounterRule = "either"
) -> list[ValidationProblem]:
    """Every rule the report breaks (empty list = acceptable for submission).

    ``loop_counters`` picks the loop-counter convention: ``"strict"`` (server 2026.1:
    ``num`` = ``endingIndex`` + 1 = highest ``idx`` + 1), ``"export"`` (``num`` =
    ``endingIndex`` = iteration count, as exports and the official client write) or
    ``"either"``.
    """
    require_report(report, "validate")
    out = ProblemList()
    _check_header(report, out)
    for index, info in enumerate(report.misc_infos or []):
        _check_misc_info(info, f"miscInfos[{index}]", out)
    for index, unit in enumerate(report.sub_units or []):
        _check_sub_unit(unit, f"subUnits[{index}]", isinstance(report, UURReport), out)
    if isinstance(report, UUTReport):
        _check_uut(report, out, loop_counters)
    else:
        _check_uur(report, out)
    return out.problems


def ensure_valid(
    report: UUTReport | UURReport, *, loop_counters: LoopCounterRule = "either"
) -> None:
    """Raise :class:`~pywats.exceptions.ReportValidationError` carrying every problem found."""
    problems = validate(report, loop_counters=loop_counters)
    if problems:
        raise ReportValidationError(problems)


def _check_header(report: ReportHeader, out: ProblemList) -> None:
    if out.require("id", report.id, "id") and not _GUID.fullmatch(report.id or ""):
        out.add("id", f"id {report.id!r} is not a GUID", "guid")
    for attribute in _HEADER_TEXTS:
        alias = ReportHeader.model_fields[attribute].alias or attribute
        value = getattr(report, attribute)
        out.require(alias, value, alias)
        out.max_length(alias, value, 100, alias)
    out.require("processCode", report.process_code, "processCode")
    if out.require("result", report.result, "result"):
        out.one_of("result", report.result, _RESULTS, "result")
    if out.require("start", report.start, "start") and report.start is not None:
        if not report.start.has_offset:
            out.add("start", "start needs a UTC offset (e.g. +01:00 or Z)", "timestamp")
        elif (
            report.start_utc is not None
            and report.start_utc.has_offset
            and report.start.datetime != report.start_utc.datetime
        ):
            out.add("startUTC", "startUTC is not the same instant as start", "timestamp")


def _check_misc_info(info: MiscInfo, path: str, out: ProblemList) -> None:
    out.require(path, info.description, "description")
    out.max_length(path, info.description, 100, "description")
    if info.text is None and info.numeric is None:
        out.add(path, "text or numeric is required", "required")
    out.max_length(path, info.text, 100, "text")
    out.max_length(path, info.typedef, 30, "typedef")


def _check_sub_unit(unit: SubUnit, path: str, is_repair: bool, out: ProblemList) -> None:
    for name, value, limit in (
        ("partType", unit.part_type, 50),
        ("pn", unit.pn, 100),
        ("sn", unit.sn, 100),
    ):
        out.require(path, value, name)
        out.max_length(path, value, limit, name)
    out.max_length(path, unit.rev, 100, "rev")
    if is_repair:
        out.require(path, unit.idx, "idx")


def _check_uut(report: UUTReport, out: ProblemList, loop_counters: LoopCounterRule) -> None:
    out.require("uut", report.uut, "uut")
    if not out.require("root", report.root, "root") or report.root is None:
        return
    rules = StepRules(out, loop_counters)
    rules.check_tree(report.root, "root")
    root_status = report.root.status
    if root_status in FAILING and report.result not in FAILING:
        out.add("result", f"result {report.result} but the root step is {root_status}", "rollup")
    failed_id = report.uut.step_id_caused_uut_failure if report.uut else None
    if failed_id is not None and rules.step_ids and failed_id not in rules.step_ids:
        out.add("uut.stepIdCausedUUTFailure", f"no step has id {failed_id}", "unknown-step-id")


def _check_uur(report: UURReport, out: ProblemList) -> None:
    if out.require("uur", report.uur, "uur") and report.uur is not None:
        uur = report.uur
        out.require("uur", uur.process_code, "processCode")
        out.require("uur", uur.confirm_date, "confirmDate")
        out.require("uur", uur.finalize_date, "finalizeDate")
        out.require("uur", uur.exec_time, "execTime")
        if out.require("uur", uur.ref_uut, "refUUT") and not _GUID.fullmatch(uur.ref_uut or ""):
            out.add("uur.refUUT", f"refUUT {uur.ref_uut!r} is not a GUID", "guid")
    units = report.sub_units or []
    if out.require("subUnits", report.sub_units, "subUnits") and not any(
        unit.idx == 0 for unit in units
    ):
        out.add("subUnits", "the repaired unit itself (idx 0) is required", "main-unit")


__all__ = ["ValidationProblem", "ensure_valid", "validate"]
