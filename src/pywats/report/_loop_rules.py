"""Loop rules (report-formats.md §4.5, §8.2): counters and iteration-vs-summary matching.

A loop is written as a summary step followed, as siblings, by its iteration steps (same
name, ``loop.idx`` 0, 1, …). Two counter conventions exist: the server 2026.1 REST
validator wants ``endingIndex`` = highest ``idx`` and ``num`` = ``endingIndex + 1``
("strict"); the official client and server exports write ``num`` = ``endingIndex`` =
iteration count ("export"). ``"either"`` accepts both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pywats.report.enums import CompOp
from pywats.report.problems import ProblemList
from pywats.report.steps import Step

LoopCounterRule = Literal["strict", "export", "either"]


@dataclass
class LoopGroup:
    """A loop summary and the iteration steps recorded after it."""

    summary: Step
    summary_path: str
    iterations: list[tuple[str, Step]] = field(default_factory=list)


def group_loops(children: list[Step], path: str, out: ProblemList) -> list[LoopGroup]:
    """Split a ``steps[]`` array into loop groups; orphan iterations are problems."""
    groups: list[LoopGroup] = []
    current: LoopGroup | None = None
    for index, child in enumerate(children):
        child_path = f"{path}.steps[{index}]"
        if child.loop is None:
            current = None
        elif not child.loop.is_iteration:
            current = LoopGroup(child, child_path)
            groups.append(current)
        elif current is not None and child.name == current.summary.name:
            current.iterations.append((child_path, child))
        else:
            out.add(child_path, "loop iteration without a summary step before it", "loop-orphan")
    return groups


def check_loop(group: LoopGroup, rule: LoopCounterRule, out: ProblemList) -> None:
    """Apply the counter rule and the summary/iteration matching rules to one loop."""
    for message in _counter_messages(group, rule):
        out.add(group.summary_path, message, "loop-counter")
    _check_indexes_and_tallies(group, out)
    for iteration_path, iteration in group.iterations:
        match_template(group.summary, iteration, iteration_path, out)


def _counter_messages(group: LoopGroup, rule: LoopCounterRule) -> list[str]:
    strict = _strict_messages(group)
    if rule == "strict":
        return strict
    export = _export_messages(group)
    if rule == "export":
        return export
    return strict if strict and export else []


def _strict_messages(group: LoopGroup) -> list[str]:
    loop = group.summary.loop
    assert loop is not None  # a LoopGroup is only made for a step with ``loop``
    messages = []
    indexes = [
        step.loop.idx for _, step in group.iterations if step.loop and step.loop.idx is not None
    ]
    if indexes and loop.ending_index != max(indexes):
        messages.append("endingIndex is required to be the same as highest index.")
    if loop.num is not None and loop.ending_index is not None and loop.num != loop.ending_index + 1:
        messages.append("num is required to be one more than endingIndex.")
    return messages


def _export_messages(group: LoopGroup) -> list[str]:
    loop = group.summary.loop
    assert loop is not None
    messages = []
    if loop.num != loop.ending_index:
        messages.append("num is required to equal endingIndex (export convention).")
    if group.iterations and loop.num != len(group.iterations):
        messages.append("num is required to equal the number of iteration steps.")
    return messages


def _check_indexes_and_tallies(group: LoopGroup, out: ProblemList) -> None:
    if not group.iterations:
        return  # a summary alone is allowed; its counters cannot be cross-checked
    indexes = [step.loop.idx if step.loop else None for _, step in group.iterations]
    if indexes != list(range(len(indexes))):
        out.add(group.summary_path, "iteration idx values must run 0, 1, 2, …", "loop-index")
    loop = group.summary.loop
    assert loop is not None
    passed = sum(1 for _, step in group.iterations if step.status == "P")
    failed = sum(1 for _, step in group.iterations if step.status == "F")
    if (loop.passed, loop.failed) != (passed, failed):
        out.add(
            group.summary_path,
            f"passed/failed ({loop.passed}/{loop.failed}) must count the iterations"
            f" ({passed}/{failed})",
            "loop-tally",
        )


def match_template(template: Step, actual: Step, path: str, out: ProblemList) -> None:
    """Check that an iteration (or a child of one) matches the summary's template step."""
    if template.step_type != actual.step_type:
        out.add(path, "stepType is required to match Summary step.", "loop-mismatch")
        return
    if template.numeric_meas and not _same_numeric_definitions(template, actual):
        out.add(path, "numericMeas is required to match Summary step.", "loop-mismatch")
    for index, (wanted, got) in enumerate(
        zip(template.string_meas or [], actual.string_meas or [], strict=False)
    ):
        if wanted.limit != got.limit:
            out.add(
                f"{path}.stringMeas[{index}]",
                "limit is required to match Summary step.",
                "loop-mismatch",
            )
    _match_children(template, actual, path, out)


def _match_children(template: Step, actual: Step, path: str, out: ProblemList) -> None:
    by_name: dict[str | None, tuple[int, Step]] = {}
    for index, child in enumerate(actual.children):
        if not (child.loop and child.loop.is_iteration):
            by_name.setdefault(child.name, (index, child))
    for wanted in template.children:
        if wanted.loop and wanted.loop.is_iteration:
            continue
        found = by_name.get(wanted.name)
        if found is None:
            out.add(path, f"step {wanted.name} in Summary step requires a match.", "loop-mismatch")
        else:
            match_template(wanted, found[1], f"{path}.steps[{found[0]}]", out)


def _same_numeric_definitions(template: Step, actual: Step) -> bool:
    wanted = template.numeric_meas or []
    got = actual.numeric_meas or []
    if len(wanted) != len(got):
        return False
    for left, right in zip(wanted, got, strict=True):
        if left.name != right.name or _op(left.comp_op) != _op(right.comp_op):
            return False
        if (left.low_limit, left.high_limit) != (right.low_limit, right.high_limit):
            return False
    return True


def _op(text: str | None) -> CompOp | str | None:
    return CompOp.parse(text) or text if text is not None else None


__all__ = ["LoopCounterRule", "LoopGroup", "check_loop", "group_loops", "match_template"]
