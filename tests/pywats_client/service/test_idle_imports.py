"""What an idle station service process has imported (the footprint promise, ``docs/service.md``).

A real service process (both entry points) delivers one queued report to the emulator, then
lists ``sys.modules``. Import sets are deterministic, unlike memory figures, which
``benchmarks/service_drain.py`` measures instead."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from service_helpers import report_bytes, write_config

from pywats_client.queue import QueueLimits, ReportQueue
from pywats_emulator.testing import EmulatorHandle

# Runs inside the service process: once a report is delivered, write the loaded modules and
# stop the service the way an operator would (SIGTERM).
PROBE = r"""
import json, os, signal, sys, threading, time
from pathlib import Path

entry, queue_dir, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])

def list_modules_once_delivered():
    while not any(queue_dir.glob("*.completed")):
        time.sleep(0.02)
    loaded = sorted(name for name, module in sys.modules.copy().items() if module is not None)
    out.write_text(json.dumps(loaded), encoding="utf-8")
    os.kill(os.getpid(), signal.SIGTERM)

threading.Thread(target=list_modules_once_delivered, daemon=True).start()
if entry == "cli":
    from pywats_client.cli import main
else:
    from pywats_client.__main__ import main
sys.exit(main(sys.argv[4:]))
"""

# Packages an idle service must not carry: argument parsers and the CLI's presentation
# stack (a plain ``run`` line needs neither), the report model and
# the XML parser (only a submitted WSXF/WSTF file needs them), the converters (only watch
# folders need them), their worker processes (only a non-built-in converter needs one), the
# emulator and the GUI toolkit.
NOT_AT_IDLE = (
    "argparse",
    "typer",
    "click",
    "rich",
    "pygments",
    "httpx._main",
    "pywats_client.cli_app",
    "pywats.report",
    "pywats_client.queue.intake",
    "defusedxml",
    "xml",
    "pywats_client.converters",
    "multiprocessing",
    "pywats_emulator",
    "PySide6",
)


def idle_modules(
    tmp_path: Path, emulator: EmulatorHandle, entry: str, watch: dict[str, str] | None = None
) -> set[str]:
    folder = tmp_path / "station"
    extra: dict[str, Any] = {"watch_folders": [watch]} if watch else {}
    config = write_config(
        folder, emulator.base_url, emulator.token, control_api={"port": 1}, **extra
    )
    queue_dir = folder / "queue"
    with ReportQueue(queue_dir, limits=QueueLimits(min_free_bytes=0)) as queue:
        report_id, payload = report_bytes(1)
        queue.accept(payload, report_id)
    out = tmp_path / "modules.json"
    args = ["run", "--config", str(config), "--control-port", "0"]
    command = [sys.executable, "-c", PROBE, entry, str(queue_dir), str(out), *args]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert finished.returncode == 0, finished.stderr
    return set(json.loads(out.read_text(encoding="utf-8")))


def heavy_modules(loaded: set[str], allowed: tuple[str, ...] = ()) -> list[str]:
    return sorted(
        name
        for name in loaded
        if any(name == heavy or name.startswith(heavy + ".") for heavy in NOT_AT_IDLE)
        and not name.startswith(allowed)
    )


@pytest.mark.skipif(sys.platform == "win32", reason="the probe stops the service with SIGTERM")
@pytest.mark.parametrize("entry", ["cli", "module"])
def test_an_idle_service_has_not_imported_the_heavy_packages(
    tmp_path: Path, emulator: EmulatorHandle, entry: str
) -> None:
    loaded = idle_modules(tmp_path, emulator, entry)
    # It really ran: the uploader, the HTTP stack and the config models are there.
    assert {"pywats_client.uploader", "httpx", "pydantic", "pywats_client.control.http"} <= loaded
    assert heavy_modules(loaded) == []


@pytest.mark.skipif(sys.platform == "win32", reason="the probe stops the service with SIGTERM")
def test_watch_folders_load_the_converters_but_not_the_report_model_until_a_file_comes(
    tmp_path: Path, emulator: EmulatorHandle
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watch = {"path": str(inbox), "converter": "wsxf"}
    loaded = idle_modules(tmp_path, emulator, "cli", watch)
    assert {"pywats_client.converters.subsystem", "watchdog.observers"} <= loaded
    assert heavy_modules(loaded, allowed=("pywats_client.converters",)) == []
