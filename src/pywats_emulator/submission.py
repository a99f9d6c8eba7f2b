"""Checking a submitted report the way the WATS server does (report-formats.md §8).

Parsing and the offline rules come from :mod:`pywats.report`; this module turns their
findings into the server's answer: one line per problem, each prefixed by a path through
the step tree (``root -> step Power -> step Rail check: …``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pywats.exceptions import ReportFormatError
from pywats.report import Step, UURReport, UUTReport, parse_wsjf, validate
from pywats.report.wsxf import parse_wsxf

from .config import LoopCounters
from .repairrules import repair_problems

Report = UUTReport | UURReport
_SEGMENT = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\[(?P<index>\d+)\])?$")
_MEASUREMENT_ARRAYS = ("numericMeas", "stringMeas", "booleanMeas")


class ReportRejected(Exception):
    """A submission the server answers with 400; ``message`` is the response text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def format_error_text(error: ReportFormatError) -> str:
    """A parse failure as the server words it."""
    return f"{error.location}: {error.message}" if error.location else error.message


@dataclass(frozen=True)
class ProcessInfo:
    """A configured operation, as far as submission checks need it."""

    code: int
    name: str
    is_test: bool
    is_repair: bool


ProcessLookup = Callable[[int], ProcessInfo | None]
RepairTypeLookup = Callable[[int], Mapping[str, Any] | None]


@dataclass(frozen=True)
class SubmitRules:
    """The server-side configuration a submission is checked against.

    ``processes`` looks up configured operations (``None``: no process register, skip);
    ``repair_types`` looks up a repair operation's ``RepairType`` (``None``: skip the
    fail-code and misc-info checks); ``loop_counters`` is passed to ``validate``.
    """

    processes: ProcessLookup | None = None
    repair_types: RepairTypeLookup | None = None
    loop_counters: LoopCounters = "either"


def check_wsjf(data: bytes | str, rules: SubmitRules | None = None) -> Report:
    """Parse and validate WSJF; raises :class:`ReportRejected` with the server's text."""
    try:
        report = parse_wsjf(data)
    except ReportFormatError as exc:
        raise ReportRejected(format_error_text(exc)) from None
    return check_report(report, rules)


def check_wsxf(data: bytes | str, rules: SubmitRules | None = None) -> Report:
    """Parse WSXF (converted to the WSJF model) and validate it like WSJF."""
    try:
        report = parse_wsxf(data)
    except ReportFormatError as exc:
        raise ReportRejected(format_error_text(exc)) from None
    return check_report(report, rules)


def check_report(report: Report, rules: SubmitRules | None = None) -> Report:
    """Apply the validation rules, then the server-configuration rules (§8.3 rules 4–5)."""
    rules = rules or SubmitRules()
    problems = [
        f"{wats_path(report, p.path)}: {p.message}" if p.path else p.message
        for p in validate(report, loop_counters=rules.loop_counters)
    ]
    if rules.processes is not None:
        problems.extend(process_problems(report, rules.processes))
    if rules.repair_types is not None and isinstance(report, UURReport):
        repair_type = rules.repair_types(report.process_code or 0)
        if repair_type is not None:
            problems.extend(repair_problems(report, repair_type))
    if problems:
        raise ReportRejected("\n".join(problems))
    return report


def process_problems(report: Report, processes: ProcessLookup) -> list[str]:
    """Operation codes and names that the server's process register does not accept."""
    problems: list[str] = []
    is_uut = isinstance(report, UUTReport)
    kind = "test" if is_uut else "repair"
    _check_process(
        "processCode", report.process_code, report.process_name, kind, processes, problems
    )
    if isinstance(report, UURReport) and report.uur is not None:
        uur = report.uur
        _check_process(
            "uur.processCode", uur.process_code, uur.process_name, "test", processes, problems
        )
    return problems


def _check_process(
    where: str,
    code: int | None,
    name: str | None,
    kind: str,
    processes: ProcessLookup,
    problems: list[str],
) -> None:
    if code is None:
        return  # a missing code is reported by validate()
    info = processes(code)
    if info is None:
        problems.append(f"{where}: Process code {code} is not defined on this server.")
        return
    if (kind == "test" and not info.is_test) or (kind == "repair" and not info.is_repair):
        problems.append(f"{where}: Process code {code} ({info.name}) is not a {kind} operation.")
    name_field = where.replace("Code", "Name")
    if name is not None and name != info.name:
        problems.append(
            f"{name_field}: '{name}' is not the name of process {code} ('{info.name}')."
        )


def _segments(path: str) -> Iterable[tuple[str, int | None]]:
    for part in path.split("."):
        match = _SEGMENT.match(part)
        if match is None:
            yield part, None
        else:
            index = match.group("index")
            yield match.group("name"), int(index) if index is not None else None


def wats_path(report: Report, json_path: str) -> str:
    """Turn ``root.steps[2].numericMeas[0]`` into ``root -> step <name> -> numericMeas ``."""
    segments = list(_segments(json_path))
    if not segments or segments[0][0] != "root" or not isinstance(report, UUTReport):
        return json_path
    step: Step | None = report.root
    parts = ["root"]
    for position, (name, index) in enumerate(segments[1:], start=1):
        if name == "steps" and index is not None and step is not None:
            children = step.children
            step = children[index] if index < len(children) else None
            label = step.name if step is not None and step.name is not None else f"#{index}"
            parts.append(_step_label(step, label))
        elif name in _MEASUREMENT_ARRAYS:
            parts.append(f"{name} ")
            rest = ".".join(p for p, _ in segments[position + 1 :])
            return " -> ".join(parts) + (f"-> {rest}" if rest else "")
        else:
            parts.append(name if index is None else f"{name}[{index}]")
    return " -> ".join(parts)


def _step_label(step: Step | None, name: str) -> str:
    loop = step.loop if step is not None else None
    if loop is not None and loop.idx is not None:
        return f"loop {name} -> Index {loop.idx}"
    if loop is not None:
        return f"loop {name}"
    return f"step {name}"
