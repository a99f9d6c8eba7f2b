"""UUTBuilder / UURBuilder: the README example, every step kind, roll-up, bad input."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from pywats.exceptions import ReportFormatError, ReportValidationError
from pywats.report import (
    UURBuilder,
    UURReport,
    UUTBuilder,
    UUTReport,
    parse_wsjf,
    to_wsjf,
    validate,
)
from pywats.report.jsondiff import first_difference

START = datetime(2025, 3, 4, 9, 15, 0, 250000, tzinfo=timezone(timedelta(hours=1)))
README = Path(__file__).resolve().parents[3] / "README.md"


def make_builder(**overrides: object) -> UUTBuilder:
    args: dict[str, object] = {
        "pn": "DEMO-PCBA-100",
        "sn": "DEMO0001",
        "rev": "B",
        "process_code": 10,
        "station": "STATION-01",
        "location": "Line 1",
        "purpose": "Production",
        "operator": "operator1",
        "start": START,
        "report_id": "5f0c9a7e-2d41-4c3b-9e8a-0b6f1d2c3a4e",
    }
    args.update(overrides)
    return UUTBuilder(**args)  # type: ignore[arg-type]


def test_docs_builder_example_runs() -> None:
    docs = README.parent / "docs" / "report-model.md"
    blocks = re.findall(r"```python\n(.*?)```", docs.read_text(encoding="utf-8"), re.S)
    example = next(block for block in blocks if "builder.build()" in block)
    namespace: dict[str, object] = {
        "UUTBuilder": UUTBuilder,
        "datetime": datetime,
        "timezone": timezone,
    }
    exec(compile(example, "report-model.md", "exec"), namespace)
    report = namespace["report"]
    assert isinstance(report, UUTReport)
    assert report.result == "P"


def test_passing_report_header_and_steps() -> None:
    builder = make_builder()
    with builder.sequence("Power", version="1.0.0") as seq:
        seq.numeric("Supply voltage", 3.31, low=3.2, high=3.4, comp_op="GELE", unit="V")
        seq.pass_fail("LED check", passed=True)
        seq.string("Firmware", "1.4.2", limit="1.4.2", comp_op="IGNORECASE")
    report = builder.build()
    tree = json.loads(to_wsjf(report))
    assert tree["type"] == "T"
    assert tree["start"] == "2025-03-04T09:15:00.250000+01:00"
    assert tree["startUTC"] == "2025-03-04T08:15:00.250000Z"
    assert tree["uut"] == {"user": "operator1"}
    power = tree["root"]["steps"][0]
    assert power["seqCall"] == {"path": "Power", "name": "Power", "version": "1.0.0"}
    assert [step["id"] for step in [tree["root"], power, *power["steps"]]] == [1, 2, 3, 4, 5]
    assert power["steps"][0]["numericMeas"] == [
        {"compOp": "GELE", "name": None, "status": "P", "unit": "V", "value": 3.31,
         "lowLimit": 3.2, "highLimit": 3.4}
    ]  # fmt: skip
    assert first_difference(tree, json.loads(to_wsjf(parse_wsjf(to_wsjf(report))))) is None


def test_failing_measurement_rolls_up_to_result() -> None:
    builder = make_builder()
    with builder.sequence("Power") as power, power.sequence("Rails") as rails:
        rails.numeric("5V", 5.3, low=4.9, high=5.1, unit="V")
        rails.numeric("3V3", 3.3, low=3.2, high=3.4, unit="V")
    builder.action("Log done")
    report = builder.build()
    assert report.root is not None
    power_step = report.root.children[0]
    rails_step = power_step.children[0]
    assert [s.status for s in rails_step.children] == ["F", "P"]
    assert (rails_step.status, power_step.status, report.root.status) == ("F", "F", "F")
    assert report.result == "F"
    assert report.root.children[1].status == "D"


def test_every_step_kind() -> None:
    builder = make_builder(sequence_version="2.1")
    with builder.sequence("All") as seq:
        with seq.multi_numeric("Rails") as rails:
            rails.add("5V", 5.0, low=4.9, high=5.1, unit="V").add("12V", 12.1, unit="V")
        with seq.multi_string("Ids") as ids:
            ids.add("FW", "1.0", limit="1.0").add("Serial", "X1")
        with seq.multi_pass_fail("Lamps") as lamps:
            lamps.add("Red", passed=True).add("Green", passed=True)
        seq.boolean("Beeper", True)
        seq.generic("Wait", "NI_Wait", tot_time=0.5)
        seq.call_executable("Flash", 0)
        seq.message_popup("Ask", response="ok", button=1)
        seq.chart("Sweep", [("gain", [1, 2, 3], [0.5, 0.7, 0.9])], x_label="f", x_unit="Hz")
        seq.attachment("Log", b"\x00\x01binary", content_type="application/octet-stream")
        seq.numeric("Skipped", 1.0, low=0, high=2, status="S")
    builder.misc_info("Firmware", "1.4.2").misc_info("Slot", numeric=3)
    builder.sub_unit("PCBA", "PCBA-1", "S-1", "A", position=1).asset("DMM-7")
    report = builder.build()
    assert report.result == "P"
    assert report.root is not None
    steps = {step.name: step for step in report.root.iter_tree()}
    assert steps["Rails"].step_type == "ET_MNLT"
    assert [m.comp_op for m in steps["Rails"].numeric_meas or []] == ["GELE", "LOG"]
    assert [m.comp_op for m in steps["Ids"].string_meas or []] == ["CASESENSIT", "LOG"]
    assert steps["Sweep"].chart is not None
    assert steps["Sweep"].chart.series is not None
    assert steps["Sweep"].chart.series[0].xdata == "1.0;2.0;3.0"
    attachment = steps["Log"].attachment
    assert attachment is not None
    assert base64.b64decode(attachment.data or "") == b"\x00\x01binary"
    assert steps["Skipped"].status == "S"
    assert steps["Skipped"].numeric_meas is None
    assert steps["Ask"].message_popup is not None
    assert report.misc_infos is not None
    assert [m.numeric for m in report.misc_infos] == [None, 3]
    assert report.sub_units is not None
    assert report.sub_units[0].position == 1
    assert validate(report) == []


def test_default_operators_follow_the_limits() -> None:
    builder = make_builder()
    builder.numeric("both", 1.0, low=0.0, high=2.0)
    builder.numeric("low only", 1.0, low=0.0)
    builder.numeric("none", 1.0)
    report = builder.build()
    assert report.root is not None
    ops = [step.numeric_meas[0].comp_op for step in report.root.children if step.numeric_meas]
    assert ops == ["GELE", "GE", "LOG"]


def test_explicit_status_contradicting_measurement_is_rejected() -> None:
    builder = make_builder()
    builder.numeric("Supply", 9.0, low=3.2, high=3.4, status="P")
    with pytest.raises(ReportValidationError, match="measurement status") as info:
        builder.build()
    assert any(str(p).startswith("root.steps[0]") for p in info.value.problems)


def test_explicit_sequence_status_contradicting_children_is_rejected() -> None:
    builder = make_builder()
    with builder.sequence("Power", status="P") as seq:
        seq.pass_fail("LED", passed=False)
    with pytest.raises(ReportValidationError, match="child"):
        builder.build()


def test_explicit_result_contradicting_root_is_rejected() -> None:
    builder = make_builder(result="P")
    builder.pass_fail("LED", passed=False)
    with pytest.raises(ReportValidationError, match="result P"):
        builder.build()


def test_naive_start_is_rejected_without_inventing_an_offset() -> None:
    with pytest.raises(ReportValidationError, match="naive datetime"):
        make_builder(start=datetime(2025, 3, 4, 9, 15))


def test_aware_start_keeps_its_offset() -> None:
    report = make_builder(start=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)).build()
    assert report.start is not None
    assert report.start.text == "2025-01-02T03:04:05.000000+00:00"


@pytest.mark.parametrize(
    ("action", "fragment"),
    [
        (lambda b: b.numeric("x", "3.3", low=1, high=4), "value must be a number"),
        (lambda b: b.numeric("x", True), "value must be a number"),
        (lambda b: b.numeric("x", 1.0, low=0.0, comp_op="GELE"), "needs highLimit"),
        (lambda b: b.numeric("x", 1.0, comp_op="ALMOST"), "not a numeric"),
        (lambda b: b.string("x", 5), "value must be a string"),
        (lambda b: b.pass_fail("x", passed="yes"), "True or False"),
        (lambda b: b.attachment("x", "text"), "must be bytes"),
        (lambda b: b.chart("x", [("s", [1, 2], [1])]), "same length"),
        (lambda b: b.numeric("x", 1.0, start=datetime(2025, 1, 1)), "naive"),
        (lambda b: b.misc_info("empty"), "text or numeric"),
    ],
)
def test_bad_builder_input_raises_typed_error(action: object, fragment: str) -> None:
    builder = make_builder()
    assert callable(action)
    with pytest.raises(ReportValidationError, match=fragment):
        action(builder)


def test_duplicate_multi_measurement_name_is_rejected() -> None:
    builder = make_builder()
    with builder.multi_numeric("Rails") as rails:
        rails.add("5V", 5.0)
        with pytest.raises(ReportValidationError, match="already exists"):
            rails.add("5V", 5.1)


def test_wrong_header_type_raises_format_error() -> None:
    builder = make_builder(process_code="ten")
    with pytest.raises(ReportFormatError) as info:
        builder.build()
    assert info.value.location == "processCode"


def test_uur_for_a_failed_uut() -> None:
    uut_builder = make_builder()
    uut_builder.numeric("Supply", 9.0, low=3.2, high=3.4)
    uut = uut_builder.build()
    builder = UURBuilder.for_uut(
        uut, process_code=500, station="REPAIR-01", location="Line 1", operator="tech1",
        start=START + timedelta(days=1), comment="Replaced U3",
        report_id="0d7e3b52-91c4-4f0a-8b6d-2e5a7c9f1b30",
    )  # fmt: skip
    module = builder.sub_unit("MODULE", "MOD-1", "M-77", "A")
    builder.failure("Component", "Defective", com_ref="U3", ref_step_id=2)
    builder.failure("Component", "Cracked", unit_idx=module, comment="visual")
    builder.misc_info("Cause", "solder").attachment(
        "photo.jpg", b"\xff\xd8", content_type="image/jpeg"
    )
    report = builder.build()
    assert isinstance(report, UURReport)
    assert report.uur is not None
    assert (report.uur.ref_uut, report.uur.process_code, report.process_code) == (uut.id, 10, 500)
    assert report.sub_units is not None
    main, sub = report.sub_units
    assert (main.idx, main.part_type, main.pn, main.sn) == (0, "Main", uut.pn, uut.sn)
    assert (sub.idx, sub.parent_idx) == (1, 0)
    assert main.failures is not None
    assert main.failures[0].com_ref == "U3"
    assert sub.failures is not None
    assert sub.failures[0].code == "Cracked"
    assert validate(report) == []
    assert isinstance(parse_wsjf(to_wsjf(report)), UURReport)


def test_uur_failure_on_unknown_unit_is_rejected() -> None:
    builder = UURBuilder(
        pn="P", sn="S", rev="A", process_code=500, test_process_code=10,
        ref_uut="5f0c9a7e-2d41-4c3b-9e8a-0b6f1d2c3a4e", station="R", location="L", start=START,
    )  # fmt: skip
    with pytest.raises(ReportValidationError, match="unit_idx 3"):
        builder.failure("Component", "Defective", unit_idx=3)


def test_uur_with_bad_ref_uut_fails_validation() -> None:
    builder = UURBuilder(
        pn="P", sn="S", rev="A", process_code=500, test_process_code=10, ref_uut="not-a-guid",
        station="R", location="L", start=START,
    )  # fmt: skip
    with pytest.raises(ReportValidationError, match="refUUT"):
        builder.build()


def test_built_models_equal_what_pydantic_reads_back() -> None:
    builder = make_builder()
    with builder.sequence("Power") as seq:
        seq.numeric("V", 3.3, low=3.2, high=3.4, unit="V", tot_time=0.1, start=START)
        with seq.multi_string("Ids") as ids:
            ids.add("FW", "1.0", limit="1.0")
        seq.message_popup("Ask", response="ok", button=1)
        seq.chart("Sweep", [("gain", [1, 2], [0.5, 0.7])])
    report = builder.build()
    again = parse_wsjf(to_wsjf(report))
    assert again == report
    assert again.model_dump(by_alias=True, exclude_unset=True) == report.model_dump(
        by_alias=True, exclude_unset=True
    )
