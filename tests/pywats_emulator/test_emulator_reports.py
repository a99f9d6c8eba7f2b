"""Report domain over real HTTP: submit, validation, idempotency, read-back, WSXF, files."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import parse_wsjf
from pywats.report.wsxf import parse_wsxf, to_wsxf
from pywats_emulator.certificate import pdf_text
from pywats_emulator.config import EmulatorConfig, LoopCounters
from pywats_emulator.demo import demo_uur, demo_uut
from pywats_emulator.repairrules import fail_codes
from pywats_emulator.testing import EmulatorHandle


@pytest.fixture
async def http(emulator: EmulatorHandle) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=emulator.base_url, headers=emulator.auth_headers, timeout=30
    ) as client:
        yield client


async def submit(http: httpx.AsyncClient, report: dict[str, Any]) -> httpx.Response:
    return await http.post("/api/Report/WSJF", content=json.dumps(report))


async def test_submit_stores_report_and_answers_insert_result(
    http: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    report = demo_uut(1, failing_step=2)
    response = await submit(http, report)
    assert response.status_code == 200
    result = response.json()
    assert result["ID"] == report["id"]
    assert result["uuid"] == report["id"]
    assert isinstance(result["Report_ID"], int)
    [row] = emulator.reports()
    assert row["body"] == report
    assert (row["pn"], row["sn"], row["rev"], row["type"]) == (
        "DEMO-PCBA-100",
        "DEMO000001",
        "B",
        "T",
    )
    assert (row["result"], row["process_code"], row["operator"]) == ("F", 10, "operator1")
    assert row["start_utc"] == "2026-01-05T08:01:00.000000Z"
    assert row["caused_uut_failure"] is None
    assert row["receive_count"] == 1
    assert row["run"] == 1


async def test_resubmitting_the_same_id_is_idempotent(
    http: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    report = demo_uut(7)
    first = await submit(http, report)
    second = await submit(http, report)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    rows = emulator.reports()
    assert [(r["id"], r["receive_count"]) for r in rows] == [(report["id"], 2)]


async def test_runs_count_per_unit_and_process(
    http: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    for number in (1, 2, 3):
        assert (await submit(http, demo_uut(number, sn="SAME-1"))).status_code == 200
    assert [r["run"] for r in emulator.reports()] == [1, 2, 3]


async def test_invalid_report_is_400_with_path_prefixed_lines(
    http: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    report = demo_uut(1)
    report["root"]["steps"][0]["status"] = "F"  # its measurement says P
    del report["pn"]
    response = await submit(http, report)
    assert response.status_code == 400
    lines = response.json()["Message"].split("\n")
    assert "root -> step Voltage 1: Status cannot be different from measurement status." in lines
    assert any(line.startswith("pn: ") for line in lines)
    assert emulator.reports() == []


async def test_loop_problems_name_the_loop_and_index(http: httpx.AsyncClient) -> None:
    report = demo_uut(1)
    step = report["root"]["steps"][0]
    step["loop"] = {"num": 5, "endingIndex": 1, "passed": 1, "failed": 0}
    response = await submit(http, report)
    assert response.status_code == 400
    assert response.json()["Message"].startswith("root -> loop Voltage 1: ")


async def test_malformed_json_and_wrong_shapes_are_400(http: httpx.AsyncClient) -> None:
    broken = await http.post("/api/Report/WSJF", content=b'{"type": "T", ')
    array = await http.post("/api/Report/WSJF", content=b"[1, 2]")
    wrong_type = await http.post("/api/Report/WSJF", content=json.dumps({"type": "X"}))
    assert [broken.status_code, array.status_code, wrong_type.status_code] == [400, 400, 400]
    assert "line 1" in broken.json()["Message"]
    assert "type" in wrong_type.json()["Message"]


async def test_process_codes_are_checked_against_the_register(http: httpx.AsyncClient) -> None:
    unknown = await submit(http, demo_uut(1, process_code=999))
    repair_as_test = await submit(http, demo_uut(2, process_code=500))
    misnamed = demo_uut(3)
    misnamed["processName"] = "sw debug"
    wrong_name = await submit(http, misnamed)
    assert unknown.json()["Message"] == (
        "processCode: Process code 999 is not defined on this server."
    )
    assert repair_as_test.json()["Message"] == (
        "processCode: Process code 500 (Repair) is not a test operation."
    )
    assert wrong_name.json()["Message"] == (
        "processName: 'sw debug' is not the name of process 10 ('SW Debug')."
    )


async def test_read_back_has_server_fields_and_null_policy(http: httpx.AsyncClient) -> None:
    report = demo_uut(3)
    assert (await submit(http, report)).status_code == 200
    response = await http.get(f"/api/Report/Wsjf/{report['id'].upper()}")
    assert response.status_code == 200
    back = response.json()
    assert list(back)[:6] == ["type", "id", "pn", "sn", "rev", "productName"]
    assert back["processName"] == "SW Debug"
    assert back["startUTC"] == "2026-01-05T08:03:00Z"
    assert back["origin"]
    assert (back["assets"], back["assetStats"], back["additionalData"]) == ([], [], [])
    assert "binaryData" not in back
    assert back["uut"]["errorCode"] is None
    assert back["root"] == report["root"]
    assert parse_wsjf(response.content).id == report["id"]


async def test_read_back_detail_level_zero_and_unknown_id(http: httpx.AsyncClient) -> None:
    report = demo_uut(4)
    await submit(http, report)
    short = (await http.get(f"/api/Report/Wsjf/{report['id']}?detailLevel=0")).json()
    assert "root" not in short
    assert short["sn"] == report["sn"]
    bad_level = await http.get(f"/api/Report/Wsjf/{report['id']}?detailLevel=9")
    missing = await http.get("/api/Report/Wsjf/00000000-0000-0000-0000-000000000000")
    assert bad_level.status_code == 400
    assert missing.status_code == 404
    assert "was not found" in missing.json()["Message"]


async def test_repair_report_links_to_its_test(http: httpx.AsyncClient) -> None:
    uut = demo_uut(5, failing_step=1)
    uur = demo_uur(5, uut)
    assert (await submit(http, uut)).status_code == 200
    assert (await submit(http, uur)).status_code == 200
    test_back = (await http.get(f"/api/Report/Wsjf/{uut['id']}")).json()
    repair_back = (await http.get(f"/api/Report/Wsjf/{uur['id']}")).json()
    assert test_back["uut"]["refUURs"] == [{"id": uur["id"], "start": uur["start"]}]
    assert not {"root", "uut"} & set(repair_back)
    assert repair_back["uur"]["processName"] == "SW Debug"
    assert repair_back["processName"] == "Repair"
    assert repair_back["uur"]["parent"] is None


async def test_real_exports_are_accepted(http: httpx.AsyncClient, exports_dir: Path) -> None:
    for name in ("new_report_example.json", "uur_example.json"):
        data = (exports_dir / name).read_bytes()
        response = await http.post("/api/Report/WSJF", content=data)
        assert response.status_code == 200, response.text
        report_id = json.loads(data)["id"]
        back = (await http.get(f"/api/Report/Wsjf/{report_id}")).json()
        assert back["sn"] == json.loads(data)["sn"]


async def test_fat_export_is_rejected_like_the_real_server(
    http: httpx.AsyncClient, exports_dir: Path
) -> None:
    data = (exports_dir / "uut-wsjf-export.json").read_bytes()
    response = await http.post("/api/Report/WSJF", content=data)
    assert response.status_code == 400
    assert "Status cannot be different from measurement status." in response.text


async def test_wsxf_submit_and_read_back(http: httpx.AsyncClient, emulator: EmulatorHandle) -> None:
    report = parse_wsjf(json.dumps(demo_uut(6)))
    xml = to_wsxf(report)
    response = await http.post(
        "/api/Report/WSXF", content=xml, headers={"Content-Type": "application/xml"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["ID"] == report.id
    assert emulator.reports()[0]["format"] == "wsxf"
    back = await http.get(f"/api/Report/Wsxf/{report.id}")
    assert back.headers["content-type"].startswith("application/xml")
    again = parse_wsxf(back.content)
    assert (again.id or "").lower() == report.id
    assert again.sn == report.sn
    bad = await http.post("/api/Report/WSXF", content=b"<Reports><Report")
    assert bad.status_code == 400


async def test_attachments_single_and_zip(http: httpx.AsyncClient) -> None:
    report = demo_uut(8)
    payload = b"\x89PNG fake image bytes"
    report["root"]["steps"][1]["attachment"] = {
        "name": "scope.png",
        "contentType": "image/png",
        "data": base64.b64encode(payload).decode(),
    }
    await submit(http, report)
    step_id = report["root"]["steps"][1]["id"]
    one = await http.get(
        "/api/Report/Attachment", params={"reportId": report["id"], "stepId": step_id}
    )
    assert one.status_code == 200
    assert one.content == payload
    assert one.headers["content-type"] == "image/png"
    archive = await http.get(f"/api/Report/Attachments/{report['id']}")
    with zipfile.ZipFile(io.BytesIO(archive.content)) as files:
        assert [files.read(n) for n in files.namelist()] == [payload]
    stripped = (await http.get(f"/api/Report/Wsjf/{report['id']}?includeAttachments=false")).json()
    assert stripped["root"]["steps"][1]["attachment"]["data"] is None
    missing = await http.get(
        "/api/Report/Attachment", params={"reportId": report["id"], "stepId": 99}
    )
    no_report = await http.get("/api/Report/Attachment", params={"stepId": 2})
    assert (missing.status_code, no_report.status_code) == (404, 400)


async def test_repair_attachment_found_by_attachment_id(http: httpx.AsyncClient) -> None:
    uut = demo_uut(9)
    uur = demo_uur(9, uut)
    uur["binaryData"] = [
        {"id": "ABCDEF01-2345-6789-ABCD-EF0123456789", "name": "photo.jpg",
         "contentType": "image/jpeg", "data": base64.b64encode(b"jpeg").decode()}
    ]  # fmt: skip
    await submit(http, uut)
    assert (await submit(http, uur)).status_code == 200
    found = await http.get(
        "/api/Report/Attachment", params={"attachmentId": "abcdef01-2345-6789-abcd-ef0123456789"}
    )
    assert found.content == b"jpeg"


async def test_header_by_misc_info_and_report_state(http: httpx.AsyncClient) -> None:
    first, second = demo_uut(10), demo_uut(11)
    second["miscInfos"] = [{"description": "Firmware", "text": "2.0.0"}]
    await submit(http, first)
    await submit(http, second)
    await submit(http, second)
    found = await http.get(
        "/api/Report/Query/HeaderByMiscInfo", params={"description": "Firmware", "data": "2.0.0"}
    )
    assert [h["uuid"] for h in found.json()] == [second["id"]]
    assert found.json()[0]["miscData"] == [{"description": "Firmware", "data": "2.0.0"}]
    pywats_style = await http.get(
        "/api/Report/Query/HeaderByMiscInfo",
        params={"description": "Firmware", "stringValue": "1.4.2"},
    )
    assert [h["uuid"] for h in pywats_style.json()] == [first["id"]]
    state = (await http.get(f"/api/internal/Report/GetReportState/{second['id']}")).json()
    assert state["State"] == "Processed"
    assert state["ReceiveCount"] == 2


async def test_certificate_is_a_pdf_naming_the_unit(http: httpx.AsyncClient) -> None:
    report = demo_uut(12, sn="SN (12)")
    await submit(http, report)
    response = await http.get(f"/api/Report/Certificate/{report['id']}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-1.4")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert b"Serial number: SN \\(12\\)" in pdf
    xref_at = int(pdf.rsplit(b"startxref", 1)[1].split()[0])
    assert pdf[xref_at:].startswith(b"xref")
    missing = await http.get("/api/Report/Certificate/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404


def test_pdf_text_escapes_and_stays_latin1() -> None:
    assert pdf_text("a(b)\\c") == "a\\(b\\)\\\\c"
    assert pdf_text("Ωhm") == "?hm"


def looped(number: int, num: int, ending_index: int) -> dict[str, Any]:
    report = demo_uut(number)
    report["root"]["steps"][0]["loop"] = {
        "num": num, "endingIndex": ending_index, "passed": num, "failed": 0,
    }  # fmt: skip
    return report


@pytest.mark.parametrize(
    ("rule", "accepted"),
    [("either", [True, True]), ("strict", [False, True]), ("export", [True, False])],
)
async def test_loop_counter_rule_is_configurable(
    emulator_factory: Callable[..., EmulatorHandle], rule: LoopCounters, accepted: list[bool]
) -> None:
    handle = emulator_factory(EmulatorConfig(port=0, loop_counters=rule))
    async with httpx.AsyncClient(base_url=handle.base_url, headers=handle.auth_headers) as c:
        export_style = await submit(c, looped(1, num=2, ending_index=2))
        strict_style = await submit(c, looped(2, num=3, ending_index=2))
    assert [export_style.status_code == 200, strict_style.status_code == 200] == accepted


async def test_repair_types_are_checked_when_enabled(
    emulator_factory: Callable[..., EmulatorHandle], exports_dir: Path
) -> None:
    handle = emulator_factory(EmulatorConfig(port=0, check_repair_types=True))
    bad = demo_uur(1, demo_uut(1))
    bad["miscInfos"] = [
        {"description": "Rework time (min)", "text": "ten"},
        {"description": "Colour", "text": "red"},
    ]
    good = demo_uur(2, demo_uut(2))
    good["subUnits"][0]["failures"][0]["code"] = "Burned Component"
    good["miscInfos"] = [{"description": "Rework time (min)", "text": "15"}]
    async with httpx.AsyncClient(base_url=handle.base_url, headers=handle.auth_headers) as c:
        real = await c.post(
            "/api/Report/WSJF", content=(exports_dir / "uur_example.json").read_bytes()
        )
        accepted = await submit(c, good)
        rejected = await submit(c, bad)
    assert (real.status_code, accepted.status_code, rejected.status_code) == (200, 200, 400)
    assert rejected.json()["Message"].split("\n") == [
        "subUnits[0].failures[0]: Fail code 'Defective' is not defined in category "
        "'Component' of repair type 500.",
        "miscInfos[0]: 'ten' does not match the required format.",
        "miscInfos[1]: Misc info 'Colour' is not defined for repair type 500.",
    ]


def test_fail_codes_are_collected_from_the_tree() -> None:
    repair_type = {
        "Categories": [
            {"Description": "Solder", "Failcodes": [
                {"Description": "Open", "Selectable": True},
                {"Description": "Group", "Selectable": False, "Failcodes": [
                    {"Description": "Bridge", "Selectable": True},
                ]},
            ]},
        ]
    }  # fmt: skip
    assert fail_codes(repair_type) == {"Solder": {"Open", "Bridge"}}


async def test_internal_storage_read_and_delete(
    http: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    keep, drop = demo_uut(20), demo_uut(21)
    raw = json.dumps(keep, indent=1)
    await http.post("/api/Report/WSJF", content=raw)
    await submit(http, drop)
    stored = await http.get("/api/internal/Report/GetFromStorage", params={"uuid": keep["id"]})
    assert stored.text == raw
    deleted = await http.post(
        "/api/internal/Report/DeleteReports", json=[drop["id"].upper(), "no-such-id"]
    )
    assert deleted.json() == {"Deleted": 1}
    assert [r["id"] for r in emulator.reports()] == [keep["id"]]
    bad = await http.post("/api/internal/Report/DeleteReports", json={"id": 1})
    missing = await http.get("/api/internal/Report/GetFromStorage")
    assert (bad.status_code, missing.status_code) == (400, 400)
