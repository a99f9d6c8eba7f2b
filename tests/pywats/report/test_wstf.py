"""WSTF reading and writing: the reference example, status computation, nesting, errors."""

from __future__ import annotations

from typing import Any

import pytest

from pywats.exceptions import ReportFormatError
from pywats.report import Step, UUTReport, report_from_dict, report_to_dict
from pywats.report.jsondiff import first_difference
from pywats.report.wstf import parse_wstf, to_wstf

TITLES = (
    "StepType\tStepName\tMeasureName\tValue\tLowLimit\tHighLimit\tCompOperator\tUnit"
    "\tStepStatus\tStepExecutionTime"
)


def _row(*fields: str) -> str:
    """A step line with all ten columns present (missing trailing fields empty)."""
    return "\t".join((*fields, *([""] * (10 - len(fields)))))


# report-formats.md §12.4, fields separated by TAB characters.
EXAMPLE = "\n".join(
    [
        "--Header-Start--",
        "SerialNumber\tDEMO0002",
        "PartNumber\tDEMO-PCBA-100",
        "Revision\tB",
        "OperationTypeCode\t10",
        "StationName\tSTATION-01",
        "OperatorName\toperator1",
        "SoftwareName\tDemoSequence",
        "SoftwareVersion\t1.0.0",
        "StartDateTime\t2025-03-04T10:00:00",
        "UUTStatus\tPassed",
        "Firmware\t1.4.2",
        "--Step-Data-Start--",
        TITLES,
        _row("SequenceCall", "Power"),
        _row(
            "NumericLimitTest",
            "Supply voltage",
            "",
            "3.31",
            "3.2",
            "3.4",
            "GELE",
            "V",
            "Passed",
            "0.12",
        ),
        _row("PassFailTest", "LED check", "", "TRUE", "", "", "", "", "Passed", "1.5"),
        _row(
            "StringValueTest",
            "Read firmware version",
            "",
            "1.4.2",
            "1.4.2",
            "",
            "IGNORECASE",
            "",
            "Passed",
            "0.05",
        ),
        _row("EndSequenceCall", "", "", "", "", "", "", "", "Passed"),
        "--Step-Data-End--",
        "UUTStatus\tPassed",
        "ExecutionTime\t4.2",
        "--UUT-End--",
        "",
    ]
)


def _block(
    rows: list[str], header: tuple[str, ...] = ("SerialNumber\tSN1",), footer: str = ""
) -> str:
    lines = ["--Header-Start--", *header, "--Step-Data-Start--", *rows, "--Step-Data-End--"]
    if footer:
        lines.append(footer)
    lines.append("--UUT-End--")
    return "\n".join(lines) + "\n"


def _only(text: str) -> UUTReport:
    reports = parse_wstf(text)
    assert len(reports) == 1
    return reports[0]


def _steps(report: UUTReport) -> list[Any]:
    assert report.root is not None
    return report.root.iter_tree()[1:]


