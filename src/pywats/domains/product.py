"""The WATS product domain (``wats.product``)."""

from __future__ import annotations

from pywats.domains._base import AsyncDomain


class AsyncProductDomain(AsyncDomain):
    """Async access to the WATS product endpoints."""
