"""Request helpers of the asset, software, rootcause and SCIM route modules beyond the shared
ones in :mod:`._params`: dates, tags, the caller's name, downloads and JSON columns.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from starlette.requests import Request

from pywats_emulator.auth import basic_token, decode_pair
from pywats_emulator.routes._dates import parse_date
from pywats_emulator.routes._params import bad_request, optional_str


def date_param(params: Mapping[str, str], name: str) -> datetime | None:
    """An optional ISO 8601 date-time query parameter (naive means UTC)."""
    value = optional_str(params, name)
    try:
        return parse_date(value)
    except ValueError:
        raise bad_request(f"The value '{value}' is not valid for {name}.") from None


def check_tags(tags: Any) -> None:
    """Raise a 400 unless ``tags`` is absent or a list of ``{key, value}`` objects."""
    if tags is None:
        return
    if not isinstance(tags, list) or not all(
        isinstance(tag, dict) and isinstance(tag.get("key"), str) for tag in tags
    ):
        raise bad_request("tags must be a list of {key, value} objects.")


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
