"""File-system events for a watch folder (watchdog), bridged into the event loop.

Events only *wake* the folder's scan loop; the scan decides what to do. That keeps a lost
or duplicated event harmless: the periodic rescan finds every file anyway. The observer
thread talks to the loop only through ``loop.call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

_JOIN_SECONDS = 10.0


class _StopRaceFilter(logging.Filter):
    """Drops watchdog's ERROR for an inotify read racing the emitter's own shutdown.

    watchdog logs "queue_events() called when the thread is inactive" when ``stop()`` closes
    the inotify handle while its thread is between two reads; it then returns no events and
    the thread ends (watchdog PR #963). Nothing is lost — our rescan does not depend on
    events — so on every clean stop it would only teach operators to ignore ERROR lines.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "called when the thread is inactive" not in record.getMessage()


logging.getLogger("watchdog.observers.inotify").addFilter(_StopRaceFilter())


class _WakeHandler(FileSystemEventHandler):
    def __init__(self, loop: asyncio.AbstractEventLoop, wake: Callable[[], None]) -> None:
        self._loop = loop
        self._wake = wake

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        # RuntimeError: the loop is closing; the next start rescans anyway.
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(self._wake)


class FolderWatcher:
    """One watchdog observer on one folder (not recursive); ``stop`` joins its thread."""

    def __init__(self, folder: Path, wake: Callable[[], None]) -> None:
        self.folder = folder
        self._wake = wake
        self._observer: BaseObserver | None = None

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start watching; the folder must exist."""
        observer = Observer()
        observer.schedule(_WakeHandler(loop, self._wake), str(self.folder), recursive=False)
        observer.daemon = True
        observer.start()
        self._observer = observer

    def stop(self) -> None:
        """Stop the observer thread and wait for it."""
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            observer.join(_JOIN_SECONDS)

    @property
    def running(self) -> bool:
        return self._observer is not None and self._observer.is_alive()
