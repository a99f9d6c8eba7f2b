"""The WATS root-cause ticket domain (``wats.rootcause``)."""

from __future__ import annotations


class AsyncRootCauseDomain:
    """Async access to the WATS root-cause ticket endpoints."""
