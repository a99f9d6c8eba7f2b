"""The WATS process domain (``wats.process``)."""

from __future__ import annotations

from pywats.domains._base import AsyncDomain


class AsyncProcessDomain(AsyncDomain):
    """Async access to the WATS process endpoints."""