def test_reference_example_parses_into_the_expected_report() -> None:
    report = _only(EXAMPLE)
    assert (report.sn, report.pn, report.rev, report.process_code) == (
        "DEMO0002",
        "DEMO-PCBA-100",
        "B",
        10,
    )
    assert (report.machine_name, report.result) == ("STATION-01", "P")
    assert report.start is not None
    assert report.start.text == "2025-03-04T10:00:00"
    assert report.uut is not None
    assert (report.uut.user, report.uut.exec_time) == ("operator1", 4.2)
    assert report.misc_infos is not None
    assert [(m.description, m.text) for m in report.misc_infos] == [("Firmware", "1.4.2")]
    root = report.root
    assert root is not None
    assert root.seq_call is not None
    assert (root.name, root.seq_call.name, root.seq_call.version) == (
        "DemoSequence",
        "DemoSequence",
        "1.0.0",
    )
    power = root.children[0]
    assert (power.step_type, power.name, power.status) == ("SequenceCall", "Power", "P")
    voltage, led, firmware = power.children
    assert voltage.step_type == "ET_NLT"
    assert voltage.numeric_meas is not None
    meas = voltage.numeric_meas[0]
    assert (meas.value, meas.low_limit, meas.high_limit, meas.comp_op, meas.unit) == (
        3.31,
        3.2,
        3.4,
        "GELE",
        "V",
    )
    assert (voltage.status, meas.status, voltage.tot_time) == ("P", "P", 0.12)
    assert led.boolean_meas is not None
    assert (led.step_type, led.boolean_meas[0].status) == ("ET_PFT", "P")
    assert firmware.string_meas is not None
    assert (firmware.string_meas[0].value, firmware.string_meas[0].limit) == ("1.4.2", "1.4.2")


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (_row("NumericLimitTest", "n", "", "3.5", "3.2", "3.4", "GELE"), "F"),
        (_row("NumericLimitTest", "n", "", "3.4", "3.2", "3.4", "GELE"), "P"),
        (_row("NumericLimitTest", "n", "", "3.4", "3.2", "3.4", "GELT"), "F"),
        (_row("NumericLimitTest", "n", "", "1", "2", "", "LT"), "P"),
        (_row("NumericLimitTest", "n", "", "99", "", "", "LOG"), "P"),
        (_row("NumericLimitTest", "n", "", "5", "1", "4", "ltgt"), "P"),
        (_row("StringValueTest", "s", "", "ABC", "abc", "", "IGNORECASE"), "P"),
        (_row("StringValueTest", "s", "", "ABC", "abc", "", "CASESENSIT"), "F"),
        (_row("PassFailTest", "b", "", "FALSE"), "F"),
        (_row("PassFailTest", "b", "", "pass"), "P"),
    ],
)
def test_empty_status_is_computed_from_value_and_limits(row: str, expected: str) -> None:
    report = _only(_block([row]))
    (step,) = _steps(report)
    assert step.status == expected
    assert report.result == expected  # no UUTStatus: the result rolls up from the steps


def test_given_status_is_used_as_is_even_when_limits_disagree() -> None:
    report = _only(_block([_row("NumericLimitTest", "n", "", "9", "1", "2", "GELE", "", "Passed")]))
    (step,) = _steps(report)
    assert step.numeric_meas is not None
    assert (step.status, step.numeric_meas[0].status) == ("P", "P")


def test_error_status_on_a_test_gives_a_failed_measurement() -> None:
    report = _only(_block([_row("NumericLimitTest", "n", "", "1", "", "", "LOG", "", "Error")]))
    (step,) = _steps(report)
    assert step.numeric_meas is not None
    assert (step.status, step.numeric_meas[0].status, report.result) == ("E", "F", "E")


def test_nested_sequences_roll_failures_up() -> None:
    rows = [
        _row("SequenceCall", "Outer"),
        _row("SequenceCall", "Inner"),
        _row("NumericLimitTest", "t", "", "5", "0", "1", "GELE"),
        _row("EndSequenceCall"),
        _row("ActionStep", "cleanup"),
        _row("EndSequenceCall", "", "", "", "", "", "", "", "", "2.5"),
        _row("ActionStep", "after", "", "", "", "", "", "", "Passed"),
    ]
    report = _only(_block(rows))
    root = report.root
    assert root is not None
    outer, after = root.children
    inner, cleanup = outer.children
    assert [s.name for s in inner.children] == ["t"]
    assert (inner.status, outer.status, outer.tot_time) == ("F", "F", 2.5)
    assert (cleanup.step_type, cleanup.status) == ("Action", "D")
    assert after.status == "P"
    assert (root.status, report.result) == ("F", "F")


def test_multiple_numeric_rows_form_one_step() -> None:
    rows = [
        _row("MultipleNumericLimitTest", "Rails", "5V", "5.02", "4.9", "5.1", "GELE", "V"),
        _row("MultipleNumericLimitTest", "Rails", "12V", "12.1", "", "", "LOG", "V"),
        _row("MultipleNumericLimitTest", "Rails", "3V3", "3.0", "3.2", "3.4", "GELE", "V"),
        _row("MultipleNumericLimitTest", "Currents", "I1", "1", "", "", "LOG", "A"),
    ]
    rails, currents = _steps(_only(_block(rows)))
    assert rails.step_type == "ET_MNLT"
    assert rails.numeric_meas is not None
    assert [(m.name, m.status) for m in rails.numeric_meas] == [
        ("5V", "P"),
        ("12V", "P"),
        ("3V3", "F"),
    ]
    assert rails.status == "F"
    assert currents.numeric_meas is not None
    assert [m.name for m in currents.numeric_meas] == ["I1"]
    assert currents.status == "P"


