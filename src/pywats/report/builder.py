"""Authoring UUT (test) reports: :class:`UUTBuilder` and its sequence/step builders.

::

    builder = UUTBuilder(pn="PCBA-1", sn="0001", rev="B", process_code=10,
                         station="ST-01", location="Line 1", purpose="Production",
                         operator="op1", start=datetime.now(timezone.utc))
    with builder.sequence("Power") as seq:
        seq.numeric("Supply voltage", 3.31, low=3.2, high=3.4, comp_op="GELE", unit="V")
    report = builder.build()

Statuses roll up by default: a failing measurement fails its step, every enclosing
sequence, the root and the report ``result``. An explicit ``status=`` is kept as given;
``build()`` validates the report and raises
:class:`~pywats.exceptions.ReportValidationError` if it contradicts the measurements.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Unpack

from pywats.report import _build_steps as blocks
from pywats.report._build_steps import Json, StepOptions, builder_error
from pywats.report._timestamp import utc_text
from pywats.report.models import UUTReport
from pywats.report.rollup import result_from_status, status_from_children
from pywats.report.validation import ensure_valid
from pywats.report.wsjf import report_from_dict

ChartSeriesInput = tuple[str, Sequence[float], Sequence[float]]


class _StepContainer:
    """Step methods shared by the report builder (root level) and sequence builders."""

    def __init__(self, step: Json, path: str) -> None:
        self._step = step
        self._path = path
        self._explicit_status: str | None = step.get("status")
        self._sequences: list[SequenceBuilder] = []
        step.setdefault("steps", [])

    def _child_path(self) -> str:
        return f"{self._path}.steps[{len(self._step['steps'])}]"

    def _append(self, step: Json) -> Json:
        self._step["steps"].append(step)
        return step

    def sequence(
        self,
        name: str,
        *,
        path: str | None = None,
        version: str | None = None,
        **options: Unpack[StepOptions],
    ) -> SequenceBuilder:
        """Add a sequence call; use it as a context manager to add its steps."""
        where = self._child_path()
        step = blocks.new_step(name, "SequenceCall", options, where)
        if "status" in options:
            step["status"] = options["status"]
        call: Json = {"path": path or name, "name": name}
        if version is not None:
            call["version"] = version
        step["seqCall"] = call
        child = SequenceBuilder(self._append(step), where)
        self._sequences.append(child)
        return child

    def numeric(
        self,
        name: str,
        value: float,
        *,
        low: float | None = None,
        high: float | None = None,
        comp_op: str | None = None,
        unit: str | None = None,
        **options: Unpack[StepOptions],
    ) -> Json:
        """Add a numeric limit step (``ET_NLT``) with one measurement."""
        where = self._child_path()
        meas = blocks.numeric_measurement(
            None,
            value,
            low=low,
            high=high,
            comp_op=comp_op,
            unit=unit,
            path=f"{where}.numericMeas[0]",
        )
        step = blocks.new_step(name, "ET_NLT", options, where)
        return self._append(blocks.finish_test_step(step, "numericMeas", [meas], options))

    def multi_numeric(self, name: str, **options: Unpack[StepOptions]) -> MultiNumericBuilder:
        """Add a multiple numeric limit step (``ET_MNLT``); add measurements to the result."""
        where = self._child_path()
        step = self._append(blocks.new_step(name, "ET_MNLT", options, where))
        return MultiNumericBuilder(step, where, options)

    def string(
        self,
        name: str,
        value: str,
        *,
        limit: str | None = None,
        comp_op: str | None = None,
        **options: Unpack[StepOptions],
    ) -> Json:
        """Add a string value step (``ET_SVT``) with one measurement."""
        where = self._child_path()
        meas = blocks.string_measurement(
            None, value, limit=limit, comp_op=comp_op, path=f"{where}.stringMeas[0]"
        )
        step = blocks.new_step(name, "ET_SVT", options, where)
        return self._append(blocks.finish_test_step(step, "stringMeas", [meas], options))

    def multi_string(self, name: str, **options: Unpack[StepOptions]) -> MultiStringBuilder:
        """Add a multiple string value step (``ET_MSVT``)."""
        where = self._child_path()
        step = self._append(blocks.new_step(name, "ET_MSVT", options, where))
        return MultiStringBuilder(step, where, options)

    def pass_fail(self, name: str, *, passed: bool, **options: Unpack[StepOptions]) -> Json:
        """Add a pass/fail step (``ET_PFT``)."""
        where = self._child_path()
        meas = blocks.boolean_measurement(None, passed, f"{where}.booleanMeas[0]")
        step = blocks.new_step(name, "ET_PFT", options, where)
        return self._append(blocks.finish_test_step(step, "booleanMeas", [meas], options))

    def boolean(self, name: str, value: bool, **options: Unpack[StepOptions]) -> Json:
        """Alias of :meth:`pass_fail`: a boolean outcome is a pass/fail test."""
        return self.pass_fail(name, passed=value, **options)

    def multi_pass_fail(self, name: str, **options: Unpack[StepOptions]) -> MultiPassFailBuilder:
        """Add a multiple pass/fail step (``ET_MPFT``)."""
        where = self._child_path()
        step = self._append(blocks.new_step(name, "ET_MPFT", options, where))
        return MultiPassFailBuilder(step, where, options)

    def action(self, name: str, **options: Unpack[StepOptions]) -> Json:
        """Add an action step (no verdict; status ``D`` unless given)."""
        return self.generic(name, "Action", **options)

    def generic(self, name: str, step_type: str, **options: Unpack[StepOptions]) -> Json:
        """Add a step of any ``stepType`` without measurements (``NI_Wait``, ``Label``…)."""
        step = blocks.new_step(name, step_type, options, self._child_path())
        step["status"] = options.get("status", "D")
        return self._append(step)

    def call_executable(self, name: str, exit_code: float, **options: Unpack[StepOptions]) -> Json:
        """Add a ``CallExecutable`` step with the program's exit code."""
        step = self.generic(name, "CallExecutable", **options)
        step["callExe"] = {"exitCode": exit_code}
        return step

    def message_popup(
        self,
        name: str,
        *,
        response: str | None = None,
        button: int | None = None,
        **options: Unpack[StepOptions],
    ) -> Json:
        """Add a ``MessagePopup`` step with the operator's answer."""
        step = self.generic(name, "MessagePopup", **options)
        step["messagePopup"] = {"response": response, "button": button}
        return step

    def chart(
        self,
        name: str,
        series: Sequence[ChartSeriesInput],
        *,
        chart_type: str = "Line",
        label: str | None = None,
        x_label: str | None = None,
        x_unit: str | None = None,
        y_label: str | None = None,
        y_unit: str | None = None,
        **options: Unpack[StepOptions],
    ) -> Json:
        """Add a chart step (``WATS_XYGMNLT``); ``series`` holds (name, xs, ys) tuples."""
        where = self._child_path()
        labels = {
            "chartType": chart_type,
            "label": label or name,
            "xLabel": x_label,
            "xUnit": x_unit,
            "yLabel": y_label,
            "yUnit": y_unit,
        }
        step = blocks.new_step(name, "WATS_XYGMNLT", options, where)
        step["status"] = options.get("status", "P")
        step["chart"] = blocks.chart_payload(series, labels, f"{where}.chart")
        return self._append(step)

    def attachment(
        self,
        name: str,
        data: bytes,
        *,
        content_type: str = "application/octet-stream",
        **options: Unpack[StepOptions],
    ) -> Json:
        """Add an action step carrying a file (base64 in ``attachment.data``)."""
        where = self._child_path()
        step = blocks.new_step(name, "Action", options, where)
        step["status"] = options.get("status", "D")
        step["attachment"] = blocks.attachment_payload(
            name, data, content_type, f"{where}.attachment"
        )
        return self._append(step)

    def _finish(self) -> str:
        """Roll statuses up through this subtree; returns this step's status."""
        for child in self._sequences:
            child._finish()
        status = self._explicit_status or status_from_children(
            child["status"] for child in self._step["steps"]
        )
        self._step["status"] = status
        return status


