"""AsyncProductionDomain against the real emulator over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from pywats.client import AsyncWATS
from pywats.domains._arguments import multipart_body
from pywats.domains.production import AsyncProductionDomain
from pywats.exceptions import (
    BadRequestError,
    ConflictError,
    InvalidArgumentError,
    NotFoundError,
    UnexpectedResponseError,
)
from pywats.models.production import (
    BarcodeIdentifier,
    ProductionBatch,
    Unit,
    UnitPhase,
    parse_serial_numbers,
)
from pywats.report import UUTBuilder, to_wsjf
from pywats_emulator.routes._multipart import uploaded_file
from pywats_emulator.testing import EmulatorHandle

SN_TYPE = "SerialNumber"


@pytest.fixture
async def wats(emulator: EmulatorHandle) -> AsyncIterator[AsyncWATS]:
    async with AsyncWATS(base_url=emulator.base_url, token=emulator.token, retries=0) as client:
        yield client


@pytest.fixture
def production(wats: AsyncWATS) -> AsyncProductionDomain:
    return wats.production


# ------------------------------------------------------------------ pure helpers


def test_parse_serial_numbers_accepts_xml_json_and_csv() -> None:
    xml = '<SerialNumbers xmlns="urn:x"><SN id="A1" seq="2"/><SN id="A2"/></SerialNumbers>'
    assert parse_serial_numbers(xml) == ["A1", "A2"]
    assert parse_serial_numbers('["B1", "B2"]') == ["B1", "B2"]
    assert parse_serial_numbers("C1\r\nC2\n") == ["C1", "C2"]
    assert parse_serial_numbers("  ") == []
    for broken in ("<SerialNumbers>", "[1, 2]", "[nope"):
        with pytest.raises(UnexpectedResponseError):
            parse_serial_numbers(broken)


def test_multipart_body_is_read_back_by_a_multipart_reader() -> None:
    body, headers = multipart_body("file", "n.csv", b"X-1\nX-2\n", "text/csv", boundary="b0und")
    assert headers == {"Content-Type": "multipart/form-data; boundary=b0und"}
    assert uploaded_file(body, headers["Content-Type"]).content == b"X-1\nX-2\n"


# ------------------------------------------------------------------ units


async def test_get_unit_with_sub_units(production: AsyncProductionDomain) -> None:
    module = await production.get_unit("MOD-0001", "MODULE-100")
    assert module.unit_phase_id == UnitPhase.UNDER_PRODUCTION
    assert [sub.serial_number for sub in module.sub_units] == ["PCB-000001"]
    assert module.sub_units[0].unit_phase == "Finalized"
    with pytest.raises(NotFoundError):
        await production.get_unit("NOPE", "MODULE-100")
    with pytest.raises(InvalidArgumentError):
        await production.get_unit("A/B", "MODULE-100")


async def test_save_units_reports_accepted_and_refused(production: AsyncProductionDomain) -> None:
    made = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    result = await production.save_units(
        [
            Unit(serial_number="PCB-000050", part_number="PCBA-1000", revision="B",
                 serial_date=made, unit_phase_id=UnitPhase.UNDER_PRODUCTION),
            Unit(serial_number="X-9", part_number="NOT-A-PRODUCT"),
        ]
    )  # fmt: skip
    assert (result.insert_count, result.update_count, result.error_count) == (1, 0, 1)
    assert result.errors[0].serial_number == "X-9"
    stored = await production.get_unit("PCB-000050", "PCBA-1000")
    assert stored.serial_date == made
    assert stored.revision == "B"


async def test_phase_process_and_unit_changes(production: AsyncProductionDomain) -> None:
    await production.set_unit_phase("PCB-000003", "PCBA-1000", UnitPhase.FINALIZED)
    await production.set_unit_process("PCB-000003", "PCBA-1000", "End of line test")
    unit = await production.get_unit("PCB-000003", "PCBA-1000")
    assert (unit.unit_phase_id, unit.process_code) == (16, "100")
    changes = await production.get_unit_changes(max_count=5)
    assert [(c.unit_serial_number, c.new_unit_phase_id) for c in changes] == [("PCB-000003", 16)]
    await production.delete_unit_change(changes[0].id)
    assert await production.get_unit_changes() == []
    with pytest.raises(NotFoundError):
        await production.delete_unit_change(changes[0].id)
    with pytest.raises(BadRequestError):
        await production.set_unit_process("PCB-000003", "PCBA-1000", "Not a process")
    with pytest.raises(InvalidArgumentError):
        await production.get_unit_changes(max_count=0)


async def test_box_build_round_trip(production: AsyncProductionDomain) -> None:
    before = await production.check_child_units("MOD-0001", "MODULE-100")
    assert not before.ok
    await production.add_child_unit(
        "MOD-0001", "MODULE-100", "PWR-0001", "PCBA-2000",
        check_part_number=True, check_revision=True,
    )  # fmt: skip
    after = await production.check_child_units("MOD-0001", "MODULE-100")
    assert after.ok
    assert [r.found for r in after.requirements] == [1, 1]
    await production.remove_child_unit("MOD-0001", "MODULE-100", "PWR-0001", "PCBA-2000")
    assert not (await production.check_child_units("MOD-0001", "MODULE-100")).ok


async def test_add_child_unit_errors_map_to_exceptions(production: AsyncProductionDomain) -> None:
    with pytest.raises(ConflictError):
        await production.add_child_unit("MOD-0001", "MODULE-100", "PCB-000001", "PCBA-1000")
    with pytest.raises(BadRequestError) as caught:
        await production.add_child_unit("MOD-0001", "MODULE-100", "PCB-000003", "PCBA-1000")
    assert "not finalized" in caught.value.server_message
    with pytest.raises(NotFoundError):
        await production.remove_child_unit("MOD-0001", "MODULE-100", "PWR-0001", "PCBA-2000")


async def test_verify_unit_after_real_reports(
    production: AsyncProductionDomain, wats: AsyncWATS
) -> None:
    for minute, code in enumerate((50, 90, 100)):
        builder = UUTBuilder(pn="PCBA-1000", sn="PCB-000002", rev="B", process_code=code,
                             station="ST-1", location="Line 1", purpose="Production",
                             start=datetime(2026, 2, 1, 8, minute, tzinfo=UTC))  # fmt: skip
        builder.pass_fail("Check", passed=True)
        await wats.http.request_json("POST", "/api/Report/WSJF", content=to_wsjf(builder.build()),
                                headers={"Content-Type": "application/json"})  # fmt: skip
    grade = await production.verify_unit("PCB-000002", "PCBA-1000")
    assert (grade.status, grade.grade) == ("Passed", "A")
    assert grade.all_processes_executed_in_correct_order
    assert [r.process_code for r in grade.results] == [50, 90, 100]
    assert grade.results[0].station_name == "ST-1"
    with pytest.raises(NotFoundError):
        await production.verify_unit("NEVER-TESTED")


async def test_save_batches_and_unit_phases(production: AsyncProductionDomain) -> None:
    result = await production.save_batches(
        [
            ProductionBatch(batch_number="BATCH-9", batch_size=50),
            ProductionBatch(batch_number="BATCH-1"),
        ]
    )
    assert (result.insert_count, result.update_count) == (1, 1)
    phases = {p.unit_phase_id: p.name for p in await production.get_unit_phases()}
    assert phases[UnitPhase.SHIPPED] == "Shipped"


# ------------------------------------------------------------------ serial numbers


async def test_serial_number_types(production: AsyncProductionDomain) -> None:
    types = {t.name: t for t in await production.get_serial_number_types()}
    assert types["MacAddress"].identifier == 1
    assert types[SN_TYPE].reg_ex == r"PCB-\d{6}"


async def test_take_serial_numbers(production: AsyncProductionDomain) -> None:
    first = await production.take_serial_numbers(SN_TYPE, 2, ref_pn="PCBA-1000", station_name="S")
    assert first == ["PCB-000004", "PCB-000005"]
    bound = await production.get_serial_numbers_by_reference(SN_TYPE, ref_pn="PCBA-1000")
    assert [(n.serial_number, n.station_name) for n in bound] == [
        ("PCB-000004", "S"), ("PCB-000005", "S")
    ]  # fmt: skip
    assert bound[0].taken_date is not None
    with pytest.raises(NotFoundError):
        await production.take_serial_numbers("NoSuchPool", 1)
    with pytest.raises(InvalidArgumentError):
        await production.take_serial_numbers(SN_TYPE, 0)


async def test_concurrent_takes_through_the_library(production: AsyncProductionDomain) -> None:
    batches = await asyncio.gather(
        *(production.take_serial_numbers("MacAddress", 9) for _ in range(30))
    )
    numbers = [n for batch in batches for n in batch]
    assert len(numbers) == len(set(numbers)) == 256


async def test_reserve_serial_numbers_in_sequence(production: AsyncProductionDomain) -> None:
    reserved = await production.reserve_serial_numbers(
        SN_TYPE, 3, station_name="ST-7", only_in_sequence=True
    )
    assert reserved == ["PCB-000004", "PCB-000005", "PCB-000006"]
    # Reserved numbers are not free any more: a take continues after them.
    assert await production.take_serial_numbers(SN_TYPE, 1) == ["PCB-000007"]


async def test_serial_numbers_by_range_export_and_upload(
    production: AsyncProductionDomain,
) -> None:
    window = await production.get_serial_numbers_by_range(SN_TYPE, "PCB-000003", "PCB-000004")
    assert [(n.serial_number, n.taken) for n in window] == [
        ("PCB-000003", True),
        ("PCB-000004", False),
    ]
    added = await production.upload_serial_numbers(
        SN_TYPE, b"SerialNumber\nPCB-000901\nPCB-000902\n", "CSV"
    )
    assert added.insert_count == 2
    exported = await production.export_serial_numbers(SN_TYPE, start_address="PCB-000900")
    assert parse_serial_numbers(exported.decode()) == ["PCB-000901", "PCB-000902"]
    csv = await production.export_serial_numbers(SN_TYPE, "CSV", end_address="PCB-000001")
    assert csv.decode().splitlines()[1].startswith("PCB-000001,")
    with pytest.raises(BadRequestError):
        await production.upload_serial_numbers(
            SN_TYPE, b"<SerialNumbers><SN id='bad'/></SerialNumbers>"
        )


# ------------------------------------------------------------------ barcodes and workflow


async def test_barcode_identifiers(production: AsyncProductionDomain) -> None:
    found = await production.identify_barcode("MODULE-100;MOD-0042;A")
    assert (found.part_number, found.serial_number, found.revision) == (
        "MODULE-100", "MOD-0042", "A"
    )  # fmt: skip
    rule = await production.save_barcode_identifier(
        BarcodeIdentifier(pattern=r"LOT(?P<BatchNumber>\d+)", order=0, description="lot")
    )
    assert rule.id is not None
    assert (await production.identify_barcode("LOT12")).batch_number == "12"
    assert rule.id in [r.id for r in await production.get_barcode_identifiers()]
    await production.delete_barcode_identifier(rule.id)
    with pytest.raises(NotFoundError):
        await production.identify_barcode("LOT12")
    with pytest.raises(BadRequestError):
        await production.save_barcode_identifier(BarcodeIdentifier(pattern="(oops"))


async def test_mes_workflow(production: AsyncProductionDomain) -> None:
    assert await production.start_test("PCB-000003", "PCBA-1000", station_name="ST-1")
    assert not await production.start_test("PCB-000003", "PCBA-1000")
    assert await production.end_test("PCB-000003", "PCBA-1000", passed=True)
    assert not await production.end_test("PCB-000003", "PCBA-1000")
    assert not await production.start_test("UNKNOWN", "PCBA-1000")
