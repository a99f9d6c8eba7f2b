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
from pywats.report._build_steps import Fields, StepOptions, builder_error
from pywats.report._timestamp import utc_text
from pywats.report.loop_builder import LoopBuilder, LoopCounters, loop_summary
from pywats.report.models import UUTReport
from pywats.report.rollup import result_from_status, status_from_children
from pywats.report.steps import CallExe, MessagePopup, SequenceCall, Step
from pywats.report.validation import ensure_valid
from pywats.report.wsjf import report_from_dict

ChartSeriesInput = tuple[str, Sequence[float], Sequence[float]]


def _sequence_step(
    name: str, path: str | None, version: str | None, options: StepOptions, where: str
) -> Step:
    fields = blocks.step_fields(name, "SequenceCall", options, where)
    fields["status"] = None  # rolled up at build time
    call: Fields = {"path": blocks.check_optional_text(path, where, "path") or name, "name": name}
    if version is not None:
        call["version"] = blocks.check_text(version, where, "version")
    fields["seq_call"] = SequenceCall._from_trusted(call)
    fields["steps"] = []
    return Step._from_trusted(fields)


class _StepContainer:
    """Step methods shared by the report builder (root level) and sequence builders."""

    def __init__(self, step: Step, path: str, explicit_status: str | None) -> None:
        self._step = step
        self._children: list[Step] = step.steps if step.steps is not None else []
        self._path = path
        self._explicit_status = explicit_status
        self._sequences: list[SequenceBuilder] = []
        self._loops: list[LoopBuilder] = []

    def _child_path(self) -> str:
        return f"{self._path}.steps[{len(self._children)}]"

    def _append(self, step: Step) -> Step:
        self._children.append(step)
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
        step = self._append(_sequence_step(name, path, version, options, where))
        child = SequenceBuilder(step, where, blocks.explicit_status(options, where))
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
    ) -> Step:
        """Add a numeric limit step (``ET_NLT``) with one measurement."""
        if not options:
            plain = blocks.plain_numeric_step(name, value, low, high, comp_op, unit)
            if plain is not None:
                self._children.append(plain)
                return plain
        where = self._child_path()
        meas = blocks.numeric_measurement(
            None, value, low=low, high=high, comp_op=comp_op, unit=unit, path=where
        )
        fields = blocks.step_fields(name, "ET_NLT", options, where)
        status = blocks.explicit_status(options, where)
        return self._append(blocks.make_test_step(fields, "numeric_meas", [meas], status))

    def multi_numeric(self, name: str, **options: Unpack[StepOptions]) -> MultiNumericBuilder:
        """Add a multiple numeric limit step (``ET_MNLT``); add measurements to the result."""
        return MultiNumericBuilder(self._multi(name, "ET_MNLT", "numeric_meas", options))

    def string(
        self,
        name: str,
        value: str,
        *,
        limit: str | None = None,
        comp_op: str | None = None,
        **options: Unpack[StepOptions],
    ) -> Step:
        """Add a string value step (``ET_SVT``) with one measurement."""
        where = self._child_path()
        meas = blocks.string_measurement(None, value, limit=limit, comp_op=comp_op, path=where)
        fields = blocks.step_fields(name, "ET_SVT", options, where)
        status = blocks.explicit_status(options, where)
        return self._append(blocks.make_test_step(fields, "string_meas", [meas], status))

    def multi_string(self, name: str, **options: Unpack[StepOptions]) -> MultiStringBuilder:
        """Add a multiple string value step (``ET_MSVT``)."""
        return MultiStringBuilder(self._multi(name, "ET_MSVT", "string_meas", options))

    def pass_fail(self, name: str, *, passed: bool, **options: Unpack[StepOptions]) -> Step:
        """Add a pass/fail step (``ET_PFT``)."""
        where = self._child_path()
        meas = blocks.boolean_measurement(None, passed, where)
        fields = blocks.step_fields(name, "ET_PFT", options, where)
        status = blocks.explicit_status(options, where)
        return self._append(blocks.make_test_step(fields, "boolean_meas", [meas], status))

    def boolean(self, name: str, value: bool, **options: Unpack[StepOptions]) -> Step:
        """Alias of :meth:`pass_fail`: a boolean outcome is a pass/fail test."""
        return self.pass_fail(name, passed=value, **options)

    def multi_pass_fail(self, name: str, **options: Unpack[StepOptions]) -> MultiPassFailBuilder:
        """Add a multiple pass/fail step (``ET_MPFT``)."""
        return MultiPassFailBuilder(self._multi(name, "ET_MPFT", "boolean_meas", options))

    def _multi(self, name: str, step_type: str, kind: str, options: StepOptions) -> _MultiStep:
        where = self._child_path()
        fields = blocks.step_fields(name, step_type, options, where)
        status = blocks.explicit_status(options, where)
        measurements: list[Any] = []
        step = self._append(blocks.make_test_step(fields, kind, measurements, status))
        return _MultiStep(step, where, kind, measurements, status)

    def loop(
        self, name: str, *, counters: LoopCounters = "strict", **options: Unpack[StepOptions]
    ) -> LoopBuilder:
        """Add a looped test step; each call on the returned builder records one iteration.

        ``status=`` sets the loop verdict (default: the worst iteration status).
        """
        where = self._child_path()
        summary = self._append(loop_summary(name, options, where))
        looped = LoopBuilder(
            self._children, summary, where, blocks.explicit_status(options, where), counters
        )
        self._loops.append(looped)
        return looped

    def action(self, name: str, **options: Unpack[StepOptions]) -> Step:
        """Add an action step (no verdict; status ``D`` unless given)."""
        return self.generic(name, "Action", **options)

    def generic(self, name: str, step_type: str, **options: Unpack[StepOptions]) -> Step:
        """Add a step of any ``stepType`` without measurements (``NI_Wait``, ``Label``…)."""
        return self._append(Step._from_trusted(self._plain_fields(name, step_type, options, "D")))

    def _plain_fields(
        self, name: str, step_type: str, options: StepOptions, default_status: str
    ) -> Fields:
        where = self._child_path()
        fields = blocks.step_fields(name, step_type, options, where)
        fields["status"] = blocks.explicit_status(options, where) or default_status
        return fields

    def call_executable(self, name: str, exit_code: float, **options: Unpack[StepOptions]) -> Step:
        """Add a ``CallExecutable`` step with the program's exit code."""
        fields = self._plain_fields(name, "CallExecutable", options, "D")
        code = blocks.check_number(exit_code, self._child_path(), "exit_code")
        fields["call_exe"] = CallExe._from_trusted({"exit_code": code})
        return self._append(Step._from_trusted(fields))

    def message_popup(
        self,
        name: str,
        *,
        response: str | None = None,
        button: int | None = None,
        **options: Unpack[StepOptions],
    ) -> Step:
        """Add a ``MessagePopup`` step with the operator's answer."""
        where = self._child_path()
        fields = self._plain_fields(name, "MessagePopup", options, "D")
        answer = blocks.check_optional_text(response, where, "response")
        pressed = None if button is None else blocks.check_integer(button, where, "button")
        fields["message_popup"] = MessagePopup._from_trusted(
            {"response": answer, "button": pressed}
        )
        return self._append(Step._from_trusted(fields))

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
    ) -> Step:
        """Add a chart step (``WATS_XYGMNLT``); ``series`` holds (name, xs, ys) tuples."""
        where = self._child_path()
        fields = self._plain_fields(name, "WATS_XYGMNLT", options, "P")
        labels = {"chart_type": chart_type, "label": label or name, "x_label": x_label,
                  "x_unit": x_unit, "y_label": y_label, "y_unit": y_unit}  # fmt: skip
        fields["chart"] = blocks.chart(series, labels, f"{where}.chart")
        return self._append(Step._from_trusted(fields))

    def attachment(
        self,
        name: str,
        data: bytes,
        *,
        content_type: str = "application/octet-stream",
        **options: Unpack[StepOptions],
    ) -> Step:
        """Add an action step carrying a file (base64 in ``attachment.data``)."""
        where = self._child_path()
        fields = self._plain_fields(name, "Action", options, "D")
        fields["attachment"] = blocks.attachment(name, data, content_type, f"{where}.attachment")
        return self._append(Step._from_trusted(fields))

    def _finish(self) -> str:
        """Roll statuses up through this subtree; returns this step's status."""
        for child in self._sequences:
            child._finish()
        for looped in self._loops:
            looped.finish()
        status = self._explicit_status or status_from_children(
            child.status for child in self._children if child.loop is None or child.loop.idx is None
        )
        self._step.status = status
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


