"""Step-building blocks for the UUT builder: argument checks and trusted model creation.

The builder checks every argument itself and then creates the step models directly
(``_from_trusted``), which is several times faster than having pydantic re-validate a
tree of thousands of steps. Each check raises a :class:`ReportValidationError` naming the
JSON path of the step being built.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypedDict

from pywats.exceptions import ReportFormatError, ReportValidationError
from pywats.report._timestamp import WatsTimestamp
from pywats.report.compare import evaluate_numeric, resolve_comp_op, string_passes
from pywats.report.enums import NUMERIC_OPS, CompOp
from pywats.report.problems import ValidationProblem
from pywats.report.steps import (
    Attachment,
    BooleanMeasurement,
    Chart,
    ChartSeries,
    NumericMeasurement,
    Step,
    StringMeasurement,
)

Fields = dict[str, Any]
_NUMERIC_BY_TEXT = {op.value: op for op in NUMERIC_OPS}
# Set-field names of what ``plain_numeric_step`` builds (the general path's keys).
_PLAIN_MEASUREMENT_SET = frozenset(
    {"comp_op", "name", "status", "unit", "value", "low_limit", "high_limit"}
)
_PLAIN_STEP_SET = frozenset({"id", "group", "step_type", "name", "status", "numeric_meas"})
_PLAIN_STEP_DEFAULTS: Fields = {
    **{name: info.get_default() for name, info in Step.model_fields.items()},
    "group": "M",
    "step_type": "ET_NLT",
}


class StepOptions(TypedDict, total=False):
    """Optional step fields accepted by every step method of the builders."""

    status: str
    """Explicit step status; by default it is derived (roll-up)."""
    group: str
    """TestStand group ``"S"``, ``"M"`` (default) or ``"C"``."""
    tot_time: float
    """Execution time, seconds."""
    start: datetime
    """Step start (timezone-aware)."""
    report_text: str
    error_code: int
    error_message: str


def builder_error(path: str, message: str) -> ReportValidationError:
    """The error a builder raises for an unusable argument."""
    return ReportValidationError([ValidationProblem(path, message, "builder")])


def check_text(value: object, path: str, what: str) -> str:
    """``value`` if it is a string, else a builder error."""
    if type(value) is str or isinstance(value, str):
        return value
    raise builder_error(path, f"{what} must be a string, got {type(value).__name__}")


def check_optional_text(value: object, path: str, what: str) -> str | None:
    """``value`` if it is a string or None, else a builder error."""
    return None if value is None else check_text(value, path, what)


def check_number(value: object, path: str, what: str) -> float:
    """``value`` as a float if it is a real number (not a bool), else a builder error."""
    if type(value) is float:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise builder_error(path, f"{what} must be a number, got {type(value).__name__}")
    return float(value)


def check_integer(value: object, path: str, what: str) -> int:
    """``value`` if it is an int (not a bool), else a builder error."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise builder_error(path, f"{what} must be an integer, got {type(value).__name__}")
    return value


def timestamp(value: object, path: str) -> WatsTimestamp:
    """Timestamp of an aware datetime; a naive one is refused (no invented offset)."""
    if not isinstance(value, datetime):
        raise builder_error(path, f"expected a datetime, got {type(value).__name__}")
    try:
        return WatsTimestamp.from_datetime(value)
    except ReportFormatError as exc:
        raise builder_error(path, exc.message) from None


def step_fields(name: str, step_type: str, options: StepOptions, path: str) -> Fields:
    """The common fields of a new step; ``id`` is numbered at build time."""
    fields: Fields = {
        "id": None,
        "group": check_text(options.get("group", "M"), path, "group"),
        "step_type": check_text(step_type, path, "step_type"),
        "name": check_text(name, path, "step name"),
    }
    if len(options) > ("status" in options):
        _optional_step_fields(fields, options, path)
    return fields


