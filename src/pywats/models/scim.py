"""Pydantic models of the WATS SCIM user-provisioning domain (SCIM 2.0 core user)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from pywats.models._base import ApiModel

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
LIST_RESPONSE_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"

#: Attributes ``PATCH /api/SCIM/v2/Users/{id}`` can replace.
PATCHABLE_PATHS = (
    "fullName",
    "familyName",
    "givenName",
    "roles",
    "email",
    "active",
    "levels",
    "productGroups",
)


class ScimName(ApiModel):
    """A user's name parts."""

    formatted: str | None = None
    given_name: str | None = None
    family_name: str | None = None


class ScimEmail(ApiModel):
    """One e-mail address of a user."""

    value: str
    type: str | None = None
    primary: bool | None = None


class ScimMeta(ApiModel):
    """Resource metadata set by the server."""

    resource_type: str | None = None
    created: datetime | None = None
    last_modified: datetime | None = None
    location: str | None = None


class ScimUser(ApiModel):
    """A SCIM user (``userName`` required on create)."""

    schemas: list[str] = Field(default_factory=lambda: [USER_SCHEMA])
    id: str | None = None
    user_name: str
    display_name: str | None = None
    active: bool | None = None
    external_id: str | None = None
    name: ScimName | None = None
    emails: list[ScimEmail] | None = None
    meta: ScimMeta | None = None


class ScimListResponse(ApiModel):
    """One page of ``GET /api/SCIM/v2/Users`` (``start_index`` is 1-based)."""

    schemas: list[str] = Field(default_factory=lambda: [LIST_RESPONSE_SCHEMA])
    total_results: int
    items_per_page: int
    start_index: int
    resources: list[ScimUser] = Field(default_factory=list, alias="Resources")


class ScimPatchOperation(ApiModel):
    """One PatchOp operation; WATS supports only ``replace``."""

    op: Literal["replace"] = "replace"
    path: str
    value: str | bool


class ScimPatchRequest(ApiModel):
    """Body of ``PATCH /api/SCIM/v2/Users/{id}``."""

    schemas: list[str] = Field(default_factory=lambda: [PATCH_OP_SCHEMA])
    operations: list[ScimPatchOperation] = Field(alias="Operations")


class ScimToken(ApiModel):
    """A provisioning token from ``GET /api/SCIM/v2/Token`` (other server fields are kept)."""

    token: str | None = None
    expires_utc: datetime | None = None


__all__ = [
    "ERROR_SCHEMA",
    "LIST_RESPONSE_SCHEMA",
    "PATCHABLE_PATHS",
    "PATCH_OP_SCHEMA",
    "USER_SCHEMA",
    "ScimEmail",
    "ScimListResponse",
    "ScimMeta",
    "ScimName",
    "ScimPatchOperation",
    "ScimPatchRequest",
    "ScimToken",
    "ScimUser",
]
