"""Lossless WSJF round-trip over the real server exports."""

from __future__ import annotations

import json

from pywats.report import UURReport, UUTReport, parse_wsjf, report_to_dict, to_wsjf
from pywats.report.jsondiff import first_difference


def test_parse_then_serialise_gives_the_same_json_tree(wsjf_export: tuple[str, str]) -> None:
    name, text = wsjf_export
    report = parse_wsjf(text)
    difference = first_difference(json.loads(text), json.loads(to_wsjf(report)))
    assert difference is None, f"{name}: {difference}"


def test_report_to_dict_gives_the_same_json_tree(wsjf_export: tuple[str, str]) -> None:
    name, text = wsjf_export
    difference = first_difference(json.loads(text), report_to_dict(parse_wsjf(text)))
    assert difference is None, f"{name}: {difference}"


def test_bytes_input_parses_like_text(wsjf_export: tuple[str, str]) -> None:
    _, text = wsjf_export
    assert to_wsjf(parse_wsjf(text.encode("utf-8"))) == to_wsjf(parse_wsjf(text))


def test_report_kind_follows_type(wsjf_texts: dict[str, str]) -> None:
    assert isinstance(parse_wsjf(wsjf_texts["new_report_example.json"]), UUTReport)
    assert isinstance(parse_wsjf(wsjf_texts["uur_example.json"]), UURReport)


def test_fat_export_keeps_timestamp_text_and_exposes_aware_datetime(
    wsjf_texts: dict[str, str],
) -> None:
    report = parse_wsjf(wsjf_texts["uut-wsjf-export.json"])
    assert report.start is not None
    assert report.start.text == "2026-01-30T22:01:41.4707353+01:00"
    assert report.start.datetime.utcoffset() is not None
    assert report.start_utc is not None
    assert report.start.datetime == report.start_utc.datetime
    assert '"startUTC":"2026-01-30T21:01:41.4707353Z"' in to_wsjf(report)


def test_snake_case_attributes_map_to_wire_aliases(wsjf_texts: dict[str, str]) -> None:
    report = parse_wsjf(wsjf_texts["uut-wsjf-export.json"])
    assert isinstance(report, UUTReport)
    assert (report.pn, report.sn, report.type, report.result) == (
        "FATPartNo",
        "FATTest-325",
        "T",
        "F",
    )
    assert report.uut is not None
    assert report.uut.step_id_caused_uut_failure == 5
    assert report.machine_name == "OLALAPTOP"


def test_trailing_blanks_and_compop_spelling_survive(wsjf_texts: dict[str, str]) -> None:
    report = parse_wsjf(wsjf_texts["new_report_example.json"])
    revs = [unit.rev for unit in report.sub_units or []]
    assert "01     " in revs
    out = to_wsjf(report)
    assert '"compOp":"IgnoreCase"' in out
    assert '"IGNORECASE"' not in out


def test_children_under_non_sequence_step_types_survive(wsjf_texts: dict[str, str]) -> None:
    report = parse_wsjf(wsjf_texts["new_report_example.json"])
    assert isinstance(report, UUTReport)
    assert report.root is not None
    waits_with_children = [
        step for step in report.root.iter_tree() if step.step_type == "NI_Wait" and step.steps
    ]
    assert waits_with_children
    again = parse_wsjf(to_wsjf(report))
    assert isinstance(again, UUTReport)
    assert again.root is not None
    assert len(again.root.iter_tree()) == len(report.root.iter_tree()) == 281


def test_loop_fields_survive(wsjf_texts: dict[str, str]) -> None:
    report = parse_wsjf(wsjf_texts["uut-wsjf-export.json"])
    assert isinstance(report, UUTReport)
    assert report.root is not None
    loops = [step.loop for step in report.root.iter_tree() if step.loop is not None]
    assert len(loops) == 46
    assert sum(1 for loop in loops if loop.is_iteration) == 32
    dumped = report_to_dict(report)
    assert "endingIndex" in json.dumps(dumped)


def test_unknown_fields_and_explicit_nulls_are_kept() -> None:
    text = json.dumps(
        {
            "type": "T",
            "id": "5f0c9a7e-2d41-4c3b-9e8a-0b6f1d2c3a4e",
            "futureHeaderField": {"nested": [1, 2.5, None]},
            "productName": None,
            "root": {
                "stepType": "Vendor_Custom",
                "vendorExtra": "kept",
                "numericMeas": [{"value": "NaN", "compOp": "LOG", "newMeasField": True}],
            },
        }
    )
    out = json.loads(to_wsjf(parse_wsjf(text)))
    assert first_difference(json.loads(text), out) is None
    assert "uut" not in out


def test_first_difference_is_strict() -> None:
    assert first_difference({"a": None}, {}) == "$: missing key 'a'"
    assert first_difference({"a": 1}, {"a": True}) == "$.a: expected 1, got True"
    assert first_difference({"a": ["x "]}, {"a": ["x"]}) == "$.a[0]: expected 'x ', got 'x'"
    assert first_difference({"a": 1}, {"a": 1.0}) is None


def test_report_to_dict_writes_non_finite_numbers_as_wats_strings() -> None:
    text = '{"type":"T","root":{"numericMeas":[{"value":"NaN","lowLimit":"-Infinity"}]}}'
    tree = report_to_dict(parse_wsjf(text))
    assert tree["root"]["numericMeas"][0] == {"value": "NaN", "lowLimit": "-Infinity"}
    assert json.loads(json.dumps(tree, allow_nan=False)) == tree


def test_a_byte_order_mark_is_accepted(wsjf_texts: dict[str, str]) -> None:
    text = wsjf_texts["uur_example.json"]
    expected = to_wsjf(parse_wsjf(text))
    assert to_wsjf(parse_wsjf("\ufeff" + text)) == expected
    assert to_wsjf(parse_wsjf(b"\xef\xbb\xbf" + text.encode("utf-8"))) == expected
