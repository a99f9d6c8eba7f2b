"""Turning decoded JSON answers into models, shared by every domain (no I/O).

A 2xx body of the wrong shape becomes :class:`UnexpectedResponseError` naming the request and
the first problem pydantic found, so callers never see a bare ``ValidationError``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from pywats.exceptions import NotFoundError, UnexpectedResponseError

ModelT = TypeVar("ModelT", bound=BaseModel)
T = TypeVar("T")


def parse_model(model: type[ModelT], data: Any, method: str, path: str) -> ModelT:
    """Validate one JSON object as ``model``."""
    if not isinstance(data, dict):
        raise UnexpectedResponseError(
            f"expected a JSON object, got {type(data).__name__}", method=method, path=path
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise UnexpectedResponseError(
            f"response is not a valid {model.__name__}: {first_error(exc)}",
            method=method,
            path=path,
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
    """Validate a JSON array of objects as ``list[model]`` (an empty body is an empty list)."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise UnexpectedResponseError(
            f"expected a JSON array, got {type(data).__name__}", method=method, path=path
        )
    return [parse_model(model, item, method, path) for item in data]


def parse_as(adapter: TypeAdapter[T], data: Any, method: str, path: str) -> T:
    """Validate ``data`` with a type adapter (for answers that are not one model)."""
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        raise UnexpectedResponseError(
            f"unexpected response shape: {first_error(exc)}", method=method, path=path
        ) from None


def first_error(exc: ValidationError) -> str:
    """The first problem of a validation error as ``location: message``."""
    error = exc.errors()[0]
    location = ".".join(str(part) for part in error["loc"])
    return f"{location}: {error['msg']}" if location else str(error["msg"])
