"""Property tests: builder-made reports survive WSXF and WSTF; mutated input fails cleanly.

Each generator is restricted to what the target format carries (see
docs/report-formats-mapping.md): WSXF gets every builder feature, WSTF only the step kinds,
header keys and single-line text that its tab-delimited layout has columns for.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pywats.exceptions import ReportFormatError
from pywats.report import UURReport, UUTReport, parse_wsjf, to_wsjf
from pywats.report.builder import UUTBuilder
from pywats.report.jsondiff import first_difference
from pywats.report.wstf import parse_wstf, to_wstf
from pywats.report.wsxf import comparable_tree, parse_wsxf, to_wsxf

PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# XML 1.0 holds TAB/CR/LF (escaped) but no other control character, surrogate or U+FFFE/F.
XML_TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Cn"), include_characters="\t\r\n"),
    min_size=1,
    max_size=12,
).filter(str.strip)  # validation treats blank text as missing
# WSTF fields end at TAB and lines at CR/LF.
LINE_TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Cn", "Zl", "Zp")), min_size=1, max_size=12
).filter(str.strip)
FINITE = st.floats(allow_nan=False, allow_infinity=False, width=64)
INT32 = st.integers(-(2**31), 2**31 - 1)
ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5, minutes=-30))]
)
STARTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=ZONES
)
ONE_LIMIT_OPS = ("EQ", "NE", "GT", "LT", "GE", "LE")
TWO_LIMIT_OPS = ("GTLT", "GELE", "GELT", "GTLE", "LTGT", "LEGE", "LEGT", "LTGE")
STRING_OPS = ("EQ", "NE", "CASESENSIT", "IGNORECASE")

AddStep = Callable[[Any], None]


class _Names:
    """Unique step names: WSTF groups consecutive multi rows by step name."""

    def __init__(self, draw: st.DrawFn, text: st.SearchStrategy[str]) -> None:
        self._draw = draw
        self._text = text
        self._count = 0

    def next(self) -> str:
        self._count += 1
        return f"{self._draw(self._text)}#{self._count}"


@st.composite
def numeric_args(draw: st.DrawFn) -> dict[str, Any]:
    value = draw(FINITE)
    kind = draw(st.sampled_from(("LOG", "one", "two")))
    if kind == "LOG":
        return {"value": value, "comp_op": "LOG"}
    if kind == "one":
        return {
            "value": value,
            "low": draw(FINITE),
            "comp_op": draw(st.sampled_from(ONE_LIMIT_OPS)),
        }
    low, high = sorted((draw(FINITE), draw(FINITE)))
    return {
        "value": value,
        "low": low,
        "high": high,
        "comp_op": draw(st.sampled_from(TWO_LIMIT_OPS)),
    }


@st.composite
def string_args(draw: st.DrawFn, text: st.SearchStrategy[str]) -> dict[str, Any]:
    value = draw(text)
    if draw(st.booleans()):
        return {"value": value, "comp_op": "LOG"}
    limit = draw(st.one_of(st.just(value), text, st.just(value.upper())))
    return {"value": value, "limit": limit, "comp_op": draw(st.sampled_from(STRING_OPS))}


def _step_options(draw: st.DrawFn, text: st.SearchStrategy[str], rich: bool) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if draw(st.booleans()):
        options["tot_time"] = draw(st.floats(0, 1e6))
    if draw(st.booleans()):
        options["report_text"] = draw(text)
    if draw(st.booleans()):
        options["error_code"] = draw(INT32)
        options["error_message"] = draw(text)
    if rich:
        options["group"] = draw(st.sampled_from("SMC"))
        if draw(st.booleans()):
            options["start"] = draw(STARTS)
    return options


def _test_step(
    draw: st.DrawFn, kind: str, names: _Names, text: st.SearchStrategy[str], rich: bool
) -> AddStep:
    name = names.next()
    options = _step_options(draw, text, rich)
    if kind == "numeric":
        args = draw(numeric_args())
        unit = draw(st.one_of(st.none(), text))
        return lambda c: c.numeric(name, unit=unit, **args, **options)
    if kind == "string":
        args = draw(string_args(text))
        return lambda c: c.string(name, **args, **options)
    if kind == "pass_fail":
        passed = draw(st.booleans())
        return lambda c: c.pass_fail(name, passed=passed, **options)
    measure_names = draw(st.lists(text, min_size=1, max_size=3, unique=True))
    if kind == "multi_numeric":
        rows = [(m, draw(numeric_args())) for m in measure_names]
        return lambda c: _add_all(c.multi_numeric(name, **options), rows)
    if kind == "multi_string":
        rows = [(m, draw(string_args(text))) for m in measure_names]
        return lambda c: _add_all(c.multi_string(name, **options), rows)
    outcomes = [(m, {"passed": draw(st.booleans())}) for m in measure_names]
    return lambda c: _add_all(c.multi_pass_fail(name, **options), outcomes)


def _add_all(multi: Any, rows: list[tuple[str, dict[str, Any]]]) -> None:
    for measure_name, args in rows:
        multi.add(measure_name, **args)


def _rich_step(draw: st.DrawFn, kind: str, names: _Names) -> AddStep:
    """Step kinds only WSXF carries."""
    name = names.next()
    options = _step_options(draw, XML_TEXT, rich=True)
    if kind == "generic":
        step_type = draw(st.sampled_from(("NI_Wait", "Label", "Statement", "Goto")))
        return lambda c: c.generic(name, step_type, **options)
    if kind == "call_executable":
        code = draw(FINITE)
        return lambda c: c.call_executable(name, code, **options)
    if kind == "message_popup":
        response = draw(st.one_of(st.none(), XML_TEXT))
        button = draw(st.one_of(st.none(), st.integers(0, 5)))
        return lambda c: c.message_popup(name, response=response, button=button, **options)
    if kind == "chart":
        points = draw(st.lists(st.tuples(FINITE, FINITE), max_size=4))
        series = [(draw(XML_TEXT), [p[0] for p in points], [p[1] for p in points])]
        return lambda c: c.chart(name, series, x_label=draw(XML_TEXT), y_unit="V", **options)
    data = draw(st.binary(max_size=40))
    return lambda c: c.attachment(name, data, **options)


TEST_KINDS = ("numeric", "string", "pass_fail", "multi_numeric", "multi_string", "multi_pass_fail")
RICH_KINDS = ("generic", "call_executable", "message_popup", "chart", "attachment")


@st.composite
def step_plan(
    draw: st.DrawFn, names: _Names, text: st.SearchStrategy[str], rich: bool, depth: int = 0
) -> list[AddStep]:
    kinds = [*TEST_KINDS, "action", *(RICH_KINDS if rich else ())]
    if depth < 2:
        kinds.append("sequence")
    plan: list[AddStep] = []
    for _ in range(draw(st.integers(0, 4 if depth == 0 else 3))):
        kind = draw(st.sampled_from(kinds))
        if kind == "sequence":
            plan.append(_sequence_step(draw, names, text, rich, depth))
        elif kind == "action":
            plan.append(_action_step(names.next(), _step_options(draw, text, rich)))
        elif kind in TEST_KINDS:
            plan.append(_test_step(draw, kind, names, text, rich))
        else:
            plan.append(_rich_step(draw, kind, names))
    return plan


def _action_step(name: str, options: dict[str, Any]) -> AddStep:
    return lambda container: container.action(name, **options)


def _sequence_step(
    draw: st.DrawFn, names: _Names, text: st.SearchStrategy[str], rich: bool, depth: int
) -> AddStep:
    name = names.next()
    version = draw(st.one_of(st.none(), text)) if rich else None
    children = draw(step_plan(names, text, rich, depth + 1))

    def add(container: Any) -> None:
        with container.sequence(name, version=version) as seq:
            for child in children:
                child(seq)

    return add


@st.composite
def built_reports(draw: st.DrawFn, rich: bool) -> UUTReport:
    """A report made with :class:`UUTBuilder`; ``rich`` adds what only WSXF carries."""
    text = XML_TEXT if rich else LINE_TEXT
    optional = st.one_of(st.none(), text)
    builder = UUTBuilder(
        pn=draw(text),
        sn=draw(text),
        rev=draw(text),
        process_code=draw(st.integers(0, 32767)),
        station=draw(text),
        location=draw(text),
        purpose=draw(text),
        start=draw(STARTS),
        operator=draw(optional),
        process_name=draw(optional),
        sequence_name=draw(text),
        sequence_version=draw(optional),
        exec_time=draw(st.one_of(st.none(), st.floats(0, 1e6))),
        fixture_id=draw(optional),
        batch_sn=draw(optional),
        test_socket_index=draw(st.one_of(st.none(), st.integers(-1, 32767))),
        comment=draw(optional),
    )
    for _ in range(draw(st.integers(0, 2))):
        description = draw(text.filter(_usable_misc_name))
        if rich and draw(st.booleans()):
            builder.misc_info(description, numeric=draw(st.integers(-32768, 32767)))
        else:
            builder.misc_info(description, draw(text))
    for _ in range(draw(st.integers(0, 2))):
        position = draw(st.one_of(st.none(), st.integers(0, 99))) if rich else None
        builder.sub_unit(draw(text), draw(text), draw(text), draw(optional), position=position)
    if rich and draw(st.booleans()):
        builder.asset(draw(text), draw(st.integers(1, 10)))
    for add in draw(step_plan(_Names(draw, text), text, rich)):
        add(builder)
    return builder.build()


WSTF_HEADER_KEYS = frozenset(
    {
        "SerialNumber",
        "PartNumber",
        "Revision",
        "ReportId",
        "OperationTypeCode",
        "OperationTypeName",
        "StationName",
        "Location",
        "Purpose",
        "StartDateTime",
        "UTCStartDateTime",
        "UUTStatus",
        "OperatorName",
        "BatchSerialNumber",
        "Comment",
        "FixtureId",
        "ErrorCode",
        "ErrorMessage",
        "ExecutionTime",
        "TestSocketIndex",
        "SoftwareName",
        "SoftwareVersion",
        "Subunit",
    }
)


def _usable_misc_name(name: str) -> bool:
    return name == name.strip() and name not in WSTF_HEADER_KEYS


def _assert_same(original: UUTReport | UURReport, again: UUTReport | UURReport) -> None:
    difference = first_difference(comparable_tree(original), comparable_tree(again))
    assert difference is None, difference


@PROPERTY_SETTINGS
@given(built_reports(rich=True))
def test_builder_reports_survive_wsjf_wsxf_wsjf(report: UUTReport) -> None:
    from_json = parse_wsjf(to_wsjf(report))
    again = parse_wsjf(to_wsjf(parse_wsxf(to_wsxf(from_json))))
    _assert_same(from_json, again)


@PROPERTY_SETTINGS
@given(st.lists(built_reports(rich=False), min_size=1, max_size=3))
def test_builder_reports_survive_wsjf_wstf_wsjf(reports: list[UUTReport]) -> None:
    from_json = [parse_wsjf(to_wsjf(report)) for report in reports]
    again = parse_wstf(to_wstf(r for r in from_json if isinstance(r, UUTReport)))
    assert len(again) == len(from_json)
    for original, read_back in zip(from_json, again, strict=True):
        _assert_same(original, parse_wsjf(to_wsjf(read_back)))


@st.composite
def mutations(
    draw: st.DrawFn, size: int, alphabet: st.SearchStrategy[str]
) -> list[tuple[int, int, str]]:
    """Up to four edits: (start, length to remove, text to insert)."""
    edits = []
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, size))
        edits.append(
            (start, draw(st.integers(0, 8)), "".join(draw(st.lists(alphabet, max_size=4))))
        )
    return edits


def _outcome(parse: Callable[[str], object], text: str) -> object:
    """The parser's result, or the ReportFormatError it raised (anything else propagates)."""
    try:
        return parse(text)
    except ReportFormatError as exc:
        return exc


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for position, length, insert in edits:
        start = position % (len(text) + 1)
        text = text[:start] + insert + text[start + length :]
    return text