def _optional_step_fields(fields: Fields, options: StepOptions, path: str) -> None:
    if "start" in options:
        fields["start"] = timestamp(options["start"], f"{path}.start")
    if "tot_time" in options:
        fields["tot_time"] = check_number(options["tot_time"], path, "tot_time")
    if "report_text" in options:
        fields["report_text"] = check_text(options["report_text"], path, "report_text")
    if "error_code" in options:
        fields["error_code"] = check_integer(options["error_code"], path, "error_code")
    if "error_message" in options:
        fields["error_message"] = check_text(options["error_message"], path, "error_message")


def explicit_status(options: StepOptions, path: str) -> str | None:
    """The caller's explicit step status, if any."""
    status = options.get("status")
    return None if status is None else check_text(status, path, "status")


def make_test_step(fields: Fields, kind: str, measurements: list[Any], status: str | None) -> Step:
    """A test step: explicit status, or the one its measurements imply.

    A skipped step (``status="S"``) carries no measurements, as TestStand and the official
    client write it.
    """
    if status == "S":
        fields["status"] = "S"
        return Step._from_trusted(fields)
    fields["status"] = status or status_of(measurements)
    fields[kind] = measurements
    return Step._from_trusted(fields)


def status_of(measurements: list[Any]) -> str:
    """Status implied by measurements: any F → F, all S → S, else P."""
    if len(measurements) == 1:
        return str(measurements[0].status)
    statuses = {meas.status for meas in measurements}
    if "F" in statuses:
        return "F"
    return "S" if statuses == {"S"} else "P"


def _numeric_op(comp_op: object, low: float | None, high: float | None, path: str) -> CompOp:
    if comp_op is None:
        if low is not None and high is not None:
            return CompOp.GELE
        return CompOp.GE if low is not None else CompOp.LOG
    op = _NUMERIC_BY_TEXT.get(comp_op) if type(comp_op) is str else None
    if op is not None:
        return op
    try:
        return resolve_comp_op(check_text(comp_op, path, "comp_op"), NUMERIC_OPS)
    except ReportValidationError as exc:
        raise builder_error(path, str(exc.problems[0])) from None


def numeric_measurement(
    name: str | None,
    value: float,
    *,
    low: float | None,
    high: float | None,
    comp_op: str | None,
    unit: str | None,
    path: str,
) -> NumericMeasurement:
    """A numeric measurement whose status is the operator's verdict.

    Without ``comp_op`` the operator follows the limits given: both → GELE, low only → GE,
    none → LOG. A given operator text is kept as spelled.
    """
    number = check_number(value, path, "value")
    low_limit = None if low is None else check_number(low, path, "low")
    high_limit = None if high is None else check_number(high, path, "high")
    op = _numeric_op(comp_op, low_limit, high_limit, path)
    passed = evaluate_numeric(op, number, low_limit, high_limit)
    if passed is None:
        missing = "lowLimit (low=)" if low_limit is None else "highLimit (high=)"
        raise builder_error(path, f"compOp {op.value} needs {missing}")
    fields: Fields = {
        "comp_op": op.value if comp_op is None else comp_op,
        "name": name,
        "status": "P" if passed else "F",
        "unit": check_optional_text(unit, path, "unit"),
        "value": number,
    }
    if low_limit is not None:
        fields["low_limit"] = low_limit
    if high_limit is not None:
        fields["high_limit"] = high_limit
    return NumericMeasurement._from_trusted(fields)


