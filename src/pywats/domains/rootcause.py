"""The WATS root-cause ticket domain (``wats.rootcause``)."""

from __future__ import annotations

from pywats.domains._base import AsyncDomain


class AsyncRootCauseDomain(AsyncDomain):
    """Async access to the WATS root-cause ticket endpoints."""