@pytest.fixture(scope="module")
def fat_xml_text(exports_dir: Path) -> str:
    return (exports_dir / "uut-wsxf-export.xml").read_text(encoding="utf-8")


XML_NOISE = st.sampled_from([*'<>/="& \tabcXYZ019.-;!?[]', "&#0;", "<!DOCTYPE", "]]>"])
WSTF_NOISE = st.sampled_from(
    [*"\t\n\r -.0159aEZ", "--UUT-End--", "SequenceCall", "EndSequenceCall"]
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=mutations(60_000, XML_NOISE))
def test_mutated_xml_gives_a_report_or_a_format_error(
    fat_xml_text: str, edits: list[tuple[int, int, str]]
) -> None:
    outcome = _outcome(parse_wsxf, _apply(fat_xml_text, edits))
    if isinstance(outcome, ReportFormatError):
        assert outcome.message
    else:
        assert isinstance(outcome, UUTReport | UURReport)


WSTF_SAMPLE = "\n".join(
    [
        "--Header-Start--",
        "SerialNumber\tDEMO0002",
        "OperationTypeCode\t10",
        "StartDateTime\t2025-03-04T10:00:00",
        "Firmware\t1.4.2",
        "Subunit\tPCBA\tP1\tS1\tA",
        "--Step-Data-Start--",
        "StepType\tStepName\tMeasureName\tValue\tLowLimit\tHighLimit\tCompOperator\tUnit\tStepStatus\tStepExecutionTime",
        "SequenceCall\tPower\t\t\t\t\t\t\t\t",
        "NumericLimitTest\tSupply voltage\t\t3.31\t3.2\t3.4\tGELE\tV\t\t0.12",
        "MultipleNumericLimitTest\tRails\t5V\t5.02\t4.9\t5.1\tGELE\tV\t\t",
        "MultipleNumericLimitTest\tRails\t12V\t12.1\t\t\tLOG\tV\t\t",
        "PassFailTest\tLED check\t\tTRUE\t\t\t\t\t\t1.5",
        "StringValueTest\tFirmware\t\t1.4.2\t1.4.2\t\tIGNORECASE\t\t\t0.05",
        "EndSequenceCall\t\t\t\t\t\t\t\t\t",
        "ActionStep\tDone\t\t\t\t\t\t\tDone\t",
        "--Step-Data-End--",
        "UUTStatus\tPassed",
        "--UUT-End--",
        "",
    ]
)


def test_wstf_sample_is_valid_before_mutation() -> None:
    (report,) = parse_wstf(WSTF_SAMPLE)
    assert report.result == "P"


@settings(max_examples=100, deadline=None)
@given(mutations(len(WSTF_SAMPLE), WSTF_NOISE))
def test_mutated_wstf_gives_reports_or_a_format_error(edits: list[tuple[int, int, str]]) -> None:
    outcome = _outcome(parse_wstf, _apply(WSTF_SAMPLE, edits))
    if isinstance(outcome, ReportFormatError):
        assert outcome.message
    else:
        assert isinstance(outcome, list)
        assert all(isinstance(report, UUTReport) for report in outcome)
