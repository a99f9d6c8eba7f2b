"""Route-module discovery and the database lifecycle (schema, one-time seed, reset).

A route module in :mod:`pywats_emulator.routes` defines ``SCHEMA`` (SQL run at start),
optionally ``seed(store)`` (deterministic demo data for an empty database), optionally
``prepare(state)`` (load in-memory state after start or reset), and ``routes(state)``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from types import ModuleType

from pywats.exceptions import ConfigurationError

from . import routes as routes_package
from .state import EmulatorState
from .store import Store

META_SCHEMA = "CREATE TABLE IF NOT EXISTS emulator_meta (key TEXT PRIMARY KEY, value TEXT)"


def discover_route_modules(names: Iterable[str] | None = None) -> tuple[ModuleType, ...]:
    """Import the route modules (all, hot paths first, or only ``names`` in that order)."""
    available = sorted(
        info.name
        for info in pkgutil.iter_modules(routes_package.__path__)
        if not info.name.startswith("_")
    )
    wanted = sorted(available, key=_route_priority) if names is None else list(names)
    unknown = sorted(set(wanted) - set(available))
    if unknown:
        raise ConfigurationError(f"unknown emulator route modules: {', '.join(unknown)}")
    modules = []
    for name in wanted:
        module = importlib.import_module(f"{routes_package.__name__}.{name}")
        if not callable(getattr(module, "routes", None)):
            raise ConfigurationError(f"route module {name} defines no routes(state) function")
        modules.append(module)
    return tuple(modules)


# The station's hot paths (report submission, ping) are matched first: Starlette tries
# routes in order, so this saves ~100 regex matches per report.
_FIRST = ("report", "client")


def _route_priority(name: str) -> tuple[int, str]:
    return (_FIRST.index(name) if name in _FIRST else len(_FIRST), name)


def create_schema(store: Store, modules: Iterable[ModuleType]) -> None:
    """Run every module's ``SCHEMA`` (idempotent: CREATE … IF NOT EXISTS)."""
    store.executescript(META_SCHEMA)
    for module in modules:
        schema = getattr(module, "SCHEMA", "")
        if schema:
            store.executescript(schema)


def seed_if_empty(store: Store, modules: Iterable[ModuleType]) -> bool:
    """Seed demo data once per database; True when seeding ran now."""
    if store.query_one("SELECT value FROM emulator_meta WHERE key='seeded'") is not None:
        return False
    with store.transaction():
        for module in modules:
            seed = getattr(module, "seed", None)
            if callable(seed):
                seed(store)
        store.execute("INSERT OR REPLACE INTO emulator_meta (key, value) VALUES ('seeded', '1')")
    return True


def prepare(state: EmulatorState) -> None:
    """Schema, seed when new, then each module's ``prepare(state)`` hook."""
    create_schema(state.store, state.modules)
    seed_if_empty(state.store, state.modules)
    for module in state.modules:
        hook = getattr(module, "prepare", None)
        if callable(hook):
            hook(state)


def reset(state: EmulatorState) -> None:
    """Back to a freshly seeded database, no faults, no issued credentials."""
    state.store.clear_all()
    state.auth.reset()
    state.faults.reset(seed=state.config.seed, rules=state.config.faults)
    state.extras.clear()
    prepare(state)
