"""SCIM user rules without I/O: building users, applying WATS PatchOps, provisioning tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pywats.models.scim import PATCH_OP_SCHEMA, PATCHABLE_PATHS, USER_SCHEMA
from pywats_emulator.routes._dates import iso

# WATS keeps these as ';'-separated lists; PATCH adds to them instead of replacing.
ADDITIVE_PATHS = ("levels", "productGroups")
MAX_TOKEN_DAYS = 3650


class ScimRuleError(Exception):
    """A SCIM request breaks a rule; ``scim_type`` is the RFC 7644 error keyword."""

    def __init__(self, message: str, scim_type: str = "invalidValue", status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.scim_type = scim_type
        self.status = status


def new_user(body: Mapping[str, Any], user_id: str, now: datetime) -> dict[str, Any]:
    """The stored form of a user created from a POST body."""
    user_name = body.get("userName")
    if not isinstance(user_name, str) or not user_name.strip():
        raise ScimRuleError("userName is required.")
    active = body.get("active", True)
    if not isinstance(active, bool):
        raise ScimRuleError("active must be true or false.")
    user = {k: v for k, v in body.items() if k not in ("id", "meta", "schemas")}
    user.update(schemas=[USER_SCHEMA], id=user_id, userName=user_name.strip(), active=active)
    user["meta"] = {
        "resourceType": "User",
        "created": iso(now),
        "lastModified": iso(now),
        "location": f"/api/SCIM/v2/Users/{user_id}",
    }
    return user


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ScimRuleError(f"active must be true or false, not {value!r}.")


def _split(value: Any) -> list[str]:
    if not isinstance(value, str):
        raise ScimRuleError(f"expected a ';'-separated string, not {value!r}.")
    return [part.strip() for part in value.split(";") if part.strip()]


def _replace(user: dict[str, Any], path: str, value: Any) -> None:
    name = dict(user.get("name") or {})
    if path == "active":
        user["active"] = _as_bool(value)
    elif path in ("fullName", "familyName", "givenName", "email") and not isinstance(value, str):
        raise ScimRuleError(f"{path} must be a string.")
    elif path == "fullName":
        user["displayName"] = value
        user["name"] = {**name, "formatted": value}
    elif path in ("familyName", "givenName"):
        user["name"] = {**name, path: value}
    elif path == "email":
        user["emails"] = [{"value": value, "type": "work", "primary": True}]
    elif path == "roles":
        user["roles"] = _split(value)
    else:
        merged = list(user.get(path) or [])
        merged += [item for item in _split(value) if item not in merged]
        user[path] = merged


def _operations(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    if PATCH_OP_SCHEMA not in (body.get("schemas") or []):
        raise ScimRuleError(f"schemas must list {PATCH_OP_SCHEMA}.", "invalidSyntax")
    operations = body.get("Operations", body.get("operations"))
    if not isinstance(operations, list) or not operations:
        raise ScimRuleError("Operations must be a non-empty list.", "invalidSyntax")
    return [op if isinstance(op, Mapping) else {} for op in operations]


def apply_patch(user: Mapping[str, Any], body: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """``user`` after a PatchOp body; only ``replace`` on the WATS-supported paths."""
    patched = dict(user)
    for operation in _operations(body):
        if str(operation.get("op", "")).lower() != "replace":
            raise ScimRuleError(f"Only 'replace' is supported, not {operation.get('op')!r}.")
        wanted = str(operation.get("path", ""))
        path = next((p for p in PATCHABLE_PATHS if p.lower() == wanted.lower()), None)
        if path is None:
            raise ScimRuleError(f"The path {wanted!r} cannot be patched.", "invalidPath")
        _replace(patched, path, operation.get("value"))
    patched["meta"] = {**dict(user.get("meta") or {}), "lastModified": iso(now)}
    return patched


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def provisioning_token(secret: str, subject: str, now: datetime, days: int) -> dict[str, Any]:
    """An HS256 JWT for provisioning, valid ``days`` from ``now``, and its expiry."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ScimRuleError(f"duration must be between 1 and {MAX_TOKEN_DAYS} days.")
    expires = now + timedelta(days=days)
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {
        "iss": "pywats-emulator",
        "aud": "scim",
        "sub": subject,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
    }
    signing_input = ".".join(
        _b64(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
    )
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return {"token": f"{signing_input}.{_b64(signature)}", "expiresUtc": iso(expires)}
