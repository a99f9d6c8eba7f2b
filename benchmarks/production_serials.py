"""Serial-number allocation speed of the emulator (``POST /api/Production/SerialNumbers/Take``).

Starts the emulator as a subprocess (in-memory database, seeded pool of 500 board numbers)
and measures: a baseline request (``GET /api/App/Version``); one-number takes in sequence
(median latency); takes with 8 requests in flight (takes/s, and that no number was handed
out twice); in-sequence takes of 5 numbers. Prints the figures; the emulator is reset between
parts.

    .venv/bin/python benchmarks/production_serials.py [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import statistics
import subprocess
import sys
import time
from xml.etree import ElementTree

import httpx

TAKE = "/api/Production/SerialNumbers/Take"
POOL = 497  # 500 seeded numbers, 3 already taken by the seed


def start_server() -> tuple[subprocess.Popen[str], str, str]:
    """Start the emulator; returns the process, its base URL and token."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pywats_emulator", "--port", "0", "--db", ":memory:"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    base_url = process.stdout.readline().split()[-1]
    token = process.stdout.readline().split()[-1]
    return process, base_url, token


def numbers(response: httpx.Response) -> list[str]:
    """The ``id`` of every ``<SN>`` in a Take answer."""
    return [sn.get("id", "") for sn in ElementTree.fromstring(response.text).iter("SN")]


async def sequential(client: httpx.AsyncClient, count: int) -> list[float]:
    """Latencies (ms) of ``count`` one-number takes, one after the other."""
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        response = await client.post(
            TAKE, params={"serialNumberType": "SerialNumber", "quantity": 1}
        )
        latencies.append((time.perf_counter() - started) * 1000.0)
        response.raise_for_status()
    return latencies


async def concurrent(
    client: httpx.AsyncClient, requests: int, concurrency: int
) -> tuple[float, list[str]]:
    """Wall time of ``requests`` one-number takes, ``concurrency`` in flight; the numbers."""
    gate = asyncio.Semaphore(concurrency)
    taken: list[str] = []

    async def one() -> None:
        async with gate:
            response = await client.post(
                TAKE, params={"serialNumberType": "SerialNumber", "quantity": 1}
            )
            taken.extend(numbers(response))

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(requests)))
    return time.perf_counter() - started, taken


async def in_sequence(client: httpx.AsyncClient, count: int) -> list[float]:
    """Latencies (ms) of gap-free takes of 5 numbers."""
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        response = await client.post(
            TAKE,
            params={"serialNumberType": "SerialNumber", "quantity": 5, "onlyInSequence": "true"},
        )
        latencies.append((time.perf_counter() - started) * 1000.0)
        response.raise_for_status()
    return latencies


async def run(base_url: str, token: str, concurrency: int) -> None:
    """Run the three parts and print their figures."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Basic {token}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits) as client:
        baseline = []
        for _ in range(100):
            started = time.perf_counter()
            await client.get("/api/App/Version")
            baseline.append((time.perf_counter() - started) * 1000.0)
        print(f"baseline GET /api/App/Version: median {statistics.median(baseline):.2f} ms")
        latencies = await sequential(client, 200)
        print(f"take 1 (sequential): median {statistics.median(latencies):.2f} ms, "
              f"p95 {statistics.quantiles(latencies, n=20)[-1]:.2f} ms")  # fmt: skip
        await client.post("/_emulator/reset")
        wall, taken = await concurrent(client, POOL + 50, concurrency)
        print(f"take 1 ({concurrency} in flight): {(POOL + 50) / wall:.0f} takes/s; "
              f"{len(taken)} numbers, {len(set(taken))} distinct (pool {POOL})")  # fmt: skip
        await client.post("/_emulator/reset")
        runs = await in_sequence(client, 90)
        print(f"take 5 onlyInSequence: median {statistics.median(runs):.2f} ms")


def main() -> None:
    """Parse arguments, start the emulator, measure, stop it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    process, base_url, token = start_server()
    try:
        asyncio.run(run(base_url, token, args.concurrency))
    finally:
        if sys.platform == "win32":
            process.terminate()
        else:
            process.send_signal(signal.SIGINT)  # lets the emulator shut down cleanly
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


if __name__ == "__main__":
    main()
