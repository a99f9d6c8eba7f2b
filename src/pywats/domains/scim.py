"""The WATS SCIM user domain (``wats.scim``)."""

from __future__ import annotations


class AsyncScimDomain:
    """Async access to the WATS SCIM user endpoints."""
