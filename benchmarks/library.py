"""Library overhead: 1,000 sequential ``GET /api/App/Version`` calls against the emulator.

Starts ``python -m pywats_emulator`` as a subprocess on a free 127.0.0.1 port, then times
the same calls three ways: plain ``httpx.AsyncClient`` (baseline), ``AsyncWATS`` and the
generated sync ``WATS``. Prints per-call times, the client overhead over the baseline and the
sync/async ratio (goal: at most 1.2).

    python benchmarks/library.py [--calls 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from pywats.client import WATS, AsyncWATS

TOKEN = "YmVuY2g6YmVuY2g="  # base64("bench:bench")
PATH = "/api/App/Version"
WARMUP = 50


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_up(
    process: subprocess.Popen[bytes], base_url: str, deadline_s: float = 30.0
) -> None:
    give_up = time.monotonic() + deadline_s
    while time.monotonic() < give_up and process.poll() is None:
        try:
            response = httpx.get(base_url + PATH, headers={"Authorization": f"Basic {TOKEN}"})
            if response.status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"emulator did not answer at {base_url}")


@contextmanager
def emulator() -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "pywats_emulator", "--port", str(port), "--token", TOKEN]
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        try:
            try:
                wait_until_up(process, base_url)
            except RuntimeError:
                log.seek(0)
                sys.stderr.write(log.read().decode(errors="replace")[-2000:])
                raise
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def time_raw_httpx(base_url: str, calls: int) -> float:
    headers = {"Authorization": f"Basic {TOKEN}", "Accept": "application/json"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers) as client:
        for _ in range(WARMUP):
            (await client.get(PATH)).json()
        started = time.perf_counter()
        for _ in range(calls):
            (await client.get(PATH)).json()
        return time.perf_counter() - started


async def time_async(base_url: str, calls: int) -> float:
    async with AsyncWATS(base_url=base_url, token=TOKEN) as wats:
        for _ in range(WARMUP):
            await wats.client.version()
        started = time.perf_counter()
        for _ in range(calls):
            await wats.client.version()
        return time.perf_counter() - started


def time_sync(base_url: str, calls: int) -> float:
    with WATS(base_url=base_url, token=TOKEN) as wats:
        for _ in range(WARMUP):
            wats.client.version()
        started = time.perf_counter()
        for _ in range(calls):
            wats.client.version()
        return time.perf_counter() - started


def version_handler(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json="2026.1.5.324")


async def time_in_memory(calls: int) -> tuple[float, float]:
    """Seconds for ``calls`` requests over an in-memory transport: (httpx, AsyncWATS).

    No socket and no server, so the difference is the pure CPU cost of the pywats layers
    (retry loop, breaker, correlation id, logging calls, JSON decoding, domain method).
    """
    transport = httpx.MockTransport(version_handler)
    async with httpx.AsyncClient(base_url="http://wats.test", transport=transport) as client:
        started = time.perf_counter()
        for _ in range(calls):
            (await client.get(PATH)).json()
        raw = time.perf_counter() - started
    async with AsyncWATS(base_url="http://wats.test", token=TOKEN, transport=transport) as wats:
        started = time.perf_counter()
        for _ in range(calls):
            await wats.client.version()
        wrapped = time.perf_counter() - started
    return raw, wrapped


def measure(base_url: str, calls: int, rounds: int) -> dict[str, float]:
    """Median seconds per call of each way, over interleaved rounds (evens out load noise)."""
    per_round = max(1, calls // rounds)
    samples: dict[str, list[float]] = {"httpx": [], "async": [], "sync": []}
    for _ in range(rounds):
        samples["httpx"].append(asyncio.run(time_raw_httpx(base_url, per_round)) / per_round)
        samples["async"].append(asyncio.run(time_async(base_url, per_round)) / per_round)
        samples["sync"].append(time_sync(base_url, per_round) / per_round)
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    raw_mem, wats_mem = asyncio.run(time_in_memory(options.calls))
    with emulator() as base_url:
        seconds = measure(base_url, options.calls, options.rounds)
    us = {name: value * 1e6 for name, value in seconds.items()}
    print(
        f"{options.calls} sequential GET {PATH} per client kind against the emulator "
        f"(subprocess), median of {options.rounds} interleaved rounds"
    )
    print(f"  plain httpx.AsyncClient : {us['httpx']:8.1f} µs/call")
    print(f"  AsyncWATS               : {us['async']:8.1f} µs/call")
    print(f"  WATS (sync twin)        : {us['sync']:8.1f} µs/call")
    print(f"  AsyncWATS overhead      : {us['async'] - us['httpx']:8.1f} µs/call over httpx")
    print(f"  WATS overhead           : {us['sync'] - us['httpx']:8.1f} µs/call over httpx")
    print(f"  sync/async ratio        : {seconds['sync'] / seconds['async']:8.2f}  (goal <= 1.2)")
    overhead = (wats_mem - raw_mem) / options.calls * 1e6
    print(f"{options.calls} calls over an in-memory transport (no server, pure client CPU)")
    print(f"  plain httpx.AsyncClient : {raw_mem / options.calls * 1e6:8.1f} µs/call")
    print(f"  AsyncWATS               : {wats_mem / options.calls * 1e6:8.1f} µs/call")
    print(f"  pywats layers cost      : {overhead:8.1f} µs/call")


if __name__ == "__main__":
    main()
