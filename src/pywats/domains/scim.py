"""The WATS SCIM user-provisioning domain (``wats.scim``): SCIM 2.0, ``application/scim+json``."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import quote

from pywats.domains._arguments import require_text
from pywats.domains._base import AsyncDomain
from pywats.domains._parsing import parse_model
from pywats.exceptions import InvalidArgumentError
from pywats.models.scim import (
    PATCHABLE_PATHS,
    ScimListResponse,
    ScimPatchOperation,
    ScimPatchRequest,
    ScimToken,
    ScimUser,
)

SCIM_MEDIA_TYPE = "application/scim+json"
UserId = str | uuid.UUID


def scim_eq(attribute: str, value: str | bool | int) -> str:
    """A SCIM ``eq`` filter with the value written as a JSON literal (quotes escaped).

    ``scim_eq("userName", 'a"b')`` → ``userName eq "a\\"b"``.
    """
    require_text(attribute, "attribute")
    return f"{attribute} eq {json.dumps(value)}"


def _scim_body(payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    return body, {"Content-Type": SCIM_MEDIA_TYPE, "Accept": SCIM_MEDIA_TYPE}


def _user_path(user_id: UserId) -> str:
    return f"/api/SCIM/v2/Users/{quote(require_text(str(user_id), 'user_id'), safe='')}"


class AsyncScimDomain(AsyncDomain):
    """Async access to the WATS SCIM user endpoints."""

    async def create_token(self, duration_days: int | None = None) -> ScimToken:
        """A provisioning JWT for Azure AD, valid ``duration_days`` (server default 90).

        Calls ``GET /api/SCIM/v2/Token``.
        """
        if duration_days is not None and duration_days < 1:
            raise InvalidArgumentError("duration_days must be at least 1")
        path = "/api/SCIM/v2/Token"
        return await self._request_model(ScimToken, "GET", path, params={"duration": duration_days})

    async def get_users(
        self,
        scim_filter: str | None = None,
        start_index: int | None = None,
        count: int | None = None,
    ) -> ScimListResponse:
        """One page of users (``GET /api/SCIM/v2/Users``).

        ``scim_filter`` is a SCIM filter (see :func:`scim_eq`); ``start_index`` is 1-based.
        """
        if start_index is not None and start_index < 1:
            raise InvalidArgumentError("start_index is 1-based")
        if count is not None and count < 0:
            raise InvalidArgumentError("count must not be negative")
        path = "/api/SCIM/v2/Users"
        params = {"filter": scim_filter, "startIndex": start_index, "count": count}
        return await self._request_model(ScimListResponse, "GET", path, params=params)

    async def get_all_users(
        self,
        scim_filter: str | None = None,
        page_size: int = 100,
    ) -> list[ScimUser]:
        """Every user matching ``scim_filter``, page by page (``GET /api/SCIM/v2/Users``)."""
        if page_size < 1:
            raise InvalidArgumentError("page_size must be at least 1")
        users: list[ScimUser] = []
        while True:
            page = await self.get_users(scim_filter, start_index=len(users) + 1, count=page_size)
            users.extend(page.resources)
            if not page.resources or len(users) >= page.total_results:
                return users

    async def create_user(self, user: ScimUser) -> ScimUser:
        """Create a user (``POST /api/SCIM/v2/Users``); the server assigns the id."""
        require_text(user.user_name, "user.user_name")
        path = "/api/SCIM/v2/Users"
        body, headers = _scim_body(user.to_wire())
        return await self._request_model(ScimUser, "POST", path, content=body, headers=headers)

    async def get_user(self, user_id: UserId) -> ScimUser:
        """One user by id (``GET /api/SCIM/v2/Users/{id}``)."""
        path = _user_path(user_id)
        return parse_model(ScimUser, await self._http.request_json("GET", path), "GET", path)

    async def get_user_by_name(self, user_name: str) -> ScimUser:
        """One user by user name (``GET /api/SCIM/v2/Users/userName={userName}``)."""
        path = (
            f"/api/SCIM/v2/Users/userName={quote(require_text(user_name, 'user_name'), safe='@')}"
        )
        return parse_model(ScimUser, await self._http.request_json("GET", path), "GET", path)

    async def patch_user(self, user_id: UserId, operations: list[ScimPatchOperation]) -> ScimUser:
        """Replace attributes of a user (``PATCH /api/SCIM/v2/Users/{id}``, PatchOp).

        Paths: fullName, familyName, givenName, roles, email, active, levels, productGroups
        (levels and productGroups are ';'-separated and added to the existing ones).
        """
        if not operations:
            raise InvalidArgumentError("give at least one patch operation")
        for operation in operations:
            if operation.path not in PATCHABLE_PATHS:
                raise InvalidArgumentError(f"cannot patch {operation.path!r}")
        path = _user_path(user_id)
        body, headers = _scim_body(ScimPatchRequest(operations=operations).to_wire())
        return await self._request_model(ScimUser, "PATCH", path, content=body, headers=headers)

    async def delete_user(self, user_id: UserId) -> None:
        """Delete a user (``DELETE /api/SCIM/v2/Users/{id}``)."""
        await self._http.request_json("DELETE", _user_path(user_id))
