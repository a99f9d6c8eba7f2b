"""The builder's fast path for plain numeric steps makes exactly what the general path makes.

``numeric()`` with float value and limits and no step options takes a shortcut that writes
the model fields directly. Passing ``group="M"`` (the default group, so the same content)
forces the general path; both must give equal models, the same set fields, the same field
order and byte-identical WSJF.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from pywats.report import UUTBuilder, UUTReport, parse_wsjf, to_wsjf
from pywats.report.enums import NUMERIC_OPS
from pywats.report.steps import Step

START = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)
OPS = sorted(op.value for op in NUMERIC_OPS)
numbers = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.5, 1.5, 2.5])
units = st.none() | st.sampled_from(["V", "", "mA"])
comp_ops = st.none() | st.sampled_from(OPS)


def build(
    steps: list[tuple[float, float, float, str | None, str | None]], general: bool
) -> UUTReport:
    builder = UUTBuilder(
        pn="PN", sn="SN", rev="A", process_code=10, station="ST", location="Lab",
        purpose="Test", operator="op", start=START,
        report_id="5f0c9a7e-2d41-4c3b-9e8a-0b6f1d2c3a4e",
    )  # fmt: skip
    extra: dict[str, str] = {"group": "M"} if general else {}
    with builder.sequence("Block") as seq:
        for index, (value, low, high, comp_op, unit) in enumerate(steps):
            seq.numeric(
                f"Step {index}", value, low=low, high=high, comp_op=comp_op, unit=unit, **extra
            )
    return builder.build()


def assert_same_steps(fast: Step, general: Step) -> None:
    for mine, theirs in zip(fast.iter_tree(), general.iter_tree(), strict=True):
        assert mine == theirs
        assert mine.model_fields_set == theirs.model_fields_set
        assert list(mine.__dict__) == list(theirs.__dict__)
        for meas, other in zip(mine.numeric_meas or (), theirs.numeric_meas or (), strict=True):
            assert meas.model_fields_set == other.model_fields_set
            assert list(meas.__dict__) == list(other.__dict__)


@given(st.lists(st.tuples(numbers, numbers, numbers, comp_ops, units), min_size=1, max_size=8))
def test_fast_path_matches_general_path(
    steps: list[tuple[float, float, float, str | None, str | None]],
) -> None:
    fast = build(steps, general=False)
    general = build(steps, general=True)
    assert fast.root is not None
    assert general.root is not None
    assert_same_steps(fast.root, general.root)
    assert to_wsjf(fast) == to_wsjf(general)
    assert fast.result == general.result


def test_fast_path_step_verdicts_and_round_trip() -> None:
    report = build([(1.5, 0.5, 2.5, "GELE", "V"), (3.0, 0.5, 2.5, None, None)], general=False)
    assert report.root is not None
    first, second = report.root.children[0].children
    assert (first.status, second.status, report.result) == ("P", "F", "F")
    assert first.numeric_meas is not None
    assert first.numeric_meas[0].comp_op == "GELE"
    assert second.numeric_meas is not None
    assert second.numeric_meas[0].comp_op == "GELE"
    assert parse_wsjf(to_wsjf(report)) == report


def test_fast_path_steps_stay_independent() -> None:
    report = build([(1.0, 0.5, 2.5, "GELE", "V"), (1.0, 0.5, 2.5, "GELE", "V")], general=False)
    assert report.root is not None
    first, second = report.root.children[0].children
    first.report_text = "changed"
    assert first.numeric_meas is not None
    assert second.numeric_meas is not None
    first.numeric_meas[0].unit = "A"
    assert "report_text" in first.model_fields_set
    assert "report_text" not in second.model_fields_set
    assert second.report_text is None
    assert second.numeric_meas[0].unit == "V"
    assert second.group == "M"
    assert second.numeric_meas[0].value == 1.0


def test_other_arguments_take_the_general_path_with_the_same_result() -> None:
    # Integer limits are converted to floats by the general path: same report as floats.
    floats = build([(2.0, 1.0, 3.0, "GTLT", "V")], general=False)
    builder = UUTBuilder(
        pn="PN", sn="SN", rev="A", process_code=10, station="ST", location="Lab",
        purpose="Test", operator="op", start=START,
        report_id="5f0c9a7e-2d41-4c3b-9e8a-0b6f1d2c3a4e",
    )  # fmt: skip
    with builder.sequence("Block") as seq:
        seq.numeric("Step 0", 2, low=1, high=3, comp_op="GTLT", unit="V")
    assert to_wsjf(builder.build()) == to_wsjf(floats)
