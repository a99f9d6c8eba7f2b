"""wats.client against the real emulator: registration, liveness, version, station info."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from pywats.client import AsyncWATS
from pywats.exceptions import AuthenticationError, InvalidArgumentError, NotFoundError
from pywats.models.client import (
    ClientSettings,
    normalise_mac,
    station_token,
    timespan_text,
    user_token,
)
from pywats_emulator.testing import EmulatorHandle

MAC = "00:11:22:aa:bb:cc"


@pytest.fixture
async def wats(emulator: EmulatorHandle) -> AsyncIterator[AsyncWATS]:
    async with AsyncWATS(base_url=emulator.base_url, token=emulator.token) as client:
        yield client


async def register_station(wats: AsyncWATS, emulator: EmulatorHandle) -> AsyncWATS:
    passcode = await wats.client.register_internal(
        MAC, "Station 1", location="Lab", purpose="Development", utc_offset_hours=1.0
    )
    return AsyncWATS(base_url=emulator.base_url, token=station_token(normalise_mac(MAC), passcode))


async def test_version_and_server_info(wats: AsyncWATS, emulator: EmulatorHandle) -> None:
    version = await wats.client.version()
    assert version == emulator.state.config.server_version
    assert not version.startswith('"')
    info = await wats.client.server_info_internal()
    assert info["Version"] == version
    modules = await wats.client.module_versions_internal()
    assert modules
    assert all(m.version == version for m in modules)


async def test_register_then_authenticate_as_station(
    wats: AsyncWATS, emulator: EmulatorHandle
) -> None:
    async with await register_station(wats, emulator) as station:
        ping = await station.client.ping_internal()
        assert ping.online
        assert ping.server_time is not None
        me = await station.client.client_info_internal()
        assert (me.name, me.display_name, me.location) == ("001122AABBCC", "Station 1", "Lab")
        assert me.utc_offset == 1.0


async def test_update_station_info(wats: AsyncWATS, emulator: EmulatorHandle) -> None:
    async with await register_station(wats, emulator) as station:
        settings = ClientSettings(
            name="Station One", miscinfo="os=linux", utcoffset=timespan_text(timedelta(hours=-5))
        )
        updated = await station.client.update_internal(settings)
    assert (updated.display_name, updated.misc_info, updated.utc_offset) == (
        "Station One",
        "os=linux",
        -5.0,
    )
    found = await wats.client.get_registration(identifier="001122AABBCC")
    assert found.display_name == "Station One"
    with pytest.raises(NotFoundError):
        await wats.client.get_registration(name="no such station")
    with pytest.raises(InvalidArgumentError):
        await wats.client.get_registration()


async def test_get_token_issues_a_working_token(wats: AsyncWATS, emulator: EmulatorHandle) -> None:
    token = await wats.client.get_token("ci-robot")
    assert token
    async with AsyncWATS(base_url=emulator.base_url, token=token) as robot:
        assert await robot.client.version()
    assert await wats.client.get_token() != token


async def test_wrong_token_is_an_authentication_error(emulator: EmulatorHandle) -> None:
    async with AsyncWATS(base_url=emulator.base_url, token=user_token("x", "y")) as intruder:
        with pytest.raises(AuthenticationError) as caught:
            await intruder.client.version()
    assert caught.value.status_code == 401


async def test_bad_registration_input_is_rejected_before_sending(wats: AsyncWATS) -> None:
    with pytest.raises(InvalidArgumentError, match="MAC"):
        await wats.client.register_internal("not-a-mac", "Station")
    with pytest.raises(InvalidArgumentError, match="name"):
        await wats.client.register_internal(MAC, "  ")


async def test_client_update_endpoints_via_mock_transport() -> None:
    """The emulator has no ClientUpdates endpoints; check the wire calls instead."""
    seen: list[httpx.Request] = []
    answers = iter(['"2.0.1"', "null", '"https://example.invalid/pywats-2.0.1.zip"'])

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text=next(answers))

    transport = httpx.MockTransport(handler)
    async with AsyncWATS(base_url="http://wats.test", token="dA==", transport=transport) as wats:
        assert await wats.client.update_available_internal("1.0.0") == "2.0.1"
        assert await wats.client.update_available_internal("2.0.1") is None
        link = await wats.client.update_link_internal("2.0.1", "linux")
    assert link == "https://example.invalid/pywats-2.0.1.zip"
    assert seen[0].url.path == "/api/internal/ClientUpdates/Available"
    assert seen[0].url.params["version"] == "1.0.0"
    assert seen[2].url.params["platform"] == "linux"
    assert seen[0].headers["Referer"] == "http://wats.test"


def test_token_and_mac_helpers() -> None:
    assert normalise_mac("00-11-22-aa-bb-cc") == "001122AABBCC"
    assert normalise_mac("0011.22aa.bbcc") == "001122AABBCC"
    with pytest.raises(InvalidArgumentError):
        normalise_mac("00:11:22")
    assert station_token("001122AABBCC", "pass") == "MDAxMTIyQUFCQkNDOnBhc3M="
    assert user_token("emulator", "emulator") == "ZW11bGF0b3I6ZW11bGF0b3I="
    with pytest.raises(InvalidArgumentError):
        station_token("", "x")
    assert timespan_text(timedelta(hours=1)) == "01:00:00"
    assert timespan_text(timedelta(hours=-5, minutes=-30)) == "-05:30:00"
