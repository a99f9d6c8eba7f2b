"""Base class of every async domain: holds the shared HTTP core."""

from __future__ import annotations

from pywats._core.http import AsyncHttpCore


class AsyncDomain:
    """One area of the WATS API (reports, products, …) sharing the client's HTTP core."""

    def __init__(self, http: AsyncHttpCore) -> None:
        self._http = http

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._http.base_url!r})"
