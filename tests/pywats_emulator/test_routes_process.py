"""Process routes of the emulator, over raw HTTP (public list, internal details, repair)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from pywats_emulator.routes._seed_ids import seed_guid
from pywats_emulator.routes.process import ProcessFilter, select_processes
from pywats_emulator.testing import EmulatorHandle

REPAIR_500 = seed_guid("process", 500)


@pytest.fixture
def api(emulator: EmulatorHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.base_url, headers=emulator.auth_headers) as client:
        yield client


def _row(
    code: int,
    *,
    test: bool = False,
    repair: bool = False,
    wip: bool = False,
    active: bool = True,
    index: int = 0,
) -> dict[str, object]:
    return {
        "code": code,
        "name": f"P{code}",
        "description": None,
        "process_index": index,
        "state": 1 if active else 0,
        "is_test": test,
        "is_repair": repair,
        "is_wip": wip,
    }


def test_filter_defaults_take_active_processes_of_every_kind() -> None:
    rows = [
        _row(1, test=True),
        _row(2, repair=True),
        _row(3, wip=True),
        _row(4, test=True, active=False),
        _row(5),
    ]
    assert [p["code"] for p in select_processes(rows, ProcessFilter())] == [1, 2, 3]


def test_filter_flags_exclude_kinds_and_include_inactive() -> None:
    rows = [
        _row(1, test=True, index=2),
        _row(2, repair=True),
        _row(4, test=True, active=False, index=1),
    ]
    only_tests = ProcessFilter(repair=False, wip=False, inactive=True)
    assert [p["code"] for p in select_processes(rows, only_tests)] == [4, 1]


def test_public_list_holds_the_seeded_station_processes(api: httpx.Client) -> None:
    response = api.get("/api/App/Processes")
    assert response.status_code == 200
    by_code = {p["code"]: p for p in response.json()}
    assert by_code[50]["name"] == "PCBA test"
    assert by_code[50]["isTestOperation"] is True
    assert by_code[500]["isRepairOperation"] is True
    assert by_code[200]["isWipOperation"] is True
    assert {10, 50, 90, 100, 500, 510} <= set(by_code)
    assert 60 not in by_code  # inactive


def test_public_list_flags(api: httpx.Client) -> None:
    response = api.get(
        "/api/app/processes",
        params={"includeTestOperations": "false", "includeWipOperations": "false"},
    )
    assert sorted(p["code"] for p in response.json()) == [500, 510]
    with_inactive = api.get("/api/App/Processes", params={"includeInactiveProcesses": "true"})
    assert 60 in {p["code"] for p in with_inactive.json()}


def test_public_list_rejects_a_non_boolean_flag(api: httpx.Client) -> None:
    response = api.get("/api/App/Processes", params={"includeTestOperations": "maybe"})
    assert response.status_code == 400
    assert "includeTestOperations" in response.json()["Message"]


def test_internal_list_is_pascal_case_with_guids(api: httpx.Client) -> None:
    response = api.get("/api/internal/Process/GetProcesses")
    rows = {p["Code"]: p for p in response.json()}
    assert rows[500]["ProcessID"] == REPAIR_500
    assert rows[500]["IsRepairOperation"] is True
    assert rows[60]["State"] == 0
    assert rows[200]["IsWIPOperation"] is True


def test_internal_process_by_guid_and_unknown_guid(api: httpx.Client) -> None:
    found = api.get(f"/api/internal/Process/GetProcess/{REPAIR_500.upper()}")
    assert found.json()["Name"] == "Repair"
    missing = api.get("/api/internal/Process/GetProcess/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert "No process" in missing.json()["Message"]


def test_repair_operations_carry_fail_code_trees(api: httpx.Client) -> None:
    response = api.get("/api/internal/Process/GetRepairOperations")
    configs = response.json()
    assert set(configs) == {"500", "510"}
    categories = {c["Description"]: c for c in configs["500"]["Categories"]}
    component = categories["Component"]
    assert component["Selectable"] is False
    assert "Burned Component" in [code["Description"] for code in component["Failcodes"]]


def test_one_repair_operation_by_guid_or_code(api: httpx.Client) -> None:
    by_guid = api.get(f"/api/internal/Process/GetRepairOperation/{REPAIR_500}")
    assert by_guid.json()["Description"] == "Repair configuration of process 500"
    by_code = api.get(
        "/api/internal/Process/GetRepairOperation/00000000-0000-0000-0000-000000000000",
        params={"processCode": "510"},
    )
    assert "Customer damage" in {c["Description"] for c in by_code.json()["Categories"]}
    missing = api.get("/api/internal/Process/GetRepairOperation/nothing")
    assert missing.status_code == 404


def test_routes_require_authentication(emulator: EmulatorHandle) -> None:
    with httpx.Client(base_url=emulator.base_url) as client:
        assert client.get("/api/App/Processes").status_code == 401
