"""Step-tree rules: codes, lengths, measurement limits and verdicts, status roll-up."""

from __future__ import annotations

import binascii
from typing import Any

from pywats.report._loop_rules import LoopCounterRule, check_loop, group_loops
from pywats.report.compare import evaluate_numeric, numeric_passes, string_passes
from pywats.report.enums import NUMERIC_OPS, ONE_LIMIT_OPS, STRING_OPS, CompOp
from pywats.report.problems import ProblemList
from pywats.report.steps import Chart, NumericMeasurement, Step, StringMeasurement

STEP_STATUSES = ("P", "F", "D", "S", "E", "T", "U")
MEASUREMENT_STATUSES = ("P", "F", "S")
STEP_GROUPS = ("S", "M", "C")
FAILING = frozenset({"F", "E", "T"})
_STEP_STATUS_SET = frozenset(STEP_STATUSES)
_GROUP_SET = frozenset(STEP_GROUPS)
_MEASUREMENT_STATUS_SET = frozenset(MEASUREMENT_STATUSES)
_CULTURE_ORDERED = frozenset({CompOp.GT, CompOp.LT, CompOp.GE, CompOp.LE})
_NUMERIC_BY_TEXT = {op.value: op for op in NUMERIC_OPS}
_STEP_FIELD_COUNT = len(Step.model_fields)
_MEASUREMENT_FIELD_COUNT = len(NumericMeasurement.model_fields)


