"""One asyncio event loop running in a background thread, for the generated sync API.

The sync classes hand every coroutine to this loop with ``run_coroutine_threadsafe`` and wait
for the result. Because the loop is not the caller's, sync calls work in plain scripts, inside
Jupyter and inside a running event loop alike.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from pywats.exceptions import ClientClosedError, ConfigurationError

T = TypeVar("T")


class LoopThread:
    """Owns one event loop and the daemon thread that runs it until :meth:`close`."""

    def __init__(self, name: str = "pywats-sync") -> None:
        self._loop = asyncio.new_event_loop()
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The background loop (for code that must schedule on it directly)."""
        return self._loop

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran."""
        return self._closed

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_forever()
        finally:
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.run_until_complete(self._loop.shutdown_default_executor())
            self._loop.close()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the background loop and return its result (or raise its error)."""
        if self._closed:
            coro.close()
            raise ClientClosedError("this WATS client is closed; create a new one")
        if threading.current_thread() is self._thread:
            coro.close()
            raise ConfigurationError(
                "a sync WATS method was called from its own event loop; use AsyncWATS there"
            )
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()
            raise

    def close(self) -> None:
        """Stop the loop and join its thread; later calls to :meth:`run` fail. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
