"""The WATS software distribution domain (``wats.software``)."""

from __future__ import annotations


class AsyncSoftwareDomain:
    """Async access to the WATS software distribution endpoints."""
