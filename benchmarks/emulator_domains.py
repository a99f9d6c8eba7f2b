"""Speed of the emulator's domain routes, in one script (about 30 s on a 2-core machine).

In-process, the pure evaluators:
- OData ``$filter`` + ``$orderby`` + ``$top`` over 10,000 asset rows (``routes/_odata.py``);
- a SCIM filter over 10,000 stored users (``routes/_scim_filter.py``).

Against an emulator started as a subprocess (in-memory database, ``--demo-reports 2000``),
through the pywats library:
- ``get_asset`` and ``update_count`` round trips;
- a dynamic yield query (part number, station, FPY) over the 2,000 stored reports;
- TestStepAnalysis of the 281-step TestStand export from ``/work/shared/fixtures``.

Figures are medians; the machine load is printed with them.

    .venv/bin/python benchmarks/emulator_domains.py [--exports DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _common import load_note, median_ms, report_line
from pywats.client import AsyncWATS
from pywats.models.analytics import WatsFilter
from pywats_emulator.routes._odata import apply_options, parse_options
from pywats_emulator.routes._scim_filter import parse_scim_filter
from pywats_emulator.routes._scim_users import new_user

ROWS = 10_000
DEMO_REPORTS = 2_000
EXPORTS = Path("/work/shared/fixtures/wats-exports")
TESTSTAND_EXPORT = "new_report_example.json"  # 281 steps, part number 4494394418, op 50


def asset_rows(count: int) -> list[dict[str, Any]]:
    """Wire-shaped asset rows with varied serial numbers, counts and states."""
    return [
        {
            "assetId": f"00000000-0000-0000-0000-{n:012d}",
            "serialNumber": f"DMM-{n:05d}",
            "runningCount": (n * 37) % 500,
            "state": n % 7,
            "lastCalibrationDate": f"2026-{1 + n % 12:02d}-01T00:00:00Z",
        }
        for n in range(count)
    ]


def scim_users(count: int) -> list[dict[str, Any]]:
    """Stored SCIM users as the emulator keeps them."""
    now = datetime(2026, 3, 1, tzinfo=UTC)
    return [
        new_user(
            {
                "userName": f"user{n:05d}@example.com",
                "active": n % 3 != 0,
                "name": {"familyName": f"Family{n % 97}", "givenName": "Ola"},
                "emails": [{"value": f"user{n:05d}@example.com", "primary": True}],
            },
            f"id-{n}",
            now,
        )
        for n in range(count)
    ]


def measure_pure() -> None:
    """The in-process figures."""
    rows = asset_rows(ROWS)
    params = {
        "$filter": "runningCount gt 100 and state le 4 and contains(serialNumber,'7')"
        " and lastCalibrationDate ge 2026-03-01",
        "$orderby": "runningCount desc, serialNumber",
        "$top": "100",
    }
    chosen = apply_options(rows, parse_options(params, [("assetId", False)]))
    elapsed = median_ms(lambda: apply_options(rows, parse_options(params, [("assetId", False)])))
    print(report_line(f"OData filter+sort, {ROWS:,} assets ({len(chosen)} kept)", elapsed, "ms"))
    users = scim_users(ROWS)
    text = 'userName sw "user01" and active eq true or name.familyName eq "family3"'

    def scim_query() -> list[dict[str, Any]]:
        predicate = parse_scim_filter(text)
        return [user for user in users if predicate(user)]

    kept = len(scim_query())
    elapsed = median_ms(scim_query)
    print(report_line(f"SCIM filter, {ROWS:,} users ({kept} kept)", elapsed, "ms"))


def start_server() -> tuple[subprocess.Popen[str], str, str]:
    """Start the emulator with the demo reports; returns the process, base URL and token."""
    command = [sys.executable, "-m", "pywats_emulator", "--port", "0", "--db", ":memory:"]
    process = subprocess.Popen(
        [*command, "--demo-reports", str(DEMO_REPORTS)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    base_url = process.stdout.readline().split()[-1]
    token = process.stdout.readline().split()[-1]
    return process, base_url, token


def stop_server(process: subprocess.Popen[str]) -> None:
    """Stop the emulator cleanly and close its pipe."""
    if sys.platform == "win32":
        process.terminate()
    else:
        process.send_signal(signal.SIGINT)
    process.wait(timeout=30)
    if process.stdout is not None:
        process.stdout.close()


async def median_async_ms(call: Callable[[], Awaitable[Any]], runs: int) -> float:
    """Median wall time of ``await call()`` in milliseconds (one warm-up call first)."""
    await call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000.0)
    return statistics.median(samples)


async def measure_server(base_url: str, token: str, exports: Path) -> None:
    """The round-trip figures through the library."""
    async with AsyncWATS(base_url=base_url, token=token) as wats:
        asset = await median_async_ms(lambda: wats.asset.get_asset("DMM-0001"), 200)
        print(report_line("library get_asset round trip", asset, "ms"))
        count = await median_async_ms(
            lambda: wats.asset.update_count(serial_number="DMM-0001", increment_by=1), 200
        )
        print(report_line("library update_count round trip", count, "ms"))
        yield_filter = WatsFilter(dimensions="partNumber;stationName;fpy;unitCount")
        rows = await wats.analytics.get_yield(yield_filter)
        elapsed = await median_async_ms(lambda: wats.analytics.get_yield(yield_filter), 9)
        units = sum(row.unit_count or 0 for row in rows)
        label = f"dynamic yield over {DEMO_REPORTS:,} reports ({units} units)"
        print(report_line(label, elapsed, "ms"))
        await wats.report.submit_wsjf((exports / TESTSTAND_EXPORT).read_bytes())
        step_filter = WatsFilter(part_number="4494394418", test_operation="50")
        steps = await wats.analytics.get_test_step_analysis(step_filter)
        elapsed = await median_async_ms(
            lambda: wats.analytics.get_test_step_analysis(step_filter), 21
        )
        label = f"TestStepAnalysis, 281-step report ({len(steps)} rows)"
        print(report_line(label, elapsed, "ms"))


def main() -> None:
    """Measure the pure evaluators, then the routes through a subprocess emulator."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exports", type=Path, default=EXPORTS)
    args = parser.parse_args()
    print(f"emulator domain benchmarks ({load_note()})")
    started = time.perf_counter()
    measure_pure()
    process, base_url, token = start_server()
    try:
        asyncio.run(measure_server(base_url, token, args.exports))
    finally:
        stop_server(process)
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
