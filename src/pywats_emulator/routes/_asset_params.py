"""Request helpers of the asset, software, rootcause and SCIM route modules.

Handlers raise :class:`RouteFailure` for bad input or missing rows; :func:`answer_errors` turns
it into the WATS-shaped error response, so handlers read as straight-line code.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from pywats_emulator.auth import basic_token, decode_pair
from pywats_emulator.http import BadRequest, error_response
from pywats_emulator.routes._asset_logic import parse_date

Handler = Callable[[Request], Awaitable[Response]]
ErrorRenderer = Callable[[int, str], Response]


class RouteFailure(Exception):
    """An error answer: HTTP ``status`` and the ``Message`` text."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def bad_input(message: str) -> RouteFailure:
    """A 400 answer."""
    return RouteFailure(400, message)


def missing(message: str) -> RouteFailure:
    """A 404 answer."""
    return RouteFailure(404, message)


def answer_errors(handler: Handler, render: ErrorRenderer = error_response) -> Handler:
    """Wrap ``handler`` so :class:`RouteFailure` and the core's ``BadRequest`` become answers."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except (RouteFailure, BadRequest) as exc:
            return render(exc.status, exc.message)

    return endpoint


def param(params: Mapping[str, str], name: str) -> str | None:
    """A query parameter by case-insensitive name (ASP.NET binds them so); blank is absent."""
    wanted = name.lower()
    for key, value in params.items():
        if key.lower() == wanted:
            return value if value.strip() else None
    return None


def required_param(params: Mapping[str, str], name: str) -> str:
    """A query parameter that must be present and non-blank."""
    value = param(params, name)
    if value is None:
        raise bad_input(f"The parameter '{name}' is required.")
    return value


def int_param(params: Mapping[str, str], name: str, default: int | None = None) -> int | None:
    """An optional integer query parameter."""
    value = param(params, name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise bad_input(f"The value '{value}' is not valid for {name}.") from None


def bool_param(params: Mapping[str, str], name: str, default: bool = False) -> bool:
    """An optional ``true``/``false`` query parameter."""
    value = param(params, name)
    if value is None:
        return default
    if value.lower() not in ("true", "false"):
        raise bad_input(f"The value '{value}' is not valid for {name}.")
    return value.lower() == "true"


def date_param(params: Mapping[str, str], name: str) -> datetime | None:
    """An optional ISO 8601 date-time query parameter (naive means UTC)."""
    value = param(params, name)
    try:
        return parse_date(value)
    except ValueError:
        raise bad_input(f"The value '{value}' is not valid for {name}.") from None


def json_object(body: Any, what: str) -> dict[str, Any]:
    """``body`` when it is a JSON object, else a 400 naming what was expected."""
    if not isinstance(body, dict):
        raise bad_input(f"The request body must be a JSON object ({what}).")
    return body


def check_tags(tags: Any) -> None:
    """Raise a 400 unless ``tags`` is absent or a list of ``{key, value}`` objects."""
    if tags is None:
        return
    if not isinstance(tags, list) or not all(
        isinstance(tag, dict) and isinstance(tag.get("key"), str) for tag in tags
    ):
        raise bad_input("tags must be a list of {key, value} objects.")


def caller_name(request: Request) -> str:
    """The user name behind the request's credentials (``user`` of ``user:password``)."""
    token = basic_token(request.headers.get("authorization"))
    pair = decode_pair(token) if token else None
    if pair is not None:
        return pair[0]
    identity = request.scope.get("state", {}).get("identity")
    return str(getattr(identity, "name", "api"))


def attachment_disposition(file_name: str) -> str:
    """A ``Content-Disposition: attachment`` value safe for any file name.

    Header values must be latin-1 without line breaks, so the plain ``filename`` gets an ASCII
    stand-in and the real name travels percent-encoded in ``filename*`` (RFC 6266).
    """
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in file_name)
    encoded = quote(file_name, safe="")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"


def load_body(text: str) -> dict[str, Any]:
    """A stored JSON object column."""
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


def dump_body(value: Mapping[str, Any]) -> str:
    """Serialise a wire dict for a JSON column."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