class _MultiStep:
    """A multiple-measurement step being filled: its model, path and measurement list."""

    def __init__(
        self, step: Step, path: str, kind: str, measurements: list[Any], status: str | None
    ) -> None:
        self.step = step
        self.path = path
        self.kind = kind
        self.measurements = measurements
        self.explicit_status = status

    def add(self, meas: Any) -> None:
        if any(existing.name == meas.name for existing in self.measurements):
            raise builder_error(self.next_path(), f"measurement {meas.name!r} already exists")
        self.measurements.append(meas)
        if self.explicit_status is None:
            self.step.status = blocks.status_of(self.measurements)

    def next_path(self) -> str:
        wire = {"numeric_meas": "numericMeas", "string_meas": "stringMeas"}.get(
            self.kind, "booleanMeas"
        )
        return f"{self.path}.{wire}[{len(self.measurements)}]"


class _MultiBuilder:
    """Context-manager plumbing shared by the multiple-measurement builders."""

    def __init__(self, multi: _MultiStep) -> None:
        self._multi = multi

    @property
    def step(self) -> Step:
        """The step being filled."""
        return self._multi.step

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    def _name(self, name: str) -> str:
        return blocks.check_text(name, self._multi.next_path(), "measurement name")


class MultiNumericBuilder(_MultiBuilder):
    """Measurements of an ``ET_MNLT`` step."""

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
        where = self._multi.next_path()
        self._multi.add(
            blocks.numeric_measurement(
                self._name(name), value, low=low, high=high, comp_op=comp_op, unit=unit, path=where
            )
        )
        return self


