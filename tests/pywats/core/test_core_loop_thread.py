"""LoopThread: runs coroutines on its own loop, refuses re-entry and use after close."""

from __future__ import annotations

import asyncio
import threading

import pytest

from pywats._core.loop_thread import LoopThread
from pywats.exceptions import ClientClosedError, ConfigurationError


async def where_am_i() -> str:
    await asyncio.sleep(0)
    return threading.current_thread().name


async def fail() -> None:
    raise KeyError("boom")


def test_runs_on_the_background_thread_and_propagates_errors() -> None:
    runner = LoopThread(name="test-loop")
    try:
        assert runner.run(where_am_i()) == "test-loop"
        with pytest.raises(KeyError, match="boom"):
            runner.run(fail())
    finally:
        runner.close()
    assert runner.loop.is_closed()


def test_calling_from_its_own_loop_is_refused_not_deadlocked() -> None:
    runner = LoopThread()

    async def nested() -> str:
        coro = where_am_i()
        try:
            runner.run(coro)
        except ConfigurationError as error:
            return str(error)
        return "ran"

    try:
        assert "AsyncWATS" in runner.run(nested())
    finally:
        runner.close()


def test_closed_runner_refuses_and_close_is_idempotent() -> None:
    runner = LoopThread()
    runner.close()
    runner.close()
    assert runner.closed
    with pytest.raises(ClientClosedError):
        runner.run(where_am_i())
