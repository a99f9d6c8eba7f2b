"""Station-service benchmark: drain rate to a local emulator, and idle memory.

Run: ``.venv/bin/python benchmarks/service_drain.py [--reports 2000] [--concurrency 5]``.
Prints figures; asserts nothing.

- ``drain``: 2,000 reports are put into a fresh queue folder, then a real service process
  (``python -m pywats_client run``) uploads them to an emulator process on 127.0.0.1; the
  rate is reports per second from the service's ready line until the last one is completed.
  Goal: ≥ 50 reports/s at concurrency 5.
- ``idle RSS``: resident memory of the same service process once the queue is empty and it
  has sat idle for a moment (psutil). Goal: ≤ 40 MB.
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

from _common import report_line
from pywats_client.config import write_token
from pywats_client.queue import QueueLimits, ReportQueue
from pywats_client.service import READY_PREFIX, state_dir_for
from pywats_emulator.demo import demo_uut

IDLE_SECONDS = 3.0


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


def write_config(folder: Path, url: str, token: str, concurrency: int) -> Path:
    write_token(folder / "api.token", token)
    config = {
        "server_url": url,
        "token_file": "api.token",
        "queue_dir": "queue",
        "concurrency": concurrency,
        "limits": {"min_free_bytes": 0},
        "log_level": "WARNING",
    }
    path = folder / "client.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def wait_drained(control_url: str, token: str, count: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=control_url, headers=headers, timeout=30) as client:
        while client.get("/status").json()["queue"].get("completed", 0) < count:
            time.sleep(0.05)


def run(reports: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        emulator, url, token = start_emulator(folder / "emulator.db")
        try:
            fill_queue(folder / "queue", reports)
            config = write_config(folder, url, token, concurrency)
            command = [sys.executable, "-m", "pywats_client", "run", "--config", str(config)]
            command += ["--control-port", "0"]
            service = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
            )
            try:
                measure(service, folder, reports, concurrency)
            finally:
                service.terminate()
                service.wait(timeout=120)
                if service.stdout is not None:
                    service.stdout.close()
        finally:
            emulator.terminate()
            emulator.wait(timeout=60)
            if emulator.stdout is not None:
                emulator.stdout.close()


def measure(service: subprocess.Popen[str], folder: Path, reports: int, concurrency: int) -> None:
    assert service.stdout is not None
    control_url = ""
    for line in service.stdout:
        if line.startswith(READY_PREFIX):
            control_url = line[len(READY_PREFIX) :].strip()
            break
    if not control_url:
        raise SystemExit("the service did not start")
    started = time.perf_counter()
    control_token = (state_dir_for(folder / "queue") / "control.token").read_text().strip()
    wait_drained(control_url, control_token, reports)
    elapsed = time.perf_counter() - started
    rate = reports / elapsed
    verdict = "ok" if rate >= 50.0 else "UNDER"
    label = f"drain {reports} reports, concurrency {concurrency}"
    print(f"{report_line(label, rate, 'reports/s')}   (goal >= 50: {verdict})")
    time.sleep(IDLE_SECONDS)
    rss_mb = psutil.Process(service.pid).memory_info().rss / 1024**2
    print(report_line("idle service RSS after the drain", rss_mb, "MB", target=40.0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=5)
    args = parser.parse_args()
    run(args.reports, args.concurrency)


if __name__ == "__main__":
    main()
