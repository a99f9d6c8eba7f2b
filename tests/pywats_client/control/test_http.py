"""ControlServer + ControlClient over real sockets: routing, auth, errors, timeouts, sockets."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from pywats_client.control import ControlClient, ControlError
from pywats_client.control.http import (
    ControlHttpError,
    ControlRequest,
    ControlResponse,
    ControlServer,
    Router,
    token_matches,
)
from pywats_client.control.token import load_or_create_token

TOKEN = "s3cret-token"


def build_router(gate: asyncio.Event) -> Router:
    router = Router()

    async def health(_: ControlRequest) -> ControlResponse:
        return ControlResponse.json({"status": "degraded", "reasons": ["disk low"]}, 503)

    async def show(request: ControlRequest) -> ControlResponse:
        if request.params["entry_id"] == "missing":
            raise ControlHttpError(404, "no queue entry 'missing'")
        return ControlResponse.json({"id": request.params["entry_id"], "q": request.query})

    async def submit(request: ControlRequest) -> ControlResponse:
        name = request.headers["x-filename"]
        return ControlResponse.json([{"file": name, "size": len(request.body)}])

    async def config_set(request: ControlRequest) -> ControlResponse:
        return ControlResponse.json({"applied": request.json()})

    async def slow(_: ControlRequest) -> ControlResponse:
        await gate.wait()
        return ControlResponse.text("late")

    async def broken(_: ControlRequest) -> ControlResponse:
        raise RuntimeError("handler bug")

    router.add("GET", "/health", health)
    router.add("GET", "/queue/{entry_id}", show)
    router.add("POST", "/queue/submit", submit)
    router.add("PATCH", "/config", config_set)
    router.add("GET", "/metrics", slow)
    router.add("GET", "/status", broken)
    return router


@pytest.fixture
async def server() -> AsyncIterator[ControlServer]:
    srv = ControlServer(build_router(asyncio.Event()), token=TOKEN, request_timeout=0.5)
    await srv.start()
    yield srv
    await srv.stop()


async def test_client_round_trips(server: ControlServer) -> None:
    async with ControlClient(TOKEN, base_url=server.url) as client:
        assert await client.health() == {"status": "degraded", "reasons": ["disk low"]}
        assert await client.queue_show("a b") == {"id": "a b", "q": {}}
        assert await client.submit(b"12345", "r.json") == [{"file": "r.json", "size": 5}]
        assert await client.config_set({"concurrency": 3}) == {"applied": {"concurrency": 3}}


async def test_errors_are_typed_and_one_line(server: ControlServer) -> None:
    async with ControlClient(TOKEN, base_url=server.url) as client:
        with pytest.raises(ControlError, match="404: no queue entry 'missing'") as info:
            await client.queue_show("missing")
        assert info.value.status == 404
        with pytest.raises(ControlError, match="500: internal error"):
            await client.status()
        with pytest.raises(ControlError, match="404: no such control endpoint"):
            await client.queue_list()


async def test_wrong_or_missing_token_is_refused(server: ControlServer) -> None:
    async with ControlClient("wrong", base_url=server.url) as client:
        with pytest.raises(ControlError, match="401") as info:
            await client.health()
        assert info.value.status == 401
    async with httpx.AsyncClient(base_url=server.url) as raw:
        response = await raw.get("/health")
        assert response.status_code == 401
        assert response.json() == {"error": "missing or wrong control token"}
        response = await raw.post("/health", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 405


async def test_handler_that_hangs_is_cut_off_by_the_request_timeout(server: ControlServer) -> None:
    async with ControlClient(TOKEN, base_url=server.url, timeout=5) as client:
        with pytest.raises(ControlError, match="504: the service did not finish in time"):
            await client.metrics()
        # the server is still healthy for the next caller
        assert (await client.health())["status"] == "degraded"


async def test_unreachable_service_says_so() -> None:
    async with ControlClient(TOKEN, base_url="http://127.0.0.1:9", timeout=2) as client:
        with pytest.raises(ControlError, match="is it running"):
            await client.health()


@pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets")
async def test_unix_socket_transport(tmp_path: Path) -> None:
    sock = tmp_path / "control.sock"
    srv = ControlServer(build_router(asyncio.Event()), token=TOKEN, unix_socket=sock)
    await srv.start()
    try:
        assert sock.stat().st_mode & 0o777 == 0o600
        async with ControlClient(TOKEN, unix_socket=sock) as client:
            assert (await client.health())["reasons"] == ["disk low"]
    finally:
        await srv.stop()


def test_token_matching_is_exact() -> None:
    assert token_matches("Bearer abc", "abc")
    assert not token_matches("Bearer abcd", "abc")
    assert not token_matches("Basic abc", "abc")
    assert not token_matches(None, "abc")


def test_token_file_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "control.token"
    first = load_or_create_token(path)
    assert len(first) >= 40
    assert load_or_create_token(path) == first
    if os.name != "nt":
        assert path.stat().st_mode & 0o777 == 0o600
        path.chmod(0o644)
        load_or_create_token(path)
        assert path.stat().st_mode & 0o777 == 0o600
