"""File-system events for a watch folder (watchdog), bridged into the event loop.

Events only *wake* the folder's scan loop; the scan decides what to do. That keeps a lost
or duplicated event harmless: the periodic rescan finds every file anyway. The observer
thread talks to the loop only through ``loop.call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

_JOIN_SECONDS = 10.0


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
