"""Production routes of the emulator over raw HTTP, plus their pure helpers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pywats.report import UUTBuilder, to_wsjf
from pywats.report.uur_builder import UURBuilder
from pywats_emulator.routes._production_barcode import identify
from pywats_emulator.routes._production_boxbuild import revision_mask_matches
from pywats_emulator.routes._production_serials import parse_upload, run_lengths
from pywats_emulator.routes._production_verify import RequiredProcess, UnitRun, grade_unit
from pywats_emulator.testing import EmulatorHandle

SN_TYPE = "SerialNumber"
T0 = datetime(2026, 2, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def api(emulator: EmulatorHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.base_url, headers=emulator.auth_headers) as client:
        yield client


def _ids(xml_text: str) -> list[str]:
    return [sn.get("id", "") for sn in ElementTree.fromstring(xml_text).iter("SN")]


def _submit_test(api: httpx.Client, sn: str, code: int, passed: bool, minutes: int) -> str:
    builder = UUTBuilder(pn="PCBA-1000", sn=sn, rev="B", process_code=code, station="ST-1",
                         location="Line 1", purpose="Production",
                         start=T0 + timedelta(minutes=minutes))  # fmt: skip
    builder.pass_fail("Check", passed=passed)
    report = builder.build()
    response = api.post("/api/Report/WSJF", content=to_wsjf(report),
                        headers={"Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 200, response.text
    return str(report.id)


def _submit_repair(api: httpx.Client, sn: str, ref_uut: str, minutes: int) -> None:
    builder = UURBuilder(pn="PCBA-1000", sn=sn, rev="B", process_code=500, test_process_code=50,
                         ref_uut=ref_uut, station="RS-1", location="Line 1",
                         start=T0 + timedelta(minutes=minutes))  # fmt: skip
    response = api.post("/api/Report/WSJF", content=to_wsjf(builder.build()),
                        headers={"Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 200, response.text


# ------------------------------------------------------------------ pure helpers


def test_run_lengths_count_the_gap_free_run_ahead() -> None:
    assert run_lengths([4, 5, 6, 9, 10, 12]) == [3, 2, 1, 2, 1, 1]
    assert run_lengths([]) == []


@given(st.lists(st.integers(min_value=0, max_value=60), unique=True).map(sorted))
def test_run_lengths_match_a_direct_count(addresses: list[int]) -> None:
    present = set(addresses)
    expected = []
    for address in addresses:
        length = 1
        while address + length in present:
            length += 1
        expected.append(length)
    assert run_lengths(addresses) == expected


def test_revision_masks() -> None:
    assert revision_mask_matches(None, "X")
    assert revision_mask_matches("B", "b")
    assert revision_mask_matches("A%", "A12")
    assert revision_mask_matches("1.*", "1.4")
    assert not revision_mask_matches("A%", "B1")
    assert not revision_mask_matches("A", None)


def test_upload_parsing_of_xml_and_csv() -> None:
    xml = b'<SerialNumbers><SN id="PCB-000900"/><SN id="PCB-000901"/></SerialNumbers>'
    assert parse_upload(xml, "xml") == ["PCB-000900", "PCB-000901"]
    assert parse_upload(b"SerialNumber\nA-1\n\nA-2,extra\n", "csv") == ["A-1", "A-2"]


def test_identify_prefers_named_groups_then_field_regexes() -> None:
    rules = [
        {"id": 2, "order": 2, "pattern": r"X-\d+", "serialNumber": r"X-(\d+)", "partNumber": None,
         "revision": None, "batchNumber": None, "process": None},
        {"id": 1, "order": 1, "pattern": r"(?P<PartNumber>\w+)/(?P<SerialNumber>\w+)",
         "serialNumber": None, "partNumber": None, "revision": None, "batchNumber": None,
         "process": None},
    ]  # fmt: skip
    first = identify("P1/S9", rules)
    assert first is not None
    assert (first["partNumber"], first["serialNumber"], first["id"]) == ("P1", "S9", 1)
    second = identify("X-42", rules)
    assert second is not None
    assert second["serialNumber"] == "42"
    assert identify("nothing", rules) is None


def test_grade_unit_rules() -> None:
    required = [RequiredProcess(50, "PCBA", 1), RequiredProcess(90, "Burn", 2)]
    perfect = [UnitRun(50, True, "2026-01-01T01", "S"), UnitRun(90, True, "2026-01-01T02", "S")]
    assert grade_unit(required, perfect, {})["grade"] == "A"
    retest = [UnitRun(50, False, "2026-01-01T00", "S"), *perfect]
    graded = grade_unit(required, retest, {})
    assert graded["grade"] == "B"
    assert graded["allProcessesPassedAnyRun"] is True
    assert graded["allProcessesPassedFirstRun"] is False
    assert grade_unit(required, retest, {50: 1})["grade"] == "C"
    missing = grade_unit(required, perfect[:1], {})
    assert (missing["status"], missing["grade"]) == ("Incomplete", "F")
    assert missing["results"][1]["status"] == "NotRun"
    out_of_order = [UnitRun(50, True, "2026-01-01T03", "S"), perfect[1]]
    assert grade_unit(required, out_of_order, {})["allProcessesExecutedInCorrectOrder"] is False


# ------------------------------------------------------------------ units


def test_get_unit_with_sub_units(api: httpx.Client) -> None:
    response = api.get("/api/Production/Unit/mod-0001/MODULE-100")
    assert response.status_code == 200
    unit = response.json()
    assert (unit["serialNumber"], unit["unitPhase"]) == ("MOD-0001", "Under production")
    assert [s["serialNumber"] for s in unit["subUnits"]] == ["PCB-000001"]
    assert unit["product"]["name"] == "Controller module"


def test_get_unknown_unit_is_404(api: httpx.Client) -> None:
    response = api.get("/api/Production/Unit/NOPE/PCBA-1000")
    assert response.status_code == 404
    assert "NOPE" in response.json()["Message"]


def test_put_units_inserts_updates_and_reports_errors(api: httpx.Client) -> None:
    response = api.put("/api/Production/Units", json=[
        {"serialNumber": "PCB-000010", "partNumber": "PCBA-1000", "revision": "A",
         "unitPhaseId": 2, "batchNumber": "B7"},
        {"serialNumber": "PCB-000002", "partNumber": "PCBA-1000", "currentLocation": "Shelf 4"},
        {"serialNumber": "X-1", "partNumber": "NO-SUCH-PN"},
        {"serialNumber": "X-2", "partNumber": "PCBA-1000", "revision": "Q"},
        {"partNumber": "PCBA-1000"},
    ])  # fmt: skip
    result = response.json()
    assert (result["insertCount"], result["updateCount"], result["errorCount"]) == (1, 1, 3)
    assert "NO-SUCH-PN" in result["errors"][0]["message"]
    assert api.get("/api/Production/Unit/PCB-000010/PCBA-1000").json()["batchNumber"] == "B7"
    moved = api.get("/api/Production/Unit/PCB-000002/PCBA-1000").json()
    assert moved["currentLocation"] == "Shelf 4"
    assert moved["unitPhaseId"] == 16  # untouched
    assert api.put("/api/Production/Units", json={"serialNumber": "x"}).status_code == 400


def test_set_unit_phase_by_id_or_name_and_errors(api: httpx.Client) -> None:
    params = {"serialNumber": "PCB-000003", "partNumber": "PCBA-1000"}
    assert (
        api.put("/api/Production/SetUnitPhase", params={**params, "phase": "16"}).status_code == 200
    )
    assert api.get("/api/Production/Unit/PCB-000003/PCBA-1000").json()["unitPhaseId"] == 16
    api.put("/api/Production/SetUnitPhase", params={**params, "phase": "scrapped"})
    assert api.get("/api/Production/Unit/PCB-000003/PCBA-1000").json()["unitPhase"] == "Scrapped"
    bad = api.put("/api/Production/SetUnitPhase", params={**params, "phase": "17"})
    assert bad.status_code == 400
    missing = api.put(
        "/api/Production/SetUnitPhase",
        params={"serialNumber": "NO", "partNumber": "PCBA-1000", "phase": "2"},
    )
    assert missing.status_code == 404


def test_set_unit_process_by_name_or_code(api: httpx.Client) -> None:
    params = {"serialNumber": "PCB-000003", "partNumber": "PCBA-1000"}
    api.put("/api/Production/SetUnitProcess", params={**params, "processName": "burn in test"})
    assert api.get("/api/Production/Unit/PCB-000003/PCBA-1000").json()["processCode"] == "90"
    api.put("/api/Production/SetUnitProcess", params={**params, "processCode": "100"})
    assert api.get("/api/Production/Unit/PCB-000003/PCBA-1000").json()["processCode"] == "100"
    unknown = api.put("/api/Production/SetUnitProcess", params={**params, "processName": "Nope"})
    assert unknown.status_code == 400


def test_box_build_add_check_remove(api: httpx.Client) -> None:
    parent = {"parentSerialNumber": "MOD-0001", "parentPartNumber": "MODULE-100"}
    before = api.get("/api/Production/CheckChildUnits", params=parent).json()
    assert before["ok"] is False
    assert [r["found"] for r in before["requirements"]] == [1, 0]
    child = {"childSerialNumber": "PWR-0001", "childPartNumber": "PCBA-2000"}
    added = api.post(
        "/api/Production/AddChildUnit",
        params={**parent, **child, "checkPartNumber": "true", "checkRevision": "true"},
    )
    assert added.status_code == 200, added.text
    after = api.get(
        "/api/Production/CheckChildUnits",
        params={"serialNumber": "MOD-0001", "partNumber": "MODULE-100"},
    ).json()
    assert after["ok"] is True
    removed = api.post("/api/Production/RemoveChildUnit", params={**parent, **child})
    assert removed.status_code == 200
    again = api.post("/api/Production/RemoveChildUnit", params={**parent, **child})
    assert again.status_code == 404


@pytest.mark.parametrize(
    ("child", "extra", "status", "message"),
    [
        (("PCB-000003", "PCBA-1000"), {}, 400, "not finalized"),
        (("PCB-000001", "PCBA-1000"), {}, 409, "already has a parent"),
        (("PWR-0001", "PCBA-2000"), {"parentSerialNumber": "PWR-0001",
                                     "parentPartNumber": "PCBA-2000"}, 400, "cycle"),
        (("NOPE", "PCBA-1000"), {}, 404, "NOPE"),
    ],
)  # fmt: skip
def test_add_child_unit_rules(
    api: httpx.Client, child: tuple[str, str], extra: dict[str, str], status: int, message: str
) -> None:
    params = {"parentSerialNumber": "MOD-0001", "parentPartNumber": "MODULE-100",
              "childSerialNumber": child[0], "childPartNumber": child[1], **extra}  # fmt: skip
    response = api.post("/api/Production/AddChildUnit", params=params)
    assert response.status_code == status
    assert message in response.json()["Message"]


def test_add_child_unit_checks_the_box_build(api: httpx.Client) -> None:
    params = {"parentSerialNumber": "MOD-0001", "parentPartNumber": "MODULE-100",
              "childSerialNumber": "PCB-000002", "childPartNumber": "PCBA-1000",
              "checkPartNumber": "true"}  # fmt: skip
    response = api.post("/api/Production/AddChildUnit", params=params)
    assert response.status_code == 400
    assert "already holds 1" in response.json()["Message"]


def test_unit_changes_are_listed_and_acknowledged(api: httpx.Client) -> None:
    assert api.get("/api/Production/Units/Changes", params={"maxCount": "10"}).json() == []
    params = {"serialNumber": "PCB-000002", "partNumber": "PCBA-1000", "phase": "2048"}
    api.put("/api/Production/SetUnitPhase", params=params)
    changes = api.get("/api/Production/Units/Changes", params={"maxCount": "10"}).json()
    assert [(c["unitSerialNumber"], c["newUnitPhaseId"]) for c in changes] == [("PCB-000002", 2048)]
    assert api.delete(f"/api/Production/Units/Changes/{changes[0]['id']}").status_code == 204
    assert api.delete(f"/api/Production/Units/Changes/{changes[0]['id']}").status_code == 404
    assert api.get("/api/Production/Units/Changes").status_code == 400


def test_unit_verification_grades_real_reports(api: httpx.Client) -> None:
    failed = _submit_test(api, "PCB-000002", 50, False, 0)
    _submit_repair(api, "PCB-000002", failed, 5)
    _submit_test(api, "PCB-000002", 50, True, 10)
    _submit_test(api, "PCB-000002", 90, True, 20)
    grade = api.get(
        "/api/Production/UnitVerification",
        params={"serialNumber": "PCB-000002", "partNumber": "PCBA-1000"},
    ).json()
    assert (grade["status"], grade["grade"]) == ("Incomplete", "F")  # rule needs 50, 90, 100
    results = {r["processCode"]: r for r in grade["results"]}
    assert (results[50]["totalCount"], results[50]["nonPassedCount"]) == (2, 1)
    assert results[50]["repairCount"] == 1
    _submit_test(api, "PCB-000002", 100, True, 30)
    final = api.get(
        "/api/Production/UnitVerification", params={"serialNumber": "PCB-000002"}
    ).json()
    assert (final["status"], final["grade"]) == ("Passed", "C")


def test_unit_verification_without_data_is_404(api: httpx.Client) -> None:
    response = api.get("/api/Production/UnitVerification", params={"serialNumber": "GHOST"})
    assert response.status_code == 404


def test_put_batches(api: httpx.Client, emulator: EmulatorHandle) -> None:
    response = api.put("/api/Production/Batches",
                       json=[{"batchNumber": "BATCH-1", "batchSize": 5},
                             {"batchNumber": "BATCH-2"}])  # fmt: skip
    assert response.json() == {"insertCount": 1, "updateCount": 1}
    rows = emulator.store.query("SELECT * FROM production_batches ORDER BY batch_number")
    assert [(r["batch_number"], r["batch_size"]) for r in rows] == [
        ("BATCH-1", 5),
        ("BATCH-2", None),
    ]
    assert api.put("/api/Production/Batches", json=[{"batchSize": 1}]).status_code == 400
    too_big = api.put("/api/Production/Batches", json=[{"batchNumber": "B", "batchSize": 2**70}])
    assert too_big.status_code == 400


def test_unit_phases_catalogue(api: httpx.Client) -> None:
    phases = {
        p["UnitPhaseId"]: p["Name"] for p in api.get("/api/internal/Mes/GetUnitPhases").json()
    }
    assert phases[16] == "Finalized"
    assert phases[4104] == "Service repair - queued"


# ------------------------------------------------------------------ serial numbers


def test_serial_number_types(api: httpx.Client) -> None:
    types = {t["name"]: t for t in api.get("/api/Production/SerialNumbers/Types").json()}
    assert types["MacAddress"]["identifier"] == 1
    assert types["MacAddress"]["identifierName"] == "MACAddress"
    assert types[SN_TYPE]["regEx"] == r"PCB-\d{6}"


def test_take_hands_out_the_next_free_numbers(api: httpx.Client) -> None:
    response = api.post("/api/Production/SerialNumbers/Take",
                        params={"serialNumberType": SN_TYPE, "quantity": "3", "refPN": "PCBA-1000",
                                "stationName": "ST-9"})  # fmt: skip
    assert response.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(response.text)
    assert [sn.get("id") for sn in root] == ["PCB-000004", "PCB-000005", "PCB-000006"]
    assert [sn.get("seq") for sn in root] == ["3", "2", "1"]
    assert root[0].get("refStn") == "ST-9"
    csv = api.post(
        "/api/Production/SerialNumbers/Take",
        params={"serialNumberType": SN_TYPE, "quantity": "2", "format": "CSV"},
    )
    assert csv.text.split() == ["PCB-000007", "PCB-000008"]


def test_take_in_sequence_skips_gaps(api: httpx.Client, emulator: EmulatorHandle) -> None:
    emulator.store.execute("UPDATE serial_numbers SET taken_at = 'x' WHERE address IN (5, 8)")
    taken = api.post("/api/Production/SerialNumbers/Take",
                     params={"serialNumberType": SN_TYPE, "quantity": "3",
                             "onlyInSequence": "true"})  # fmt: skip
    assert _ids(taken.text) == ["PCB-000009", "PCB-000010", "PCB-000011"]
    loose = api.post(
        "/api/Production/SerialNumbers/Take", params={"serialNumberType": SN_TYPE, "quantity": "3"}
    )
    assert _ids(loose.text) == ["PCB-000004", "PCB-000006", "PCB-000007"]


def test_take_when_the_pool_runs_short(api: httpx.Client) -> None:
    first = api.post(
        "/api/Production/SerialNumbers/Take",
        params={"serialNumberType": "MacAddress", "quantity": "250"},
    )
    assert len(_ids(first.text)) == 250
    rest = api.post(
        "/api/Production/SerialNumbers/Take",
        params={"serialNumberType": "macaddress", "quantity": "10"},
    )
    assert _ids(rest.text) == [f"{0x0050C2000000 + n:012X}" for n in range(250, 256)]
    in_sequence = api.post("/api/Production/SerialNumbers/Take",
                           params={"serialNumberType": SN_TYPE, "quantity": "600",
                                   "onlyInSequence": "true"})  # fmt: skip
    assert _ids(in_sequence.text) == []


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"serialNumberType": "Nope", "quantity": "1"}, 404),
        ({"serialNumberType": SN_TYPE, "quantity": "0"}, 400),
        ({"serialNumberType": SN_TYPE, "quantity": "many"}, 400),
        ({"quantity": "1"}, 400),
        ({"serialNumberType": SN_TYPE, "quantity": "1", "format": "JSON"}, 400),
        ({"serialNumberType": SN_TYPE, "quantity": "99999999999999999999"}, 400),
    ],
)
def test_take_errors(api: httpx.Client, params: dict[str, str], status: int) -> None:
    response = api.post("/api/Production/SerialNumbers/Take", params=params)
    assert response.status_code == status
    assert response.json()["Message"]


def test_concurrent_takes_never_share_a_number(api: httpx.Client) -> None:
    def take(_: int) -> list[str]:
        response = api.post(
            "/api/Production/SerialNumbers/Take",
            params={"serialNumberType": SN_TYPE, "quantity": "7"},
        )
        return _ids(response.text)

    # httpx.Client is thread-safe; its pool opens parallel connections for the workers.
    with ThreadPoolExecutor(max_workers=12) as pool:
        batches = list(pool.map(take, range(80)))  # 560 asked, more than the pool
    numbers = [n for batch in batches for n in batch]
    assert len(numbers) == len(set(numbers)) == 497  # 500 in the pool, 3 taken by the seed


def test_reserve_through_the_internal_call(api: httpx.Client, emulator: EmulatorHandle) -> None:
    body = {"sn": {"requestType": "Reserve", "serialNumberType": SN_TYPE, "batchSize": 2,
                   "stationName": "ST-2", "onlyInSequence": True}}  # fmt: skip
    response = api.post("/api/internal/Production/GetAndReserveNewSerialNumbers", json=body)
    document = ElementTree.fromstring(response.json()["sn"])
    assert document.get("requestType") == "Reserve"
    assert [sn.get("id") for sn in document] == ["PCB-000004", "PCB-000005"]
    rows = emulator.store.query("SELECT reserved_at, taken_at FROM serial_numbers WHERE address=4")
    assert rows[0]["reserved_at"] is not None
    assert rows[0]["taken_at"] is None
    bad = api.post(
        "/api/internal/Production/GetAndReserveNewSerialNumbers",
        json={"sn": {"requestType": "Steal", "serialNumberType": SN_TYPE}},
    )
    assert bad.status_code == 400
    typed = api.post(
        "/api/internal/Production/GetAndReserveNewSerialNumbers",
        json={"sn": {"serialNumberType": SN_TYPE, "batchSize": 1, "refSN": {"no": 1}}},
    )
    assert typed.status_code == 400
    assert "refSN" in typed.json()["Message"]


def test_by_reference_and_by_range(api: httpx.Client) -> None:
    seeded = api.get(
        "/api/Production/SerialNumbers/ByReference",
        params={"serialNumberType": SN_TYPE, "refSN": "MOD-0001"},
    ).json()
    assert [s["serialNumber"] for s in seeded] == ["PCB-000001", "PCB-000002", "PCB-000003"]
    assert seeded[0]["refPN"] == "MODULE-100"
    pywats_names = api.get(
        "/api/Production/SerialNumbers/ByReference",
        params={"typeName": SN_TYPE, "referencePartNumber": "nothing"},
    ).json()
    assert pywats_names == []
    window = api.get("/api/Production/SerialNumbers/ByRange",
                     params={"serialNumberType": SN_TYPE, "startAddress": "PCB-000002",
                             "endAddress": "PCB-000005"}).json()  # fmt: skip
    assert [(s["serialNumber"], s["taken"]) for s in window] == [
        ("PCB-000002", True),
        ("PCB-000003", True),
        ("PCB-000004", False),
        ("PCB-000005", False),
    ]
    missing = api.get("/api/Production/SerialNumbers/ByRange", params={"serialNumberType": SN_TYPE})
    assert missing.status_code == 400


def test_export_as_xml_and_csv(api: httpx.Client) -> None:
    params = {"serialNumberType": "MacAddress", "startAddress": "00:50:C2:00:00:00",
              "endAddress": "0050C2000001"}  # fmt: skip
    xml = api.get("/api/Production/SerialNumbers", params={**params, "format": "XML"})
    assert _ids(xml.text) == ["0050C2000000", "0050C2000001"]
    csv = api.get("/api/Production/SerialNumbers",
                  params={"serialNumberType": SN_TYPE, "format": "csv",
                          "endAddress": "PCB-000001"})  # fmt: skip
    lines = csv.text.splitlines()
    assert lines[0] == "SerialNumber,Taken,RefSN,RefPN,StationName"
    assert lines[1].startswith("PCB-000001,2026-01-05")
    assert (
        api.get("/api/Production/SerialNumbers", params={"serialNumberType": SN_TYPE}).status_code
        == 400
    )


def test_upload_multipart_xml_and_csv(api: httpx.Client) -> None:
    xml = b'<SerialNumbers><SN id="PCB-000777"/><SN id="PCB-000001"/></SerialNumbers>'
    response = api.put("/api/Production/SerialNumbers",
                       params={"serialNumberType": SN_TYPE, "format": "XML"},
                       files={"file": ("numbers.xml", xml, "application/xml")})  # fmt: skip
    assert response.json() == {"insertCount": 1}
    csv = api.put(
        "/api/Production/SerialNumbers",
        params={"serialNumberType": "MacAddress", "format": "CSV"},
        files={"file": ("m.csv", b"SerialNumber\n00-50-c2-ff-00-01\n", "text/csv")},
    )
    assert csv.json() == {"insertCount": 1}
    bad = api.put("/api/Production/SerialNumbers",
                  params={"serialNumberType": SN_TYPE, "format": "CSV"},
                  files={"file": ("b.csv", b"NOT-A-BOARD\n", "text/csv")})  # fmt: skip
    assert bad.status_code == 400
    assert "NOT-A-BOARD" in bad.json()["Message"]


# ------------------------------------------------------------------ barcodes and workflow


def test_barcode_identifiers_crud_and_identify(api: httpx.Client) -> None:
    seeded = api.get("/api/BarcodeIdentifiers/BarcodeIdentifiers").json()
    assert [r["order"] for r in seeded] == [1, 2]
    found = api.get(
        "/api/BarcodeIdentifiers/IdentifyBarcode", params={"code": "PCBA-1000;PCB-000042;B"}
    ).json()
    assert (found["partNumber"], found["serialNumber"], found["revision"]) == (
        "PCBA-1000", "PCB-000042", "B")  # fmt: skip
    created = api.put(
        "/api/BarcodeIdentifiers/BarcodeIdentifier",
        json={"pattern": r"B(?P<BatchNumber>\d+)", "order": 0},
    ).json()
    assert (
        api.get("/api/BarcodeIdentifiers/IdentifyBarcode", params={"code": "B77"}).json()[
            "batchNumber"
        ]
        == "77"
    )
    updated = api.put(
        "/api/BarcodeIdentifiers/BarcodeIdentifier", json={**created, "description": "batch label"}
    ).json()
    assert updated["id"] == created["id"]
    assert updated["description"] == "batch label"
    assert (
        api.delete(f"/api/BarcodeIdentifiers/BarcodeIdentifier/{created['id']}").status_code == 200
    )
    assert (
        api.delete(f"/api/BarcodeIdentifiers/BarcodeIdentifier/{created['id']}").status_code == 404
    )
    nothing = api.get("/api/BarcodeIdentifiers/IdentifyBarcode", params={"code": "??"})
    assert nothing.status_code == 404


def test_barcode_identifier_validation(api: httpx.Client) -> None:
    broken = api.put("/api/BarcodeIdentifiers/BarcodeIdentifier", json={"pattern": "(unclosed"})
    assert broken.status_code == 400
    assert api.put("/api/BarcodeIdentifiers/BarcodeIdentifier", json={}).status_code == 400
    ghost = api.put("/api/BarcodeIdentifiers/BarcodeIdentifier", json={"id": 999, "pattern": "x"})
    assert ghost.status_code == 404
    for wrong in ({"pattern": "x", "order": "first"}, {"pattern": "x", "serialNumber": 5}):
        response = api.put("/api/BarcodeIdentifiers/BarcodeIdentifier", json=wrong)
        assert response.status_code == 400
        assert "must be" in response.json()["Message"]


def test_workflow_start_and_end_test(api: httpx.Client) -> None:
    unit = {"serialNumber": "PCB-000003", "partNumber": "PCBA-1000"}
    assert api.get("/api/Workflow/StartTest", params=unit).json() is True
    assert api.get("/api/Workflow/StartTest", params=unit).json() is False  # already testing
    assert api.get("/api/Workflow/EndTest", params={**unit, "passed": "false"}).json() is True
    assert api.get("/api/Workflow/EndTest", params=unit).json() is False
    no_workflow = {"serialNumber": "PCB-000002", "partNumber": "PCBA-1000"}
    assert api.get("/api/Workflow/StartTest", params=no_workflow).json() is False
    assert api.get("/api/Workflow/StartTest").status_code == 400


def test_production_routes_require_authentication(emulator: EmulatorHandle) -> None:
    with httpx.Client(base_url=emulator.base_url) as client:
        response = client.post(
            "/api/Production/SerialNumbers/Take",
            params={"serialNumberType": SN_TYPE, "quantity": "1"},
        )
        assert response.status_code == 401
    assert json.loads(response.text)
