"""Analytics routes (``/api/App/...``): yields, failures, measurements, repairs, OEE, headers.

Every figure is computed on request from the reports stored in the ``reports`` table; the
arithmetic lives in the ``_analytics_*`` modules. This module owns the level and user-settings
tables; a level lists station-location patterns. The filters' ``productGroup`` field refers to
the product routes' groups (``_product_groups``), whose filters list part-number patterns.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pywats_emulator.routes._analytics_data import AnalyticsData
from pywats_emulator.routes._analytics_filter import FilterError, UnknownEntityError
from pywats_emulator.routes._analytics_handlers import AnalyticsHandlers
from pywats_emulator.routes._params import guarded
from pywats_emulator.state import EmulatorState
from pywats_emulator.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS analytics_levels (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    location_patterns TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS analytics_user_settings (
    user_name TEXT PRIMARY KEY COLLATE NOCASE,
    settings TEXT NOT NULL
);
"""

SEED_LEVELS = (
    (1, "Norway", "Oslo*;Bergen*;Trondheim*"),
    (2, "USA", "*USA*"),
    (3, "Lab", "Lab*"),
)
SEED_USERS = {
    "admin": {
        "fullName": "Site Administrator",
        "cultureCode": "en-US",
        "email": "admin@example.com",
        "roles": ["Administrator"],
        "levels": ["Norway", "USA", "Lab"],
        "productGroups": ["All products"],
    },
    "operator": {
        "fullName": "Line Operator",
        "cultureCode": "nb-NO",
        "email": "operator@example.com",
        "roles": ["Operator"],
        "levels": ["Norway"],
        "productGroups": ["PCBA"],
    },
}


def seed(store: Store) -> None:
    """Insert the demo levels and user settings (the product routes seed the product groups)."""
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO analytics_levels (id, name, location_patterns) VALUES (?, ?, ?)",
            SEED_LEVELS,
        )
        conn.executemany(
            "INSERT INTO analytics_user_settings (user_name, settings) VALUES (?, ?)",
            [(name, json.dumps(settings)) for name, settings in SEED_USERS.items()],
        )


Handler = Callable[[Request], Awaitable[Response]]


# Filter problems are the caller's; unknown product-group or level ids are "not found".
_ERROR_STATUSES: dict[type[Exception], int] = {FilterError: 400, UnknownEntityError: 404}


def routes(state: EmulatorState) -> list[Route]:
    """The ``/api/App/...`` analytics routes."""
    handlers = AnalyticsHandlers(AnalyticsData(state))
    table: list[tuple[str, str, Handler]] = [
        ("POST", "/api/app/dynamicyield", handlers.dynamic_yield),
        ("POST", "/api/app/dynamicrepair", handlers.dynamic_repair),
        ("GET", "/api/app/volumeyield", handlers.volume_yield_days),
        ("POST", "/api/app/volumeyield", handlers.volume_yield),
        ("GET", "/api/app/highvolume", handlers.high_volume_days),
        ("POST", "/api/app/highvolume", handlers.high_volume),
        ("POST", "/api/app/highvolumebyproductgroup", handlers.high_volume_by_group),
        ("GET", "/api/app/worstyield", handlers.worst_yield_days),
        ("POST", "/api/app/worstyield", handlers.worst_yield),
        ("POST", "/api/app/worstyieldbyproductgroup", handlers.worst_yield_by_group),
        ("GET", "/api/app/levels", handlers.levels),
        ("GET", "/api/app/productgroups", handlers.product_groups),
        ("GET", "/api/app/topfailed", handlers.top_failed_days),
        ("POST", "/api/app/topfailed", handlers.top_failed),
        ("POST", "/api/app/teststepanalysis", handlers.test_step_analysis),
        ("POST", "/api/app/measurements", handlers.measurements),
        ("POST", "/api/app/aggregatedmeasurements", handlers.aggregated_measurements),
        ("POST", "/api/app/oeeanalysis", handlers.oee_analysis),
        ("GET", "/api/app/relatedrepairhistory", handlers.related_repair_history),
        ("POST", "/api/app/serialnumberhistory", handlers.serial_number_history),
        ("GET", "/api/app/uutreport", handlers.uut_report_query),
        ("POST", "/api/app/uutreport", handlers.uut_report),
        ("POST", "/api/app/uurreport", handlers.uur_report),
        ("GET", "/api/app/commonusersettings", handlers.common_user_settings),
    ]
    by_path: dict[str, dict[str, Handler]] = {}
    for method, path, handler in table:
        by_path.setdefault(path, {})[method] = guarded(handler, statuses=_ERROR_STATUSES)
    return [_route(path, methods) for path, methods in by_path.items()]


def _route(path: str, methods: dict[str, Handler]) -> Route:
    if len(methods) == 1:
        ((method, handler),) = methods.items()
        return Route(path, handler, methods=[method])

    async def dispatch(request: Request) -> Response:
        # Starlette adds HEAD to GET routes; answer it like the GET.
        handler = methods.get(request.method) or methods["GET"]
        return await handler(request)

    return Route(path, dispatch, methods=list(methods))
