"""Bad WSJF input: every failure is a ReportFormatError naming a JSON path or position."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pywats.exceptions import ReportFormatError
from pywats.report import UURReport, UUTReport, parse_wsjf, report_from_dict, to_wsjf, validate

FIXTURES = ("new_report_example.json", "uur_example.json", "uut-wsjf-export.json")


@pytest.mark.parametrize(
    ("data", "location"),
    [
        ("", "line 1, column 0"),
        ('{"type": "T", "pn": ', "line 1, column 20"),
        ('{"type": "T",\n "pn": "x",,}', "line 2, column 12"),
        (b"\xff\xfe{}", ""),
        ("[]", ""),
        ("42", ""),
        ('"T"', ""),
        ('{"pn": "x"}', "type"),
        ('{"type": "X"}', "type"),
        ('{"type": "T", "processCode": "ten"}', "processCode"),
        ('{"type": "T", "root": {"steps": [{}, {"numericMeas": [{"value": []}]}]}}',
         "root.steps[1].numericMeas[0].value"),
        ('{"type": "T", "root": {"steps": {"a": 1}}}', "root.steps"),
        ('{"type": "T", "start": "yesterday"}', "start"),
        ('{"type": "T", "start": "2026-02-30T10:00:00Z"}', "start"),
        ('{"type": "R", "uur": {"children": [1]}}', "uur.children[0]"),
    ],
)  # fmt: skip
def test_malformed_input_names_where(data: str | bytes, location: str) -> None:
    with pytest.raises(ReportFormatError) as info:
        parse_wsjf(data)
    if location:
        assert info.value.location == location
    assert str(info.value)


def test_syntax_error_position_is_reported() -> None:
    with pytest.raises(ReportFormatError) as info:
        parse_wsjf('{"type": "T",\n "pn": "x",,}')
    assert info.value.message.startswith("invalid JSON")


@pytest.mark.parametrize("depth", [150, 5_000])
def test_absurd_step_nesting_is_a_format_error(depth: int) -> None:
    text = '{"type": "T", "root": ' + '{"steps": [' * depth + "{}" + "]}" * depth + "}"
    with pytest.raises(ReportFormatError, match="recursion limit"):
        parse_wsjf(text)


def test_absurd_nesting_of_a_python_tree_is_a_format_error() -> None:
    step: dict[str, Any] = {}
    for _ in range(3_000):
        step = {"steps": [step]}
    with pytest.raises(ReportFormatError):
        report_from_dict({"type": "T", "root": step})


def test_non_text_input_is_a_format_error() -> None:
    with pytest.raises(ReportFormatError, match="str or bytes"):
        parse_wsjf(12)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", FIXTURES)
def test_every_truncation_point_sample_is_a_format_error(
    name: str, wsjf_texts: dict[str, str]
) -> None:
    data = wsjf_texts[name].encode("utf-8")
    for cut in range(0, len(data) - 1, max(1, len(data) // 97)):
        with pytest.raises(ReportFormatError):
            parse_wsjf(data[:cut])


def _paths(tree: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(tree, dict):
        for key, value in tree.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            found.extend(_paths(value, (*prefix, index)))
    return found


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=5,
)


def _mutate(tree: Any, data: st.DataObject, paths: list[tuple[Any, ...]]) -> None:
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        path = data.draw(st.sampled_from(paths), label="path")
        parent = tree
        try:
            for part in path[:-1]:
                parent = parent[part]
            if data.draw(st.booleans(), label="drop") and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = data.draw(JSON_VALUES, label="value")
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this path


def _check_outcome(text: str | bytes) -> None:
    try:
        report = parse_wsjf(text)
    except ReportFormatError:
        return  # the one acceptable failure; anything else propagates and fails the test
    assert isinstance(report, UUTReport | UURReport)
    validate(report)  # never crashes on a parseable report
    again = parse_wsjf(to_wsjf(report))
    assert to_wsjf(again) == to_wsjf(report)


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data(), name=st.sampled_from(FIXTURES))
def test_random_mutations_give_a_model_or_format_error(
    data: st.DataObject, name: str, wsjf_trees: dict[str, Any]
) -> None:
    tree = copy.deepcopy(wsjf_trees[name])
    _mutate(tree, data, _paths(tree))
    _check_outcome(json.dumps(tree))


@settings(max_examples=60, deadline=None, database=None, derandomize=True)
@given(data=st.data(), name=st.sampled_from(FIXTURES))
def test_random_byte_damage_gives_a_model_or_format_error(
    data: st.DataObject, name: str, wsjf_texts: dict[str, str]
) -> None:
    raw = bytearray(wsjf_texts[name].encode("utf-8"))
    cut = data.draw(st.integers(0, len(raw)), label="truncate at")
    damaged = raw[:cut]
    if damaged and data.draw(st.booleans(), label="flip a byte"):
        index = data.draw(st.integers(0, len(damaged) - 1), label="index")
        damaged[index] = data.draw(st.integers(0, 255), label="byte")
    _check_outcome(bytes(damaged))


@pytest.fixture(scope="module")
def wsjf_trees(wsjf_texts: dict[str, str]) -> dict[str, Any]:
    return {name: json.loads(text) for name, text in wsjf_texts.items()}


@pytest.mark.parametrize("function", [to_wsjf, validate])
def test_non_report_arguments_raise_format_error(function: Any) -> None:
    with pytest.raises(ReportFormatError, match="needs a UUTReport or UURReport, got dict"):
        function({"type": "T"})
