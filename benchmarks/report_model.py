"""Report-model benchmark: build, serialise and parse a 1,000-step UUT; the fixtures; import.

Run: ``./run bench`` or ``.venv/bin/python benchmarks/report_model.py``. Prints figures;
asserts nothing (speed is shown, not tested).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import import_cost, load_note, median_ms, peak_kib, report_line
from pywats.report import UUTBuilder, UUTReport, parse_wsjf, to_wsjf

RUNS = 11
SHARED = Path(os.environ.get("PYWATS_SHARED", Path(__file__).resolve().parents[2] / "shared"))
EXPORTS = SHARED / "fixtures" / "wats-exports"
FIXTURES = ("new_report_example.json", "uur_example.json", "uut-wsjf-export.json")
START = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)


def build_thousand_steps() -> UUTReport:
    """1,000 numeric GELE steps (limits 0.5–2.5) in 10 sequence calls."""
    builder = UUTBuilder(
        pn="BENCH-PN", sn="BENCH-0001", rev="A", process_code=10, station="BENCH",
        location="Lab", purpose="Benchmark", operator="bench", start=START,
        report_id="5f0c9a7e-2d41-4c3b-9e8a-0b6f1d2c3a4e",
    )  # fmt: skip
    for block in range(10):
        with builder.sequence(f"Block {block}") as seq:
            for index in range(100):
                value = 0.5 + (index % 21) * 0.1
                seq.numeric(f"Step {index}", value, low=0.5, high=2.5, comp_op="GELE", unit="V")
    return builder.build()


def main() -> None:
    """Measure and print every figure."""
    print(f"report model benchmark — median of {RUNS} runs, Python {sys.version.split()[0]}")
    print(f"({load_note()}; wall = elapsed time, cpu = this process's CPU time)")
    report = build_thousand_steps()
    text = to_wsjf(report)
    print(f"1,000-step UUT: {len(text):,} bytes of WSJF")
    cases = {
        "build (incl. roll-up + validation)": (build_thousand_steps, None),
        "serialise to WSJF text": (lambda: to_wsjf(report), None),
        "serialise, model_dump_json (reference)": (
            lambda: report.model_dump_json(by_alias=True, exclude_unset=True),
            None,
        ),
        "build + serialise": (lambda: to_wsjf(build_thousand_steps()), 12.0),
        "parse WSJF text": (lambda: parse_wsjf(text), 15.0),
    }
    for label, (action, target) in cases.items():
        print(report_line(f"  {label}, wall", median_ms(action, RUNS), "ms", target))
        cpu = median_ms(action, RUNS, clock=time.process_time)
        print(report_line(f"  {label}, cpu", cpu, "ms", target))
    build_peak = peak_kib(lambda: to_wsjf(build_thousand_steps()))
    print(report_line("  tracemalloc peak, build + serialise", build_peak, "KiB"))
    print(report_line("  tracemalloc peak, parse", peak_kib(lambda: parse_wsjf(text)), "KiB"))
    if EXPORTS.is_dir():
        for name in FIXTURES:
            data = (EXPORTS / name).read_text(encoding="utf-8")
            fixture = parse_wsjf(data)
            print(f"{name} ({len(data):,} bytes)")
            print(report_line("  parse", median_ms(partial(parse_wsjf, data), RUNS), "ms"))
            print(report_line("  serialise", median_ms(partial(to_wsjf, fixture), RUNS), "ms"))
    else:
        print(f"fixtures not found at {EXPORTS}; set PYWATS_SHARED")
    wall_ms, modules = import_cost("pywats")
    print(report_line('python -c "import pywats" (wall)', wall_ms, "ms", 150))
    print(f"{'  modules imported by pywats':<48} {modules:9d}")
    report_ms, report_modules = import_cost("pywats.report")
    print(report_line('python -c "import pywats.report" (wall)', report_ms, "ms"))
    print(f"{'  modules imported by pywats.report':<48} {report_modules:9d}")
    print(f"({load_note()} at the end)")


if __name__ == "__main__":
    main()
