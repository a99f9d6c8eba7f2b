"""``to_wsjf``'s fast UUT writer gives exactly pydantic's ``model_dump_json`` text.

Builder reports of every step kind, steps changed after building (which must leave the
fast path), extras on the header and on steps, and the real server exports are written
both ways and compared byte for byte.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from pywats.report import UUTBuilder, UUTReport, parse_wsjf, to_wsjf
from pywats.report._wsjf_fast import uut_json
from pywats.report.enums import NUMERIC_OPS
from pywats.report.models import UURReport

START = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)


def pydantic_text(report: UUTReport | UURReport) -> str:
    return report.model_dump_json(by_alias=True, exclude_unset=True)


def new_builder() -> UUTBuilder:
    return UUTBuilder(
        pn="PN", sn="SN", rev="A", process_code=10, station="ST", location="Lab",
        purpose="Test", operator="op", start=START, fixture_id="FX-1",
        report_id="5f0c9a7e-2d41-4c3b-9e8a-0b6f1d2c3a4e",
    )  # fmt: skip


def every_kind() -> UUTReport:
    builder = new_builder()
    builder.misc_info("Firmware", "1.2.3").sub_unit("PCBA", "SUB-1", "S1", "A").asset("DMM-1")
    builder.numeric("Root level", 1.0, low=0.5, high=2.5, unit="V")
    with builder.sequence(
        "Bulk"
    ) as bulk:  # plain steps first and in the majority: the fast writer runs
        for index in range(40):
            bulk.numeric(f"Bulk {index}", index * 0.1, low=0.5, high=2.5, unit="V")
    with builder.sequence("Outer", version="2.0") as outer:
        outer.numeric("Plain", 1.5, low=0.5, high=2.5, comp_op="GELE", unit="V")
        outer.numeric("No unit", 3.0, low=0.5, high=2.5, comp_op="GTLT")
        outer.numeric("Log only", 7.0)
        outer.numeric("Int limits", 2, low=1, high=3, unit="A")
        outer.numeric("Timed", 1.0, low=0.5, high=2.5, tot_time=0.25)
        with outer.sequence("Inner") as inner:
            inner.numeric("Deep", 1.0, low=0.5, high=2.5, unit="Ω")
            with inner.multi_numeric("Rails") as rails:
                rails.add("3V3", 3.3, low=3.2, high=3.4, unit="V")
                rails.add("Open", math.nan, low=0.0, high=math.inf)
            inner.string("Firmware", "1.4.2", limit="1.4.2")
            inner.pass_fail("LED", passed=True)
        looped = outer.loop("Retry")
        looped.numeric(3.0, low=0.5, high=2.5)
        looped.numeric(1.0, low=0.5, high=2.5)
        outer.call_executable("Flash", 0)
        outer.message_popup("Ask", response="ok", button=1)
        outer.chart("Sweep", [("gain", [1, 2, 3], [0.5, 0.7, 0.9])], x_label="f")
        outer.attachment("Log", b"\x00\x01binary")
        outer.action("Done")
    return builder.build()


def test_builder_report_of_every_step_kind() -> None:
    report = every_kind()
    assert uut_json(report) is not None
    assert to_wsjf(report) == pydantic_text(report)


def test_steps_changed_after_building_leave_the_fast_path() -> None:
    report = every_kind()
    assert report.root is not None
    outer = report.root.children[2]
    plain, no_unit, log_only, int_limits = outer.children[:4]
    assert plain.numeric_meas is not None
    assert no_unit.numeric_meas is not None
    assert int_limits.numeric_meas is not None
    plain.numeric_meas[0].value = 2  # an int in a float field
    no_unit.report_text = "note"  # one more field set
    no_unit.numeric_meas[0].custom = "kept"  # type: ignore[attr-defined]  # an extra
    log_only.vendor_flag = True  # type: ignore[attr-defined]
    int_limits.numeric_meas.append(int_limits.numeric_meas[0].model_copy())
    outer.sequence_extra = {"a": [1, 2]}  # type: ignore[attr-defined]  # after "steps"
    report.custom_header = "x"  # type: ignore[attr-defined]  # after "root"
    assert uut_json(report) is not None
    assert to_wsjf(report) == pydantic_text(report)


def test_header_extras_without_uut_and_explicit_null_root() -> None:
    report = every_kind()
    report.model_fields_set.discard("uut")
    report.extra_one = 1  # type: ignore[attr-defined]
    assert uut_json(report) is not None
    assert to_wsjf(report) == pydantic_text(report)
    report.root = None
    assert uut_json(report) is None
    assert to_wsjf(report) == pydantic_text(report)


def test_server_exports(wsjf_export: tuple[str, str]) -> None:
    _, text = wsjf_export
    report = parse_wsjf(text)
    assert to_wsjf(report) == pydantic_text(report)


def test_indent_uses_pydantic() -> None:
    report = every_kind()
    assert to_wsjf(report, indent=2) == report.model_dump_json(
        by_alias=True, exclude_unset=True, indent=2
    )


numbers = st.floats(allow_nan=True, allow_infinity=True)
steps = st.tuples(
    numbers,
    numbers,
    numbers,
    st.sampled_from(sorted(op.value for op in NUMERIC_OPS)),
    st.none() | st.text(max_size=5),
    st.text(min_size=1, max_size=8).filter(lambda name: not name.isspace()),
)


@given(st.lists(steps, min_size=1, max_size=6))
def test_any_numeric_values_and_names(
    values: list[tuple[float, float, float, str, str | None, str]],
) -> None:
    builder = new_builder()
    with builder.sequence("Block") as seq:
        for value, low, high, comp_op, unit, name in values:
            seq.numeric(name, value, low=low, high=high, comp_op=comp_op, unit=unit)
    report = builder.build()
    assert to_wsjf(report) == pydantic_text(report)


def test_mostly_other_steps_are_left_to_pydantic() -> None:
    builder = new_builder()
    builder.numeric("Plain", 1.0, low=0.5, high=2.5)
    for index in range(20):
        builder.pass_fail(f"Check {index}", passed=True)
    report = builder.build()
    assert uut_json(report) is None
    assert to_wsjf(report) == pydantic_text(report)
