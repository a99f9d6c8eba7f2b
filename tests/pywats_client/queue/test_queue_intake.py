"""accept_file: real WSJF/WSXF exports and WSTF text become queue entries; junk is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from queue_helpers import QueueFactory, disk_files

from pywats.report import UUTBuilder, UUTReport, parse_wsjf
from pywats.report.wstf import to_wstf
from pywats_client.errors import InputFileError
from pywats_client.queue import EntryState
from pywats_client.queue.intake import InputFormat, accept_file, detect_format

IDS = ("5f0c9a7e-2d41-4c3b-9e8a-0b6f1d2c3a4e", "5f0c9a7e-2d41-4c3b-9e8a-0b6f1d2c3a4f")


def _uut(serial: str, report_id: str) -> UUTReport:
    builder = UUTBuilder(
        pn="PN", sn=serial, rev="A", process_code=10, station="ST", location="Lab",
        purpose="Q", operator="op", start=datetime(2026, 1, 1, tzinfo=UTC), report_id=report_id,
    )  # fmt: skip
    with builder.sequence("Main") as seq:
        seq.numeric("V1", 1.0, low=0.5, high=2.5, comp_op="GELE", unit="V")
    return builder.build()


def _wstf_file(tmp_path: Path, *, drop_second_id: bool = False) -> Path:
    text = to_wstf([_uut("S1", IDS[0]), _uut("S2", IDS[1])])
    if drop_second_id:
        text = text.replace(f"ReportId\t{IDS[1]}\n", "")
    path = tmp_path / "batch.txt"
    path.write_text(text)
    return path


def test_wsjf_export_is_stored_byte_for_byte(open_queue: QueueFactory, exports_dir: Path) -> None:
    queue = open_queue()
    path = exports_dir / "uut-wsjf-export.json"
    [result] = accept_file(queue, path, source={"converter": "none"})
    assert result.entry.report_id == "33a2d408-3fc8-480b-b554-6866c77fd91c"
    assert queue.read_payload(result.entry.report_id) == path.read_bytes()
    meta = queue.get(result.entry.report_id).meta
    assert meta is not None
    assert meta.source["format"] == "wsjf"
    assert meta.source["converter"] == "none"
    assert len(meta.source["sha256"]) == 64


def test_repair_report_is_accepted(open_queue: QueueFactory, exports_dir: Path) -> None:
    [result] = accept_file(open_queue(), exports_dir / "uur_example.json")
    assert result.entry.state is EntryState.QUEUED


def test_wsxf_export_becomes_wsjf(open_queue: QueueFactory, exports_dir: Path) -> None:
    queue = open_queue()
    [result] = accept_file(queue, exports_dir / "uut-wsxf-export.xml")
    report = parse_wsjf(queue.read_payload(result.entry.report_id))
    assert report.id == result.entry.report_id
    assert isinstance(report, UUTReport)


def test_wstf_file_gives_one_entry_per_report(open_queue: QueueFactory, tmp_path: Path) -> None:
    queue = open_queue()
    results = accept_file(queue, _wstf_file(tmp_path))
    assert [r.entry.report_id for r in results] == list(IDS)
    payload = json.loads(queue.read_payload(IDS[1]))
    assert payload["sn"] == "S2"


def test_report_without_id_gets_a_stable_derived_id(
    open_queue: QueueFactory, tmp_path: Path, queue_dir: Path
) -> None:
    queue = open_queue()
    path = _wstf_file(tmp_path, drop_second_id=True)
    first = accept_file(queue, path)
    again = accept_file(queue, path)
    assert first[1].entry.report_id not in IDS
    assert [r.entry.report_id for r in again] == [r.entry.report_id for r in first]
    assert all(r.duplicate for r in again)
    assert len(disk_files(queue_dir)) == 2


def test_same_file_twice_is_accepted_once(
    open_queue: QueueFactory, exports_dir: Path, queue_dir: Path
) -> None:
    queue = open_queue()
    accept_file(queue, exports_dir / "new_report_example.json")
    [again] = accept_file(queue, exports_dir / "new_report_example.json")
    assert again.duplicate
    assert len(disk_files(queue_dir)) == 1


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bad.json", b'{"type": "T", "id": ', "not a readable WSJF"),
        ("bad.xml", b"<Reports><Report", "not a readable WSXF"),
        ("bad.txt", b"\xff\xfe garbage", "UTF-8"),
        ("empty.txt", b"", "no UUT found"),
        ("noid.json", b'{"type":"T","id":"station-1","pn":"X","sn":"Y"}', "GUID"),
    ],
)
def test_unreadable_input_raises_and_leaves_file_and_queue_alone(
    open_queue: QueueFactory, tmp_path: Path, queue_dir: Path, name: str, content: bytes,
    reason: str,
) -> None:  # fmt: skip
    queue = open_queue()
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=reason) as caught:
        accept_file(queue, path)
    assert caught.value.path == str(path)
    assert path.read_bytes() == content
    assert disk_files(queue_dir) == []
    kept = queue.quarantine_input(content, name, caught.value.reason)
    assert kept.read_bytes() == content
    assert caught.value.reason in kept.with_name(kept.name + ".reason").read_text()


def test_missing_file_is_an_input_error(open_queue: QueueFactory, tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="cannot read"):
        accept_file(open_queue(), tmp_path / "gone.json")


def test_validation_on_request_refuses_reports_the_server_would_reject(
    open_queue: QueueFactory, tmp_path: Path
) -> None:
    report = _uut("S1", IDS[0]).model_copy(update={"sn": ""})
    path = tmp_path / "invalid.json"
    path.write_text(report.model_dump_json(by_alias=True, exclude_none=True))
    queue = open_queue()
    with pytest.raises(InputFileError, match="validation"):
        accept_file(queue, path, validate=True)


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.JSON", b"", InputFormat.WSJF),
        ("a.xml", b"", InputFormat.WSXF),
        ("a.wstf", b"", InputFormat.WSTF),
        ("a.dat", b"\xef\xbb\xbf  {", InputFormat.WSJF),
        ("a.dat", b"\n<?xml", InputFormat.WSXF),
        ("a.dat", b"--Header-Start--", InputFormat.WSTF),
    ],
)
def test_format_detection(name: str, head: bytes, expected: InputFormat) -> None:
    assert detect_format(Path(name), head) is expected
