"""Child process for the converter crash test: runs the subsystem over one inbox.

``python conv_crash_child.py INBOX QUEUE_DIR [--drain]``: opens the queue, starts the
subsystem (built-in WSJF and WSTF folders on the same inbox, move to Done/) and prints
``started`` (through a pipe when run by :func:`run_child`). It is normally killed with
SIGKILL at a random moment; with ``--drain`` it exits by itself once the inbox is empty.
"""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from pywats_client.converters import ConvertersSettings, ConverterSubsystem, FolderSettings
from pywats_client.queue import QueueLimits, ReportQueue


def _pending(inbox: Path) -> bool:
    return any(p.is_file() and not p.name.startswith(".") for p in inbox.iterdir())


async def main(inbox: Path, queue_dir: Path, drain: bool, started: Callable[[], None]) -> None:
    folders = [
        FolderSettings(path=inbox, converter=name, stable_seconds=0, rescan_seconds=0.05)
        for name in ("wsjf", "wstf")
    ]
    settings = ConvertersSettings(folders=folders, use_entry_points=False)
    with ReportQueue(queue_dir, limits=QueueLimits(min_free_bytes=0)) as queue:
        subsystem = ConverterSubsystem(settings, queue)
        subsystem.start()
        started()
        if not drain:
            await asyncio.Event().wait()  # until SIGKILL
        while _pending(inbox):  # noqa: ASYNC110 - polling the file system, no event exists
            await asyncio.sleep(0.02)
        await subsystem.stop()


def run_child(inbox: str, queue_dir: str, drain: bool, started: Connection) -> None:
    """Entry point for a ``multiprocessing`` child (forkserver: imports already done)."""
    asyncio.run(main(Path(inbox), Path(queue_dir), drain, lambda: started.send("started")))


if __name__ == "__main__":
    announce = functools.partial(print, "started", flush=True)
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2]), "--drain" in sys.argv[3:], announce))