def plain_numeric_step(
    name: object, value: object, low: object, high: object, comp_op: object, unit: object
) -> Step | None:
    """The usual single-measurement numeric step, or None when the general path is needed.

    Covers a string name, float value and limits, a canonical operator (or none) and a
    string or absent unit — what :func:`numeric_measurement`, :func:`step_fields` and
    :func:`make_test_step` would produce for those arguments, field for field, written as
    whole field dicts in one go because a builder creates thousands of these.
    """
    if (
        type(name) is not str
        or type(value) is not float
        or (unit is not None and type(unit) is not str)
    ):
        return None
    if type(low) is not float or type(high) is not float:
        return None
    if comp_op is None:
        op_text = "GELE"
        op = CompOp.GELE
    elif type(comp_op) is str and (found := _NUMERIC_BY_TEXT.get(comp_op)) is not None:
        op_text, op = comp_op, found
    else:
        return None
    status = "P" if evaluate_numeric(op, value, low, high) else "F"
    meas = NumericMeasurement._from_full_dict(
        {"comp_op": op_text, "name": None, "status": status, "unit": unit, "value": value,
         "value_format": None, "high_limit": high, "high_limit_format": None,
         "low_limit": low, "low_limit_format": None},
        _PLAIN_MEASUREMENT_SET,
    )  # fmt: skip
    fields = _PLAIN_STEP_DEFAULTS.copy()
    fields["name"] = name
    fields["status"] = status
    fields["numeric_meas"] = [meas]
    return Step._from_full_dict(fields, _PLAIN_STEP_SET)


def string_measurement(
    name: str | None, value: str, *, limit: str | None, comp_op: str | None, path: str
) -> StringMeasurement:
    """A string measurement; without ``comp_op``: CASESENSIT with a limit, LOG without."""
    text = check_text(value, path, "value")
    expected = check_optional_text(limit, path, "limit")
    if comp_op is not None:
        op_text = check_text(comp_op, path, "comp_op")
    else:
        op_text = CompOp.LOG.value if expected is None else CompOp.CASESENSIT.value
    try:
        passed = string_passes(op_text, text, expected)
    except ReportValidationError as exc:
        raise builder_error(path, str(exc.problems[0])) from None
    return StringMeasurement._from_trusted(
        {
            "comp_op": op_text,
            "name": name,
            "status": "P" if passed else "F",
            "value": text,
            "limit": expected,
        }
    )


def boolean_measurement(name: str | None, passed: bool, path: str) -> BooleanMeasurement:
    """A pass/fail measurement."""
    if not isinstance(passed, bool):
        raise builder_error(path, f"passed must be True or False, got {passed!r}")
    return BooleanMeasurement._from_trusted({"name": name, "status": "P" if passed else "F"})


def chart(
    series: Sequence[tuple[str, Sequence[float], Sequence[float]]],
    labels: dict[str, str | None],
    path: str,
) -> Chart:
    """A ``chart``; each series is (name, x values, y values) of equal length."""
    fields: Fields = {key: check_optional_text(text, path, key) for key, text in labels.items()}
    fields["series"] = [
        _series(entry, f"{path}.series[{index}]") for index, entry in enumerate(series)
    ]
    return Chart._from_trusted(fields)


def _series(entry: tuple[str, Sequence[float], Sequence[float]], path: str) -> ChartSeries:
    name, xs, ys = entry
    if len(xs) != len(ys):
        raise builder_error(path, "x and y need the same length")
    return ChartSeries._from_trusted(
        {
            "data_type": "XYG",
            "name": check_text(name, path, "series name"),
            "xdata": _join(xs, path),
            "ydata": _join(ys, path),
        }
    )


def _join(values: Sequence[float], path: str) -> str:
    points = [check_number(value, path, "point") for value in values]
    if not all(math.isfinite(point) for point in points):
        raise builder_error(path, "chart points must be finite numbers")
    return ";".join(repr(point) for point in points)


def attachment(name: str, data: bytes, content_type: str, path: str) -> Attachment:
    """A step ``attachment`` holding ``data`` as base64."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise builder_error(path, f"attachment data must be bytes, got {type(data).__name__}")
    return Attachment._from_trusted(
        {
            "name": check_text(name, path, "name"),
            "content_type": check_text(content_type, path, "content_type"),
            "data": base64.b64encode(bytes(data)).decode("ascii"),
        }
    )


__all__ = [
    "StepOptions",
    "attachment",
    "boolean_measurement",
    "builder_error",
    "chart",
    "check_integer",
    "check_number",
    "check_optional_text",
    "check_text",
    "explicit_status",
    "make_test_step",
    "numeric_measurement",
    "plain_numeric_step",
    "status_of",
    "step_fields",
    "string_measurement",
    "timestamp",
]