class StepRules:
    """Walks a step tree and records every broken step rule."""

    def __init__(self, out: ProblemList, loop_counters: LoopCounterRule) -> None:
        self.out = out
        self.loop_counters = loop_counters
        self.step_ids: set[int] = set()

    def check_tree(self, step: Step, path: str) -> None:
        """Check ``step`` and, recursively, its children."""
        self._check_fields(step, path)
        if step.numeric_meas or step.string_meas or step.boolean_meas:
            self._check_measurements(step, path)
            self._check_verdict(step, path)
        if step.chart is not None:
            self._check_chart(step.chart, f"{path}.chart")
        if step.attachment is not None and step.attachment.data is not None:
            self._check_base64(step.attachment.data, f"{path}.attachment.data")
        if step.steps:
            self._check_children(step, path)

    def _check_fields(self, step: Step, path: str) -> None:
        if not _usual_fields(step):
            self._field_problems(step, path)
        if step.id is not None:
            self._record_id(step.id, path)

    def _record_id(self, step_id: int, path: str) -> None:
        if step_id in self.step_ids:
            self.out.add(path, f"step id {step_id} is used twice", "duplicate-id")
        self.step_ids.add(step_id)

    def _field_problems(self, step: Step, path: str) -> None:
        out = self.out
        out.require(path, step.name, "name")
        if out.require(path, step.status, "status"):
            out.one_of(path, step.status, STEP_STATUSES, "status")
        out.one_of(path, step.group, STEP_GROUPS, "group")
        out.max_length(path, step.name, 100, "name")
        out.max_length(path, step.error_message, 200, "errorMessage")
        out.max_length(path, step.report_text, 100_000, "reportText")
        out.max_length(path, step.ts_guid, 30, "tsGuid")

    def _check_measurements(self, step: Step, path: str) -> None:
        numeric, strings, booleans = step.numeric_meas, step.string_meas, step.boolean_meas
        if numeric:
            for index, meas in enumerate(numeric):
                if not self._usual_numeric_is_fine(meas, path, index):
                    self._check_numeric(meas, f"{path}.numericMeas[{index}]")
        if strings:
            for index, text in enumerate(strings):
                self._check_string(text, f"{path}.stringMeas[{index}]")
        if booleans:
            for index, boolean in enumerate(booleans):
                if boolean.status not in _MEASUREMENT_STATUS_SET:
                    where = f"{path}.booleanMeas[{index}]"
                    if self.out.require(where, boolean.status, "status"):
                        self.out.one_of(where, boolean.status, MEASUREMENT_STATUSES, "status")
        if len(numeric or ()) + len(strings or ()) + len(booleans or ()) > 1:
            self._check_multi_names(step, path)

    def _usual_numeric_is_fine(self, meas: NumericMeasurement, path: str, index: int) -> bool:
        """Fast path for the common, well-formed P/F measurement; False = check in full."""
        op = _NUMERIC_BY_TEXT.get(meas.comp_op or "")
        name, unit, value, status = meas.name, meas.unit, meas.value, meas.status
        if (
            op is None
            or value is None
            or status not in ("P", "F")
            or (name is not None and len(name) > 100)
            or (unit is not None and len(unit) > 20)
        ):
            return False
        passed = evaluate_numeric(op, value, meas.low_limit, meas.high_limit)
        if passed is None:
            return False
        if (status == "P") != passed:
            self._check_outcome(f"{path}.numericMeas[{index}]", status, passed)
        return True

    def _check_numeric(self, meas: NumericMeasurement, path: str) -> None:
        out = self.out
        out.max_length(path, meas.name, 100, "name")
        out.max_length(path, meas.unit, 20, "unit")
        status_ok = out.require(path, meas.status, "status")
        out.one_of(path, meas.status, MEASUREMENT_STATUSES, "status")
        op = self._comp_op(meas.comp_op, NUMERIC_OPS, "numeric", path)
        if op is None or meas.status == "S":
            return
        if meas.value is None:
            out.add(path, "value is required", "required")
            return
        if op is not CompOp.LOG and meas.low_limit is None:
            out.add(path, f"compOp {meas.comp_op} needs lowLimit", "limits")
            return
        if op not in ONE_LIMIT_OPS and op is not CompOp.LOG and meas.high_limit is None:
            out.add(path, f"compOp {meas.comp_op} needs highLimit", "limits")
            return
        if status_ok and meas.status in ("P", "F"):
            passed = numeric_passes(op, meas.value, meas.low_limit, meas.high_limit)
            self._check_outcome(path, meas.status, passed)

    def _check_string(self, meas: StringMeasurement, path: str) -> None:
        out = self.out
        out.max_length(path, meas.name, 100, "name")
        out.max_length(path, meas.value, 100, "value")
        out.max_length(path, meas.limit, 100, "limit")
        status_ok = out.require(path, meas.status, "status")
        out.one_of(path, meas.status, MEASUREMENT_STATUSES, "status")
        op = self._comp_op(meas.comp_op, STRING_OPS, "string", path)
        if op is None or meas.status == "S" or not status_ok or meas.status not in ("P", "F"):
            return
        if op is not CompOp.LOG and meas.limit is None:
            out.add(path, f"compOp {meas.comp_op} needs limit", "limits")
            return
        if op in _CULTURE_ORDERED:
            return  # the station compared with its Windows culture: no portable verdict
        passed = string_passes(op, meas.value or "", meas.limit)
        self._check_outcome(path, meas.status, passed)

    def _comp_op(
        self, text: str | None, allowed: frozenset[CompOp], kind: str, path: str
    ) -> CompOp | None:
        if not self.out.require(path, text, "compOp"):
            return None
        op = CompOp.parse(text or "")
        if op is None or op not in allowed:
            self.out.add(path, f"compOp {text!r} is not a {kind} operator", "bad-code")
            return None
        return op

    def _check_outcome(self, path: str, status: str | None, passed: bool) -> None:
        if (status == "P") != passed:
            verdict = "passes" if passed else "fails"
            self.out.add(
                path, f"status {status} contradicts the limits (the value {verdict})", "verdict"
            )

    def _check_multi_names(self, step: Step, path: str) -> None:
        names = [
            meas.name
            for group in (step.numeric_meas, step.string_meas, step.boolean_meas)
            for meas in group or []
        ]
        if any(name is None for name in names):
            self.out.add(path, "every measurement of a multiple step needs a name", "multi-name")
        named = [name for name in names if name is not None]
        if len(set(named)) != len(named):
            self.out.add(path, "measurement names within a step must be unique", "multi-name")

    def _check_verdict(self, step: Step, path: str) -> None:
        numeric = step.numeric_meas
        if numeric and len(numeric) == 1 and not step.string_meas and not step.boolean_meas:
            measurements: list[Any] = numeric  # the common single numeric step, without a copy
        else:
            measurements = step.measurements
        if len(measurements) == 1 and measurements[0].name is None:
            if step.status != measurements[0].status:
                self.out.add(
                    path, "Status cannot be different from measurement status.", "status-mismatch"
                )
        elif any(meas.status == "F" for meas in measurements) and step.status not in FAILING:
            self.out.add(path, f"status {step.status} but a measurement failed", "rollup")

    def _check_children(self, step: Step, path: str) -> None:
        children = step.children
        has_loop_steps = False
        for index, child in enumerate(children):
            if _plain_numeric_step_is_fine(child):
                step_id = child.__dict__["id"]
                if step_id is not None:  # the path is only built for a duplicate
                    if step_id in self.step_ids:
                        self._record_id(step_id, f"{path}.steps[{index}]")
                    else:
                        self.step_ids.add(step_id)
                continue  # a plain numeric step has no ``loop``
            has_loop_steps = has_loop_steps or child.loop is not None
            self.check_tree(child, f"{path}.steps[{index}]")
        if has_loop_steps:
            for group in group_loops(children, path, self.out):
                check_loop(group, self.loop_counters, self.out)
        if step.status in FAILING:
            return
        for index, child in enumerate(children):
            if child.status in FAILING and not (child.loop and child.loop.is_iteration):
                self.out.add(
                    path,
                    f"status {step.status} but child steps[{index}] ({child.name}) has status"
                    f" {child.status}",
                    "rollup",
                )
                return

    def _check_chart(self, chart: Chart, path: str) -> None:
        for index, series in enumerate(chart.series or []):
            where = f"{path}.series[{index}]"
            x_points = _points(series.xdata)
            y_points = _points(series.ydata)
            if x_points is None or y_points is None:
                self.out.add(where, "xdata/ydata must be ';'-separated numbers", "chart")
            elif series.xdata is not None and len(x_points) != len(y_points):
                self.out.add(where, "xdata and ydata need the same number of points", "chart")

    def _check_base64(self, data: str, path: str) -> None:
        try:
            binascii.a2b_base64(data.encode("ascii"), strict_mode=True)
        except (binascii.Error, UnicodeEncodeError):
            self.out.add(path, "data is not valid base64", "base64")


