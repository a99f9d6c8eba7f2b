"""AsyncProcessDomain against the real emulator over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID

import pytest

from pywats.client import AsyncWATS
from pywats.domains.process import AsyncProcessDomain
from pywats.exceptions import AuthenticationError, NotFoundError
from pywats.models.process import FailCode, RepairType
from pywats_emulator.testing import EmulatorHandle


@pytest.fixture
async def process(emulator: EmulatorHandle) -> AsyncIterator[AsyncProcessDomain]:
    async with AsyncWATS(base_url=emulator.base_url, token=emulator.token, retries=0) as wats:
        yield wats.process


async def test_get_processes_returns_active_operations(process: AsyncProcessDomain) -> None:
    processes = {p.code: p for p in await process.get_processes()}
    assert processes[90].name == "Burn In test"
    assert processes[90].is_test_operation
    assert processes[510].is_repair_operation
    assert 60 not in processes


async def test_get_processes_passes_the_include_flags(process: AsyncProcessDomain) -> None:
    repairs = await process.get_processes(
        include_test_operations=False, include_wip_operations=False
    )
    assert [p.code for p in repairs] == [500, 510]
    everything = await process.get_processes(include_inactive_processes=True)
    assert any(p.code == 60 and p.state == 0 for p in everything)


async def test_process_details_and_one_by_guid(process: AsyncProcessDomain) -> None:
    details = {d.code: d for d in await process.get_process_details()}
    repair = details[500]
    assert isinstance(repair.process_id, UUID)
    assert repair.is_repair_operation
    assert not repair.is_test_operation
    one = await process.get_process_detail(repair.process_id)
    assert one.name == "Repair"
    assert one.code == 500


async def test_unknown_process_guid_raises_not_found(process: AsyncProcessDomain) -> None:
    with pytest.raises(NotFoundError) as caught:
        await process.get_process_detail(UUID(int=0))
    assert caught.value.status_code == 404


async def test_repair_operations_give_usable_fail_codes(process: AsyncProcessDomain) -> None:
    configs = await process.get_repair_operations()
    assert set(configs) == {500, 510}
    repair = configs[500]
    assert repair.has_fail_code("Component", "Burned Component")
    assert not repair.has_fail_code("Component", "Component")  # categories are not selectable
    assert ("Soldering", "Short circuit") in set(repair.fail_codes())
    assert [m.description for m in repair.misc_infos] == ["Repair bench", "Rework time (min)"]


async def test_one_repair_operation(process: AsyncProcessDomain) -> None:
    details = {d.code: d for d in await process.get_process_details()}
    rma_id = details[510].process_id
    assert rma_id is not None
    rma = await process.get_repair_operation(rma_id)
    assert rma.has_fail_code("Customer damage", "Water damage")
    with pytest.raises(NotFoundError):
        await process.get_repair_operation(UUID(int=1))


def test_fail_codes_walk_nested_selectable_nodes() -> None:
    leaf = FailCode(description="Cracked", selectable=True)
    group = FailCode(description="Mechanical", selectable=False, failcodes=[leaf])
    config = RepairType(categories=[FailCode(description="Damage", failcodes=[group])])
    assert list(config.fail_codes()) == [("Damage", "Cracked")]


async def test_bad_token_raises_authentication_error(emulator: EmulatorHandle) -> None:
    async with AsyncWATS(base_url=emulator.base_url, token="bm9ib2R5Om5vdGhpbmc=") as wats:
        with pytest.raises(AuthenticationError):
            await wats.process.get_processes()
