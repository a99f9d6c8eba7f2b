"""Emulator throughput: WSJF submits per second of a 100-step report.

One client keeps 8 requests in flight against an emulator started as a subprocess
(``python -m pywats_emulator``, in-memory database). Measured twice: with httpx (what pywats
uses) and with a minimal raw HTTP/1.1 client, whose own CPU use is small, so that on a
2-core machine the second figure is closer to the server's capacity. Goal: >= 300/s.
Wall-clock rates depend on what else runs on the machine, so every run also prints the CPU
time the server and this client spent per submit, and the load average beside them.

    .venv/bin/python benchmarks/emulator.py [--reports 2000] [--concurrency 8] [--steps 100]
        [--http auto|h11|httptools]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import httpx
import psutil

from pywats_emulator.demo import demo_uut


def start_server(db: str, http: str = "auto") -> tuple[subprocess.Popen[str], str, str]:
    """Start the emulator; returns the process, its base URL and token."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pywats_emulator", "--port", "0", "--db", db, "--http", http],
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


async def raw_worker(
    host: str, port: int, token: str, queue: asyncio.Queue[bytes], latencies: list[float]
) -> None:
    """Submit bodies from ``queue`` over one keep-alive connection, HTTP/1.1 by hand."""
    reader, writer = await asyncio.open_connection(host, port)
    head = (
        f"POST /api/Report/WSJF HTTP/1.1\r\nHost: {host}\r\nAuthorization: Basic {token}\r\n"
        "Content-Type: application/json\r\n"
    ).encode()
    try:
        while not queue.empty():
            body = queue.get_nowait()
            began = time.perf_counter()
            length_line = f"Content-Length: {len(body)}\r\n\r\n"
            writer.write(head + length_line.encode() + body)
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - began)
            if b" 200 " not in status_line:
                raise RuntimeError(f"submit failed: {status_line!r}")
    finally:
        writer.close()
        await writer.wait_closed()


async def submit_all_raw(
    base_url: str, token: str, bodies: list[bytes], concurrency: int
) -> tuple[float, list[float]]:
    """Like :func:`submit_all` with the raw client."""
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    latencies: list[float] = []
    began = time.perf_counter()
    await asyncio.gather(
        *(raw_worker(host, int(port), token, queue, latencies) for _ in range(concurrency))
    )
    return time.perf_counter() - began, latencies


def report(label: str, count: int, run: tuple[float, list[float]], client_cpu: float) -> None:
    """Print one measurement (with this process's CPU per submit and the load average)."""
    wall, latencies = run
    print(
        f"{label}: {count / wall:.0f} submits/s ({wall:.2f} s); latency p50 "
        f"{percentile(latencies, 0.5) * 1000:.1f} ms, p95 {percentile(latencies, 0.95) * 1000:.1f}"
        f" ms, max {max(latencies) * 1000:.1f} ms; client CPU {client_cpu / count * 1000:.2f} "
        f"ms per submit{load_average()}"
    )


def load_average() -> str:
    """``, load N.N`` (1-minute load average) where the OS reports one."""
    if not hasattr(os, "getloadavg"):  # POSIX only
        return ""
    return f", load {os.getloadavg()[0]:.1f}"


def server_cpu(server: psutil.Process) -> float:
    """CPU seconds (user + system) the server process has used so far."""
    times = server.cpu_times()
    return float(times.user + times.system)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--db", default=":memory:")
    parser.add_argument("--http", choices=("auto", "h11", "httptools"), default="auto")
    args = parser.parse_args()
    bodies = make_bodies(args.reports, args.steps)
    # Different ids per client, so the second run stores new reports instead of re-receiving.
    raw_bodies = [
        json.dumps(demo_uut(n, steps=args.steps)).encode()
        for n in range(args.reports + 1, 2 * args.reports + 1)
    ]
    process, base_url, token = start_server(args.db, args.http)
    server = psutil.Process(process.pid)
    try:
        before, client_before = server_cpu(server), time.process_time()
        httpx_run = asyncio.run(submit_all(base_url, token, bodies, args.concurrency))
        middle, client_middle = server_cpu(server), time.process_time()
        raw_run = asyncio.run(submit_all_raw(base_url, token, raw_bodies, args.concurrency))
        after, client_after = server_cpu(server), time.process_time()
    finally:
        process.send_signal(signal.SIGTERM if sys.platform != "win32" else signal.SIGINT)
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()
    size_kb = sum(len(b) for b in bodies) / len(bodies) / 1024
    print(f"reports: {len(bodies)} x {args.steps} steps ({size_kb:.1f} KB each)")
    print(f"concurrency: {args.concurrency}, database: {args.db}, HTTP parser: {args.http}")
    report("httpx client", len(bodies), httpx_run, client_middle - client_before)
    report("raw client", len(raw_bodies), raw_run, client_after - client_middle)
    per_submit = (after - before) / (len(bodies) + len(raw_bodies))
    print(
        f"server CPU: {per_submit * 1000:.2f} ms per submit "
        f"(httpx run {(middle - before) / len(bodies) * 1000:.2f}, raw run "
        f"{(after - middle) / len(raw_bodies) * 1000:.2f}) => one free core serves about "
        f"{1 / per_submit:.0f} submits/s"
    )
    if hasattr(os, "getloadavg"):  # POSIX only
        print(f"machine load average: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
