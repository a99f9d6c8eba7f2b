"""Station-service benchmark: drain rate to a local emulator, and idle memory.

Run: ``.venv/bin/python benchmarks/service_drain.py [--reports 2000] [--concurrency 5]``.
Prints figures; asserts nothing.

- ``drain``: 2,000 reports are put into a fresh queue folder, then a real service process
  (``python -m pywats_client run``) uploads them to an emulator process on 127.0.0.1; the
  rate is reports per second from the service's ready line until the last one is completed.
  Goal: ≥ 50 reports/s at concurrency 5.
- ``idle RSS``: resident memory of the same service process once the queue is empty and it
  has sat idle for a moment (psutil). Goal: ≤ 40 MB.
- ``idle``: a fresh service (token mode, control API on) started through each entry point
  (``python -m pywats_client run`` and the ``pywats-client run`` console script's ``main``),
  without and with a watch folder, idle for a moment: RSS, USS (memory only this process
  holds) and the CPU time the start-up took, with the load average beside them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import load_note, report_line
from pywats_client.config import write_token
from pywats_client.queue import QueueLimits, ReportQueue
from pywats_client.service import READY_PREFIX, state_dir_for
from pywats_emulator.demo import demo_uut

IDLE_SECONDS = 3.0
ENTRY_POINTS = {
    "python -m pywats_client run": [sys.executable, "-m", "pywats_client"],
    "pywats-client run": [
        sys.executable,
        "-c",
        "import sys; from pywats_client.cli import main; sys.exit(main())",
    ],
}


def start_emulator(db: Path) -> tuple[subprocess.Popen[str], str, str]:
    command = [sys.executable, "-m", "pywats_emulator", "--port", "0", "--db", str(db)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    url = token = ""
    for line in proc.stdout:
        if line.startswith("pywats-emulator listening on "):
            url = line.rsplit(" ", 1)[1].strip()
        elif line.startswith("token: "):
            token = line.split(" ", 1)[1].strip()
            return proc, url, token
    raise SystemExit("the emulator did not start")


def fill_queue(queue_dir: Path, count: int) -> None:
    with ReportQueue(queue_dir, limits=QueueLimits(min_free_bytes=0)) as queue:
        for number in range(count):
            body = demo_uut(number + 1)
            body["id"] = str(uuid.uuid4())
            queue.accept(json.dumps(body).encode(), body["id"])


def write_config(
    folder: Path, url: str, token: str, concurrency: int, watch_folder: Path | None = None
) -> Path:
    write_token(folder / "api.token", token)
    config: dict[str, object] = {
        "server_url": url,
        "token_file": "api.token",
        "queue_dir": "queue",
        "concurrency": concurrency,
        "limits": {"min_free_bytes": 0},
        "log_level": "WARNING",
    }
    if watch_folder is not None:
        watch_folder.mkdir(parents=True, exist_ok=True)
        config["watch_folders"] = [{"path": str(watch_folder), "converter": "wsjf"}]
    path = folder / "client.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def wait_drained(control_url: str, token: str, count: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=control_url, headers=headers, timeout=30) as client:
        while client.get("/status").json()["queue"].get("completed", 0) < count:
            time.sleep(0.05)


def start_service(entry: list[str], config: Path) -> subprocess.Popen[str]:
    command = [*entry, "run", "--config", str(config), "--control-port", "0"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def stop_service(service: subprocess.Popen[str]) -> None:
    service.terminate()
    service.wait(timeout=120)
    if service.stdout is not None:
        service.stdout.close()


def wait_ready(service: subprocess.Popen[str]) -> str:
    """The control API's URL from the service's ready line."""
    assert service.stdout is not None
    for line in service.stdout:
        if line.startswith(READY_PREFIX):
            return line[len(READY_PREFIX) :].strip()
    raise SystemExit("the service did not start")


def memory_line(label: str, service: subprocess.Popen[str]) -> str:
    process = psutil.Process(service.pid)
    memory = process.memory_full_info()
    cpu = process.cpu_times()
    figures = f"USS {memory.uss / 1024**2:5.1f} MB, CPU {cpu.user + cpu.system:4.2f} s"
    return f"{report_line(label, memory.rss / 1024**2, 'MB', target=40.0)}   {figures}"


def idle_figures(folder: Path, url: str, token: str) -> None:
    """A fresh service per entry point, without and with a watch folder."""
    for watch in (False, True):
        station = folder / ("watching" if watch else "plain")
        station.mkdir()
        config = write_config(station, url, token, 5, station / "in" if watch else None)
        for name, entry in ENTRY_POINTS.items():
            service = start_service(entry, config)
            try:
                wait_ready(service)
                time.sleep(IDLE_SECONDS)
                label = f"idle RSS, {name}" + (" +watch" if watch else "")
                print(f"{memory_line(label, service)}   ({load_note()})")
            finally:
                stop_service(service)


def run(reports: int, concurrency: int, drain: bool = True) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        emulator, url, token = start_emulator(folder / "emulator.db")
        try:
            idle_figures(folder, url, token)
            if drain:
                fill_queue(folder / "queue", reports)
                config = write_config(folder, url, token, concurrency)
                service = start_service(ENTRY_POINTS["python -m pywats_client run"], config)
                try:
                    measure(service, folder, reports, concurrency)
                finally:
                    stop_service(service)
        finally:
            emulator.terminate()
            emulator.wait(timeout=60)
            if emulator.stdout is not None:
                emulator.stdout.close()


def measure(service: subprocess.Popen[str], folder: Path, reports: int, concurrency: int) -> None:
    control_url = wait_ready(service)
    started = time.perf_counter()
    control_token = (state_dir_for(folder / "queue") / "control.token").read_text().strip()
    wait_drained(control_url, control_token, reports)
    elapsed = time.perf_counter() - started
    rate = reports / elapsed
    verdict = "ok" if rate >= 50.0 else "UNDER"
    label = f"drain {reports} reports, concurrency {concurrency}"
    print(f"{report_line(label, rate, 'reports/s')}   (goal >= 50: {verdict}; {load_note()})")
    time.sleep(IDLE_SECONDS)
    print(f"{memory_line('idle RSS after the drain', service)}   ({load_note()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=5)
    parser.add_argument("--idle-only", action="store_true", help="skip the drain")
    args = parser.parse_args()
    run(args.reports, args.concurrency, drain=not args.idle_only)


if __name__ == "__main__":
    main()
