"""The pytest plugin and the basics every later test relies on, over real HTTP."""

from __future__ import annotations

import base64
from collections.abc import Callable

import httpx

from pywats_emulator.demo import demo_uut
from pywats_emulator.testing import EmulatorHandle


async def test_fixture_serves_real_http_on_loopback(emulator: EmulatorHandle) -> None:
    assert emulator.base_url.startswith("http://127.0.0.1:")
    async with httpx.AsyncClient(base_url=emulator.base_url, headers=emulator.auth_headers) as c:
        response = await c.get("/api/App/Version")
    assert response.status_code == 200
    assert response.json() == "2026.1.5.324"


async def test_each_test_starts_from_an_empty_database(emulator: EmulatorHandle) -> None:
    async with httpx.AsyncClient(base_url=emulator.base_url, headers=emulator.auth_headers) as c:
        response = await c.post("/api/Report/WSJF", json=demo_uut(1))
    assert response.status_code == 200
    assert len(emulator.reports()) == 1
    emulator.reset()
    assert emulator.reports() == []


def test_auth_headers_carry_the_token(emulator: EmulatorHandle) -> None:
    assert emulator.auth_headers == {"Authorization": f"Basic {emulator.token}"}


async def test_missing_token_is_401_with_wats_body(emulator: EmulatorHandle) -> None:
    async with httpx.AsyncClient(base_url=emulator.base_url) as c:
        response = await c.get("/api/App/Version")
    assert response.status_code == 401
    assert response.json() == {"Message": "Authorization has been denied for this request."}
    assert response.headers["www-authenticate"].startswith("Basic")


async def test_wrong_token_and_wrong_scheme_are_401(emulator: EmulatorHandle) -> None:
    async with httpx.AsyncClient(base_url=emulator.base_url) as c:
        wrong = await c.get("/api/App/Version", headers={"Authorization": "Basic bm9wZTpub3Bl"})
        bearer = await c.get(
            "/api/App/Version", headers={"Authorization": f"Bearer {emulator.token}"}
        )
        garbage = await c.get("/api/App/Version", headers={"Authorization": "Basic %%%"})
    assert [wrong.status_code, bearer.status_code, garbage.status_code] == [401, 401, 401]


async def test_user_credentials_are_accepted(emulator: EmulatorHandle) -> None:
    user = base64.b64encode(b"emulator:emulator").decode()
    bad = base64.b64encode(b"emulator:wrong").decode()
    async with httpx.AsyncClient(base_url=emulator.base_url) as c:
        ok = await c.get("/api/App/Version", headers={"Authorization": f"Basic {user}"})
        refused = await c.get("/api/App/Version", headers={"Authorization": f"Basic {bad}"})
    assert ok.status_code == 200
    assert refused.status_code == 401


async def test_paths_match_case_insensitively(emulator: EmulatorHandle) -> None:
    async with httpx.AsyncClient(base_url=emulator.base_url, headers=emulator.auth_headers) as c:
        answers = [
            (await c.get(path)).status_code
            for path in ("/api/app/version", "/API/APP/VERSION", "/Api/App/Version")
        ]
    assert answers == [200, 200, 200]


async def test_unknown_route_is_wats_shaped_404(emulator: EmulatorHandle) -> None:
    async with httpx.AsyncClient(base_url=emulator.base_url, headers=emulator.auth_headers) as c:
        response = await c.get("/api/NoSuchThing")
    assert response.status_code == 404
    assert "No HTTP resource was found" in response.json()["Message"]


async def test_wrong_method_is_405(emulator: EmulatorHandle) -> None:
    async with httpx.AsyncClient(base_url=emulator.base_url, headers=emulator.auth_headers) as c:
        response = await c.delete("/api/App/Version")
    assert response.status_code == 405
    assert "Message" in response.json()


def test_factory_servers_report_whether_they_run(
    emulator_factory: Callable[..., EmulatorHandle],
) -> None:
    handle = emulator_factory()
    assert handle.server.is_running
    handle.stop()
    assert not handle.server.is_running
