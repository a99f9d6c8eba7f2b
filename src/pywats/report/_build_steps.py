"""Step-building blocks shared by the UUT builder: measurement and step dictionaries.

Builders assemble plain WSJF dictionaries (wire names) and validate the finished tree once
in pydantic-core, which is much faster than constructing thousands of models one by one.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypedDict

from pywats.exceptions import ReportValidationError
from pywats.report._timestamp import WatsTimestamp
from pywats.report.compare import numeric_passes, string_passes
from pywats.report.enums import CompOp
from pywats.report.problems import ValidationProblem

Json = dict[str, Any]


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


_OPTION_ALIASES = (
    ("tot_time", "totTime"),
    ("report_text", "reportText"),
    ("error_code", "errorCode"),
    ("error_message", "errorMessage"),
)


def builder_error(path: str, message: str) -> ReportValidationError:
    """The error a builder raises for an unusable argument."""
    return ReportValidationError([ValidationProblem(path, message, "builder")])


def timestamp_text(value: datetime, path: str) -> str:
    """WSJF text of an aware datetime; a naive one is refused (no invented offset)."""
    if not isinstance(value, datetime):
        raise builder_error(path, f"expected a datetime, got {type(value).__name__}")
    try:
        return WatsTimestamp.from_datetime(value).text
    except ValueError as exc:
        raise builder_error(path, str(exc)) from None


def new_step(name: str, step_type: str, options: StepOptions, path: str) -> Json:
    """A step dictionary with the common fields; ``id`` is numbered at build time."""
    if not isinstance(name, str):
        raise builder_error(path, f"step name must be a string, got {type(name).__name__}")
    step: Json = {"id": None, "group": options.get("group", "M"), "stepType": step_type}
    step["name"] = name
    if "start" in options:
        step["start"] = timestamp_text(options["start"], f"{path}.start")
    for key, alias in _OPTION_ALIASES:
        if key in options:
            step[alias] = options[key]  # type: ignore[literal-required]
    return step


def finish_test_step(step: Json, kind: str, measurements: list[Json], options: StepOptions) -> Json:
    """Attach measurements and set the status: explicit, or derived from the measurements.

    A skipped step (``status="S"``) carries no measurements, as TestStand and the official
    client write it.
    """
    explicit = options.get("status")
    if explicit == "S":
        step["status"] = "S"
        return step
    step["status"] = explicit or _status_of(measurements)
    step[kind] = measurements
    return step


def _status_of(measurements: list[Json]) -> str:
    if len(measurements) == 1:
        return str(measurements[0]["status"])
    statuses = {meas["status"] for meas in measurements}
    if "F" in statuses:
        return "F"
    return "S" if statuses == {"S"} else "P"


def _check_number(value: object, path: str, what: str) -> float:
    if type(value) is float:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise builder_error(path, f"{what} must be a number, got {type(value).__name__}")
    return float(value)


def _default_numeric_op(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return CompOp.GELE.value
    return CompOp.GE.value if low is not None else CompOp.LOG.value


def numeric_measurement(
    name: str | None,
    value: float,
    *,
    low: float | None,
    high: float | None,
    comp_op: str | None,
    unit: str | None,
    path: str,
) -> Json:
    """A numeric measurement whose status is the operator's verdict.

    Without ``comp_op`` the operator follows the limits given: both → GELE, low only → GE,
    none → LOG. The operator text is kept as spelled.
    """
    number = _check_number(value, path, "value")
    low_limit = None if low is None else _check_number(low, path, "low")
    high_limit = None if high is None else _check_number(high, path, "high")
    op_text = str(comp_op) if comp_op is not None else _default_numeric_op(low_limit, high_limit)
    try:
        passed = numeric_passes(op_text, number, low_limit, high_limit)
    except ReportValidationError as exc:
        raise builder_error(path, str(exc.problems[0])) from None
    meas: Json = {"compOp": op_text, "name": name, "status": "P" if passed else "F"}
    meas["unit"] = unit
    meas["value"] = number
    if low_limit is not None:
        meas["lowLimit"] = low_limit
    if high_limit is not None:
        meas["highLimit"] = high_limit
    return meas


def string_measurement(
    name: str | None, value: str, *, limit: str | None, comp_op: str | None, path: str
) -> Json:
    """A string measurement; without ``comp_op``: CASESENSIT with a limit, LOG without."""
    if not isinstance(value, str):
        raise builder_error(path, f"value must be a string, got {type(value).__name__}")
    if comp_op is not None:
        op_text = str(comp_op)
    else:
        op_text = CompOp.LOG.value if limit is None else CompOp.CASESENSIT.value
    try:
        passed = string_passes(op_text, value, limit)
    except ReportValidationError as exc:
        raise builder_error(path, str(exc.problems[0])) from None
    return {
        "compOp": op_text,
        "name": name,
        "status": "P" if passed else "F",
        "value": value,
        "limit": limit,
    }


def boolean_measurement(name: str | None, passed: bool, path: str) -> Json:
    """A pass/fail measurement."""
    if not isinstance(passed, bool):
        raise builder_error(path, f"passed must be True or False, got {passed!r}")
    return {"name": name, "status": "P" if passed else "F"}


def chart_payload(
    series: Sequence[tuple[str, Sequence[float], Sequence[float]]],
    labels: dict[str, str | None],
    path: str,
) -> Json:
    """A ``chart`` object; each series is (name, x values, y values) of equal length."""
    out_series = []
    for index, (name, xs, ys) in enumerate(series):
        if len(xs) != len(ys):
            raise builder_error(f"{path}.series[{index}]", "x and y need the same length")
        out_series.append({"dataType": "XYG", "name": name, "xdata": _join(xs), "ydata": _join(ys)})
    return {**labels, "series": out_series}


def _join(values: Sequence[float]) -> str:
    return ";".join(repr(float(value)) for value in values)


def attachment_payload(name: str, data: bytes, content_type: str, path: str) -> Json:
    """A step ``attachment`` holding ``data`` as base64."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise builder_error(path, f"attachment data must be bytes, got {type(data).__name__}")
    encoded = base64.b64encode(bytes(data)).decode("ascii")
    return {"name": name, "contentType": content_type, "data": encoded}


__all__ = [
    "StepOptions",
    "attachment_payload",
    "boolean_measurement",
    "builder_error",
    "chart_payload",
    "finish_test_step",
    "new_step",
    "numeric_measurement",
    "string_measurement",
    "timestamp_text",
]
