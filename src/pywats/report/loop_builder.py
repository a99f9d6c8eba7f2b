"""Looped test steps for the UUT builder (report-formats.md §4.5).

A loop is written as a summary step followed, as siblings, by one iteration step per
pass (same name and step type, ``loop.idx`` 0, 1, …). The summary's counters follow the
server 2026.1 REST rule by default (``num`` = iterations, ``endingIndex`` = highest
``idx``); ``counters="export"`` writes the convention of exports and the official client
(``num`` = ``endingIndex`` = iterations). The summary's status is the loop verdict: by
default the worst iteration status, or whatever ``status=`` says (a retry loop may pass
after failed iterations). Iterations do not roll up into the enclosing sequence; the
summary does.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Literal, Unpack

from pywats.report import _build_steps as blocks
from pywats.report._build_steps import Fields, StepOptions, builder_error
from pywats.report.rollup import status_from_children
from pywats.report.steps import LoopInfo, Step

LoopCounters = Literal["strict", "export"]


class LoopBuilder:
    """Adds the iterations of one looped step; each method call records one iteration."""

    def __init__(
        self,
        siblings: list[Step],
        summary: Step,
        path: str,
        explicit_status: str | None,
        counters: LoopCounters,
    ) -> None:
        self._siblings = siblings
        self._summary = summary
        self._path = path
        self._explicit_status = explicit_status
        self._counters = counters
        self._iterations: list[Step] = []

    def __enter__(self) -> LoopBuilder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    @property
    def summary(self) -> Step:
        """The loop's summary step."""
        return self._summary

    def numeric(
        self,
        value: float,
        *,
        low: float | None = None,
        high: float | None = None,
        comp_op: str | None = None,
        unit: str | None = None,
        **options: Unpack[StepOptions],
    ) -> Step:
        """Record one iteration of a numeric limit test (``ET_NLT``)."""
        meas = blocks.numeric_measurement(
            None, value, low=low, high=high, comp_op=comp_op, unit=unit, path=self._next_path()
        )
        return self._add("ET_NLT", "numeric_meas", [meas], options)

    def string(
        self,
        value: str,
        *,
        limit: str | None = None,
        comp_op: str | None = None,
        **options: Unpack[StepOptions],
    ) -> Step:
        """Record one iteration of a string value test (``ET_SVT``)."""
        meas = blocks.string_measurement(
            None, value, limit=limit, comp_op=comp_op, path=self._next_path()
        )
        return self._add("ET_SVT", "string_meas", [meas], options)

    def pass_fail(self, *, passed: bool, **options: Unpack[StepOptions]) -> Step:
        """Record one iteration of a pass/fail test (``ET_PFT``)."""
        meas = blocks.boolean_measurement(None, passed, self._next_path())
        return self._add("ET_PFT", "boolean_meas", [meas], options)

    def generic(self, step_type: str, **options: Unpack[StepOptions]) -> Step:
        """Record one iteration of a step without measurements (status ``D`` unless given)."""
        return self._add(step_type, None, [], options)

    def _next_path(self) -> str:
        return f"{self._path} iteration {len(self._iterations)}"

    def _add(
        self, step_type: str, kind: str | None, measurements: list[Any], options: StepOptions
    ) -> Step:
        where = self._next_path()
        if self._iterations and step_type != self._summary.step_type:
            raise builder_error(
                where, f"a loop repeats one step type: {self._summary.step_type}, not {step_type}"
            )
        options = {**options, "group": self._summary.group or "M"}
        fields: Fields = blocks.step_fields(self._summary.name or "", step_type, options, where)
        fields["loop"] = LoopInfo._from_trusted({"idx": len(self._iterations)})
        status = blocks.explicit_status(options, where)
        if kind is None:
            fields["status"] = status or "D"
            step = Step._from_trusted(fields)
        else:
            step = blocks.make_test_step(fields, kind, measurements, status)
        self._summary.step_type = step_type
        position = next(i for i, sibling in enumerate(self._siblings) if sibling is self._summary)
        self._siblings.insert(position + 1 + len(self._iterations), step)
        self._iterations.append(step)
        return step

    def finish(self) -> None:
        """Set the summary's counters and verdict (called by the builder at build time)."""
        count = len(self._iterations)
        if count == 0:
            raise builder_error(self._path, "a loop needs at least one iteration")
        passed = sum(1 for step in self._iterations if step.status == "P")
        failed = sum(1 for step in self._iterations if step.status == "F")
        ending = count - 1 if self._counters == "strict" else count
        self._summary.loop = LoopInfo._from_trusted(
            {"idx": None, "num": count, "ending_index": ending, "passed": passed, "failed": failed}
        )
        self._summary.status = self._explicit_status or status_from_children(
            step.status for step in self._iterations
        )


def loop_summary(name: str, options: StepOptions, path: str) -> Step:
    """The summary step of a new loop; its type and counters are filled in later."""
    fields = blocks.step_fields(name, "", options, path)
    fields["loop"] = LoopInfo._from_trusted({"idx": None})
    fields["status"] = None
    return Step._from_trusted(fields)


__all__ = ["LoopBuilder", "LoopCounters", "loop_summary"]
