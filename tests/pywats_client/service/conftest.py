"""Fixtures of the service tests: an in-process service against the emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from service_helpers import control_token, write_config

from pywats_client.control import ControlClient
from pywats_client.service import AsyncClientService
from pywats_emulator.testing import EmulatorHandle


@dataclass
class RunningService:
    service: AsyncClientService
    control: ControlClient
    task: asyncio.Task[int]
    folder: Path

    async def stop(self) -> int:
        self.service.request_stop("test")
        return await self.task


ServiceStarter = Callable[..., Any]


@pytest.fixture
def start_service(tmp_path: Path, emulator: EmulatorHandle) -> Callable[..., Any]:
    """``async with start_service(**config_overrides) as running:`` an in-process service
    on the emulator with its control client; stopped (and awaited) on exit.
    ``registration=True`` leaves the token out (the station registers itself)."""

    @asynccontextmanager
    async def start(
        folder: Path | None = None,
        token: str | None = None,
        registration: bool = False,
        **overrides: Any,
    ) -> AsyncIterator[RunningService]:
        where = folder or tmp_path / "station"
        config_path = write_config(
            where,
            overrides.pop("server_url", emulator.base_url),
            None if registration else token or emulator.token,
            **overrides,
        )
        service = AsyncClientService(config_path, control_port=0, handle_signals=False)
        task = asyncio.create_task(service.run())
        while service.control_url is None or not service.accepting:
            if task.done():
                raise AssertionError(f"service exited early with {task.result()}")
            await asyncio.sleep(0.01)
        control = ControlClient(control_token(where), base_url=service.control_url)
        running = RunningService(service, control, task, where)
        try:
            yield running
        finally:
            await control.aclose()
            if not task.done():
                await running.stop()

    return start
