"""Turning decoded JSON answers into models (typed error when the shape is wrong), and
building URL path segments.

Shared by the process, product and production domains.
"""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, TypeAdapter, ValidationError

from pywats.exceptions import InvalidArgumentError, NotFoundError, UnexpectedResponseError

ModelT = TypeVar("ModelT", bound=BaseModel)
T = TypeVar("T")


def parse_model(model: type[ModelT], data: Any, method: str, path: str) -> ModelT:
    """Validate ``data`` as ``model`` or raise :class:`UnexpectedResponseError`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise UnexpectedResponseError(
            f"unexpected {model.__name__} body: {_first_error(exc)}", method=method, path=path
        ) from None


def parse_found(model: type[ModelT], data: Any, method: str, path: str) -> ModelT:
    """Like :func:`parse_model` for lookups: an empty body is the server's "nothing found".

    Some WATS GET endpoints answer 200 with an empty body instead of 404; both become
    :class:`NotFoundError` so callers handle one case.
    """
    if data is None:
        raise NotFoundError(404, "empty answer: nothing found", method=method, path=path)
    return parse_model(model, data, method, path)


def parse_list(model: type[ModelT], data: Any, method: str, path: str) -> list[ModelT]:
    """Validate ``data`` as a JSON array of ``model`` (``None`` means an empty list)."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise UnexpectedResponseError(
            f"expected a JSON array, got {type(data).__name__}", method=method, path=path
        )
    return [parse_model(model, item, method, path) for item in data]


def parse_as(adapter: TypeAdapter[T], data: Any, method: str, path: str) -> T:
    """Validate ``data`` with a type adapter or raise :class:`UnexpectedResponseError`."""
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        raise UnexpectedResponseError(
            f"unexpected body: {_first_error(exc)}", method=method, path=path
        ) from None


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    location = ".".join(str(part) for part in error["loc"])
    return f"{location}: {error['msg']}" if location else str(error["msg"])


def path_segment(value: str) -> str:
    """One URL path segment; WATS routing decodes ``%2F`` to ``/``, so a slash cannot work."""
    if "/" in value or "\\" in value or not value.strip():
        raise InvalidArgumentError(
            f"{value!r} cannot be used in a URL path (empty, or contains a slash)"
        )
    return quote(value, safe="")
