"""``./run demo``: what pywats does, end to end, on this machine alone."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report_demo
import station_stage


def main() -> None:
    out = Path("demo-out")
    report_demo.run(out)
    exports = report_demo.shared_exports()
    station_stage.run(out, exports if exports.is_dir() else None)


if __name__ == "__main__":
    main()
