"""Stop requests from the operating system, delivered to the event loop safely on every OS.

The first SIGTERM/SIGINT (Windows: Ctrl+C, Ctrl+Break, console close) asks for a graceful
stop; a second one asks to stop now. Handlers never touch loop state directly: on POSIX the loop
runs them itself (``add_signal_handler``); on Windows the C-level handler may fire while the loop
is blocked in its proactor, so it hands over with ``loop.call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable
from types import FrameType

log = logging.getLogger(__name__)


class StopRequest:
    """Two awaitable flags: ``graceful`` (stop accepting, drain) and ``force`` (cancel now)."""

    def __init__(self) -> None:
        self.graceful = asyncio.Event()
        self.force = asyncio.Event()
        self.reason = ""

    def request(self, reason: str) -> None:
        """Escalate one step: first call → graceful, any later call → force."""
        if not self.graceful.is_set():
            self.reason = reason
            log.info("stop requested (%s): finishing in-flight work", reason)
            self.graceful.set()
        elif not self.force.is_set():
            log.warning("second stop request (%s): cancelling in-flight work", reason)
            self.force.set()


def _posix_signals() -> list[signal.Signals]:
    return [signal.SIGTERM, signal.SIGINT]


def _windows_signals() -> list[signal.Signals]:
    names = ("SIGINT", "SIGBREAK", "SIGTERM")
    return [getattr(signal, n) for n in names if hasattr(signal, n)]


def install_stop_handlers(loop: asyncio.AbstractEventLoop, stop: StopRequest) -> Callable[[], None]:
    """Route OS stop signals to ``stop`` and return a function that restores the old handlers."""
    if sys.platform == "win32":
        return _install_windows(loop, stop)
    return _install_posix(loop, stop)


def _install_posix(loop: asyncio.AbstractEventLoop, stop: StopRequest) -> Callable[[], None]:
    for sig in _posix_signals():
        loop.add_signal_handler(sig, stop.request, sig.name)

    def restore() -> None:
        for sig in _posix_signals():
            loop.remove_signal_handler(sig)

    return restore


def _install_windows(loop: asyncio.AbstractEventLoop, stop: StopRequest) -> Callable[[], None]:
    def handler(signum: int, _frame: FrameType | None) -> None:
        loop.call_soon_threadsafe(stop.request, signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, handler) for sig in _windows_signals()}

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    return restore