def _usual_fields(step: Step) -> bool:
    """True when the step's own fields need no detailed check (the common case)."""
    return _usual_field_values(step.__dict__)


def _usual_field_values(fields: dict[str, Any]) -> bool:
    name, message = fields["name"], fields["error_message"]
    text, guid = fields["report_text"], fields["ts_guid"]
    group = fields["group"]
    return (
        name is not None
        and 0 < len(name) <= 100
        and not name.isspace()
        and fields["status"] in _STEP_STATUS_SET
        and (group is None or group in _GROUP_SET)
        and (message is None or len(message) <= 200)
        and (text is None or len(text) <= 100_000)
        and (guid is None or len(guid) <= 30)
    )


def _plain_numeric_step_is_fine(step: Step) -> bool:
    """True for a well-formed leaf step with one unnamed numeric measurement that agrees
    with its operator and with the step status — nothing left for the full rules to find.

    Reads the field values from ``__dict__`` (every field lives there): cheaper than
    attribute access on a model class with ``__getattr__``, and this runs once per step.
    """
    fields = step.__dict__
    if len(fields) != _STEP_FIELD_COUNT:
        return False  # not a plain model instance: leave it to the full rules
    numeric = fields["numeric_meas"]
    if (
        numeric is None
        or len(numeric) != 1
        or fields["steps"]
        or fields["string_meas"]
        or fields["boolean_meas"]
        or fields["loop"] is not None
        or fields["chart"] is not None
        or fields["attachment"] is not None
        or not _usual_field_values(fields)
    ):
        return False
    meas = numeric[0].__dict__
    if len(meas) != _MEASUREMENT_FIELD_COUNT:
        return False
    status, value, unit = meas["status"], meas["value"], meas["unit"]
    op = _NUMERIC_BY_TEXT.get(meas["comp_op"] or "")
    if (
        op is None
        or value is None
        or status not in ("P", "F")
        or status != fields["status"]
        or meas["name"] is not None
        or (unit is not None and len(unit) > 20)
    ):
        return False
    passed = evaluate_numeric(op, value, meas["low_limit"], meas["high_limit"])
    return passed is not None and passed == (status == "P")


def _points(text: str | None) -> list[float] | None:
    if text is None or not text.strip():
        return []
    try:
        return [float(part) for part in text.split(";")]
    except ValueError:
        return None


__all__ = ["FAILING", "StepRules"]
