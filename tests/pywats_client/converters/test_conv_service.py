"""The converter subsystem inside the real station service: drop a file, find it on the
emulator, and the source in Done/."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from conv_helpers import files_in, wait_until, wsjf_bytes

from pywats_client.config import write_token
from pywats_client.control import ControlClient
from pywats_client.control.token import load_or_create_token
from pywats_client.service import AsyncClientService
from pywats_emulator.testing import EmulatorHandle

REPORT_ID = "4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"


def _config(folder: Path, emulator: EmulatorHandle, inbox: Path) -> Path:
    write_token(folder / "api.token", emulator.token)
    config = {
        "server_url": emulator.base_url,
        "token_file": "api.token",
        "queue_dir": "queue",
        "station_name": "CONV-STATION",
        "limits": {"min_free_bytes": 0},
        "shutdown": {"graceful_timeout_seconds": 10.0, "force_timeout_seconds": 10.0},
        "watch_folders": [
            {"path": str(inbox), "converter": "wsjf", "post_process": "move",
             "move_to": str(inbox / "Done")}
        ],
    }  # fmt: skip
    path = folder / "client.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


async def test_a_dropped_file_reaches_the_emulator_through_the_service(
    tmp_path: Path, emulator: EmulatorHandle
) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    service = AsyncClientService(
        _config(tmp_path, emulator, inbox), control_port=0, handle_signals=False
    )
    task = asyncio.create_task(service.run())
    try:
        await wait_until(lambda: service.converters is not None or task.done())
        (inbox / "station-output.json").write_bytes(wsjf_bytes("SVC-1", REPORT_ID))
        await wait_until(
            lambda: any(r["id"].lower() == REPORT_ID for r in emulator.reports()) or task.done()
        )
        await wait_until(lambda: files_in(inbox / "Done") == ["station-output.json"])
        assert service.converters is not None
        stats = service.converters.status()["stats"]["converters"]["wsjf"]
        assert stats["files_converted"] == 1
        await _control_api_shows_the_converters(service)
    finally:
        service.request_stop("test over")
        assert await task == 0


async def _control_api_shows_the_converters(service: AsyncClientService) -> None:
    assert service.control_url is not None
    token = load_or_create_token(service.state_dir / "control.token")
    async with ControlClient(token, base_url=service.control_url) as control:
        status = await control.status()
        names = {c["name"] for c in status["converters"]["converters"]}
        assert {"wsjf", "wsxf", "wstf", "csv"} <= names
        metrics = await control.metrics()
        assert 'pywats_converter_files_converted_total{converter="wsjf"} 1' in metrics
        assert (await control.health())["status"] == "ok"
