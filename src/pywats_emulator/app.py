"""The emulator's Starlette application."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Iterable, Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from pywats.exceptions import WatsError

from .config import EmulatorConfig
from .http import BadRequest, error_response
from .lifecycle import discover_route_modules, prepare
from .middleware import EmulatorMiddleware
from .state import Clock, EmulatorState
from .store import Store

NOT_FOUND = "No HTTP resource was found that matches the request URI '{}'."


def create_app(
    config: EmulatorConfig | None = None,
    *,
    store: Store | None = None,
    clock: Clock | None = None,
    route_modules: Iterable[str] | None = None,
) -> Starlette:
    """Build the emulator app: database prepared, every route module mounted.

    The state is reachable as ``app.state.emulator``. The app closes the store on shutdown
    only when it opened it itself (no ``store`` passed).
    """
    config = config or EmulatorConfig()
    modules = discover_route_modules(route_modules)
    owns_store = store is None
    state = EmulatorState.create(config, store=store, clock=clock)
    state.modules = modules
    prepare(state)
    routes: list[BaseRoute] = []
    for module in state.modules:
        routes.extend(module.routes(state))
    ignore_case(routes)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        if owns_store:
            state.store.close()

    app = Starlette(
        routes=routes,
        middleware=[Middleware(EmulatorMiddleware, state=state)],
        exception_handlers={
            BadRequest: _bad_request,
            WatsError: _wats_error,
            HTTPException: _http_exception,
            Exception: _server_error,
        },
        lifespan=lifespan,
    )
    app.state.emulator = state
    return app


def ignore_case(routes: Sequence[BaseRoute]) -> None:
    """Make route paths match case-insensitively, as ASP.NET routing does.

    Only matching ignores case; path parameters keep the caller's spelling (a part number
    ``Abc-1`` stays ``Abc-1``).
    """
    for route in routes:
        if isinstance(route, Route | Mount):
            route.path_regex = re.compile(route.path_regex.pattern, re.IGNORECASE)
        if isinstance(route, Mount):
            ignore_case(route.routes)


async def _bad_request(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, BadRequest)
    return error_response(exc.status, exc.message)


async def _wats_error(_: Request, exc: Exception) -> Response:
    return error_response(400, str(exc))


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(404, NOT_FOUND.format(request.url))
    if exc.status_code == 405:
        return error_response(405, "The requested resource does not support this HTTP method.")
    return error_response(exc.status_code, str(exc.detail))


async def _server_error(_: Request, exc: Exception) -> Response:
    return error_response(500, f"An error has occurred: {type(exc).__name__}: {exc}")
