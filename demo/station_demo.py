"""``./run demo``: what pywats does, end to end, on this machine alone."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report_demo


def main() -> None:
    report_demo.run(Path("demo-out"))


if __name__ == "__main__":
    main()
