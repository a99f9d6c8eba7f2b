"""Response helpers every route module uses, so errors look like WATS everywhere."""

from __future__ import annotations

import json
from typing import Any, overload

from starlette.requests import Request
from starlette.responses import Response


class BadRequest(Exception):
    """Raised by helpers for bad client input; the app turns it into a 400 response."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response (compact separators; ``None`` becomes ``null``)."""
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False, default=str)
    return Response(
        body.encode("utf-8"),
        status_code=status,
        headers=headers,
        media_type="application/json; charset=utf-8",
    )


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """An error with the ASP.NET Web API body shape WATS uses: ``{"Message": message}``."""
    return json_response({"Message": message}, status=status, headers=headers)


async def read_json(request: Request) -> Any:
    """The request body decoded as JSON; raises :class:`BadRequest` (→ 400) when it is not."""
    body = await request.body()
    if not body.strip():
        raise BadRequest("The request body is empty; a JSON document was expected.")
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(f"The request body is not valid JSON: {exc}") from None


class QueryParams:
    """Query parameters looked up ignoring the name's case, as ASP.NET model binding does."""

    def __init__(self, request: Request) -> None:
        self._values: dict[str, str] = {}
        for key, value in request.query_params.multi_items():
            self._values.setdefault(key.lower(), value)

    @overload
    def get(self, name: str) -> str | None: ...

    @overload
    def get(self, name: str, default: str) -> str: ...

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value given for ``name`` (any case), else ``default``."""
        return self._values.get(name.lower(), default)

    def __getitem__(self, name: str) -> str:
        return self._values[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._values


def query_params(request: Request) -> QueryParams:
    """The request's query parameters with case-insensitive names."""
    return QueryParams(request)


def query_bool(request: Request, name: str, default: bool) -> bool:
    """A ``true``/``false`` query parameter; raises :class:`BadRequest` for other values."""
    raw = query_params(request).get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise BadRequest(f"The value '{raw}' is not valid for {name}.")


def query_int(request: Request, name: str, default: int | None = None) -> int | None:
    """An integer query parameter; raises :class:`BadRequest` when it is not one."""
    raw = query_params(request).get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f"The value '{raw}' is not valid for {name}.") from None