def test_several_uuts_in_one_file_keep_their_order() -> None:
    first = _block([_row("ActionStep", "a")], header=("SerialNumber\tA1", "UUTStatus\tFailed"))
    second = _block([], header=("SerialNumber\tA2",), footer="UUTStatus\tTerminated")
    reports = parse_wstf(first + "\n" + second)
    assert [(r.sn, r.result) for r in reports] == [("A1", "F"), ("A2", "T")]


def test_titles_decide_the_column_order_and_crlf_is_accepted() -> None:
    titles = "StepType\tValue\tStepName\tCompOperator\tLowLimit\tStepStatus"
    text = _block([titles, "NumericLimitTest\t7\tseven\tEQ\t7\t"]).replace("\n", "\r\n")
    (step,) = _steps(_only(text))
    assert step.name == "seven"
    assert step.numeric_meas is not None
    assert (step.numeric_meas[0].value, step.status) == (7.0, "P")


def test_header_details_subunits_and_misc_infos() -> None:
    header = (
        "SerialNumber\tS9",
        "Subunit\tPCBA\tSUB-PN\tSUB-SN\tR2",
        "Subunit\tPSU\tP2\tS2",
        "TestSocketIndex\t3",
        "ErrorCode\t12",
        "UTCStartDateTime\t2025-03-04T09:00:00Z",
        "Oven temperature\t85 C",
        "Ignored empty\t",
    )
    report = _only(_block([], header=header))
    assert report.sub_units is not None
    assert [(u.part_type, u.pn, u.sn, u.rev) for u in report.sub_units] == [
        ("PCBA", "SUB-PN", "SUB-SN", "R2"),
        ("PSU", "P2", "S2", None),
    ]
    assert report.uut is not None
    assert (report.uut.test_socket_index, report.uut.error_code) == (3, 12)
    assert report.misc_infos is not None
    assert [m.description for m in report.misc_infos] == ["Oven temperature"]
    assert report.start_utc is not None
    assert report.start_utc.text == "2025-03-04T09:00:00Z"


def test_parse_write_parse_is_exact() -> None:
    first = parse_wstf(EXAMPLE)
    again = parse_wstf(to_wstf(first))
    assert first_difference(report_to_dict(first[0]), report_to_dict(again[0])) is None


def test_writer_emits_every_column_and_the_footer() -> None:
    text = to_wstf(parse_wstf(EXAMPLE))
    lines = text.splitlines()
    step_lines = lines[lines.index("--Step-Data-Start--") + 1 : lines.index("--Step-Data-End--")]
    assert {line.count("\t") for line in step_lines} == {12}
    assert lines[-3:] == ["UUTStatus\tPassed", "ExecutionTime\t4.2", "--UUT-End--"]


def _field_at(text: str, line: int, field: int) -> str:
    """``line L, column C`` of field ``field`` (0-based) of line ``line`` of ``text``."""
    fields = text.split("\n")[line - 1].split("\t")
    column = 1 + sum(len(f) + 1 for f in fields[:field])
    return f"line {line}, column {column}"


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("SerialNumber\tX\n", 1, 0, "expected --Header-Start--"),
        ("--Header-Start--\nSerialNumber\tX\n", 3, 0, "no --UUT-End--"),
        ("", 1, 0, "no UUT found"),
        ("--Step-Data-Start--\n", 1, 0, "before --Header-Start--"),
        ("--Header-Start--\n--Step-Data-End--\n", 2, 0, "unexpected"),
        (_block([], header=("OperationTypeCode\tten",)), 2, 1, "integer"),
        (_block([], header=("StartDateTime\t04.03.2025",)), 2, 1, "ISO 8601"),
        (_block([], header=("UUTStatus\tGreat",)), 2, 1, "not one of"),
        (_block([], header=("SerialNumber\tX\tY",)), 2, 2, "extra field"),
        (_block([], header=("Subunit\tPCBA\tPN",)), 2, 0, "Subunit needs"),
        (_block([_row("Bogus", "x")]), 4, 0, "unknown step type"),
        (_block([_row("NumericLimitTest", "n", "", "3,5", "", "", "LOG")]), 4, 3, "number"),
        (_block([_row("NumericLimitTest", "n", "", "1_0", "", "", "LOG")]), 4, 3, "number"),
        (_block([_row("NumericLimitTest", "n", "", "1e999", "", "", "LOG")]), 4, 3, "range"),
        (_block([_row("NumericLimitTest", "n", "", "1", "", "", "GELE")]), 4, 6, "lowLimit"),
        (_block([_row("NumericLimitTest", "n", "", "1", "", "", "ABOUT")]), 4, 6, "ABOUT"),
        (_block([_row("NumericLimitTest", "n")]), 4, 6, "no Value"),
        (_block([_row("PassFailTest", "b", "", "maybe")]), 4, 3, "TRUE/FALSE"),
        (_block([_row("ActionStep", "a", "", "", "", "", "", "", "Fine")]), 4, 8, "not one of"),
        (_block([_row("EndSequenceCall")]), 4, 0, "without SequenceCall"),
        (_block([_row("SequenceCall", "open"), _row("ActionStep", "a")]), 4, 0, "no EndSequence"),
        (_block([_row("ActionStep", "a") + "\t\t\t\textra"]), 4, 13, "more fields"),
        (_block(["StepType\tValue", "ActionStep\t1"]), 4, 0, "StepName"),
        (_block([], footer="Firmware\t1.0"), 5, 0, "footer accepts only"),
    ],
)
def test_bad_input_names_line_and_column(text: str, line: int, field: int, message: str) -> None:
    with pytest.raises(ReportFormatError, match=message) as caught:
        parse_wstf(text)
    assert caught.value.location == _field_at(text, line, field)


