"""Read WSTF text into WSJF wire trees, one per UUT block (no I/O).

Errors carry ``line L, column C`` (column of the offending field, 1-based).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pywats.exceptions import ReportFormatError, ReportValidationError
from pywats.report import _wstf_layout as w
from pywats.report._timestamp import WatsTimestamp
from pywats.report._xml_map import FLOAT, INT, decode_value
from pywats.report.compare import numeric_passes, string_passes
from pywats.report.rollup import (
    result_from_status,
    status_from_children,
    status_from_measurements,
)

Tree = dict[str, Any]


@dataclass(frozen=True)
class Line:
    """One text line split at TABs, remembering where each field starts."""

    number: int
    fields: tuple[str, ...]
    starts: tuple[int, ...]

    @classmethod
    def split(cls, number: int, text: str) -> Line:
        fields = tuple(text.split("\t"))
        starts: list[int] = []
        column = 1
        for item in fields:
            starts.append(column)
            column += len(item) + 1
        return cls(number, fields, tuple(starts))

    def field(self, index: int) -> str:
        return self.fields[index] if index < len(self.fields) else ""

    def where(self, index: int = 0) -> str:
        """``line L, column C`` of field ``index`` (a missing field sits after the line's end)."""
        if index < len(self.starts):
            column = self.starts[index]
        else:
            column = self.starts[-1] + len(self.fields[-1]) + 1 + (index - len(self.fields))
        return f"line {self.number}, column {column}"


@dataclass
class Block:
    """The lines of one UUT, by section."""

    start_line: int
    header: list[Line] = field(default_factory=list)
    steps: list[Line] = field(default_factory=list)
    footer: list[Line] = field(default_factory=list)


_NEXT_MARKER = {
    w.HEADER_START: w.STEP_DATA_START,
    w.STEP_DATA_START: w.STEP_DATA_END,
    w.STEP_DATA_END: w.UUT_END,
}


def split_blocks(text: str) -> list[Block]:
    """Cut the file at its markers; blank lines outside the step table are ignored."""
    blocks: list[Block] = []
    current: Block | None = None
    section = ""
    number = 0
    # Only LF (with an optional CR) ends a line: str.splitlines() would also split at
    # characters such as U+2028 that may occur inside a value.
    for number, raw_line in enumerate(text.split("\n"), start=1):
        raw = raw_line.removesuffix("\r")
        stripped = raw.strip()
        if stripped in w.MARKERS:
            current, section = _take_marker(blocks, current, section, stripped, number)
            continue
        if not stripped:
            continue
        if current is None:
            raise ReportFormatError(f"expected {w.HEADER_START}", f"line {number}, column 1")
        target = {w.HEADER_START: current.header, w.STEP_DATA_START: current.steps}.get(
            section, current.footer
        )
        target.append(Line.split(number, raw))
    if current is not None:
        raise ReportFormatError(
            f"UUT starting at line {current.start_line} has no {w.UUT_END}",
            f"line {number}, column 1",
        )
    if not blocks:
        raise ReportFormatError(f"no UUT found (no {w.HEADER_START} line)", "line 1, column 1")
    return blocks


def _take_marker(
    blocks: list[Block], current: Block | None, section: str, marker: str, number: int
) -> tuple[Block | None, str]:
    where = f"line {number}, column 1"
    if current is None:
        if marker != w.HEADER_START:
            raise ReportFormatError(f"{marker} before {w.HEADER_START}", where)
        return Block(number), marker
    if marker == w.UUT_END and section in (w.HEADER_START, w.STEP_DATA_END):
        blocks.append(current)  # a UUT without step data is allowed
        return None, ""
    if _NEXT_MARKER.get(section) != marker:
        raise ReportFormatError(f"unexpected {marker} (after {section})", where)
    return current, marker


@dataclass
class _Header:
    """What header and footer lines fill in, by destination."""

    report: Tree = field(default_factory=lambda: {"type": "T"})
    uut: Tree = field(default_factory=dict)
    sequence: Tree = field(default_factory=dict)
    misc: list[Tree] = field(default_factory=list)
    units: list[Tree] = field(default_factory=list)


def read_block(block: Block) -> Tree:
    """Turn one UUT block into a WSJF report tree."""
    header = _Header()
    for line in block.header:
        _read_header_line(line, header)
    for line in block.footer:
        key = line.field(0).strip()
        if key not in w.FOOTER_KEYS:
            raise ReportFormatError(
                f"footer accepts only {', '.join(w.FOOTER_KEYS)}, not {key!r}", line.where()
            )
        _read_header_line(line, header)
    report = header.report
    children = StepReader().read(block.steps)
    report["root"] = _root_step(header.sequence, children, report.get("result"))
    if "result" not in report:
        report["result"] = result_from_status(report["root"]["status"])
    _number_steps(report["root"])
    report["uut"] = header.uut  # every test report has the object, even when WSTF filled nothing
    if header.misc:
        report["miscInfos"] = header.misc
    if header.units:
        report["subUnits"] = header.units
    return report


def _number_steps(root: Tree) -> None:
    """Step ids 1, 2, … depth-first in execution order, as the server numbers them."""
    counter = 0
    stack = [root]
    while stack:
        step = stack.pop()
        counter += 1
        step["id"] = counter
        stack.extend(reversed(step.get("steps", ())))


def _root_step(sequence: Tree, children: list[Tree], result: str | None) -> Tree:
    name = sequence.get("name", "MainSequence Callback")
    if "name" in sequence:
        # WSTF has no sequence-file path; like the official client, use the sequence name.
        sequence = {"path": sequence["name"], **sequence}
    status = result or status_from_children(child.get("status") for child in children)
    root: Tree = {
        "group": "M",
        "stepType": w.SEQUENCE_CALL,
        "name": name,
        "status": status,
        "seqCall": dict(sequence),
    }
    if children:
        root["steps"] = children
    return root


def _read_header_line(line: Line, header: _Header) -> None:
    key = line.field(0).strip()
    if key == w.SUB_UNIT_KEY:
        header.units.append(_sub_unit(line))
        return
    _refuse_extra_fields(line, 2)
    value = line.field(1)
    spec = w.HEADER_FIELDS.get(key)
    if spec is None:
        if value:
            header.misc.append({"description": key, "text": value})
        return
    if not value:
        return
    section, wire_key, kind = spec
    target = {w.REPORT: header.report, w.UUT: header.uut, w.SEQUENCE: header.sequence}[section]
    target[wire_key] = _convert(value, kind, line.where(1))


def _refuse_extra_fields(line: Line, used: int) -> None:
    for index in range(used, len(line.fields)):
        if line.fields[index].strip():
            raise ReportFormatError("unexpected extra field", line.where(index))


def _sub_unit(line: Line) -> Tree:
    _refuse_extra_fields(line, 5)
    unit: Tree = {}
    for index, key in enumerate(("partType", "pn", "sn", "rev"), start=1):
        value = line.field(index)
        if value:
            unit[key] = value
    if "pn" not in unit or "sn" not in unit:
        raise ReportFormatError("Subunit needs type, part number and serial number", line.where())
    return unit


def _convert(value: str, kind: str, where: str) -> Any:
    if kind == w.TEXT:
        return value
    if kind == w.INTEGER:
        return decode_value(value, INT, where)
    if kind == w.NUMBER:
        return parse_number(value, where)
    if kind == w.TIMESTAMP:
        try:
            WatsTimestamp(value.strip()).datetime  # noqa: B018 - validates the date itself
        except ValueError:
            raise ReportFormatError(
                f"expected an ISO 8601 date-time, got {value!r}", where
            ) from None
        return value.strip()
    return _word(value, w.RESULT_WORDS, where)


def parse_number(value: str, where: str) -> float:
    """An invariant-culture number (``.`` separator; ``NaN``, ``INF``/``Infinity`` allowed)."""
    number: float = decode_value(value, FLOAT, where)
    if math.isinf(number) and "inf" not in value.lower():
        raise ReportFormatError(f"number out of range: {value!r}", where)
    return number


def _word(value: str, words: Mapping[str, str], where: str) -> str:
    text = value.strip()
    letter = words.get(text.lower())
    if letter is None and text.upper() in words.values():
        letter = text.upper()
    if letter is None:
        allowed = ", ".join(word.capitalize() for word in words)
        raise ReportFormatError(f"{text!r} is not one of {allowed}", where)
    return str(letter)


class StepReader:
    """Builds the step tree from the step-table lines, tracking open sequence calls."""

    def __init__(self) -> None:
        self._columns: dict[str, int] = {name: i for i, name in enumerate(w.COLUMNS)}
        self._width = len(w.COLUMNS)
        self._stack: list[tuple[Tree, list[Tree], Line]] = []
        self._children: list[Tree] = []
        self._open_multi: tuple[str, str, Tree] | None = None
        self._multi_steps: list[Tree] = []

    def read(self, lines: list[Line]) -> list[Tree]:
        """The root's children; raises on unbalanced sequence calls."""
        if lines and lines[0].field(0).strip() == "StepType":
            self._use_titles(lines[0])
            lines = lines[1:]
        for line in lines:
            self._read_row(line)
        if self._stack:
            opened = self._stack[-1][2]
            raise ReportFormatError(
                f"{w.SEQUENCE_CALL} has no {w.END_SEQUENCE_CALL}", opened.where()
            )
        for step in self._multi_steps:
            step.setdefault("status", status_from_measurements(_measurement_statuses(step)))
        return self._children

    def _use_titles(self, line: Line) -> None:
        titles = [title.strip() for title in line.fields]
        for required in ("StepType", "StepName"):
            if required not in titles:
                raise ReportFormatError(f"column title {required!r} is missing", line.where())
        self._columns = {title: i for i, title in enumerate(titles) if title in w.COLUMNS}
        self._width = len(titles)

    def cell(self, line: Line, column: str) -> str:
        index = self._columns.get(column)
        return "" if index is None else line.field(index)

    def where(self, line: Line, column: str) -> str:
        return line.where(self._columns.get(column, 0))

    def _read_row(self, line: Line) -> None:
        if any(f.strip() for f in line.fields[self._width :]):
            raise ReportFormatError("more fields than columns", line.where(self._width))
        step_type = self.cell(line, "StepType").strip()
        if step_type == w.END_SEQUENCE_CALL:
            self._close_sequence(line)
            return
        if step_type in w.TEST_TYPES:
            self._read_test(line, step_type)
            return
        self._open_multi = None
        if step_type == w.SEQUENCE_CALL:
            step = self._base_step(line, w.SEQUENCE_CALL)
            step["seqCall"] = {"path": step["name"], "name": step["name"]}
            self._children.append(step)
            self._stack.append((step, self._children, line))
            self._children = []
        elif step_type == w.ACTION:
            step = self._base_step(line, "Action")
            step.setdefault("status", "D")
            self._children.append(step)
        else:
            raise ReportFormatError(f"unknown step type {step_type!r}", line.where(0))

    def _base_step(self, line: Line, wsjf_type: str) -> Tree:
        step: Tree = {"group": "M", "stepType": wsjf_type, "name": self.cell(line, "StepName")}
        status = self.cell(line, "StepStatus")
        if status.strip():
            step["status"] = _word(status, w.STATUS_WORDS, self.where(line, "StepStatus"))
        self._read_step_extras(line, step)
        return step

    def _read_step_extras(self, line: Line, step: Tree) -> None:
        time_text = self.cell(line, "StepExecutionTime")
        if time_text.strip():
            step["totTime"] = parse_number(time_text, self.where(line, "StepExecutionTime"))
        text = self.cell(line, "ReportText")
        if text:
            step["reportText"] = text
        code = self.cell(line, "StepErrorCode")
        if code.strip():
            step["errorCode"] = _convert(code, w.INTEGER, self.where(line, "StepErrorCode"))
        message = self.cell(line, "StepErrorMessage")
        if message:
            step["errorMessage"] = message

    def _close_sequence(self, line: Line) -> None:
        self._open_multi = None
        if not self._stack:
            raise ReportFormatError(
                f"{w.END_SEQUENCE_CALL} without {w.SEQUENCE_CALL}", line.where()
            )
        step, parent_children, _ = self._stack.pop()
        children = self._children
        self._children = parent_children
        if children:
            step["steps"] = children
        closing = self._base_step(line, w.SEQUENCE_CALL)
        for key in ("status", "totTime", "reportText", "errorCode", "errorMessage"):
            if key in closing:
                step[key] = closing[key]
        if "status" not in step:
            step["status"] = status_from_children(child.get("status") for child in children)

    def _read_test(self, line: Line, step_type: str) -> None:
        list_key, wsjf_type, multi = w.TEST_TYPES[step_type]
        name = self.cell(line, "StepName")
        measurement = self._measurement(line, list_key)
        if multi:
            measurement["name"] = self.cell(line, "MeasureName")
            if self._open_multi is not None and self._open_multi[:2] == (step_type, name):
                self._open_multi[2][list_key].append(measurement)
                return
            step = self._base_step(line, wsjf_type)
            step.pop("status", None)  # the column holds each measurement's status
            self._multi_steps.append(step)
            self._open_multi = (step_type, name, step)
        else:
            self._open_multi = None
            step = self._base_step(line, wsjf_type)
            measure_name = self.cell(line, "MeasureName")
            if measure_name:
                measurement["name"] = measure_name
            _settle_single_status(step, measurement)
        step[list_key] = [measurement]
        self._children.append(step)

    def _measurement(self, line: Line, list_key: str) -> Tree:
        if list_key == "numericMeas":
            meas = self._numeric(line)
        elif list_key == "stringMeas":
            meas = self._string(line)
        else:
            meas = self._boolean(line)
        status = self.cell(line, "StepStatus")
        if status.strip():
            step_status = _word(status, w.STATUS_WORDS, self.where(line, "StepStatus"))
            meas["status"] = w.MEASUREMENT_STATUS_OF_STEP[step_status]
        return meas

    def _numeric(self, line: Line) -> Tree:
        meas: Tree = {}
        for column, key in (
            ("Value", "value"),
            ("LowLimit", "lowLimit"),
            ("HighLimit", "highLimit"),
        ):
            text = self.cell(line, column)
            if text.strip():
                meas[key] = parse_number(text, self.where(line, column))
        op = self.cell(line, "CompOperator").strip()
        if op:
            meas["compOp"] = op
        unit = self.cell(line, "Unit")
        if unit:
            meas["unit"] = unit
        if not self.cell(line, "StepStatus").strip():
            meas["status"] = self._computed(line, lambda: _numeric_status(meas))
        return meas

    def _string(self, line: Line) -> Tree:
        meas: Tree = {}
        for column, key in (("Value", "value"), ("LowLimit", "limit")):
            text = self.cell(line, column)
            if text:
                meas[key] = text
        op = self.cell(line, "CompOperator").strip()
        if op:
            meas["compOp"] = op
        if not self.cell(line, "StepStatus").strip():
            meas["status"] = self._computed(line, lambda: _string_status(meas))
        return meas

    def _boolean(self, line: Line) -> Tree:
        value = self.cell(line, "Value").strip().lower()
        meas: Tree = {}
        if not self.cell(line, "StepStatus").strip():
            if value in w.PASS_WORDS:
                meas["status"] = "P"
            elif value in w.FAIL_WORDS:
                meas["status"] = "F"
            else:
                raise ReportFormatError(
                    "a PassFailTest needs TRUE/FALSE in Value or a StepStatus",
                    self.where(line, "Value"),
                )
        return meas

    def _computed(self, line: Line, compute: Callable[[], str]) -> str:
        try:
            return compute()
        except ReportValidationError as exc:
            problems = "; ".join(str(p) for p in exc.problems)
            raise ReportFormatError(
                f"cannot compute the status: {problems}", self.where(line, "CompOperator")
            ) from None


def _numeric_status(meas: Tree) -> str:
    if "value" not in meas:
        raise ReportValidationError(["no Value to compare"])
    op = meas.get("compOp") or "LOG"
    return (
        "P"
        if numeric_passes(op, meas["value"], meas.get("lowLimit"), meas.get("highLimit"))
        else "F"
    )


def _string_status(meas: Tree) -> str:
    op = meas.get("compOp") or "LOG"
    return "P" if string_passes(op, meas.get("value", ""), meas.get("limit")) else "F"


def _settle_single_status(step: Tree, measurement: Tree) -> None:
    """A single-measurement step without a StepStatus takes its measurement's status."""
    if "status" not in step and "status" in measurement:
        step["status"] = measurement["status"]


def _measurement_statuses(step: Tree) -> list[str | None]:
    found: list[str | None] = []
    for key in ("numericMeas", "stringMeas", "booleanMeas"):
        found.extend(meas.get("status") for meas in step.get(key, ()))
    return found
