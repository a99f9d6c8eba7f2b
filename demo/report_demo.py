"""Demo, part 1: the report model.

Builds a sample test report and its repair report with the builders, validates them, writes
them as WSJF, WSXF and WSTF to ``demo-out/``, and round-trips the four real server exports,
printing one line per file.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from pywats.report import (
    UURBuilder,
    UURReport,
    UUTBuilder,
    UUTReport,
    parse_wsjf,
    to_wsjf,
    validate,
)
from pywats.report.jsondiff import first_difference
from pywats.report.wstf import parse_wstf, to_wstf
from pywats.report.wsxf import comparable_tree, parse_wsxf, to_wsxf

EXPORTS = ("new_report_example.json", "uur_example.json", "uut-wsjf-export.json")
STATION = {"station": "DEMO-STATION-01", "location": "Demo line", "purpose": "Production"}


def build_sample(sn: str, *, fail: bool = False, start: datetime | None = None) -> UUTReport:
    """A small but realistic PCBA test; ``fail=True`` puts the 5 V rail out of its limits."""
    start = start or datetime.now(timezone(timedelta(hours=1)))
    builder = UUTBuilder(
        pn="DEMO-PCBA-100",
        sn=sn,
        rev="B",
        process_code=10,
        operator="demo",
        start=start,
        **STATION,
    )
    builder.misc_info("Firmware", "1.4.2").sub_unit("PCBA", "DEMO-PCB-7", f"{sn}-P", "A")
    with builder.sequence("Power") as power:
        power.numeric("Supply voltage", 3.31, low=3.2, high=3.4, comp_op="GELE", unit="V")
        rails = power.multi_numeric("Rails")
        rails.add("5V", 5.6 if fail else 5.02, low=4.9, high=5.1, comp_op="GELE", unit="V")
        rails.add("12V", 12.1, comp_op="LOG", unit="V")
    with builder.sequence("Functional") as functional:
        functional.pass_fail("LED check", passed=True)
        functional.string("Firmware version", "1.4.2", limit="1.4.2", comp_op="IGNORECASE")
    return builder.build()


def build_repair(failed: UUTReport) -> UURReport:
    repair = UURBuilder.for_uut(
        failed,
        process_code=500,
        station="DEMO-REPAIR-01",
        location="Demo line",
        start=datetime.now(UTC),
        operator="technician",
        comment="Replaced U3",
    )
    repair.failure("Component", "Defective", com_ref="U3", comment="5 V rail too high")
    return repair.build()


def write_formats(out: Path) -> list[str]:
    """Write a passing and a failing UUT and a UUR in every format; return summary lines."""
    out.mkdir(parents=True, exist_ok=True)
    good, bad = build_sample("DEMO0001"), build_sample("DEMO0002", fail=True)
    repair = build_repair(bad)
    lines = []
    for name, report in (("uut-pass", good), ("uut-fail", bad), ("uur", repair)):
        problems = validate(report)
        (out / f"{name}.json").write_text(to_wsjf(report), encoding="utf-8")
        (out / f"{name}.xml").write_text(to_wsxf(report), encoding="utf-8")
        lines.append(
            f"{name:9} result={report.result} problems={len(problems)} -> {name}.json/.xml"
        )
    (out / "uuts.txt").write_text(to_wstf([good, bad]), encoding="utf-8")
    back = parse_wstf((out / "uuts.txt").read_text(encoding="utf-8"))
    lines.append(f"{'wstf':9} {len(back)} UUTs in uuts.txt, results {[r.result for r in back]}")
    return lines


def round_trip_exports(exports: Path) -> list[str]:
    """Parse and re-serialise each real export; report the first difference (none expected)."""
    lines = []
    for name in EXPORTS:
        text = (exports / name).read_text(encoding="utf-8")
        report = parse_wsjf(text)
        diff = first_difference(json.loads(text), json.loads(to_wsjf(report)))
        steps = (
            sum(1 for _ in report.root.iter_tree())
            if isinstance(report, UUTReport) and report.root
            else 0
        )
        verdict = "identical" if diff is None else f"DIFFERS at {diff}"
        lines.append(f"{name:24} type={report.type} steps={steps:3} round-trip {verdict}")
    xml = parse_wsxf((exports / "uut-wsxf-export.xml").read_bytes())
    twin = parse_wsjf((exports / "uut-wsjf-export.json").read_bytes())
    diff = first_difference(comparable_tree(twin), comparable_tree(xml))
    lines.append(
        f"{'uut-wsxf-export.xml':24} equals its WSJF twin: {'yes' if diff is None else diff}"
    )
    return lines


def shared_exports() -> Path:
    default = Path(__file__).resolve().parent.parent.parent / "shared"
    return Path(os.environ.get("PYWATS_SHARED", default)) / "fixtures" / "wats-exports"


def run(out: Path) -> None:
    print("== Report model ==")
    for line in write_formats(out):
        print("  " + line)
    exports = shared_exports()
    if exports.is_dir():
        for line in round_trip_exports(exports):
            print("  " + line)
    else:
        print(f"  (real exports not found at {exports}; set PYWATS_SHARED)")
    print(f"  files written to {out}/")


if __name__ == "__main__":
    run(Path("demo-out"))