def test_non_text_input_is_refused() -> None:
    with pytest.raises(ReportFormatError, match="must be str"):
        parse_wstf(b"--Header-Start--")  # type: ignore[arg-type]


def _uut(**changes: Any) -> dict[str, Any]:
    tree: dict[str, Any] = {
        "type": "T",
        "sn": "S",
        "pn": "P",
        "result": "P",
        "root": {
            "group": "M",
            "stepType": "SequenceCall",
            "name": "Main",
            "status": "P",
            "seqCall": {"name": "Main"},
            "steps": [{"group": "M", "stepType": "Action", "name": "a", "status": "D"}],
        },
    }
    tree.update(changes)
    return tree


@pytest.mark.parametrize(
    ("tree", "location"),
    [
        ({"type": "R", "sn": "S"}, "reports[0].type"),
        (_uut(sn="two\tfields"), "reports[0].sn"),
        (_uut(miscInfos=[{"description": "SerialNumber", "text": "x"}]), "reports[0].miscInfos[0]"),
        (_uut(miscInfos=[{"description": " padded", "text": "x"}]), "reports[0].miscInfos[0]"),
    ],
)
def test_writer_refuses_what_wstf_cannot_hold(tree: dict[str, Any], location: str) -> None:
    with pytest.raises(ReportFormatError) as caught:
        to_wstf([report_from_dict(tree)])  # type: ignore[list-item]
    assert caught.value.location == location


def test_writer_refuses_multi_line_report_text() -> None:
    tree = _uut()
    tree["root"]["steps"][0]["reportText"] = "two\nlines"
    with pytest.raises(ReportFormatError, match="ReportText") as caught:
        to_wstf([report_from_dict(tree)])  # type: ignore[list-item]
    assert caught.value.location == "reports[0].root.steps[0]"


def test_writer_turns_numeric_misc_info_into_text() -> None:
    report = report_from_dict(_uut(miscInfos=[{"description": "Count", "numeric": 7}]))
    (again,) = parse_wstf(to_wstf([report]))  # type: ignore[list-item]
    assert again.misc_infos is not None
    assert (again.misc_infos[0].text, again.misc_infos[0].numeric) == ("7", None)


def test_deeply_nested_sequences_fail_cleanly_both_ways() -> None:
    depth = 5000
    rows = [_row("SequenceCall", f"s{i}") for i in range(depth)]
    rows += [_row("EndSequenceCall")] * depth
    with pytest.raises(ReportFormatError):
        parse_wstf(_block(rows))
    step = Step.model_construct(name="leaf", status="D", step_type="Action")
    for i in range(depth):
        step = Step.model_construct(
            name=f"s{i}", status="P", step_type="SequenceCall", steps=[step]
        )
    report = UUTReport.model_construct(sn="S", result="P", root=step)
    with pytest.raises(ReportFormatError, match="cannot be serialised"):
        to_wstf([report])
