"""Steps of a UUT report and everything a step can carry (report-formats.md §4–§5)."""

from __future__ import annotations

from pydantic import Field

from pywats.report._base import WsjfModel
from pywats.report._timestamp import WatsTimestamp


class NumericMeasurement(WsjfModel):
    """One numeric measurement (``numericMeas[]``); single steps leave ``name`` null."""

    comp_op: str | None = None
    name: str | None = None
    status: str | None = None
    unit: str | None = None
    value: float | None = None
    value_format: str | None = None
    high_limit: float | None = None
    high_limit_format: str | None = None
    low_limit: float | None = None
    low_limit_format: str | None = None


class StringMeasurement(WsjfModel):
    """One string measurement (``stringMeas[]``)."""

    comp_op: str | None = None
    name: str | None = None
    status: str | None = None
    value: str | None = None
    limit: str | None = None


class BooleanMeasurement(WsjfModel):
    """One pass/fail measurement (``booleanMeas[]``); the status is the outcome."""

    name: str | None = None
    status: str | None = None


class LoopInfo(WsjfModel):
    """Loop summary (``idx`` null, counters set) or iteration marker (``idx`` set)."""

    idx: int | None = None
    num: int | None = None
    ending_index: int | None = None
    passed: int | None = None
    failed: int | None = None

    @property
    def is_iteration(self) -> bool:
        """True for an iteration step, False for a loop summary."""
        return self.idx is not None


class SequenceCall(WsjfModel):
    """``seqCall``: the called sequence."""

    path: str | None = None
    name: str | None = None
    version: str | None = None


class CallExe(WsjfModel):
    """``callExe``: an external program call."""

    exit_code: float | None = None
    exit_code_format: str | None = None


class MessagePopup(WsjfModel):
    """``messagePopup``: an operator dialog."""

    response: str | None = None
    button: int | None = None
    button_format: str | None = None


class ChartSeries(WsjfModel):
    """One chart series; ``xdata``/``ydata`` are ``;``-separated numbers."""

    data_type: str | None = None
    name: str | None = None
    xdata: str | None = None
    ydata: str | None = None


class Chart(WsjfModel):
    """``chart``: at most one per step."""

    chart_type: str | None = None
    label: str | None = None
    x_label: str | None = None
    x_unit: str | None = None
    y_label: str | None = None
    y_unit: str | None = None
    series: list[ChartSeries] | None = None


class Attachment(WsjfModel):
    """``step.attachment``: one file (base64 ``data``) per step."""

    name: str | None = None
    content_type: str | None = None
    data: str | None = None


class AdditionalDataArrayIndex(WsjfModel):
    """One element of an additional-data array."""

    text: str | None = None
    indexes: list[int] | None = None
    value: AdditionalDataProperty | None = None


class AdditionalDataArray(WsjfModel):
    """Array content of an additional-data property."""

    dimension: int | None = None
    type: str | None = None
    indexes: list[AdditionalDataArrayIndex] | None = None


class AdditionalDataProperty(WsjfModel):
    """A node of a TestStand-style property tree."""

    name: str | None = None
    type: str | None = None
    flags: int | None = None
    value: str | None = None
    num_format: str | None = None
    comment: str | None = None
    props: list[AdditionalDataProperty] | None = None
    array: AdditionalDataArray | None = None


class AdditionalData(WsjfModel):
    """A named property tree (``additionalData[]`` and ``step.additionalResults[]``)."""

    name: str | None = None
    props: list[AdditionalDataProperty] | None = None


class Step(WsjfModel):
    """A step of the UUT step tree. Children are kept under any ``stepType``."""

    id: int | None = None
    group: str | None = None
    step_type: str | None = None
    interactive_exe_num: int | None = None
    interactive_exe_num_format: str | None = None
    loop: LoopInfo | None = None
    name: str | None = None
    start: WatsTimestamp | None = None
    status: str | None = None
    error_code: int | None = None
    error_code_format: str | None = None
    error_message: str | None = None
    ts_guid: str | None = None
    tot_time: float | None = None
    tot_time_format: str | None = None
    caused_seq_failure: bool | None = None
    caused_uut_failure: bool | None = Field(default=None, alias="causedUUTFailure")
    report_text: str | None = None
    steps: list[Step] | None = None
    numeric_meas: list[NumericMeasurement] | None = None
    string_meas: list[StringMeasurement] | None = None
    boolean_meas: list[BooleanMeasurement] | None = None
    additional_results: list[AdditionalData] | None = None
    seq_call: SequenceCall | None = None
    call_exe: CallExe | None = None
    message_popup: MessagePopup | None = None
    chart: Chart | None = None
    attachment: Attachment | None = None

    @property
    def children(self) -> list[Step]:
        """Child steps (empty list when none)."""
        return self.steps or []

    @property
    def measurements(self) -> list[NumericMeasurement | StringMeasurement | BooleanMeasurement]:
        """All measurements of this step: numeric, then string, then boolean."""
        return [*(self.numeric_meas or ()), *(self.string_meas or ()), *(self.boolean_meas or ())]

    @property
    def measurement_count(self) -> int:
        """Numeric + string + boolean measurements of this step."""
        return (
            len(self.numeric_meas or ())
            + len(self.string_meas or ())
            + len(self.boolean_meas or ())
        )

    def iter_tree(self) -> list[Step]:
        """This step and all descendants, depth-first pre-order (execution order)."""
        out: list[Step] = []
        stack = [self]
        while stack:
            step = stack.pop()
            out.append(step)
            if step.steps:
                stack.extend(reversed(step.steps))
        return out


AdditionalDataArrayIndex.model_rebuild()
AdditionalDataArray.model_rebuild()

__all__ = [
    "AdditionalData",
    "AdditionalDataArray",
    "AdditionalDataArrayIndex",
    "AdditionalDataProperty",
    "Attachment",
    "BooleanMeasurement",
    "CallExe",
    "Chart",
    "ChartSeries",
    "LoopInfo",
    "MessagePopup",
    "NumericMeasurement",
    "SequenceCall",
    "Step",
    "StringMeasurement",
]
