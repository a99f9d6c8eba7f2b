"""WSXF reading and writing against the real exports and hand-made edge cases."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pywats.exceptions import ReportFormatError
from pywats.report import (
    Step,
    UURReport,
    UUTReport,
    parse_wsjf,
    report_from_dict,
    report_to_dict,
)
from pywats.report.jsondiff import first_difference
from pywats.report.wsxf import comparable_tree, parse_wsxf, to_wsxf


@pytest.fixture(scope="module")
def fat_xml(exports_dir: Path) -> bytes:
    return (exports_dir / "uut-wsxf-export.xml").read_bytes()


@pytest.fixture(scope="module")
def fat_json(exports_dir: Path) -> str:
    return (exports_dir / "uut-wsjf-export.json").read_text(encoding="utf-8")


def _only_difference(expected: dict[str, Any], actual: dict[str, Any]) -> str | None:
    return first_difference(expected, actual)


def test_fat_xml_reads_into_the_same_model_as_fat_json(fat_xml: bytes, fat_json: str) -> None:
    from_xml = parse_wsxf(fat_xml)
    from_json = parse_wsjf(fat_json)
    difference = _only_difference(comparable_tree(from_json), comparable_tree(from_xml))
    assert difference is None, difference
    assert isinstance(from_xml, UUTReport)
    assert from_xml.root is not None
    assert len(from_xml.root.iter_tree()) == 186


def test_comparison_only_ignores_nulls_and_empty_lists(fat_json: str) -> None:
    tree = json.loads(fat_json)
    assert tree["assetStats"] == []
    assert tree["miscInfos"][0]["text"] is None
    pruned = comparable_tree(parse_wsjf(fat_json))
    assert "assetStats" not in pruned
    assert "text" not in pruned["miscInfos"][0]
    # A real value is never pruned: a change anywhere else is a difference.
    tree["root"]["steps"][0]["steps"][1]["numericMeas"][0]["lowLimit"] = 499.5
    changed = comparable_tree(report_from_dict(tree))
    assert first_difference(pruned, changed) == (
        "$.root.steps[0].steps[1].numericMeas[0].lowLimit: expected 500.0, got 499.5"
    )


def test_fat_xml_parse_write_parse_is_exact(fat_xml: bytes) -> None:
    first = parse_wsxf(fat_xml)
    written = to_wsxf(first)
    second = parse_wsxf(written)
    assert first_difference(report_to_dict(first), report_to_dict(second)) is None
    assert written.startswith('<?xml version="1.0" encoding="utf-8"?><Reports xmlns=')


def test_words_become_letters_and_back(fat_xml: bytes) -> None:
    report = parse_wsxf(fat_xml)
    assert isinstance(report, UUTReport)
    assert report.root is not None
    steps = {step.id: step for step in report.root.iter_tree()}
    assert (report.type, report.result) == ("T", "F")
    assert steps[36].status == "D"
    assert steps[36].boolean_meas is not None
    assert steps[36].boolean_meas[0].status == "P"
    assert steps[1].group == "M"
    assert report.id == "33a2d408-3fc8-480b-b554-6866c77fd91c"
    written = to_wsxf(report)
    assert 'ID="33A2D408-3FC8-480B-B554-6866C77FD91C"' in written
    assert 'Name="SinglePassDone" StepType="ET_PFT" Status="Done"' in written
    assert 'Result="Failed"' in written


def test_loops_charts_popups_and_multi_measurements_are_read(fat_xml: bytes) -> None:
    report = parse_wsxf(fat_xml)
    assert isinstance(report, UUTReport)
    assert report.root is not None
    steps = {step.id: step for step in report.root.iter_tree()}
    summary, first_iteration = steps[50], steps[56]
    assert summary.loop is not None
    assert (summary.loop.num, summary.loop.ending_index, summary.loop.passed) == (3, 3, 1)
    assert summary.loop.idx is None
    assert first_iteration.loop is not None
    assert first_iteration.loop.idx == 0
    chart = steps[47].chart
    assert chart is not None
    assert chart.series is not None
    assert [s.name for s in chart.series][:2] == ["Current", "Mean"]
    assert chart.series[0].xdata == "0;1;2;3"
    assert steps[47].numeric_meas is not None
    assert [m.name for m in steps[47].numeric_meas] == ["MinValue", "MaxValue", "Mean"]
    assert steps[129].message_popup is not None
    assert steps[129].message_popup.response == "Wrong Button :("
    assert steps[134].call_exe is not None
    assert steps[134].call_exe.exit_code == 2.0
    assert steps[44].report_text is not None
    assert steps[44].report_text.count("\n") >= 20


def test_measurements_are_ordered_by_meas_index() -> None:
    xml = _minimal_uut(
        '<Step Id="1" Group="Main" Name="R" StepType="ET_MNLT" Status="Passed">'
        '<NumericLimit Name="b" NumericValue="2" CompOperator="LOG" Status="Passed" MeasIndex="1"/>'
        '<NumericLimit Name="a" NumericValue="1" CompOperator="LOG" Status="Passed" MeasIndex="0"/>'
        "</Step>"
    )
    report = parse_wsxf(xml)
    assert isinstance(report, UUTReport)
    assert report.root is not None
    assert report.root.numeric_meas is not None
    assert [m.name for m in report.root.numeric_meas] == ["a", "b"]


def test_uur_export_round_trips_through_wsxf(exports_dir: Path) -> None:
    original = parse_wsjf((exports_dir / "uur_example.json").read_text(encoding="utf-8"))
    written = to_wsxf(original)
    assert '<Failures PartIdx="0" Idx="0"' in written
    assert 'ReferencedUUT="' in written
    again = parse_wsxf(written)
    assert isinstance(again, UURReport)
    assert first_difference(comparable_tree(original), comparable_tree(again)) is None


def test_production_export_round_trips_through_wsxf(exports_dir: Path) -> None:
    text = (exports_dir / "new_report_example.json").read_text(encoding="utf-8")
    original = parse_wsjf(text)
    again = parse_wsxf(to_wsxf(original))
    assert first_difference(comparable_tree(original), comparable_tree(again)) is None
    # Trailing blanks in attribute values survive.
    assert again.sub_units is not None
    assert any(unit.rev is not None and unit.rev.endswith("  ") for unit in again.sub_units)


def _full_uur_tree() -> dict[str, Any]:
    binary = {"name": "photo.png", "contentType": "image/png", "data": "iVBORw0KGgo="}
    return {
        "type": "R",
        "id": "0d7e3b52-91c4-4f0a-8b6d-2e5a7c9f1b30",
        "pn": "DEMO-PCBA-100",
        "sn": "DEMO0001",
        "rev": "B",
        "processCode": 500,
        "result": "P",
        "machineName": "REPAIR-01",
        "location": "Line 1",
        "purpose": "Repair",
        "start": "2025-03-05T14:30:00+01:00",
        "uur": {
            "user": "tech1",
            "comment": "Replaced U3\nand cleaned the board",
            "processCode": 10,
            "processName": "SW Debug",
            "refUUT": "5f0c9a7e-2d41-4c3b-9e8a-0b6f1d2c3a4e",
            "confirmDate": "2025-03-05T13:40:00+00:00",
            "finalizeDate": "2025-03-05T13:45:00+00:00",
            "execTime": 600.0,
            "children": ["11111111-2222-3333-4444-555555555555"],
        },
        "subUnits": [
            {"partType": "Main", "pn": "DEMO-PCBA-100", "sn": "DEMO0001", "rev": "B", "idx": 0},
            {
                "partType": "PSU",
                "pn": "PSU-1",
                "sn": "P77",
                "idx": 1,
                "parentIdx": 0,
                "failures": [
                    {
                        "category": "Component",
                        "code": "Defective",
                        "comRef": "U3",
                        "comment": "No output",
                        "refStepId": 2,
                        "artNumber": "LM317",
                        "attachments": [binary],
                    }
                ],
            },
        ],
        "miscInfos": [{"description": "Cause", "text": "ESD", "typedef": "T1"}],
        "binaryData": [
            {**binary, "name": "report.png", "id": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"}
        ],
        "assets": [{"assetSN": "DMM-1", "usageCount": 1}],
    }


def test_uur_failures_attachments_and_children_round_trip() -> None:
    original = report_from_dict(_full_uur_tree())
    written = to_wsxf(original)
    assert '<Failures PartIdx="1" Idx="0"' in written
    assert '<Binary FailIdx="0" BinaryDataIndex="0">' in written
    assert "<Children>11111111-2222-3333-4444-555555555555</Children>" in written
    again = parse_wsxf(written)
    assert first_difference(comparable_tree(original), comparable_tree(again)) is None


def _uut_tree_with_payloads() -> dict[str, Any]:
    prop = {
        "name": "Station",
        "type": "Obj",
        "props": [{"name": "Temp", "type": "Number", "value": "21.5", "numFormat": "%.1f"}],
        "array": {
            "dimension": 1,
            "type": "Number",
            "indexes": [{"text": "[0]", "indexes": [0], "value": {"name": "x", "value": "1"}}],
        },
    }
    return {
        "type": "T",
        "id": "5f0c9a7e-2d41-4c3b-9e8a-0b6f1d2c3a4e",
        "pn": "P",
        "sn": "S",
        "rev": "A",
        "processCode": 10,
        "result": "P",
        "machineName": "M",
        "location": "L",
        "purpose": "Production",
        "start": "2025-03-04T09:15:00.25+01:00",
        "uut": {"user": "op", "comment": "  padded  ", "execTime": 1.25},
        "additionalData": [{"name": "Station info", "props": [prop]}],
        "root": {
            "id": 1,
            "group": "S",
            "stepType": "SequenceCall",
            "name": 'Main <&> "quoted"\ttab',
            "status": "P",
            "start": "2025-03-04T09:15:00.3+01:00",
            "causedSeqFailure": False,
            "seqCall": {"path": "a.seq", "name": "Main", "version": "1.0"},
            "steps": [
                {
                    "id": 2,
                    "group": "C",
                    "stepType": "ET_NLT",
                    "name": "V",
                    "status": "P",
                    "reportText": "line1\r\nline2 & <b>",
                    "numericMeas": [
                        {
                            "compOp": "GELE",
                            "status": "P",
                            "value": 0.1,
                            "lowLimit": -1e-300,
                            "highLimit": 1e300,
                            "valueFormat": "%.3f",
                            "unit": "V",
                        }
                    ],
                    "attachment": {
                        "name": "a.bin",
                        "contentType": "application/octet-stream",
                        "data": "AAECAw==",
                    },
                    "additionalResults": [
                        {"name": "Extra", "props": [{"name": "k", "value": "v"}]}
                    ],
                },
                {
                    "id": 3,
                    "group": "M",
                    "stepType": "ET_SVT",
                    "name": "S",
                    "status": "F",
                    "stringMeas": [
                        {"compOp": "CASESENSIT", "status": "F", "value": "a", "limit": "A"}
                    ],
                    "loop": {"num": 2, "endingIndex": 1, "passed": 1, "failed": 1},
                },
            ],
        },
    }


def test_uut_payloads_round_trip_with_awkward_text() -> None:
    original = report_from_dict(_uut_tree_with_payloads())
    written = to_wsxf(original)
    assert "&#13;" in written  # CR in element text survives parsers' line-end handling
    assert "&#9;" in written
    again = parse_wsxf(written)
    assert first_difference(comparable_tree(original), comparable_tree(again)) is None


def test_step_index_is_shared_by_a_loop_summary_and_its_iterations() -> None:
    tree = _uut_tree_with_payloads()
    steps = tree["root"]["steps"]
    iteration = {**steps[1], "id": 4, "loop": {"idx": 0}}
    steps.insert(2, iteration)
    steps.append({"id": 5, "group": "M", "stepType": "Action", "name": "A", "status": "D"})
    written = to_wsxf(report_from_dict(tree))
    indexes = re.findall(r'<Step Id="(\d)"[^>]*StepIndex="(\d)"', written)
    assert indexes == [("1", "0"), ("2", "0"), ("3", "1"), ("4", "1"), ("5", "2")]


def _minimal_uut(step_xml: str, report_attrs: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<Reports xmlns="http://wats.virinco.com/schemas/WATS/Report/wsxf">'
        f'<Report type="UUT" ID="5F0C9A7E-2D41-4C3B-9E8A-0B6F1D2C3A4E" Result="Passed" SN="S"'
        f' PN="P" Rev="A" Start="2025-03-04T09:15:00+01:00"{report_attrs}>'
        f'<Process Code="10" />{step_xml}</Report></Reports>'
    )


def test_report_without_namespace_or_reports_wrapper_is_read() -> None:
    bare = '<Report type="UUR" ID="x" Result="Passed"><Process Code="500"/></Report>'
    report = parse_wsxf(bare)
    assert isinstance(report, UURReport)
    assert report.process_code == 500


@pytest.mark.parametrize(
    ("document", "location"),
    [
        ("<Reports><Report", "line 1, column 10"),
        ('<Reports>\n<Report type="UUT">\n</Reports>', "line 3, column 3"),
        ("", "line 1, column 1"),
        ("just text", "line 1, column 1"),
    ],
)
def test_malformed_xml_names_line_and_column(document: str, location: str) -> None:
    with pytest.raises(ReportFormatError) as caught:
        parse_wsxf(document)
    assert caught.value.location == location


@pytest.mark.parametrize(
    ("step_xml", "location"),
    [
        ('<Step Id="one" />', "Reports/Report[0]/Step[0]@Id"),
        ('<Step Id="1" Status="Fine" />', "Reports/Report[0]/Step[0]@Status"),
        ('<Step Id="1" Group="Middle" />', "Reports/Report[0]/Step[0]@Group"),
        (
            '<Step><Step/><Step><NumericLimit NumericValue="1,5"/></Step></Step>',
            "Reports/Report[0]/Step[0]/Step[1]/NumericLimit[0]@NumericValue",
        ),
        (
            '<Step><PassFail Status="Passed" MeasIndex="first"/></Step>',
            "Reports/Report[0]/Step[0]/PassFail[0]@MeasIndex",
        ),
        ('<Step StepCausedUUTFailure="maybe"/>', "Reports/Report[0]/Step[0]@StepCausedUUTFailure"),
        ('<Step total_time="1_000"/>', "Reports/Report[0]/Step[0]@total_time"),
        ('<Step total_time="inf"/>', "Reports/Report[0]/Step[0]@total_time"),
        ('<Step Id="1_0"/>', "Reports/Report[0]/Step[0]@Id"),
        ('<Step><Loop num="x"/></Step>', "Reports/Report[0]/Step[0]/Loop[0]@num"),
        ("<Step/><Step/>", "Reports/Report[0]/Step[1]"),
        ("<Step><Chart/><Chart/></Step>", "Reports/Report[0]/Step[0]/Chart[1]"),
    ],
)
def test_wrong_attribute_values_name_the_element_path(step_xml: str, location: str) -> None:
    with pytest.raises(ReportFormatError) as caught:
        parse_wsxf(_minimal_uut(step_xml))
    assert caught.value.location == location


def test_a_model_level_type_error_names_the_json_path() -> None:
    with pytest.raises(ReportFormatError) as caught:
        parse_wsxf(_minimal_uut("", ' Start_utc="yesterday"'))
    assert caught.value.location == "startUTC"


@pytest.mark.parametrize(
    "document",
    [
        "<Other/>",
        "<Reports/>",
        '<Reports><Report type="UUT"/><Report type="UUT"/></Reports>',
        '<Reports><Report type="XYZ"/></Reports>',
        "<Reports><Report/></Reports>",
    ],
)
def test_wrong_document_shape_is_refused(document: str) -> None:
    with pytest.raises(ReportFormatError):
        parse_wsxf(document)


def test_truncated_fixture_is_refused_with_a_position(fat_xml: bytes) -> None:
    for cut in (10, len(fat_xml) // 3, len(fat_xml) - 20):
        with pytest.raises(ReportFormatError) as caught:
            parse_wsxf(fat_xml[:cut])
        assert caught.value.location.startswith("line ")


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
    ']><Reports><Report type="UUT" SN="&c;"/></Reports>'
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<Reports><Report type="UUT" SN="&x;"/></Reports>'
)
EXTERNAL_DTD = '<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd"><Reports/>'


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_entity_bombs_and_external_references_are_refused(document: str) -> None:
    with pytest.raises(ReportFormatError, match="refused XML construct"):
        parse_wsxf(document)


def test_deep_nesting_is_refused_cleanly() -> None:
    depth = 50_000
    document = _minimal_uut("<Step>" * depth + "</Step>" * depth)
    with pytest.raises(ReportFormatError, match="nested too deeply"):
        parse_wsxf(document)


def test_a_model_too_deep_to_serialise_is_refused_on_write() -> None:
    step = Step.model_construct(name="leaf", status="D", step_type="Action")
    for i in range(5000):
        step = Step.model_construct(
            name=f"s{i}", status="P", step_type="SequenceCall", steps=[step]
        )
    report = UUTReport.model_construct(sn="S", result="P", root=step)
    with pytest.raises(ReportFormatError, match="cannot be serialised"):
        to_wsxf(report)


def test_non_text_input_is_refused() -> None:
    with pytest.raises(ReportFormatError, match="str or bytes"):
        parse_wsxf(12)  # type: ignore[arg-type]


def test_text_xml_cannot_hold_is_refused_on_write() -> None:
    tree = _uut_tree_with_payloads()
    tree["root"]["steps"][0]["name"] = "bell\x07"
    with pytest.raises(ReportFormatError) as caught:
        to_wsxf(report_from_dict(tree))
    assert caught.value.location == "root.steps[0]"
    assert "U+0007" in caught.value.message


def test_failures_on_a_unit_without_idx_are_refused_on_write() -> None:
    tree = _full_uur_tree()
    del tree["subUnits"][1]["idx"]
    with pytest.raises(ReportFormatError) as caught:
        to_wsxf(report_from_dict(tree))
    assert caught.value.location == "subUnits[1].failures[0]"


def test_failure_pointing_at_a_missing_unit_is_refused() -> None:
    document = (
        '<Reports><Report type="UUR"><ReportUnitHierarchy Idx="0" PN="p" SN="s"/>'
        '<Failures PartIdx="4" Idx="0"/></Report></Reports>'
    )
    with pytest.raises(ReportFormatError) as caught:
        parse_wsxf(document)
    assert caught.value.location == "Reports/Report[0]/Failures[0]@PartIdx"


def test_non_finite_numbers_use_xml_spellings() -> None:
    tree = _uut_tree_with_payloads()
    meas = tree["root"]["steps"][0]["numericMeas"][0]
    meas.update(value=float("nan"), lowLimit=float("-inf"), highLimit=float("inf"))
    written = to_wsxf(report_from_dict(tree))
    assert 'NumericValue="NaN"' in written
    assert 'LowLimit="-INF"' in written
    again = parse_wsxf(written)
    assert isinstance(again, UUTReport)
    assert again.root is not None
    assert again.root.steps is not None
    read_back = again.root.steps[0].numeric_meas
    assert read_back is not None
    assert read_back[0].high_limit == float("inf")


def test_legacy_part_info_lists_sub_units_when_no_hierarchy_is_given() -> None:
    part = '<PartInfo PartType="PCBA" PN="P1" SN="S1" Rev="A" order_no="0" idx="0"/>'
    report = parse_wsxf(_minimal_uut(part))
    assert report.sub_units is not None
    assert [(u.part_type, u.pn, u.sn, u.rev) for u in report.sub_units] == [
        ("PCBA", "P1", "S1", "A")
    ]
    both = parse_wsxf(_minimal_uut(part + '<ReportUnitHierarchy PN="P2" SN="S2"/>'))
    assert both.sub_units is not None
    assert [(u.pn, u.sn) for u in both.sub_units] == [("P2", "S2")]


def test_text_and_bytes_input_read_the_same(fat_xml: bytes) -> None:
    from_bytes = parse_wsxf(fat_xml)
    from_text = parse_wsxf(fat_xml.decode("utf-8"))
    assert first_difference(report_to_dict(from_bytes), report_to_dict(from_text)) is None
