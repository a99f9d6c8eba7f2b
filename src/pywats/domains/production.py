"""The WATS production domain (``wats.production``)."""

from __future__ import annotations

from pywats.domains._base import AsyncDomain


class AsyncProductionDomain(AsyncDomain):
    """Async access to the WATS production endpoints."""
