"""Base class of every async domain: holds the shared HTTP core."""

from __future__ import annotations

from typing import TypeVar, Unpack

from pydantic import BaseModel

from pywats._core.http import AsyncHttpCore, RequestOptions
from pywats.domains._parsing import parse_found, parse_list, parse_model

ModelT = TypeVar("ModelT", bound=BaseModel)


class AsyncDomain:
    """One area of the WATS API (reports, products, …) sharing the client's HTTP core."""

    def __init__(self, http: AsyncHttpCore) -> None:
        self._http = http

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._http.base_url!r})"

    async def _request_model(
        self, model: type[ModelT], method: str, path: str, **options: Unpack[RequestOptions]
    ) -> ModelT:
        """Send a request and validate its JSON answer as one ``model``."""
        data = await self._http.request_json(method, path, **options)
        return parse_model(model, data, method, path)

    async def _request_found(
        self, model: type[ModelT], method: str, path: str, **options: Unpack[RequestOptions]
    ) -> ModelT:
        """Like :meth:`_request_model`, but an empty answer means :class:`NotFoundError`."""
        data = await self._http.request_json(method, path, **options)
        return parse_found(model, data, method, path)

    async def _request_list(
        self, model: type[ModelT], method: str, path: str, **options: Unpack[RequestOptions]
    ) -> list[ModelT]:
        """Send a request and validate its JSON array answer as ``list[model]``."""
        data = await self._http.request_json(method, path, **options)
        return parse_list(model, data, method, path)
