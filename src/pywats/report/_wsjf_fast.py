"""A faster WSJF writer for UUT reports, exact to pydantic's own output.

Builder reports consist mostly of plain numeric steps (one unnamed numeric measurement,
the builder's set of fields, exact built-in types). pydantic's model serialiser spends most
of its time on the per-model bookkeeping of those thousands of small models; writing such
a step as a plain dict and encoding the whole tree with pydantic-core's ``to_json`` (the
same JSON encoder, number and string formatting) is about three times cheaper. Every
other step, the header and sequence steps still go through the models' own serialiser
(``model_dump``), so fields set, extras, nulls and key order come out exactly as
``model_dump_json`` writes them; ``tests/pywats/report/test_wsjf_fast.py`` compares both.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import to_json

from pywats.report.models import UUTReport
from pywats.report.steps import NumericMeasurement, Step

_PLAIN_STEP_SET = frozenset({"id", "group", "step_type", "name", "status", "numeric_meas"})
_PLAIN_MEASUREMENT_SET = frozenset(
    {"comp_op", "name", "status", "unit", "value", "low_limit", "high_limit"}
)


def _aliases_after(model: type[UUTReport] | type[Step], field: str) -> frozenset[str]:
    """Wire names of the fields declared after ``field`` (pydantic writes them after it)."""
    names = list(model.model_fields)
    later = names[names.index(field) + 1 :]
    return frozenset(model.model_fields[name].alias or name for name in later)


_AFTER_ROOT = _aliases_after(UUTReport, "root")
_AFTER_STEPS = _aliases_after(Step, "steps")


class _TooFewPlainSteps(Exception):
    """Raised inside the walk once other steps clearly outnumber plain ones."""


# Dumping other steps one by one costs more than pydantic's single pass; past this many
# (and more than the plain steps seen so far) the walk gives up.
_OTHER_STEP_ALLOWANCE = 8


def uut_json(report: UUTReport) -> str | None:
    """The report's compact WSJF text, or None when this writer does not apply.

    Applies to a :class:`UUTReport` whose step tree is mostly plain numeric steps; the
    caller falls back to ``model_dump_json`` on None.
    """
    root = report.root
    if type(report) is not UUTReport or root is None or "root" not in report.model_fields_set:
        return None  # only the exact UUTReport's field order is known here
    walk = _Walk()
    try:
        root_value = walk.step_value(root)
    except (_TooFewPlainSteps, RecursionError):
        return None  # parsed exports, very deep trees: pydantic's serialiser alone
    header = report.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude={"root"})
    tree = _insert_before(header, "root", root_value, _AFTER_ROOT, report.__pydantic_extra__)
    return to_json(tree, inf_nan_mode="strings").decode()


def _insert_before(
    dumped: dict[str, Any],
    key: str,
    value: Any,
    later_fields: frozenset[str],
    extras: dict[str, Any] | None,
) -> dict[str, Any]:
    """``dumped`` with ``key`` put where pydantic writes it: before the fields declared
    after it and before the extras (which come after every declared field)."""
    out: dict[str, Any] = {}
    placed = False
    for name, item in dumped.items():
        if not placed and (name in later_fields or (extras and name in extras)):
            out[key] = value
            placed = True
        out[name] = item
    if not placed:
        out[key] = value
    return out


class _Walk:
    """One pass over a step tree, counting plain and other steps as it goes."""

    def __init__(self) -> None:
        self.plain = 0
        self.other = 0

    def step_value(self, step: Step) -> Any:
        """The step's JSON value: its plain dict if it has one, else the model's own dump."""
        value = _plain_step_value(step)
        if value is not None:
            self.plain += 1
            return value
        self.other += 1
        if self.other > _OTHER_STEP_ALLOWANCE and self.other > self.plain:
            raise _TooFewPlainSteps
        children = step.steps
        if not children or "steps" not in step.model_fields_set:
            return step.model_dump(mode="json", by_alias=True, exclude_unset=True)
        dumped = step.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude={"steps"})
        values = [self.step_value(child) for child in children]
        return _insert_before(dumped, "steps", values, _AFTER_STEPS, step.__pydantic_extra__)


def _plain_step_value(step: Step) -> dict[str, Any] | None:
    """The step as its JSON dict if it is a plain numeric step; None otherwise."""
    if (
        type(step) is not Step
        or step.__pydantic_fields_set__ != _PLAIN_STEP_SET
        or step.__pydantic_extra__
    ):
        return None
    fields = step.__dict__
    measurements = fields["numeric_meas"]
    if type(measurements) is not list or len(measurements) != 1:
        return None
    meas = _plain_measurement_value(measurements[0])
    step_id, group, step_type = fields["id"], fields["group"], fields["step_type"]
    name, status = fields["name"], fields["status"]
    if (
        meas is None
        or type(step_id) is not int
        or type(group) is not str
        or type(step_type) is not str
        or type(name) is not str
        or type(status) is not str
    ):
        return None
    return {"id": step_id, "group": group, "stepType": step_type, "name": name,
            "status": status, "numericMeas": [meas]}  # fmt: skip


def _plain_measurement_value(meas: object) -> dict[str, Any] | None:
    if (
        type(meas) is not NumericMeasurement
        or meas.__pydantic_fields_set__ != _PLAIN_MEASUREMENT_SET
        or meas.__pydantic_extra__
    ):
        return None
    fields = meas.__dict__
    comp_op, name, status, unit = (
        fields["comp_op"],
        fields["name"],
        fields["status"],
        fields["unit"],
    )
    value, high, low = fields["value"], fields["high_limit"], fields["low_limit"]
    if (
        type(comp_op) is not str
        or name is not None
        or type(status) is not str
        or (unit is not None and type(unit) is not str)
        or type(value) is not float
        or type(high) is not float
        or type(low) is not float
    ):
        return None
    return {"compOp": comp_op, "name": None, "status": status, "unit": unit, "value": value,
            "highLimit": high, "lowLimit": low}  # fmt: skip


__all__ = ["uut_json"]
