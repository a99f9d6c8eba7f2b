"""Turn an HTTP error response into the matching :mod:`pywats.exceptions` class (no I/O)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from pywats.exceptions import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
)

_MESSAGE_KEYS = ("Message", "message", "error", "errors", "detail", "title")
_MAX_MESSAGE_CHARS = 2000

_STATUS_CLASSES: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
}


def server_message(body: str) -> str:
    """Extract the human-readable message from an error body.

    ASP.NET answers ``{"Message": ...}``; other stacks use ``message``, ``error``, ``errors``,
    ``detail`` or ``title``; some answer plain text (or a JSON string). Unknown shapes fall back
    to the raw text, shortened so a huge HTML page cannot flood logs.
    """
    text = body.strip()
    if not text:
        return ""
    try:
        decoded: Any = json.loads(text)
    except ValueError:
        return _shorten(text)
    return _shorten(_message_from_json(decoded, text))


def _message_from_json(decoded: Any, raw: str) -> str:
    if isinstance(decoded, str):
        return decoded
    if isinstance(decoded, Mapping):
        for key in _MESSAGE_KEYS:
            value = decoded.get(key)
            if value:
                return _flatten(value)
    return raw


def _flatten(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {_flatten(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "; ".join(_flatten(item) for item in value)
    return str(value)


def _shorten(text: str) -> str:
    if len(text) <= _MAX_MESSAGE_CHARS:
        return text
    return text[:_MAX_MESSAGE_CHARS] + "…"


def parse_retry_after(value: str | None, *, now_epoch: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), else ``None``.

    ``now_epoch`` (wall-clock seconds) is only needed for the HTTP-date form.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    if now_epoch is None:
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - now_epoch)


def error_for_status(
    status_code: int,
    body: str,
    *,
    method: str,
    path: str,
    correlation_id: str = "",
    retry_after: float | None = None,
) -> ApiError:
    """Build the exception for an error status (>= 400), carrying method, path and message."""
    message = server_message(body)
    if status_code == 429 or status_code >= 500:
        # The two retryable kinds carry the server's Retry-After.
        retryable = RateLimitedError if status_code == 429 else ServerError
        return retryable(
            status_code,
            message,
            method=method,
            path=path,
            correlation_id=correlation_id,
            retry_after=retry_after,
        )
    cls = _STATUS_CLASSES.get(status_code, ApiError)
    return cls(status_code, message, method=method, path=path, correlation_id=correlation_id)
