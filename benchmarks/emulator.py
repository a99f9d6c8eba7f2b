"""Emulator throughput: WSJF submits per second of a 100-step report.

One client (httpx.AsyncClient) keeps 8 requests in flight against an emulator started as a
subprocess (``python -m pywats_emulator``, in-memory database). Prints the figures; the goal
on a 2-core machine is at least 300 submits/s.

    .venv/bin/python benchmarks/emulator.py [--reports 2000] [--concurrency 8] [--steps 100]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import subprocess
import sys
import time

import httpx

from pywats_emulator.demo import demo_uut


def start_server(db: str) -> tuple[subprocess.Popen[str], str, str]:
    """Start the emulator; returns the process, its base URL and token."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pywats_emulator", "--port", "0", "--db", db],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    base_url = process.stdout.readline().split()[-1]
    token = process.stdout.readline().split()[-1]
    return process, base_url, token


def make_bodies(count: int, steps: int) -> list[bytes]:
    """Distinct report bodies (unique ids), serialised before timing starts."""
    return [json.dumps(demo_uut(n, steps=steps)).encode() for n in range(1, count + 1)]


async def submit_all(
    base_url: str, token: str, bodies: list[bytes], concurrency: int
) -> tuple[float, list[float]]:
    """Submit every body with ``concurrency`` requests in flight; returns wall time, latencies."""
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, limits=limits, timeout=60
    ) as client:
        await client.get("/api/App/Version")  # warm the connection pool

        async def worker() -> None:
            while not queue.empty():
                body = queue.get_nowait()
                began = time.perf_counter()
                response = await client.post("/api/Report/WSJF", content=body)
                latencies.append(time.perf_counter() - began)
                if response.status_code != 200:
                    raise RuntimeError(f"submit failed: {response.status_code} {response.text}")

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - began, latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--db", default=":memory:")
    args = parser.parse_args()
    bodies = make_bodies(args.reports, args.steps)
    process, base_url, token = start_server(args.db)
    try:
        wall, latencies = asyncio.run(submit_all(base_url, token, bodies, args.concurrency))
    finally:
        process.send_signal(signal.SIGTERM if sys.platform != "win32" else signal.SIGINT)
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()
    size_kb = sum(len(b) for b in bodies) / len(bodies) / 1024
    print(f"reports: {len(bodies)} x {args.steps} steps ({size_kb:.1f} KB each)")
    print(f"concurrency: {args.concurrency}, database: {args.db}")
    print(f"throughput: {len(bodies) / wall:.0f} submits/s ({wall:.2f} s)")
    print(
        f"latency: p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
