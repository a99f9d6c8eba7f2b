"""Checking a submitted report the way the WATS server does (report-formats.md §8).

Parsing and the offline rules come from :mod:`pywats.report`; this module turns their
findings into the server's answer: one line per problem, each prefixed by a path through
the step tree (``root -> step Power -> step Rail check: …``).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pywats.exceptions import ReportFormatError
from pywats.report import Step, UURReport, UUTReport, parse_wsjf

Report = UUTReport | UURReport
_SEGMENT = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\[(?P<index>\d+)\])?$")
_MEASUREMENT_ARRAYS = ("numericMeas", "stringMeas", "booleanMeas")


class ReportRejected(Exception):
    """A submission the server answers with 400; ``message`` is the response text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _validator() -> Callable[[Report], Sequence[Any]] | None:
    # ``validate`` joined pywats.report after this module was written; look it up at run
    # time so the emulator keeps working against either version of the package.
    module = importlib.import_module("pywats.report")
    found = getattr(module, "validate", None)
    return found if callable(found) else None


def format_error_text(error: ReportFormatError) -> str:
    """A parse failure as the server words it."""
    return f"{error.location}: {error.message}" if error.location else error.message


def check_wsjf(data: bytes | str) -> Report:
    """Parse and validate WSJF; raises :class:`ReportRejected` with the server's text."""
    try:
        report = parse_wsjf(data)
    except ReportFormatError as exc:
        raise ReportRejected(format_error_text(exc)) from None
    return check_report(report)


def check_wsxf(data: bytes | str) -> Report:
    """Parse WSXF (converted to the WSJF model) and validate it like WSJF."""
    try:
        wsxf = importlib.import_module("pywats.report.wsxf")
        report: Report = wsxf.parse_wsxf(data)
    except ReportFormatError as exc:
        raise ReportRejected(format_error_text(exc)) from None
    return check_report(report)


def check_report(report: Report) -> Report:
    """Apply the validation rules and the emulator's own identity checks."""
    problems: list[str] = []
    validate = _validator()
    if validate is not None:
        for problem in validate(report):
            path = str(getattr(problem, "path", ""))
            message = str(getattr(problem, "message", problem))
            problems.append(f"{wats_path(report, path)}: {message}" if path else message)
    elif not report.id:
        problems.append("id: id is required")
    if problems:
        raise ReportRejected("\n".join(problems))
    return report


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
        return f"Index {loop.idx}"
    if loop is not None:
        return f"loop {name}"
    return f"step {name}"
