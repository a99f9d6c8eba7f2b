"""Fixtures for the queue tests: a controllable clock, report bytes, and opened queues."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from queue_helpers import FakeClock, QueueFactory

from pywats_client.queue import ReportQueue


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def queue_dir(tmp_path: Path) -> Path:
    return tmp_path / "queue"


@pytest.fixture
def open_queue(queue_dir: Path, clock: FakeClock) -> Iterator[QueueFactory]:
    """Factory opening a ReportQueue (default: on ``queue_dir`` with the fake clock and a
    seeded RNG); every queue it made is closed at teardown."""
    made: list[ReportQueue] = []

    def factory(**kwargs: Any) -> ReportQueue:
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("rng", random.Random(7))
        directory = kwargs.pop("directory", queue_dir)
        queue = ReportQueue(directory, **kwargs)
        made.append(queue)
        queue.open()
        return queue

    yield factory
    for queue in made:
        queue.close()
