"""validate() / ensure_valid(): report-formats.md §8 rules with JSON paths."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from pywats.exceptions import ReportValidationError
from pywats.report import (
    UUTReport,
    ValidationProblem,
    ensure_valid,
    parse_wsjf,
    report_from_dict,
    roll_up,
    validate,
)

VALID_UUT: dict[str, Any] = {
    "type": "T",
    "id": "5f0c9a7e-2d41-4c3b-9e8a-0b6f1d2c3a4e",
    "pn": "DEMO-PCBA-100",
    "sn": "DEMO0001",
    "rev": "B",
    "processCode": 10,
    "result": "P",
    "machineName": "STATION-01",
    "location": "Line 1",
    "purpose": "Production",
    "start": "2025-03-04T09:15:00.25+01:00",
    "startUTC": "2025-03-04T08:15:00.25Z",
    "uut": {"user": "operator1"},
    "root": {
        "id": 1,
        "group": "M",
        "stepType": "SequenceCall",
        "name": "Main",
        "status": "P",
        "seqCall": {"path": "demo.seq", "name": "Main"},
        "steps": [
            {
                "id": 2,
                "group": "M",
                "stepType": "ET_NLT",
                "name": "Supply",
                "status": "P",
                "numericMeas": [
                    {
                        "compOp": "GELE",
                        "status": "P",
                        "value": 3.3,
                        "lowLimit": 3.2,
                        "highLimit": 3.4,
                    }
                ],
            }
        ],
    },
}


def problems_of(tree: dict[str, Any], **options: Any) -> list[ValidationProblem]:
    return validate(report_from_dict(tree), **options)


def mutated(change: Any) -> dict[str, Any]:
    tree = copy.deepcopy(VALID_UUT)
    change(tree)
    return tree


def test_valid_report_has_no_problems() -> None:
    assert problems_of(VALID_UUT) == []
    ensure_valid(report_from_dict(VALID_UUT))


@pytest.mark.parametrize("name", ["new_report_example.json", "uur_example.json"])
def test_good_exports_pass(name: str, wsjf_texts: dict[str, str]) -> None:
    assert validate(parse_wsjf(wsjf_texts[name])) == []


def test_fat_export_is_a_negative_fixture(wsjf_texts: dict[str, str]) -> None:
    problems = validate(parse_wsjf(wsjf_texts["uut-wsjf-export.json"]))
    texts = [str(problem) for problem in problems]
    # the step "SinglePassDone": status D while its measurement passed
    assert "root.steps[1].steps[2]: Status cannot be different from measurement status." in texts
    codes = {problem.code for problem in problems}
    assert {"status-mismatch", "loop-mismatch"} <= codes
    messages = {problem.message for problem in problems}
    assert "stepType is required to match Summary step." in messages
    assert "limit is required to match Summary step." in messages
    assert any(m.endswith("in Summary step requires a match.") for m in messages)
    with pytest.raises(ReportValidationError):
        ensure_valid(parse_wsjf(wsjf_texts["uut-wsjf-export.json"]))


def test_fat_export_loop_counters_break_the_strict_server_rule(wsjf_texts: dict[str, str]) -> None:
    report = parse_wsjf(wsjf_texts["uut-wsjf-export.json"])
    strict = [p for p in validate(report, loop_counters="strict") if p.code == "loop-counter"]
    assert "root.steps[5].steps[0].steps[0]: num is required to be one more than endingIndex." in {
        str(p) for p in strict
    }
    assert any(p.message.startswith("endingIndex is required") for p in strict)
    assert not [p for p in validate(report, loop_counters="export") if p.code == "loop-counter"]


def _loop_tree(num: int, ending: int) -> dict[str, Any]:
    def change(tree: dict[str, Any]) -> None:
        step = tree["root"]["steps"][0]
        summary = copy.deepcopy(step) | {"loop": {"idx": None, "num": num, "endingIndex": ending,
                                                    "passed": 2, "failed": 0}}  # fmt: skip
        iterations = [copy.deepcopy(step) | {"id": 3 + i, "loop": {"idx": i}} for i in range(2)]
        tree["root"]["steps"] = [summary, *iterations]

    return mutated(change)


@pytest.mark.parametrize(
    ("num", "ending", "rule", "ok"),
    [
        (2, 1, "strict", True),
        (2, 2, "strict", False),
        (2, 2, "export", True),
        (2, 1, "export", False),
        (2, 1, "either", True),
        (2, 2, "either", True),
        (3, 3, "either", False),
    ],
)
def test_loop_counter_conventions(num: int, ending: int, rule: str, ok: bool) -> None:
    problems = problems_of(_loop_tree(num, ending), loop_counters=rule)
    assert (problems == []) is ok, problems


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda t: t.pop("pn"), "pn: pn is required"),
        (lambda t: t.update(sn="x" * 101), "sn: sn is longer than 100 characters"),
        (lambda t: t.update(id="nope"), "id: id 'nope' is not a GUID"),
        (lambda t: t.update(result="D"), "result: result 'D' is not one of P, F, E, T"),
        (lambda t: t.pop("uut"), "uut: uut is required"),
        (lambda t: t.update(start="2025-03-04T09:15:00"), "start: start needs a UTC offset"),
        (lambda t: t.update(startUTC="2025-03-04T09:15:00Z"), "startUTC: startUTC is not the same"),
        (lambda t: t["root"].update(group="X"), "root: group 'X' is not one of S, M, C"),
        (lambda t: t["root"]["steps"][0].update(status="Q"), "root.steps[0]: status 'Q'"),
        (lambda t: t["root"]["steps"][0]["numericMeas"][0].update(compOp="ABOUT"),
         "root.steps[0].numericMeas[0]: compOp 'ABOUT' is not a numeric operator"),
        (lambda t: t["root"]["steps"][0]["numericMeas"][0].pop("highLimit"),
         "root.steps[0].numericMeas[0]: compOp GELE needs highLimit"),
        (lambda t: t["root"]["steps"][0]["numericMeas"][0].update(value=9.0),
         "root.steps[0].numericMeas[0]: status P contradicts the limits"),
        (lambda t: t["root"]["steps"][0].update(status="F"),
         "root.steps[0]: Status cannot be different from measurement status."),
        (lambda t: t["root"]["steps"][0].update(id=1), "root.steps[0]: step id 1 is used twice"),
        (lambda t: t.update(miscInfos=[{"description": "x"}]), "miscInfos[0]: text or numeric"),
        (lambda t: t.update(subUnits=[{"pn": "p", "sn": "s"}]),
         "subUnits[0]: partType is required"),
        (lambda t: t["uut"].update(stepIdCausedUUTFailure=9),
         "uut.stepIdCausedUUTFailure: no step has id 9"),
    ],
)  # fmt: skip
def test_rule_violation_names_its_path(change: Any, expected: str) -> None:
    texts = [str(problem) for problem in problems_of(mutated(change))]
    assert any(text.startswith(expected) for text in texts), texts


def test_failed_child_under_passing_sequence_is_a_rollup_problem() -> None:
    def change(tree: dict[str, Any]) -> None:
        meas = tree["root"]["steps"][0]["numericMeas"][0]
        meas.update(value=9.0, status="F")
        tree["root"]["steps"][0]["status"] = "F"

    problems = problems_of(mutated(change))
    assert [(p.path, p.code) for p in problems] == [("root", "rollup")]
    assert "child steps[0] (Supply) has status F" in problems[0].message

    def fail_root_only(tree: dict[str, Any]) -> None:
        change(tree)
        tree["root"]["status"] = "F"

    problems = problems_of(mutated(fail_root_only))
    assert [str(p) for p in problems] == ["result: result P but the root step is F"]


def test_multi_step_rules() -> None:
    def change(tree: dict[str, Any]) -> None:
        step = tree["root"]["steps"][0]
        step["stepType"] = "ET_MNLT"
        step["numericMeas"] = [
            {"compOp": "LOG", "name": "a", "status": "P", "value": 1.0},
            {"compOp": "LT", "name": "a", "status": "F", "value": 2.0, "lowLimit": 1.0},
        ]

    messages = {p.message for p in problems_of(mutated(change))}
    assert "measurement names within a step must be unique" in messages
    assert "status P but a measurement failed" in messages


def test_uur_rules() -> None:
    tree = {"type": "R", "id": "0d7e3b52-91c4-4f0a-8b6d-2e5a7c9f1b30", "subUnits": [
        {"partType": "Module", "pn": "p", "sn": "s", "idx": 1}]}  # fmt: skip
    texts = {str(p) for p in problems_of(tree)}
    assert "uur: uur is required" in texts
    assert "subUnits: the repaired unit itself (idx 0) is required" in texts


def test_roll_up_fills_missing_statuses_only() -> None:
    def change(tree: dict[str, Any]) -> None:
        for step in (tree["root"], tree["root"]["steps"][0]):
            step.pop("status")
        tree["root"]["steps"][0]["numericMeas"][0].update(value=9.0, status="F")
        tree.pop("result")

    report = roll_up(report_from_dict(mutated(change)))
    assert isinstance(report, UUTReport)
    assert report.root is not None
    assert (report.root.children[0].status, report.root.status, report.result) == ("F", "F", "F")
    assert validate(report) == []
    assert json.loads(report.model_dump_json(by_alias=True, exclude_unset=True))["result"] == "F"


def test_validation_error_lists_every_problem() -> None:
    tree = mutated(lambda t: (t.pop("pn"), t.pop("sn")))
    with pytest.raises(ReportValidationError) as info:
        ensure_valid(report_from_dict(tree))
    assert len(info.value.problems) == 2
    assert "pn: pn is required" in str(info.value)


def _with_extra_step(step: dict[str, Any]) -> dict[str, Any]:
    return mutated(lambda t: t["root"]["steps"].append(step | {"group": "M", "name": "extra"}))


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ({"stepType": "WATS_XYGMNLT", "status": "P", "chart": {"series": [
            {"dataType": "XYG", "xdata": "1;2", "ydata": "1"}]}},
         "root.steps[1].chart.series[0]: xdata and ydata need the same number of points"),
        ({"stepType": "WATS_XYGMNLT", "status": "P", "chart": {"series": [
            {"dataType": "XYG", "xdata": "1;a", "ydata": "1;2"}]}},
         "root.steps[1].chart.series[0]: xdata/ydata must be ';'-separated numbers"),
        ({"stepType": "Action", "status": "D", "attachment": {"data": "not base64!"}},
         "root.steps[1].attachment.data: data is not valid base64"),
        ({"stepType": "ET_SVT", "status": "P", "stringMeas": [
            {"compOp": "CASESENSIT", "status": "P", "value": "a"}]},
         "root.steps[1].stringMeas[0]: compOp CASESENSIT needs limit"),
        ({"stepType": "ET_SVT", "status": "P", "stringMeas": [
            {"compOp": "GELE", "status": "P", "value": "a", "limit": "a"}]},
         "root.steps[1].stringMeas[0]: compOp 'GELE' is not a string operator"),
        ({"stepType": "ET_SVT", "status": "F", "stringMeas": [
            {"compOp": "IGNORECASE", "status": "F", "value": "A", "limit": "a"}]},
         "root.steps[1].stringMeas[0]: status F contradicts the limits (the value passes)"),
        ({"stepType": "ET_PFT", "status": "P", "booleanMeas": [{"status": "Y"}]},
         "root.steps[1].booleanMeas[0]: status 'Y' is not one of P, F, S"),
        ({"stepType": "ET_MPFT", "status": "P", "booleanMeas": [
            {"status": "P", "name": "a"}, {"status": "P"}]},
         "root.steps[1]: every measurement of a multiple step needs a name"),
        ({"stepType": "ET_NLT", "status": "P", "loop": {"idx": 0}},
         "root.steps[1]: loop iteration without a summary step before it"),
    ],
)  # fmt: skip
def test_step_rule_violation(step: dict[str, Any], expected: str) -> None:
    texts = [str(problem) for problem in problems_of(_with_extra_step(step))]
    assert expected in texts, texts


def test_loop_iteration_indexes_and_tallies_are_checked() -> None:
    def change(tree: dict[str, Any]) -> None:
        step = tree["root"]["steps"][0]
        summary = copy.deepcopy(step) | {
            "loop": {"idx": None, "num": 2, "endingIndex": 1, "passed": 0, "failed": 0}
        }
        iterations = [copy.deepcopy(step) | {"id": 3 + i, "loop": {"idx": 5 + i}} for i in range(2)]
        tree["root"]["steps"] = [summary, *iterations]

    codes = {p.code for p in problems_of(mutated(change))}
    assert {"loop-index", "loop-tally"} <= codes


def test_string_ordering_verdicts_are_not_second_guessed() -> None:
    # GT/LT/GE/LE on strings use the station's Windows culture ordering (§5.4): not portable
    step = {"stepType": "ET_SVT", "status": "P", "stringMeas": [
        {"compOp": "GT", "status": "P", "value": "a", "limit": "B"}]}  # fmt: skip
    assert problems_of(_with_extra_step(step)) == []
