"""Status roll-up (report-formats.md §6.4): measurements → step → sequences → result.

A failed measurement fails its step; a step that ends F, E or T raises every enclosing
sequence to at least that status (order P < D < S < F < E < T); the root's status decides
the report ``result``. Loop iterations do not roll up: the loop summary carries the loop's
verdict (retry loops may pass after failed iterations). Steps that already have a status
keep it — :func:`pywats.report.validate` reports one that contradicts its content.
"""

from __future__ import annotations

from collections.abc import Iterable

from pywats.report.enums import RESULT_SEVERITY, STEP_SEVERITY
from pywats.report.models import UUTReport
from pywats.report.steps import Step

_FAILING = ("F", "E", "T")


def status_from_measurements(statuses: Iterable[str | None]) -> str:
    """Step status implied by its measurement statuses: any F → F, all S → S, else P."""
    seen = set(statuses)
    if "F" in seen:
        return "F"
    if seen == {"S"}:
        return "S"
    return "P"


def status_from_children(statuses: Iterable[str | None], base: str = "P") -> str:
    """Sequence status: ``base`` raised to the worst failing child status (F < E < T)."""
    worst = base
    for status in statuses:
        if status in _FAILING and _rank(status, STEP_SEVERITY) > _rank(worst, STEP_SEVERITY):
            worst = status
    return worst


def result_from_status(root_status: str | None) -> str:
    """Report result for a root step status: F, E, T carry over; anything else is P."""
    return root_status if root_status in RESULT_SEVERITY else "P"


def roll_up(report: UUTReport) -> UUTReport:
    """Fill in every missing step status and a missing ``result``, bottom-up, in place.

    Returns the same report for chaining. Existing statuses are left as they are.
    """
    if report.root is not None:
        _roll_up_step(report.root)
        if report.result is None:
            report.result = result_from_status(report.root.status)
    return report


def _roll_up_step(step: Step) -> None:
    for child in step.children:
        _roll_up_step(child)
    if step.status is not None:
        return
    measurements = step.measurements
    if measurements:
        step.status = status_from_measurements(meas.status for meas in measurements)
    else:
        step.status = status_from_children(
            child.status for child in step.children if not (child.loop and child.loop.is_iteration)
        )


def _rank(status: str, order: tuple[str, ...]) -> int:
    return order.index(status) if status in order else -1


__all__ = ["result_from_status", "roll_up", "status_from_children", "status_from_measurements"]
