"""Run every speed benchmark in turn, each merging its figures into docs/results/performance.json.

    python benchmarks/run_all.py

(benchmarks/startup.py is run on its own, after a build: it times the packaged app in dist/VMD.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [["inference.py"], ["eval_throughput.py"], ["gui_stall.py"], ["training.py", "--compile"]]


def main() -> int:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    failed = [script[0] for script in SCRIPTS if subprocess.call([sys.executable, str(HERE / script[0]), *script[1:], "--write"], env=env)]
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
