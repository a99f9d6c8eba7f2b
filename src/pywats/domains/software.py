"""The WATS software distribution domain (``wats.software``)."""

from __future__ import annotations

from pywats.domains._base import AsyncDomain


class AsyncSoftwareDomain(AsyncDomain):
    """Async access to the WATS software distribution endpoints."""
