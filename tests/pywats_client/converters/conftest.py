"""Fixtures for the converter tests: an open durable queue in a temp folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pywats_client.queue import QueueLimits, ReportQueue


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[ReportQueue]:
    """An open queue (no free-space floor: tests run on small temp disks too)."""
    with ReportQueue(tmp_path / "queue", limits=QueueLimits(min_free_bytes=0)) as opened:
        yield opened
