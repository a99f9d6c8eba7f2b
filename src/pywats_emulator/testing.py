"""pytest plugin: a real emulator on 127.0.0.1 for every test that asks for ``emulator``.

Registered suite-wide with ``pytest_plugins = ["pywats_emulator.testing"]``. One uvicorn
server per test session (per xdist worker) keeps start-up cheap; each test gets a database
reset to the freshly seeded state, no faults and no issued credentials.

Fixtures:

- ``emulator`` → :class:`EmulatorHandle` for the shared server.
- ``emulator_factory`` → ``start(config=None, clock=None) -> EmulatorHandle`` starting
  dedicated servers (file databases, restarts, other seeds); all are stopped at teardown.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from .app import create_app
from .config import EmulatorConfig
from .faults import FaultInjector
from .lifecycle import reset
from .server import ThreadedServer
from .state import Clock, EmulatorState, utc_now
from .store import Store


@dataclass
class EmulatorHandle:
    """A running emulator as a test sees it."""

    server: ThreadedServer
    state: EmulatorState

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return self.server.base_url

    @property
    def token(self) -> str:
        """The API token (what goes after ``Basic ``)."""
        return self.state.config.token

    @property
    def auth_headers(self) -> dict[str, str]:
        """``{"Authorization": "Basic <token>"}``."""
        return {"Authorization": f"Basic {self.token}"}

    @property
    def store(self) -> Store:
        """The emulator's database."""
        return self.state.store

    @property
    def faults(self) -> FaultInjector:
        """Fault injection: ``set(FaultRule(...))``, ``clear()``, ``fired()``."""
        return self.state.faults

    def reports(self) -> list[dict[str, Any]]:
        """Every stored report's row (oldest first); ``body`` is the submitted WSJF, parsed."""
        rows = self.store.query("SELECT * FROM reports ORDER BY seq")
        result = []
        for row in rows:
            item = dict(row)
            item["body"] = json.loads(item["body"])
            result.append(item)
        return result

    def set_clock(self, clock: Clock) -> None:
        """Replace the server clock (until the next reset)."""
        self.state.clock = clock

    def reset(self) -> None:
        """Back to the freshly seeded state: no reports, faults, issued credentials."""
        self.state.clock = utc_now
        reset(self.state)

    def stop(self) -> None:
        """Stop the server (fixtures do this; never stop the shared ``emulator`` server)."""
        self.server.stop()


def start_emulator(
    config: EmulatorConfig | None = None, clock: Clock | None = None
) -> EmulatorHandle:
    """Start an emulator on a free 127.0.0.1 port; stop it with ``handle.stop()``."""
    app = create_app(config or EmulatorConfig(port=0), clock=clock)
    server = ThreadedServer(app).start()
    return EmulatorHandle(server, app.state.emulator)


@pytest.fixture(scope="session")
def _pywats_emulator_session() -> Iterator[EmulatorHandle]:
    handle = start_emulator()
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def emulator(_pywats_emulator_session: EmulatorHandle) -> Iterator[EmulatorHandle]:
    """A real emulator server with a freshly seeded database (see module docstring)."""
    handle = _pywats_emulator_session
    if not handle.server.is_running:
        pytest.fail(
            "the shared emulator was stopped by an earlier test; "
            "use emulator_factory for servers a test stops"
        )
    handle.reset()
    yield handle
    handle.faults.clear()


@pytest.fixture
def emulator_factory() -> Iterator[Callable[..., EmulatorHandle]]:
    """Start dedicated emulators: ``emulator_factory(config=None, clock=None)``."""
    started: list[EmulatorHandle] = []

    def start(config: EmulatorConfig | None = None, clock: Clock | None = None) -> EmulatorHandle:
        handle = start_emulator(config, clock)
        started.append(handle)
        return handle

    yield start
    for handle in reversed(started):
        handle.stop()