class SequenceBuilder(_StepContainer):
    """Steps of one sequence call; a context manager for readable nesting."""

    def __enter__(self) -> SequenceBuilder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


class _MultiBuilder:
    """Collects the measurements of one multiple-measurement step."""

    _kind = ""

    def __init__(self, step: Json, path: str, options: StepOptions) -> None:
        self._step = step
        self._path = path
        self._options = options
        self._measurements: list[Json] = []
        blocks.finish_test_step(step, self._kind, self._measurements, options)

    def __enter__(self) -> Any:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    def _add(self, meas: Json) -> None:
        if any(existing["name"] == meas["name"] for existing in self._measurements):
            raise builder_error(self._next_path(), f"measurement {meas['name']!r} already exists")
        self._measurements.append(meas)
        blocks.finish_test_step(self._step, self._kind, self._measurements, self._options)

    def _next_path(self) -> str:
        return f"{self._path}.{self._kind}[{len(self._measurements)}]"


class MultiNumericBuilder(_MultiBuilder):
    """Measurements of an ``ET_MNLT`` step."""

    _kind = "numericMeas"

    def __enter__(self) -> MultiNumericBuilder:
        return self

    def add(
        self,
        name: str,
        value: float,
        *,
        low: float | None = None,
        high: float | None = None,
        comp_op: str | None = None,
        unit: str | None = None,
    ) -> MultiNumericBuilder:
        """Add one named numeric measurement."""
        self._add(
            blocks.numeric_measurement(
                name, value, low=low, high=high, comp_op=comp_op, unit=unit, path=self._next_path()
            )
        )
        return self


