"""Client/station and App endpoints over real HTTP: registration, passcodes, ping, update."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from pywats.exceptions import ConfigurationError
from pywats_emulator.config import EmulatorConfig
from pywats_emulator.demo import demo_uut
from pywats_emulator.http import BadRequest
from pywats_emulator.routes.client import parse_utc_offset
from pywats_emulator.testing import EmulatorHandle

MAC = "00:11:22:AA:BB:CC"
IDENTIFIER = "001122AABBCC"


def station_headers(identifier: str, passcode: str) -> dict[str, str]:
    token = base64.b64encode(f"{identifier}:{passcode}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
async def http(emulator: EmulatorHandle) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=emulator.base_url, headers=emulator.auth_headers, timeout=30
    ) as client:
        yield client


async def register(http: httpx.AsyncClient, **params: str) -> str:
    query = {"mac": MAC, "name": "Station 1", "location": "Line 1", "purpose": "Production"}
    response = await http.post("/api/internal/Client/Register", params={**query, **params})
    assert response.status_code == 200, response.text
    passcode = response.json()
    assert isinstance(passcode, str)
    return passcode


async def test_version_ping_server_info(http: httpx.AsyncClient, emulator: EmulatorHandle) -> None:
    emulator.set_clock(lambda: datetime(2026, 3, 1, 10, 0, tzinfo=UTC))
    ping = (await http.get("/api/internal/Client/Ping")).json()
    versions = (await http.get("/api/internal/Client/Version")).json()
    info = (await http.get("/api/internal/Client/ServerInfo")).json()
    server_time = (await http.get("/api/internal/Auth/GetServerTime")).json()
    assert ping == {"ServerName": "pywats-emulator", "ServerTime": "2026-03-01T10:00:00Z"}
    assert versions
    assert {"Module", "Name", "Version"} <= set(versions[0])
    assert info["Version"] == "2026.1.5.324"
    assert server_time == "2026-03-01T10:00:00Z"


async def test_register_then_authenticate_as_mac_and_passcode(
    http: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    passcode = await register(http)
    async with httpx.AsyncClient(base_url=emulator.base_url) as station:
        ok = await station.get(
            "/api/internal/Client/Ping", headers=station_headers(IDENTIFIER, passcode)
        )
        lower = await station.get(
            "/api/internal/Client/Ping", headers=station_headers(IDENTIFIER.lower(), passcode)
        )
        wrong = await station.get(
            "/api/internal/Client/Ping", headers=station_headers(IDENTIFIER, "nope")
        )
    assert (ok.status_code, lower.status_code, wrong.status_code) == (200, 200, 401)
    [row] = emulator.store.query("SELECT identifier, last_ping FROM clients")
    assert row["identifier"] == IDENTIFIER
    assert row["last_ping"] is not None


async def test_reregistering_replaces_the_passcode(
    http: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    old = await register(http)
    new = await register(http, name="Station 1b")
    assert old != new
    async with httpx.AsyncClient(base_url=emulator.base_url) as station:
        stale = await station.get("/api/App/Version", headers=station_headers(IDENTIFIER, old))
        fresh = await station.get("/api/App/Version", headers=station_headers(IDENTIFIER, new))
    assert (stale.status_code, fresh.status_code) == (401, 200)


async def test_register_needs_mac_and_name(http: httpx.AsyncClient) -> None:
    response = await http.post("/api/internal/Client/Register", params={"name": "x"})
    assert response.status_code == 400
    assert "'mac' and 'name'" in response.json()["Message"]


async def test_station_update_info_and_lookup(
    http: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    passcode = await register(http)
    settings = {"name": "Station One", "utcoffset": "01:00:00", "miscinfo": "host=pc1"}
    async with httpx.AsyncClient(
        base_url=emulator.base_url, headers=station_headers(IDENTIFIER, passcode)
    ) as station:
        updated = (await station.post("/api/internal/Client/Update", json=settings)).json()
        info = (await station.get("/api/internal/Client/GetClientInfo")).json()
        blank = await station.post("/api/internal/Client/UpdateClientInfo", content=b"")
        moved = await station.post("/api/internal/Client/UpdateClientInfo", json={"location": "L2"})
    assert updated["DisplayName"] == "Station One"
    assert updated["UTCOffset"] == 1.0
    assert updated["MiscInfo"] == "host=pc1"
    assert updated["Location"] == "Line 1"
    assert updated["ClientType"] == 5
    assert info["Name"] == IDENTIFIER
    assert (blank.status_code, moved.status_code) == (204, 204)
    by_id = await http.get("/api/SystemManager/Client", params={"identifier": IDENTIFIER})
    assert by_id.json()["Location"] == "L2"
    by_name = await http.get("/api/SystemManager/Client", params={"name": "Station One"})
    assert by_id.json()["GUID"] == by_name.json()["GUID"]
    not_station = await http.post("/api/internal/Client/Update", json=settings)
    assert not_station.status_code == 403


async def test_reports_from_a_station_carry_its_mac_as_origin(
    http: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    passcode = await register(http)
    report = demo_uut(1)
    async with httpx.AsyncClient(
        base_url=emulator.base_url, headers=station_headers(IDENTIFIER, passcode)
    ) as station:
        assert (await station.post("/api/Report/WSJF", json=report)).status_code == 200
    back = (await http.get(f"/api/Report/Wsjf/{report['id']}")).json()
    assert back["origin"] == IDENTIFIER


async def test_get_token_issues_and_resets_tokens(
    http: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    first = (await http.get("/api/Auth/GetToken/ci-bot")).json()
    async with httpx.AsyncClient(base_url=emulator.base_url) as bot:
        assert (await bot.get("/api/App/Version", headers=_basic(first))).status_code == 200
        second = (await http.get("/api/Auth/GetToken/ci-bot", params={"reset": "true"})).json()
        assert (await bot.get("/api/App/Version", headers=_basic(first))).status_code == 401
        assert (await bot.get("/api/App/Version", headers=_basic(second))).status_code == 200
    own = await http.get("/api/Auth/GetToken")
    assert own.status_code == 200


def _basic(token: str) -> dict[str, str]:
    return {"Authorization": f"Basic {token}"}


async def test_raw_registration_token_only_registers(
    emulator_factory: Callable[..., EmulatorHandle],
) -> None:
    handle = emulator_factory(EmulatorConfig(port=0, registration_token="UkVHSVNURVI="))
    async with httpx.AsyncClient(base_url=handle.base_url, headers=_basic("UkVHSVNURVI=")) as c:
        registered = await c.post(
            "/api/internal/Client/Register", params={"mac": IDENTIFIER, "name": "S"}
        )
        other = await c.get("/api/App/Version")
    assert registered.status_code == 200
    assert other.status_code == 401


async def test_registrations_and_reports_survive_a_restart(
    emulator_factory: Callable[..., EmulatorHandle], tmp_path: Path
) -> None:
    config = EmulatorConfig(port=0, db=str(tmp_path / "wats.sqlite"))
    first = emulator_factory(config)
    report = demo_uut(2)
    async with httpx.AsyncClient(base_url=first.base_url, headers=first.auth_headers) as c:
        passcode = await register(c)
        assert (await c.post("/api/Report/WSJF", content=json.dumps(report))).status_code == 200
    assert first.store.journal_mode == "wal"
    first.stop()
    second = emulator_factory(config)
    async with httpx.AsyncClient(
        base_url=second.base_url, headers=station_headers(IDENTIFIER, passcode)
    ) as station:
        back = await station.get(f"/api/Report/Wsjf/{report['id']}")
    assert back.status_code == 200
    assert back.json()["root"] == report["root"]


def test_utc_offset_parsing() -> None:
    assert parse_utc_offset("01:00:00") == 1.0
    assert parse_utc_offset("-05:30:00") == -5.5
    assert parse_utc_offset("1.02:00:00") == 26.0
    assert parse_utc_offset(2) == 2.0
    assert parse_utc_offset("3.5") == 3.5
    assert parse_utc_offset("") is None
    with pytest.raises(BadRequest):
        parse_utc_offset("soon")


def test_unknown_route_module_is_a_configuration_error() -> None:
    from pywats_emulator.app import create_app

    with pytest.raises(ConfigurationError, match="nosuchdomain"):
        create_app(EmulatorConfig(), route_modules=["report", "nosuchdomain"])


async def test_station_logs_are_stored_and_read_back(
    http: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    passcode = await register(http)
    async with httpx.AsyncClient(
        base_url=emulator.base_url, headers=station_headers(IDENTIFIER, passcode)
    ) as station:
        first = await station.post(
            "/api/internal/Client/PostClientLog",
            json={"logDate": "2026-03-01T10:00:00Z", "userName": "op", "text": "started"},
        )
        second = await station.post("/api/internal/Client/PostClientLog", json={"text": "queue 3"})
        syslog = await station.post(
            "/api/internal/Client/syslog",
            json={"category": 3, "severity": 4, "description": "disk low"},
        )
        bad = await station.post(
            "/api/internal/Client/syslog", json={"category": 20, "severity": 1}
        )
    assert first.json()["clientLogId"] < second.json()["clientLogId"]
    assert first.json()["clientId"] is not None
    assert syslog.status_code == 200
    assert bad.status_code == 400
    latest = await http.get(f"/api/SystemManager/ClientLog/{IDENTIFIER.lower()}")
    assert latest.json()["text"] == "queue 3"
    unknown = await http.get("/api/SystemManager/ClientLog/FFFFFFFFFFFF")
    assert unknown.status_code == 404


async def test_query_parameter_names_ignore_case(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/api/internal/Client/Register", params={"MAC": IDENTIFIER, "Name": "Upper case"}
    )
    assert response.status_code == 200
    found = await http.get("/api/SystemManager/Client", params={"IDENTIFIER": IDENTIFIER})
    assert found.json()["DisplayName"] == "Upper case"
