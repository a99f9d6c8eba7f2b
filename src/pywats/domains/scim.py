"""The WATS SCIM user domain (``wats.scim``)."""

from __future__ import annotations

from pywats.domains._base import AsyncDomain


class AsyncScimDomain(AsyncDomain):
    """Async access to the WATS SCIM user endpoints."""
