"""The built-in converters on real exports and on bad input, and the CSV table converter."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conv_helpers import wsjf_bytes, wstf_bytes, wsxf_bytes

from pywats.report import ReportResult, UUTReport, parse_wsjf
from pywats_client.converters.base import ConversionError, ConverterLoadError, SourceFile
from pywats_client.converters.builtin import WsjfConverter, WstfConverter, WsxfConverter
from pywats_client.converters.execution import run_conversion
from pywats_client.converters.ids import derived_report_id
from pywats_client.converters.registry import load_registry
from pywats_client.converters.table import TableConverter, TableOptions

CSV_OPTIONS = {
    "group_by": ["Serial"],
    "columns": {"sn": "Serial", "start": "Start", "operator": "Operator"},
    "constants": {
        "pn": "PCB-100",
        "rev": "B",
        "process_code": "10",
        "station": "ICT-1",
        "location": "Line 1",
        "purpose": "Production",
    },
    "step_column": "Test",
    "value_column": "Value",
    "low_column": "Low",
    "high_column": "High",
    "unit_column": "Unit",
    "comp_op_column": "CompOp",
}
CSV_TEXT = (
    "Serial,Start,Operator,Test,Value,Low,High,Unit,CompOp\n"
    "SN-001,2026-11-23T08:00:00+01:00,ann,Voltage,3.3,3.0,3.6,V,GELE\n"
    "SN-001,2026-11-23T08:00:00+01:00,ann,Label,OK,,,,\n"
    "SN-001,2026-11-23T08:00:00+01:00,ann,Fuse,PASS,,,,\n"
    "SN-002,2026-11-23T08:05:00,bob,Voltage,4.1,3.0,3.6,V,GELE\n"
    "\n"
)


def test_wsjf_export_converts_keeping_its_id(exports_dir: Path) -> None:
    path = exports_dir / "uut-wsjf-export.json"
    data = path.read_bytes()
    loaded = load_registry(use_entry_points=False).get("wsjf")
    [converted] = run_conversion(loaded, SourceFile(path, data), None, "00" * 32)
    original = parse_wsjf(data)
    assert original.id is not None
    assert converted.report_id == original.id.lower()
    assert parse_wsjf(converted.payload).sn == original.sn


def test_wsxf_export_converts(exports_dir: Path) -> None:
    path = exports_dir / "uut-wsxf-export.xml"
    [report] = list(WsxfConverter().convert(SourceFile(path, path.read_bytes()), None))
    assert report.sn


def test_wstf_file_gives_one_report_per_uut() -> None:
    reports = list(WstfConverter().convert(SourceFile(Path("m.txt"), wstf_bytes("A", "B")), None))
    assert [r.sn for r in reports] == ["A", "B"]


@pytest.mark.parametrize(
    ("converter", "data", "words"),
    [
        (WsjfConverter(), b'{"type": "T", "pn": ', "WSJF"),
        (WsjfConverter(), b"[1, 2]", "WSJF"),
        (WsxfConverter(), b"<Reports><Report", "WSXF"),
        (WsxfConverter(), wsjf_bytes("X"), "WSXF"),
        (WstfConverter(), b"\xff\xfe not utf-8", "utf-8"),
        (WstfConverter(), b"garbage\twithout\theader\n", "WSTF"),
    ],
)
def test_bad_input_of_each_format_is_a_conversion_error(
    converter: WsjfConverter, data: bytes, words: str
) -> None:
    with pytest.raises(ConversionError, match=words):
        list(converter.convert(SourceFile(Path("bad.in"), data), None))


def test_wsxf_roundtrip_through_run_conversion_keeps_content() -> None:
    data = wsxf_bytes("SN-X")
    loaded = load_registry(use_entry_points=False).get("wsxf")
    [converted] = run_conversion(loaded, SourceFile(Path("x.xml"), data), None, "11" * 32)
    assert parse_wsjf(converted.payload).sn == "SN-X"


def test_csv_worked_example_gives_one_report_per_serial() -> None:
    options = TableOptions.model_validate(CSV_OPTIONS)
    source = SourceFile(Path("ict.csv"), CSV_TEXT.encode())
    first, second = list(TableConverter().convert(source, options))
    assert (first.sn, first.pn, first.rev, first.process_code) == ("SN-001", "PCB-100", "B", 10)
    assert first.result == ReportResult.PASSED
    assert second.result == ReportResult.FAILED
    assert isinstance(first, UUTReport)
    assert first.root is not None
    steps = first.root.steps or []
    assert [s.name for s in steps] == ["Voltage", "Label", "Fuse"]
    assert second.start is not None
    assert "08:05:00" in str(second.start)


def test_csv_ids_are_derived_from_the_source_never_random() -> None:
    loaded = load_registry(use_entry_points=False).get("csv")
    data = CSV_TEXT.encode()
    sha = hashlib.sha256(data).hexdigest()
    options = loaded.parse_options(CSV_OPTIONS)
    runs = [run_conversion(loaded, SourceFile(Path("a.csv"), data), options, sha) for _ in (1, 2)]
    assert [r.report_id for r in runs[0]] == [derived_report_id(sha, i) for i in (0, 1)]
    assert runs[0] == runs[1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Serial,Start\nA,2026-01-01T00:00:00\n", "columns missing"),
        ("Serial,Start,Operator,Test,Value,Low,High,Unit,CompOp\n", "no data rows"),
        (
            "Serial,Start,Operator,Test,Value,Low,High,Unit,CompOp\nA,yesterday,x,T,1,,,,\n",
            "bad start time",
        ),
        (
            "Serial,Start,Operator,Test,Value,Low,High,Unit,CompOp\nA,2026-01-01,x,T,1,low,,,\n",
            "not a number",
        ),
    ],
)
def test_bad_csv_rows_fail_with_a_reason(text: str, message: str) -> None:
    options = TableOptions.model_validate(CSV_OPTIONS)
    with pytest.raises(ConversionError, match=message):
        list(TableConverter().convert(SourceFile(Path("b.csv"), text.encode()), options))


def test_csv_options_are_validated_at_load() -> None:
    loaded = load_registry(use_entry_points=False).get("csv")
    with pytest.raises(ConverterLoadError, match="map these report fields"):
        loaded.parse_options({"columns": {"sn": "Serial"}})
    with pytest.raises(ConverterLoadError, match="unknown encoding"):
        loaded.parse_options({**CSV_OPTIONS, "encoding": "klingon"})


def test_wsjf_keeping_its_id_is_queued_byte_for_byte() -> None:
    loaded = load_registry(use_entry_points=False).get("wsjf")
    data = b" " + wsjf_bytes("BYTES", "0d9c1b2a-3e4f-4a5b-8c6d-7e8f90a1b2c3")
    [converted] = run_conversion(loaded, SourceFile(Path("a.json"), data), None, "22" * 32)
    assert converted.payload == data
    upper = wsjf_bytes("UPPER", "0D9C1B2A-3E4F-4A5B-8C6D-7E8F90A1B2C3")
    [normalised] = run_conversion(loaded, SourceFile(Path("b.json"), upper), None, "33" * 32)
    assert normalised.report_id == "0d9c1b2a-3e4f-4a5b-8c6d-7e8f90a1b2c3"
    assert parse_wsjf(normalised.payload).id == normalised.report_id
