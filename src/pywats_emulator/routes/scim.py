"""SCIM user provisioning routes (wats-rest-api.md §3.10), answering ``application/scim+json``.

Errors carry the RFC 7644 error body (``schemas``, ``status``, ``scimType``, ``detail``) plus
the WATS ``Message`` key, so both SCIM clients and WATS clients find the text.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pywats.models.scim import ERROR_SCHEMA, LIST_RESPONSE_SCHEMA
from pywats_emulator.http import read_json
from pywats_emulator.routes._asset_params import (
    caller_name,
    dump_body,
    load_body,
)
from pywats_emulator.routes._params import (
    body_object,
    guarded,
    optional_int,
    optional_str,
)
from pywats_emulator.routes._scim_filter import ScimFilterError, page, parse_scim_filter
from pywats_emulator.routes._scim_users import (
    ScimRuleError,
    apply_patch,
    new_user,
    provisioning_token,
)
from pywats_emulator.routes._seed_ids import SCIM_NAMESPACE
from pywats_emulator.state import EmulatorState
from pywats_emulator.store import Store

SCIM_MEDIA_TYPE = "application/scim+json"
DEFAULT_TOKEN_DAYS = 90

SCHEMA = """
CREATE TABLE IF NOT EXISTS scim_users (
    id TEXT PRIMARY KEY,
    user_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    body TEXT NOT NULL
);
"""

SEED_DATE = "2026-01-01T00:00:00Z"
# (userName, givenName, familyName, active)
_SEED_USERS = [
    ("ann.operator@example.com", "Ann", "Operator", True),
    ("bob.engineer@example.com", "Bob", "Engineer", True),
    ("carl.former@example.com", "Carl", "Former", False),
]


def scim_seed_id(user_name: str) -> str:
    """The stable id of a seeded user."""
    return str(uuid.uuid5(SCIM_NAMESPACE, user_name))


def seed(store: Store) -> None:
    """Insert three demo users (two active, one deactivated)."""
    for user_name, given, family, active in _SEED_USERS:
        user_id = scim_seed_id(user_name)
        user = {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "id": user_id,
            "userName": user_name,
            "displayName": f"{given} {family}",
            "active": active,
            "name": {"formatted": f"{given} {family}", "givenName": given, "familyName": family},
            "emails": [{"value": user_name, "type": "work", "primary": True}],
            "meta": {
                "resourceType": "User",
                "created": SEED_DATE,
                "lastModified": SEED_DATE,
                "location": f"/api/SCIM/v2/Users/{user_id}",
            },
        }
        store.execute(
            "INSERT INTO scim_users (id, user_name, body) VALUES (?, ?, ?)",
            (user_id, user_name, dump_body(user)),
        )


def scim_response(data: Any, status: int = 200) -> Response:
    """A SCIM JSON answer."""
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return Response(body.encode("utf-8"), status_code=status, media_type=SCIM_MEDIA_TYPE)


def scim_error(status: int, message: str, scim_type: str | None = None) -> Response:
    """An RFC 7644 error body that also carries the WATS ``Message`` key."""
    body: dict[str, Any] = {"schemas": [ERROR_SCHEMA], "status": str(status), "detail": message}
    if scim_type:
        body["scimType"] = scim_type
    body["Message"] = message
    return scim_response(body, status)


def _scim(
    handler: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except ScimRuleError as exc:
            return scim_error(exc.status, exc.message, exc.scim_type)
        except ScimFilterError as exc:
            return scim_error(400, f"The filter is not valid: {exc}", "invalidFilter")

    return guarded(endpoint, scim_error)


class ScimRoutes:
    """Handlers of the SCIM endpoints."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.store = state.store

    def _user(self, user_id: str) -> dict[str, Any]:
        row = self.store.query_one(
            "SELECT body FROM scim_users WHERE lower(id) = lower(?)", (user_id,)
        )
        if row is None:
            raise ScimRuleError(f"User '{user_id}' was not found.", "", 404)
        return load_body(row[0])

    def _save(self, user: dict[str, Any]) -> None:
        self.store.execute(
            "INSERT INTO scim_users (id, user_name, body) VALUES (?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET user_name = excluded.user_name, body = excluded.body",
            (user["id"], user["userName"], dump_body(user)),
        )

    async def token(self, request: Request) -> Response:
        days = optional_int(request.query_params, "duration")
        answer = provisioning_token(
            self.state.config.token,
            caller_name(request),
            self.state.clock(),
            DEFAULT_TOKEN_DAYS if days is None else days,
        )
        return scim_response(answer)

    async def list_users(self, request: Request) -> Response:
        params = request.query_params
        users = [load_body(r[0]) for r in self.store.query("SELECT body FROM scim_users")]
        users.sort(key=lambda u: str(u["userName"]).lower())
        text = optional_str(params, "filter")
        if text:
            predicate = parse_scim_filter(text)
            users = [u for u in users if predicate(u)]
        items, start = page(
            users, optional_int(params, "startIndex"), optional_int(params, "count")
        )
        return scim_response(
            {
                "schemas": [LIST_RESPONSE_SCHEMA],
                "totalResults": len(users),
                "itemsPerPage": len(items),
                "startIndex": start,
                "Resources": items,
            }
        )

    async def create_user(self, request: Request) -> Response:
        body = body_object(await read_json(request), "SCIM User")
        user = new_user(body, str(uuid.uuid4()), self.state.clock())
        taken = self.store.query_one(
            "SELECT 1 FROM scim_users WHERE user_name = ?", (user["userName"],)
        )
        if taken:
            raise ScimRuleError(f"User '{user['userName']}' already exists.", "uniqueness", 409)
        self._save(user)
        return scim_response(user, 201)

    async def user_by_name(self, request: Request) -> Response:
        user_name = request.path_params["user_name"]
        row = self.store.query_one("SELECT body FROM scim_users WHERE user_name = ?", (user_name,))
        if row is None:
            raise ScimRuleError(f"User '{user_name}' was not found.", "", 404)
        return scim_response(load_body(row[0]))

    async def get_user(self, request: Request) -> Response:
        return scim_response(self._user(request.path_params["id"]))

    async def patch_user(self, request: Request) -> Response:
        user = self._user(request.path_params["id"])
        body = body_object(await read_json(request), "PatchOp")
        patched = apply_patch(user, body, self.state.clock())
        self._save(patched)
        return scim_response(patched)

    async def delete_user(self, request: Request) -> Response:
        user = self._user(request.path_params["id"])
        self.store.execute("DELETE FROM scim_users WHERE id = ?", (user["id"],))
        return Response(status_code=204)


def routes(state: EmulatorState) -> list[Route]:
    """The SCIM endpoints (paths lower-case; the app matches case-insensitively)."""
    h = ScimRoutes(state)
    table = [
        ("/api/scim/v2/token", h.token, "GET"),
        ("/api/scim/v2/users", h.list_users, "GET"),
        ("/api/scim/v2/users", h.create_user, "POST"),
        # Before ``{id}``: the literal ``userName=`` prefix selects lookup by name.
        ("/api/scim/v2/users/username={user_name}", h.user_by_name, "GET"),
        ("/api/scim/v2/users/{id}", h.get_user, "GET"),
        ("/api/scim/v2/users/{id}", h.patch_user, "PATCH"),
        ("/api/scim/v2/users/{id}", h.delete_user, "DELETE"),
    ]
    return [Route(path, _scim(fn), methods=[verb]) for path, fn, verb in table]


__all__ = ["SCHEMA", "routes", "scim_seed_id", "seed"]
