"""Pure helpers of the asset, software, rootcause and SCIM domain classes (no I/O).

Response parsing turns a malformed 2xx body into :class:`UnexpectedResponseError`; argument
helpers turn bad input into :class:`InvalidArgumentError` before anything is sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pywats.exceptions import InvalidArgumentError, UnexpectedResponseError

ModelT = TypeVar("ModelT", bound=BaseModel)
EnumT = TypeVar("EnumT", bound=Enum)


def parse_model(model: type[ModelT], data: Any, method: str, path: str) -> ModelT:
    """Validate one JSON object as ``model``."""
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise UnexpectedResponseError(
            f"expected a JSON object, got {kind}", method=method, path=path
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise UnexpectedResponseError(
            f"response is not a valid {model.__name__}: {exc.errors()[0]['msg']}",
            method=method,
            path=path,
        ) from None


def parse_list(model: type[ModelT], data: Any, method: str, path: str) -> list[ModelT]:
    """Validate a JSON array of objects as ``list[model]`` (an empty body is an empty list)."""
    if data is None:
        return []
    if not isinstance(data, list):
        kind = type(data).__name__
        raise UnexpectedResponseError(
            f"expected a JSON array, got {kind}", method=method, path=path
        )
    return [parse_model(model, item, method, path) for item in data]


def asset_selector(asset_id: str | uuid.UUID | None, serial_number: str | None) -> dict[str, str]:
    """The ``id`` / ``serialNumber`` query parameters naming one asset (exactly one given)."""
    if (asset_id is None) == (serial_number is None):
        raise InvalidArgumentError("give exactly one of asset_id or serial_number")
    if asset_id is not None:
        return {"id": str(asset_id)}
    if not str(serial_number).strip():
        raise InvalidArgumentError("serial_number must not be blank")
    return {"serialNumber": str(serial_number)}


def as_enum(enum_type: type[EnumT], value: object, name: str) -> EnumT:
    """``value`` as a member of ``enum_type``, else :class:`InvalidArgumentError`."""
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in enum_type)
        raise InvalidArgumentError(f"{name} must be one of {allowed}; got {value!r}") from None


def iso_param(value: datetime | None) -> str | None:
    """A date-time query parameter in ISO 8601 (``None`` stays unset)."""
    return value.isoformat() if value is not None else None


def require_text(value: str, name: str) -> str:
    """``value`` when it is not blank, else :class:`InvalidArgumentError`."""
    if not value or not value.strip():
        raise InvalidArgumentError(f"{name} must not be blank")
    return value


def multipart_body(
    field_name: str, file_name: str, data: bytes, content_type: str
) -> tuple[bytes, dict[str, str]]:
    """A one-part ``multipart/form-data`` body and its Content-Type header.

    Built by hand because the HTTP core sends raw ``content``; the boundary is random so it
    cannot occur in typical payloads; quotes in the file name are escaped and line breaks
    (which would inject part headers) are refused.
    """
    if any(c in file_name for c in "\r\n\0"):
        raise InvalidArgumentError("file_name must not contain line breaks or NUL")
    boundary = f"pywats-{uuid.uuid4().hex}"
    safe_name = file_name.replace("\\", "\\\\").replace('"', '\\"')
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{field_name}"; filename="{safe_name}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    return head + data + tail, headers


def without_none(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` without the entries whose value is ``None``."""
    return {k: v for k, v in params.items() if v is not None}
