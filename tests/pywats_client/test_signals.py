"""Stop requests escalate graceful → force; real OS signals reach the loop."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import pytest

from pywats_client.signals import StopRequest, install_stop_handlers


async def test_first_request_is_graceful_second_is_force() -> None:
    stop = StopRequest()
    stop.request("test")
    assert stop.graceful.is_set()
    assert not stop.force.is_set()
    assert stop.reason == "test"
    stop.request("again")
    assert stop.force.is_set()
    assert stop.reason == "test"


@pytest.mark.skipif(sys.platform == "win32", reason="os.kill with SIGTERM is POSIX-only")
async def test_sigterm_sets_graceful_then_force() -> None:
    stop = StopRequest()
    restore = install_stop_handlers(asyncio.get_running_loop(), stop)
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(stop.graceful.wait(), 5)
        assert stop.reason == "SIGTERM"
        os.kill(os.getpid(), signal.SIGINT)
        await asyncio.wait_for(stop.force.wait(), 5)
    finally:
        restore()