class MultiStringBuilder(_MultiBuilder):
    """Measurements of an ``ET_MSVT`` step."""

    def __enter__(self) -> MultiStringBuilder:
        return self

    def add(
        self, name: str, value: str, *, limit: str | None = None, comp_op: str | None = None
    ) -> MultiStringBuilder:
        """Add one named string measurement."""
        where = self._multi.next_path()
        self._multi.add(
            blocks.string_measurement(
                self._name(name), value, limit=limit, comp_op=comp_op, path=where
            )
        )
        return self


class MultiPassFailBuilder(_MultiBuilder):
    """Measurements of an ``ET_MPFT`` step."""

    def __enter__(self) -> MultiPassFailBuilder:
        return self

    def add(self, name: str, *, passed: bool) -> MultiPassFailBuilder:
        """Add one named pass/fail outcome."""
        where = self._multi.next_path()
        self._multi.add(blocks.boolean_measurement(self._name(name), passed, where))
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
        started = blocks.timestamp(start, "start")
        self._header: Fields = {
            "type": "T", "id": report_id or str(uuid.uuid4()), "pn": pn, "sn": sn, "rev": rev,
            "processCode": process_code, "result": result, "machineName": station,
            "location": location, "purpose": purpose, "start": started.text,
            "startUTC": utc_text(start),
        }  # fmt: skip
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
        self._uut: Fields = {key: value for key, value in uut.items() if value is not None}
        self._misc: list[Fields] = []
        self._sub_units: list[Fields] = []
        self._assets: list[Fields] = []
        name = blocks.check_text(sequence_name, "root", "sequence_name")
        root = _sequence_step(name, sequence_path, sequence_version, {}, "root")
        super().__init__(root, "root", None)

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
        unit: Fields = {"partType": part_type, "pn": pn, "sn": sn, "rev": rev}
        if position is not None:
            unit["position"] = position
        self._sub_units.append(unit)
        return self

    def asset(self, asset_sn: str, usage_count: int = 1) -> UUTBuilder:
        """Record test equipment used by this run."""
        self._assets.append({"assetSN": asset_sn, "usageCount": usage_count})
        return self

    def build(self) -> UUTReport:
        """Roll statuses up, number the steps, validate and return the report.

        The header goes through pydantic validation (wrong types raise
        :class:`~pywats.exceptions.ReportFormatError`); the steps were checked as they were
        added and are handed to the report as they are (not copied), so finish adding
        steps before building. Raises :class:`~pywats.exceptions.ReportValidationError` if
        :func:`~pywats.report.validate` finds a problem.
        """
        root_status = self._finish()
        _number_steps(self._step)
        tree = {**self._header, "uut": self._uut}
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
        report.root = self._step
        ensure_valid(report)
        return report


def _number_steps(root: Step) -> None:
    """Number steps 1, 2, … depth-first in execution order, as WATS exports do."""
    counter = 0
    stack = [root]
    while stack:
        step = stack.pop()
        counter += 1
        # ``id`` is already marked as set (every builder step starts with ``id=None``), so
        # writing the value directly skips pydantic's per-assignment bookkeeping.
        step.__dict__["id"] = counter
        if step.steps:
            stack.extend(reversed(step.steps))


__all__ = [
    "MultiNumericBuilder",
    "MultiPassFailBuilder",
    "MultiStringBuilder",
    "SequenceBuilder",
    "UUTBuilder",
]
