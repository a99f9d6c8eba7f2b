"""Analytics domain: yield, failure and measurement statistics (``/api/App/...``)."""

from __future__ import annotations

from pywats.domains._base import AsyncDomain


class AsyncAnalyticsDomain(AsyncDomain):
    """Statistics computed by WATS over stored reports (``/api/App/...`` endpoints)."""