class MultiStringBuilder(_MultiBuilder):
    """Measurements of an ``ET_MSVT`` step."""

    _kind = "stringMeas"

    def __enter__(self) -> MultiStringBuilder:
        return self

    def add(
        self, name: str, value: str, *, limit: str | None = None, comp_op: str | None = None
    ) -> MultiStringBuilder:
        """Add one named string measurement."""
        self._add(
            blocks.string_measurement(
                name, value, limit=limit, comp_op=comp_op, path=self._next_path()
            )
        )
        return self


class MultiPassFailBuilder(_MultiBuilder):
    """Measurements of an ``ET_MPFT`` step."""

    _kind = "booleanMeas"

    def __enter__(self) -> MultiPassFailBuilder:
        return self

    def add(self, name: str, *, passed: bool) -> MultiPassFailBuilder:
        """Add one named pass/fail outcome."""
        self._add(blocks.boolean_measurement(name, passed, self._next_path()))
        return self


class UUTBuilder(_StepContainer):
    """Builds a :class:`UUTReport`; step methods at this level add steps under the root."""

    def __init__(
        self,
        *,
        pn: str,
        sn: str,
        rev: str,
        process_code: int,
        station: str,
        location: str,
        purpose: str,
        start: datetime,
        operator: str | None = None,
        report_id: str | None = None,
        process_name: str | None = None,
        result: str | None = None,
        sequence_name: str = "MainSequence Callback",
        sequence_path: str | None = None,
        sequence_version: str | None = None,
        exec_time: float | None = None,
        fixture_id: str | None = None,
        batch_sn: str | None = None,
        test_socket_index: int | None = None,
        comment: str | None = None,
    ) -> None:
        start_text = blocks.timestamp_text(start, "start")
        self._header: Json = {
            "type": "T",
            "id": report_id or str(uuid.uuid4()),
            "pn": pn,
            "sn": sn,
            "rev": rev,
            "processCode": process_code,
            "result": result,
            "machineName": station,
            "location": location,
            "purpose": purpose,
            "start": start_text,
            "startUTC": utc_text(start),
        }
        if process_name is not None:
            self._header["processName"] = process_name
        uut = {
            "user": operator,
            "execTime": exec_time,
            "fixtureId": fixture_id,
            "batchSN": batch_sn,
            "testSocketIndex": test_socket_index,
            "comment": comment,
        }
        self._uut: Json = {key: value for key, value in uut.items() if value is not None}
        self._misc: list[Json] = []
        self._sub_units: list[Json] = []
        self._assets: list[Json] = []
        call: Json = {"path": sequence_path or sequence_name, "name": sequence_name}
        if sequence_version is not None:
            call["version"] = sequence_version
        root: Json = {
            "id": None,
            "group": "M",
            "stepType": "SequenceCall",
            "name": sequence_name,
            "status": None,
            "seqCall": call,
        }
        super().__init__(root, "root")

    def misc_info(
        self, description: str, text: str | None = None, *, numeric: int | None = None
    ) -> UUTBuilder:
        """Add a header key/value item (``text`` and/or ``numeric``)."""
        if text is None and numeric is None:
            raise builder_error(f"miscInfos[{len(self._misc)}]", "give text or numeric")
        self._misc.append({"description": description, "text": text, "numeric": numeric})
        return self

    def sub_unit(
        self,
        part_type: str,
        pn: str,
        sn: str,
        rev: str | None = None,
        *,
        position: int | None = None,
    ) -> UUTBuilder:
        """Add a sub-assembly of the unit under test."""
        unit: Json = {"partType": part_type, "pn": pn, "sn": sn, "rev": rev}
        if position is not None:
            unit["position"] = position
        self._sub_units.append(unit)
        return self

    def asset(self, asset_sn: str, usage_count: int = 1) -> UUTBuilder:
        """Record test equipment used by this run."""
        self._assets.append({"assetSN": asset_sn, "usageCount": usage_count})
        return self

    def build(self) -> UUTReport:
        """Roll statuses up, number the steps, validate and return the report."""
        root_status = self._finish()
        _number_steps(self._step)
        tree = {**self._header, "root": self._step, "uut": self._uut}
        if tree["result"] is None:
            tree["result"] = result_from_status(root_status)
        for key, items in (
            ("miscInfos", self._misc),
            ("subUnits", self._sub_units),
            ("assets", self._assets),
        ):
            if items:
                tree[key] = items
        report = report_from_dict(tree)
        assert isinstance(report, UUTReport)  # the tree says type "T"
        ensure_valid(report)
        return report


def _number_steps(root: Json) -> None:
    """Number steps 1, 2, … depth-first in execution order, as WATS exports do."""
    counter = 0
    stack = [root]
    while stack:
        step = stack.pop()
        counter += 1
        step["id"] = counter
        stack.extend(reversed(step.get("steps") or ()))


__all__ = [
    "MultiNumericBuilder",
    "MultiPassFailBuilder",
    "MultiStringBuilder",
    "SequenceBuilder",
    "UUTBuilder",
]
