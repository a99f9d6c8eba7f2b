"""Checking and encoding the arguments of domain methods, shared by every domain (no I/O).

Bad input becomes :class:`InvalidArgumentError` before anything is sent.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import TypeVar
from urllib.parse import quote

from pywats.exceptions import InvalidArgumentError

EnumT = TypeVar("EnumT", bound=Enum)


def require_text(value: str, name: str) -> str:
    """``value`` unchanged when it is not blank, else :class:`InvalidArgumentError`."""
    if not value or not value.strip():
        raise InvalidArgumentError(f"{name} must not be blank")
    return value


def stripped_text(value: str, name: str) -> str:
    """``value`` without surrounding blanks; a blank value is an :class:`InvalidArgumentError`."""
    return require_text(value, name).strip()


def require_non_negative(value: int, name: str) -> int:
    """``value`` when it is zero or more."""
    if value < 0:
        raise InvalidArgumentError(f"{name} must not be negative")
    return value


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


def path_segment(value: str) -> str:
    """One URL path segment; WATS routing decodes ``%2F`` to ``/``, so a slash cannot work."""
    if "/" in value or "\\" in value or not value.strip():
        raise InvalidArgumentError(
            f"{value!r} cannot be used in a URL path (empty, or contains a slash)"
        )
    return quote(value, safe="")


def multipart_body(
    field_name: str,
    file_name: str,
    data: bytes,
    content_type: str,
    *,
    boundary: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    """A one-part ``multipart/form-data`` body and its Content-Type header.

    Built by hand because the HTTP core sends raw ``content``; the boundary is random (unless
    given, for tests) so it cannot occur in typical payloads; quotes in the file name are
    escaped and line breaks (which would inject part headers) are refused.
    """
    if any(c in file_name for c in "\r\n\0"):
        raise InvalidArgumentError("file_name must not contain line breaks or NUL")
    boundary = boundary or f"pywats-{uuid.uuid4().hex}"
    safe_name = file_name.replace("\\", "\\\\").replace('"', '\\"')
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{field_name}"; filename="{safe_name}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    return head + data + tail, headers
