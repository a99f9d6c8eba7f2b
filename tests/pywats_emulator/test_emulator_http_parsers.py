"""Both HTTP/1.1 parsers the emulator can serve with behave alike, faults included."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from pywats.exceptions import ConfigurationError
from pywats_emulator.app import create_app
from pywats_emulator.cli import main
from pywats_emulator.connections import (
    ConnectionRegistry,
    httptools_available,
    protocol_base,
    tracking_protocol,
)
from pywats_emulator.demo import demo_uut
from pywats_emulator.faults import FaultKind, FaultRule
from pywats_emulator.server import ThreadedServer
from pywats_emulator.state import EmulatorState

PARSERS = [
    "h11",
    pytest.param(
        "httptools",
        marks=pytest.mark.skipif(not httptools_available(), reason="httptools not installed"),
    ),
]


@pytest.fixture(params=PARSERS)
def served(request: pytest.FixtureRequest) -> Iterator[tuple[ThreadedServer, EmulatorState]]:
    app = create_app()
    with ThreadedServer(app, http=request.param) as server:
        yield server, app.state.emulator


def _client(server: ThreadedServer, state: EmulatorState) -> httpx.AsyncClient:
    headers = {"Authorization": f"Basic {state.config.token}"}
    return httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=10)


def _receive_counts(state: EmulatorState) -> list[int]:
    rows = state.store.query("SELECT receive_count FROM reports ORDER BY seq")
    return [int(row[0]) for row in rows]


async def test_submit_and_read_back(served: tuple[ThreadedServer, EmulatorState]) -> None:
    server, state = served
    report = demo_uut(1)
    async with _client(server, state) as c:
        submitted = await c.post("/api/Report/WSJF", json=report)
        read = await c.get(f"/api/Report/Wsjf/{report['id']}")
        denied = await c.get("/api/App/Version", headers={"Authorization": "Basic nope"})
    assert submitted.status_code == 200
    assert submitted.json()["ID"] == report["id"]
    assert read.json()["sn"] == report["sn"]
    assert denied.status_code == 401
    assert denied.headers["www-authenticate"] == 'Basic realm="WATS"'


async def test_reset_and_drop_cut_the_connection(
    served: tuple[ThreadedServer, EmulatorState],
) -> None:
    server, state = served
    report = demo_uut(2)
    async with _client(server, state) as c:
        state.faults.set(FaultRule(FaultKind.RESET, method="POST", count=1))
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            await c.post("/api/Report/WSJF", json=report)  # never handled
        assert _receive_counts(state) == []
        state.faults.set(FaultRule(FaultKind.DROP, method="POST", count=1))
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            await c.post("/api/Report/WSJF", json=report)  # stored, then not answered
        assert _receive_counts(state) == [1]
        retried = await c.post("/api/Report/WSJF", json=report)
    assert retried.status_code == 200
    assert _receive_counts(state) == [2]
    assert len(state.connections) <= 1


def test_protocol_choice() -> None:
    assert protocol_base("h11").__name__ == "H11Protocol"
    expected = "HttpToolsProtocol" if httptools_available() else "H11Protocol"
    assert protocol_base("auto").__name__ == expected
    tracked = tracking_protocol(ConnectionRegistry(), "h11")
    assert issubclass(tracked, protocol_base("h11"))
    with pytest.raises(ConfigurationError, match="not available"):
        protocol_base("nonsense")  # type: ignore[arg-type]


def test_cli_rejects_an_unknown_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--http", "nonsense"])
    assert "invalid choice" in capsys.readouterr().err
