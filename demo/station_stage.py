"""Demo, part 2: a test station end to end.

Starts the local WATS emulator and the pywats-client station service as real processes,
hands the service the real server exports and a few hundred generated reports through its
control API, drops result files into a watched folder, shows a progress bar until the server
holds every report (or the service has parked the ones the server rejected), prints a summary
and stops both processes cleanly.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pywats.report import to_wsjf
from pywats.report.wstf import to_wstf
from pywats_client.config import write_token
from pywats_client.control import ControlClient
from pywats_client.control.token import load_or_create_token
from report_demo import build_sample

TOKEN = "ZGVtbzpkZW1v"  # base64("demo:demo"): the emulator's API token for this run
EXPORTS = ("new_report_example.json", "uur_example.json", "uut-wsjf-export.json")
READY = "pywats-client service ready; control API at "


@dataclass
class Tally:
    """What the demo handed over, and how."""

    via_api: list[str] = field(default_factory=list)
    via_folder: int = 0
    refused: list[str] = field(default_factory=list)
    stored: int = 0
    parked: int = 0


def start_process(args: list[str], marker: str, log: Path) -> tuple[subprocess.Popen[str], str]:
    """Start ``args``; return the process and the rest of the stdout line that starts with
    ``marker`` (its address). Everything else it prints goes to ``log``."""
    with log.open("w") as stderr:  # the child keeps its own handle
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=stderr, text=True, bufsize=1)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(marker):
            return proc, line[len(marker) :].strip()
    raise SystemExit(f"{args[2]} did not start; see {log}")


def stop_process(proc: subprocess.Popen[str], name: str) -> str:
    """Ask for a graceful stop (SIGTERM; CTRL_BREAK on Windows) and report how it ended."""
    started = time.monotonic()
    if sys.platform == "win32":
        proc.terminate()
    else:
        proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=120)
    if proc.stdout is not None:
        proc.stdout.close()
    return f"{name} exited {code} in {time.monotonic() - started:.1f} s"


def write_station_config(root: Path, server_url: str) -> Path:
    inbox = root / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    write_token(root / "api.token", TOKEN)
    config = {
        "server_url": server_url,
        "token_file": "api.token",
        "station_name": "DEMO-STATION-01",
        "queue_dir": "queue",
        "limits": {"min_free_bytes": 64 * 1024**2},
        "shutdown": {"graceful_timeout_seconds": 10, "force_timeout_seconds": 10},
        "watch_folders": [
            {"path": "inbox", "converter": "wsjf", "pattern": "*.json", "post_process": "zip",
             "stable_seconds": 0.5, "rescan_seconds": 2},
            {"path": "inbox", "converter": "wstf", "pattern": "*.txt", "post_process": "move",
             "stable_seconds": 0.5, "rescan_seconds": 2},
        ],
    }  # fmt: skip
    path = root / "client.json"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


def generated_reports(count: int, seed: int = 7) -> list[tuple[str, bytes]]:
    """``count`` WSJF test reports, about one in eight failing, spread over the last day."""
    rng = random.Random(seed)
    now = datetime.now(timezone(timedelta(hours=1)))
    reports = []
    for number in range(count):
        start = now - timedelta(minutes=rng.randint(1, 1440))
        report = build_sample(f"DEMO{number + 100:05d}", fail=rng.random() < 0.125, start=start)
        reports.append((f"generated-{number:04d}.json", to_wsjf(report).encode()))
    return reports


async def hand_over(control: ControlClient, files: list[tuple[str, bytes]], tally: Tally) -> None:
    """Submit files through the control API, eight at a time."""
    gate = asyncio.Semaphore(8)

    async def one(name: str, data: bytes) -> None:
        async with gate:
            try:
                answer = await control.submit(data, name)
            except Exception as exc:  # noqa: BLE001 - the demo reports every refusal
                tally.refused.append(f"{name}: {exc}")
                return
            tally.via_api.extend(entry["report_id"] for entry in answer)

    await asyncio.gather(*(one(name, data) for name, data in files))


def drop_files(inbox: Path, count: int) -> int:
    """Write station result files into the watched folder: WSJF files and one WSTF file."""
    reports = [build_sample(f"FOLDER{n:04d}", fail=n % 5 == 0) for n in range(count)]
    for n, report in enumerate(reports[:-2]):
        temp = inbox / f".writing-{n}"
        temp.write_text(to_wsjf(report), encoding="utf-8")
        temp.replace(inbox / f"station-result-{n:03d}.json")
    (inbox / "line-3-results.txt").write_text(to_wstf(reports[-2:]), encoding="utf-8")
    return count


async def server_count(http: httpx.AsyncClient) -> int:
    response = await http.get("/_emulator/reports", params={"limit": 0})
    response.raise_for_status()
    return int(response.json()["count"])


async def wait_for_delivery(
    http: httpx.AsyncClient, control: ControlClient, expected: int, timeout: float = 180.0
) -> tuple[int, int]:
    """Show a progress bar until server count + parked reports reach ``expected``."""
    columns = (TextColumn("  server holds"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[note]}"), TimeElapsedColumn())  # fmt: skip
    deadline = time.monotonic() + timeout
    with Progress(*columns, transient=False) as progress:
        task = progress.add_task("deliver", total=expected, note="")
        while True:
            stored = await server_count(http)
            parked = len(await control.queue_list(state="parked"))
            progress.update(task, completed=stored + parked, note=f"parked {parked}")
            if stored + parked >= expected:
                return stored, parked
            if time.monotonic() > deadline:
                raise SystemExit(f"not delivered within {timeout:.0f} s: {stored} + {parked}")
            await asyncio.sleep(0.25)


async def summary(http: httpx.AsyncClient, control: ControlClient) -> list[str]:
    listing = (await http.get("/_emulator/reports", params={"limit": 100_000})).json()
    results: dict[str, int] = {}
    for header in listing["reports"]:
        results[str(header.get("result"))] = results.get(str(header.get("result")), 0) + 1
    lines = [f"server holds {listing['count']} reports: " + ", ".join(
        f"{count} {result}" for result, count in sorted(results.items()))]  # fmt: skip
    for entry in await control.queue_list(state="parked"):
        detail = await control.queue_show(entry["report_id"])
        reason = str(detail.get("parked_reason") or "").splitlines()
        lines.append(f"parked {entry['report_id']}: {reason[0] if reason else '?'}")
    status = await control.status()
    lines.append(f"station queue: {status['queue']}")
    return lines


async def wait_for_sources_done(inbox: Path, timeout: float = 30.0) -> None:
    """Sources are post-processed right after their reports are accepted; give the last
    ones a moment so the summary shows where they ended up."""
    deadline = time.monotonic() + timeout
    while True:
        if not await asyncio.to_thread(_waiting_sources, inbox) or time.monotonic() > deadline:
            return
        await asyncio.sleep(0.1)


def _waiting_sources(inbox: Path) -> list[str]:
    """Sources not yet post-processed (ZIP sources wait in Done/.zip-staging for the next
    archive; the service packs them at least once a minute and when it stops)."""
    return [p.name for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")]


def inbox_summary(inbox: Path) -> str:
    done = sorted(p.name for p in (inbox / "Done").glob("*") if not p.name.startswith("."))
    waiting = _waiting_sources(inbox)
    errors = [p.name for p in (inbox / "Error").glob("*")] if (inbox / "Error").exists() else []
    return f"watch folder: Done/ holds {done}; {len(waiting)} waiting; {len(errors)} in Error/"


async def exercise(
    server_url: str, control_url: str, root: Path, exports: Path | None, generated: int
) -> Tally:
    tally = Tally()
    token = load_or_create_token(root / "queue-service" / "control.token")
    files = [(name, (exports / name).read_bytes()) for name in EXPORTS] if exports else []
    files += generated_reports(generated)
    async with (
        ControlClient(token, base_url=control_url, timeout=30) as control,
        httpx.AsyncClient(base_url=server_url, headers={"Authorization": f"Basic {TOKEN}"}) as http,
    ):
        print(f"  handing {len(files)} reports to the service through its control API")
        await hand_over(control, files, tally)
        tally.via_folder = drop_files(root / "inbox", 20)
        print(f"  dropped {tally.via_folder} reports as files into {root / 'inbox'}")
        for problem in tally.refused:
            print(f"  refused: {problem}")
        expected = len(set(tally.via_api)) + tally.via_folder
        tally.stored, tally.parked = await wait_for_delivery(http, control, expected)
        await wait_for_sources_done(root / "inbox")
        for line in await summary(http, control):
            print("  " + line)
    return tally


def run(out: Path, exports: Path | None, generated: int = 300) -> Tally:
    print("== Station: emulator + pywats-client service ==")
    root = (out / "station").resolve()
    if root.exists():
        import shutil

        shutil.rmtree(root)
    root.mkdir(parents=True)
    emulator, server_url = start_process(
        [sys.executable, "-m", "pywats_emulator", "--port", "0", "--token", TOKEN,
         "--db", str(root / "emulator.sqlite")],
        "pywats-emulator listening on ", root / "emulator.log",
    )  # fmt: skip
    print(f"  emulator at {server_url}  (open {server_url}/ to watch reports arrive)")
    service = None
    try:
        config = write_station_config(root, server_url)
        service, control_url = start_process(
            [sys.executable, "-m", "pywats_client", "run", "--config", str(config),
             "--control-port", "0"],
            READY, root / "service.log",
        )  # fmt: skip
        print(f"  service running; control API at {control_url}; queue in {root / 'queue'}")
        tally = asyncio.run(exercise(server_url, control_url, root, exports, generated))
    finally:
        if service is not None:
            print("  " + stop_process(service, "service"))
        print("  " + stop_process(emulator, "emulator"))
    print("  " + inbox_summary(root / "inbox"))
    print(f"  logs: {root / 'service.log'}, {root / 'emulator.log'}")
    return tally
