"""Emulator control under ``/_emulator/`` (same token as the API): faults, reports, reset."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pywats.exceptions import ConfigurationError

from ..faults import FaultRule, rule_from_mapping
from ..http import BadRequest, error_response, json_response, query_int, read_json
from ..lifecycle import reset
from ..reportdata import header_record
from ..reportstore import query_headers
from ..state import EmulatorState

SCHEMA = ""


def _rules_from_body(body: Any) -> list[FaultRule]:
    items = body if isinstance(body, list) else [body]
    try:
        return [rule_from_mapping(item) for item in items if isinstance(item, dict)] or _none()
    except ConfigurationError as exc:
        raise BadRequest(str(exc)) from None


def _none() -> list[FaultRule]:
    raise BadRequest("Give a fault object or a list of fault objects.")


class AdminRoutes:
    """Handlers bound to one emulator state."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    async def reports(self, request: Request) -> Response:
        """``GET /_emulator/reports[?limit=N]``: count and headers, newest first."""
        limit = query_int(request, "limit", 1000) or 0
        store = self.state.store
        count = store.query_one("SELECT COUNT(*) FROM reports")
        rows = query_headers(store, "1", [], "seq DESC", top=limit, skip=0, with_body=False)
        items = [
            {**header_record(row), "receivedAt": row["received_at"], "origin": row["origin"]}
            for row in rows
        ]
        return json_response({"count": count[0] if count else 0, "reports": items})

    async def reset(self, _: Request) -> Response:
        """``POST /_emulator/reset``: freshly seeded database, no faults or credentials."""
        reset(self.state)
        return json_response({"reset": True})

    async def faults(self, _: Request) -> Response:
        """``GET /_emulator/faults``: active rules and the faults fired so far."""
        fired = [vars(f) for f in self.state.faults.fired()]
        return json_response({"active": self.state.faults.active(), "fired": fired})

    async def add_faults(self, request: Request) -> Response:
        """``POST /_emulator/faults`` (add) or ``PUT`` (replace): one rule or a list."""
        rules = _rules_from_body(await read_json(request))
        if request.method == "PUT":
            ids = self.state.faults.set(*rules)
        else:
            ids = [self.state.faults.add(rule) for rule in rules]
        return json_response({"ids": ids, "active": self.state.faults.active()})

    async def clear_faults(self, _: Request) -> Response:
        """``DELETE /_emulator/faults``: deactivate every rule."""
        self.state.faults.clear()
        return Response(status_code=204)

    async def remove_fault(self, request: Request) -> Response:
        """``DELETE /_emulator/faults/{id}``."""
        try:
            rule_id = int(request.path_params["id"])
        except ValueError:
            raise BadRequest("Fault ids are integers.") from None
        if not self.state.faults.remove(rule_id):
            return error_response(404, f"No active fault {rule_id}.")
        return Response(status_code=204)


def routes(state: EmulatorState) -> list[Route]:
    """The admin endpoints."""
    h = AdminRoutes(state)
    return [
        Route("/_emulator/reports", h.reports, methods=["GET"]),
        Route("/_emulator/reset", h.reset, methods=["POST"]),
        Route("/_emulator/faults", h.faults, methods=["GET"]),
        Route("/_emulator/faults", h.add_faults, methods=["POST", "PUT"]),
        Route("/_emulator/faults", h.clear_faults, methods=["DELETE"]),
        Route("/_emulator/faults/{id}", h.remove_fault, methods=["DELETE"]),
    ]
