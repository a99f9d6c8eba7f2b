"""wats.report against the real emulator (and a mock transport for endpoints it lacks)."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from pywats.client import AsyncWATS
from pywats.exceptions import (
    InvalidArgumentError,
    NotFoundError,
    ReportRejectedError,
    UnexpectedResponseError,
)
from pywats.models.report import HeaderQuery, InsertReportResult, field
from pywats.report import UURReport, UUTBuilder, UUTReport, parse_wsjf, to_wsjf
from pywats.report.wsxf import to_wsxf
from pywats_emulator.testing import EmulatorHandle

START = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


def build_report(sn: str = "SN-0001", *, passed: bool = True, pn: str = "PCBA-100") -> UUTReport:
    builder = UUTBuilder(
        pn=pn,
        sn=sn,
        rev="A",
        process_code=100,
        station="ST-01",
        location="Lab",
        purpose="Development",
        start=START,
        operator="alice",
    )
    builder.numeric("Supply voltage", 5.01 if passed else 6.0, low=4.9, high=5.1, unit="V")
    builder.attachment("log.txt", b"hello from the station", content_type="text/plain")
    builder.misc_info("Firmware", "1.2.3")
    return builder.build()


def id_of(report: UUTReport) -> str:
    assert report.id is not None
    return report.id


@pytest.fixture
async def wats(emulator: EmulatorHandle) -> AsyncIterator[AsyncWATS]:
    async with AsyncWATS(base_url=emulator.base_url, token=emulator.token) as client:
        yield client


async def test_submit_stores_report_and_returns_typed_result(
    wats: AsyncWATS, emulator: EmulatorHandle
) -> None:
    report = build_report()
    result = await wats.report.submit(report)
    assert isinstance(result, InsertReportResult)
    assert str(result.id) == report.id
    rows = emulator.reports()
    assert [(r["id"], r["sn"], r["pn"]) for r in rows] == [(report.id, "SN-0001", "PCBA-100")]


async def test_read_back_as_model_json_and_xml(wats: AsyncWATS) -> None:
    report = build_report("SN-READ")
    await wats.report.submit(report)
    parsed = await wats.report.get(id_of(report))
    assert isinstance(parsed, UUTReport)
    assert (parsed.id, parsed.sn, parsed.pn, parsed.result) == (
        report.id,
        "SN-READ",
        "PCBA-100",
        "P",
    )
    text = await wats.report.get_wsjf(uuid.UUID(id_of(report)), detail_level=7)
    assert json.loads(text)["sn"] == "SN-READ"
    xml = await wats.report.get_wsxf(id_of(report), include_indexes=True)
    assert "<Reports" in xml
    assert "SN-READ" in xml


@pytest.mark.parametrize("name", ["new_report_example.json", "uur_example.json"])
async def test_submit_real_exports_as_is(wats: AsyncWATS, exports_dir: Path, name: str) -> None:
    wsjf = (exports_dir / name).read_bytes()
    result = await wats.report.submit_wsjf(wsjf)
    assert str(result.id) == json.loads(wsjf)["id"]
    stored = await wats.report.get(result.id)
    assert stored.sn == json.loads(wsjf)["sn"]


async def test_submit_and_read_back_a_repair_model(wats: AsyncWATS, exports_dir: Path) -> None:
    repair = parse_wsjf((exports_dir / "uur_example.json").read_bytes())
    assert isinstance(repair, UURReport)
    result = await wats.report.submit(repair)
    stored = await wats.report.get(result.id)
    assert isinstance(stored, UURReport)
    assert (stored.sn, stored.pn) == (repair.sn, repair.pn)


async def test_submit_wsxf_document(wats: AsyncWATS, emulator: EmulatorHandle) -> None:
    report = build_report("SN-XML")
    result = await wats.report.submit_wsxf(to_wsxf(report))
    assert str(result.id) == report.id
    assert [r["sn"] for r in emulator.reports()] == ["SN-XML"]


async def test_resubmitting_the_same_id_keeps_one_report(
    wats: AsyncWATS, emulator: EmulatorHandle
) -> None:
    report = build_report("SN-TWICE")
    await wats.report.submit(report)
    await wats.report.submit(report)
    rows = emulator.reports()
    assert len(rows) == 1
    assert rows[0]["receive_count"] == 2


async def test_invalid_report_is_rejected_with_server_text(wats: AsyncWATS) -> None:
    document = json.loads(to_wsjf(build_report()))
    del document["sn"]
    with pytest.raises(ReportRejectedError) as caught:
        await wats.report.submit_wsjf(json.dumps(document))
    assert caught.value.status_code == 400
    assert caught.value.server_message
    assert caught.value.path == "/api/Report/WSJF"


async def test_query_headers_with_odata_builder(wats: AsyncWATS) -> None:
    for index in range(3):
        await wats.report.submit(build_report(f"SN-Q{index}", passed=index != 1))
    await wats.report.submit(build_report("OTHER-1", pn="PCBA-200"))
    failed = await wats.report.query_headers(
        HeaderQuery(filter=field("partNumber").eq("PCBA-100") & field("result").eq("Failed"))
    )
    assert [h.serial_number for h in failed] == ["SN-Q1"]
    assert failed[0].report_type == "T"
    page = await wats.report.query_headers(
        HeaderQuery(
            filter=field("serialNumber").startswith("SN-Q"),
            top=2,
            orderby="serialNumber",
            expand=("miscInfo",),
        )
    )
    assert [h.serial_number for h in page] == ["SN-Q0", "SN-Q1"]
    assert page[0].misc_info is not None
    assert [(m.description, m.value) for m in page[0].misc_info] == [("Firmware", "1.2.3")]
    default = await wats.report.query_headers()
    assert len(default) == 4


async def test_headers_for_unit_and_by_misc_info(wats: AsyncWATS) -> None:
    report = build_report("SN-UNIT")
    await wats.report.submit(report)
    await wats.report.submit(build_report("SN-ELSE"))
    headers = await wats.report.headers_for_unit("SN-UNIT", "PCBA-100")
    assert [str(h.uuid) for h in headers] == [report.id]
    assert headers[0].station_name == "ST-01"
    rows = await wats.report.query_headers_by_misc_info(
        "Firmware", "1.2.3", serial_number="SN-UNIT"
    )
    assert [str(r.uuid) for r in rows] == [report.id]
    assert rows[0].misc_data is not None
    assert rows[0].misc_data[0].data == "1.2.3"


async def test_attachments_single_and_zip(wats: AsyncWATS) -> None:
    report = build_report("SN-ATT")
    await wats.report.submit(report)
    assert report.root is not None
    step_id = next(s.id for s in report.root.steps or [] if s.attachment is not None)
    assert step_id is not None
    content = await wats.report.get_attachment(id_of(report), step_id=step_id)
    assert content == b"hello from the station"
    archive = await wats.report.get_attachments_zip(id_of(report))
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        assert [zipped.read(name) for name in zipped.namelist()] == [b"hello from the station"]
    with pytest.raises(InvalidArgumentError):
        await wats.report.get_attachment(id_of(report))


async def test_certificate_is_a_pdf(wats: AsyncWATS) -> None:
    report = build_report("SN-CERT")
    await wats.report.submit(report)
    pdf = await wats.report.get_certificate(id_of(report))
    assert pdf.startswith(b"%PDF")


async def test_processing_state_internal(wats: AsyncWATS) -> None:
    report = build_report("SN-STATE")
    await wats.report.submit(report)
    state = await wats.report.processing_state_internal(id_of(report))
    assert str(state.uuid) == report.id
    assert state.receive_count == 1


async def test_unknown_and_malformed_ids(wats: AsyncWATS) -> None:
    with pytest.raises(NotFoundError) as caught:
        await wats.report.get(uuid.uuid4())
    assert caught.value.status_code == 404
    with pytest.raises(InvalidArgumentError, match="GUID"):
        await wats.report.get_wsjf("not-a-guid")
    with pytest.raises(InvalidArgumentError, match="detail_level"):
        await wats.report.get_wsjf(uuid.uuid4(), detail_level=9)
    with pytest.raises(InvalidArgumentError, match="empty"):
        await wats.report.submit_wsjf("  ")


def mock_wats(handler: httpx.MockTransport) -> AsyncWATS:
    return AsyncWATS(base_url="http://wats.test", token="dG9rZW4=", transport=handler, retries=0)


async def test_certificate_and_exports_via_mock_transport() -> None:
    """The emulator has no export endpoints; check the wire calls instead."""
    seen: list[httpx.Request] = []
    report_id = uuid.uuid4()

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        path = request.url.path
        if path.startswith("/api/Report/Certificate/"):
            return httpx.Response(200, content=b"%PDF-1.7")
        if path == "/api/Export/Certificate":
            return httpx.Response(200, json={"queued": True})
        if path == "/api/Export/List":
            return httpx.Response(200, json=["a b.zip"])
        return httpx.Response(200, content=b"PK")

    async with mock_wats(httpx.MockTransport(handler)) as wats:
        assert await wats.report.get_certificate(report_id) == b"%PDF-1.7"
        queued = await wats.report.export_certificates({"partNumber": "X"}, email="q@a.b")
        assert queued == {"queued": True}
        assert await wats.report.list_exports() == ["a b.zip"]
        assert await wats.report.download_export("a b.zip") == b"PK"
    assert seen[0].url.path == f"/api/Report/Certificate/{report_id}"
    assert seen[1].url.params["headerDataOnly"] == "false"
    assert json.loads(seen[1].content) == {"partNumber": "X"}
    assert seen[3].url.raw_path == b"/api/Export/a%20b.zip"


async def test_insert_result_shapes_via_mock_transport() -> None:
    ident = str(uuid.uuid4())
    answers = iter([[{"ID": ident, "uuid": ident, "Report_ID": 7}], {"id": ident}, {"x": 1}])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=next(answers))

    async with mock_wats(httpx.MockTransport(handler)) as wats:
        first = await wats.report.submit_wsjf("{}")
        assert (str(first.id), first.report_id) == (ident, 7)
        second = await wats.report.submit_wsjf("{}")
        assert str(second.id) == ident
        with pytest.raises(UnexpectedResponseError, match="InsertReportResult"):
            await wats.report.submit_wsjf("{}")
