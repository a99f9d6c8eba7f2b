"""Request helpers shared by the domain route modules: errors, query parameters, JSON bodies.

Handlers raise :class:`RouteError` for bad input or missing rows; :func:`guarded` turns it
into a WATS-shaped error response, so handlers read as straight-line code.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from pywats_emulator.http import BadRequest, error_response
from pywats_emulator.store import Store

Handler = Callable[[Request], Awaitable[Response]]
ErrorRenderer = Callable[[int, str], Response]
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class RouteError(Exception):
    """An error answer: HTTP ``status`` and the ``Message`` text."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def bad_request(message: str) -> RouteError:
    """A 400 error."""
    return RouteError(400, message)


def not_found(message: str) -> RouteError:
    """A 404 error."""
    return RouteError(404, message)


def guarded(
    handler: Handler,
    render: ErrorRenderer = error_response,
    statuses: Mapping[type[Exception], int] | None = None,
) -> Handler:
    """Wrap ``handler`` so a :class:`RouteError` (or the core's ``BadRequest``) becomes the
    error response ``render`` builds (WATS-shaped by default; SCIM has its own).

    ``statuses`` maps a module's own rule errors to their HTTP status, so its pure logic can
    raise them without knowing about responses.
    """
    mapped = tuple(statuses or {})

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except (RouteError, BadRequest) as exc:
            return render(exc.status, exc.message)
        except mapped as exc:
            return render(_status_of(exc, statuses or {}), str(exc))

    return endpoint


def _status_of(exc: Exception, statuses: Mapping[type[Exception], int]) -> int:
    return next(status for kind, status in statuses.items() if isinstance(exc, kind))


def lookup(params: Mapping[str, str], name: str) -> str | None:
    """A query parameter by case-insensitive name (ASP.NET binds names that way)."""
    wanted = name.lower()
    for key, value in params.items():
        if key.lower() == wanted:
            return value
    return None


def required_str(params: Mapping[str, str], name: str) -> str:
    """A required, non-blank query parameter."""
    value = lookup(params, name)
    if value is None or not value.strip():
        raise bad_request(f"The parameter '{name}' is required.")
    return value


def optional_str(params: Mapping[str, str], name: str) -> str | None:
    """An optional query parameter; blank counts as absent."""
    value = lookup(params, name)
    return value if value is not None and value.strip() else None


def optional_bool(params: Mapping[str, str], name: str) -> bool | None:
    """An optional boolean query parameter (``true``/``false``, any case)."""
    value = optional_str(params, name)
    if value is None:
        return None
    return parse_bool(value, name)


def parse_bool(value: str, name: str) -> bool:
    """``true``/``false`` (any case) or a 400 naming the parameter."""
    lowered = value.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise bad_request(f"The value '{value}' is not valid for {name}.")


def optional_int(params: Mapping[str, str], name: str) -> int | None:
    """An optional integer query parameter."""
    value = optional_str(params, name)
    if value is None:
        return None
    return parse_int(value, name)


def required_int(params: Mapping[str, str], name: str) -> int:
    """A required integer query parameter."""
    return parse_int(required_str(params, name), name)


def parse_int(value: str, name: str) -> int:
    """An integer or a 400 naming the parameter."""
    try:
        number = int(value.strip())
    except ValueError:
        raise bad_request(f"The value '{value}' is not valid for {name}.") from None
    if not fits_int64(number):
        raise bad_request(f"The value '{value}' is out of range for {name}.")
    return number


def body_list(data: Any, what: str) -> list[dict[str, Any]]:
    """A JSON body that must be an array of objects."""
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise bad_request(f"The request body must be an array of {what} objects.")
    return data


def body_object(data: Any, what: str) -> dict[str, Any]:
    """A JSON body that must be one object."""
    if not isinstance(data, dict):
        raise bad_request(f"The request body must be a JSON object ({what}).")
    return data


def field(data: Mapping[str, Any], name: str) -> Any:
    """A body field by case-insensitive name (clients send camelCase or PascalCase)."""
    wanted = name.lower()
    for key, value in data.items():
        if key.lower() == wanted:
            return value
    return None


def fits_int64(number: int) -> bool:
    """Whether ``number`` fits SQLite's INTEGER (and .NET's ``long``)."""
    return INT64_MIN <= number <= INT64_MAX


def text_field(data: Mapping[str, Any], name: str) -> str | None:
    """A body field that must be a string when present (``null`` counts as absent)."""
    value = field(data, name)
    if value is not None and not isinstance(value, str):
        raise bad_request(f"The field '{name}' must be a string.")
    return value


def int_field(data: Mapping[str, Any], name: str) -> int | None:
    """A body field that must be an integer when present (``null`` counts as absent)."""
    value = field(data, name)
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or not fits_int64(value)
    ):
        raise bad_request(f"The field '{name}' must be an integer.")
    return value


def row_or_404(store: Store, sql: str, params: Sequence[Any], missing: str) -> dict[str, Any]:
    """The one row ``sql`` selects, as a dict; a 404 with the ``missing`` message when none."""
    row = store.query_one(sql, params)
    if row is None:
        raise not_found(missing)
    return dict(row)
