"""The watchdog stop-race ERROR is dropped; every other watchdog record still gets through."""

from __future__ import annotations

import logging

import pytest

import pywats_client.converters.watch  # noqa: F401  (installs the filter)


def test_only_the_stop_race_message_is_filtered(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("watchdog.observers.inotify")
    with caplog.at_level(logging.DEBUG, logger="watchdog.observers.inotify"):
        logger.error("InotifyEmitter.queue_events() called when the thread is inactive")
        logger.error("inotify watch limit reached")
    assert [r.getMessage() for r in caplog.records] == ["inotify watch limit reached"]
