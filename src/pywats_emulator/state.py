"""The shared state every route module receives."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from .auth import AuthRegistry
from .config import EmulatorConfig
from .connections import ConnectionRegistry
from .faults import FaultInjector
from .store import Store

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock: an aware UTC datetime."""
    return datetime.now(UTC)


@dataclass
class EmulatorState:
    """What one running emulator shares between its route modules.

    ``clock`` returns an aware UTC datetime; tests inject a fixed one. ``extras`` is a free
    slot for route modules that need in-memory state (key it by your domain name).
    ``stopping`` is set when the server begins to shut down; injected delays end then.
    """

    store: Store
    config: EmulatorConfig
    faults: FaultInjector
    auth: AuthRegistry
    clock: Clock = utc_now
    connections: ConnectionRegistry = field(default_factory=ConnectionRegistry)
    modules: tuple[ModuleType, ...] = ()
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(
        cls, config: EmulatorConfig, store: Store | None = None, clock: Clock | None = None
    ) -> EmulatorState:
        """Build the state for ``config`` (opening ``config.db`` unless a store is given)."""
        faults = FaultInjector(seed=config.seed)
        for rule in config.faults:
            faults.add(rule)
        auth = AuthRegistry(config.token, config.users, config.accepted_registration_token)
        return cls(
            store=store if store is not None else Store(config.db),
            config=config,
            faults=faults,
            auth=auth,
            clock=clock or utc_now,
        )

    def now_iso(self) -> str:
        """The clock's current instant as ISO 8601 UTC with ``Z``."""
        return self.clock().astimezone(UTC).isoformat().replace("+00:00", "Z")
