"""The WATS asset domain (``wats.asset``)."""

from __future__ import annotations


class AsyncAssetDomain:
    """Async access to the WATS asset endpoints."""
