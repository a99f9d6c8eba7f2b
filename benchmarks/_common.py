"""Timing helpers shared by the benchmark scripts (plain functions, no framework)."""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any


def median_ms(
    fn: Callable[[], Any],
    runs: int = 9,
    warmup: int = 1,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Median time of ``fn()`` in milliseconds over ``runs`` runs (after warm-up).

    ``clock`` defaults to wall time; pass ``time.process_time`` for this process's CPU
    time, which other processes competing for the cores disturb less.
    """
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        gc.collect()
        started = clock()
        fn()
        samples.append((clock() - started) * 1000.0)
    return statistics.median(samples)


def load_note() -> str:
    """The machine's 1-minute load average and core count, to judge the figures by."""
    cores = os.cpu_count() or 1
    if not hasattr(os, "getloadavg"):  # Windows has no load average
        return f"{cores} cores"
    return f"load average {os.getloadavg()[0]:.2f} on {cores} cores"


def peak_kib(fn: Callable[[], Any]) -> float:
    """Peak traced Python memory of one ``fn()`` call, in KiB."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1024.0


def import_cost(module: str, runs: int = 9) -> tuple[float, int]:
    """Median wall time (ms) of ``python -c "import <module>"`` and modules it loads."""
    code = f"import sys, {module}; print(len(sys.modules))"
    baseline = "import sys; print(len(sys.modules))"
    samples = []
    loaded = 0
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        )
        samples.append((time.perf_counter() - started) * 1000.0)
        loaded = int(out.stdout.strip())
    bare = subprocess.run(
        [sys.executable, "-c", baseline], check=True, capture_output=True, text=True
    )
    return statistics.median(samples), loaded - int(bare.stdout.strip())


def report_line(label: str, value: float, unit: str, target: float | None = None) -> str:
    """One aligned result line, with the target and a verdict when one is given."""
    line = f"{label:<48} {value:9.2f} {unit}"
    if target is not None:
        verdict = "ok" if value <= target else "OVER"
        line += f"   (target ≤ {target:g} {unit}: {verdict})"
    return line
