"""What every speed benchmark shares: the machine record, repeated timing, loading the
bundled Sudoku pair and merging figures into docs/results/performance.json."""

from __future__ import annotations

import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS_JSON = ROOT / "docs" / "results" / "performance.json"
CHECKPOINTS = ROOT / "resources" / "checkpoints"


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or "unknown"


def app_threads() -> int:
    """The intra-op thread count the app's engine runs with (app.worker.engine_threads)."""
    from app.worker import engine_threads

    return engine_threads()


def measured(threads: int) -> dict[str, Any]:
    import torch

    return {"date": datetime.date.today().isoformat(), "cpu": cpu_model(), "cpus": os.cpu_count(),
            "threads": threads, "torch": torch.__version__, "load_average_1m": load_average()}


def timed(fn: Callable[[], Any], repeats: int, warmup: int = 1) -> dict[str, Any]:
    """Median (and every) wall time of `fn` in seconds, each with the load average beside it."""
    for _ in range(warmup):
        fn()
    times, loads = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
        loads.append(load_average())
    return {"median_s": statistics.median(times), "times_s": [round(t, 5) for t in times], "load_average_1m": loads}


def timed_pair(first: Callable[[], Any], second: Callable[[], Any], repeats: int) -> dict[str, Any]:
    """`first` and `second` timed in alternation, so a change in the machine's load hits both;
    the ratio is the median of the per-pair ratios second / first."""
    first(), second()
    pairs, loads = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        first()
        middle = time.perf_counter()
        second()
        pairs.append((middle - started, time.perf_counter() - middle))
        loads.append(load_average())
    return {"first_median_s": statistics.median(p[0] for p in pairs), "second_median_s": statistics.median(p[1] for p in pairs),
            "ratio": statistics.median(p[1] / p[0] for p in pairs), "pairs_s": [[round(a, 5), round(b, 5)] for a, b in pairs],
            "load_average_1m": loads}


def load_sudoku(kind: str):
    import torch
    from vmdcore.checkpoint import load_checkpoint

    model, _ = load_checkpoint(CHECKPOINTS / f"sudoku-{kind}.safetensors", device=torch.device("cpu"))
    return model.eval()


def test_boards(count: int, offset: int = 0):
    """(count, 81) int64 tokens of the bundled test set's puzzles (digit - 1; mask id 9 where empty)."""
    import csv

    import numpy as np

    rows = list(csv.DictReader((ROOT / "resources" / "puzzles" / "testset.csv").open()))
    picked = (rows * (1 + (offset + count) // len(rows)))[offset:offset + count]
    return np.asarray([[int(c) - 1 if c.isdigit() and c != "0" else 9 for c in row["puzzle"]] for row in picked],
                      dtype=np.int64)


def merge_results(figures: dict[str, Any], details: dict[str, Any], threads: int) -> None:
    """Merge into performance.json: every existing key is kept, these are set or replaced."""
    data = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
    data.update(figures)
    speed = data.setdefault("speed", {})
    speed.update(details)
    block = measured(threads)
    data["measured"] = block if not isinstance(data.get("measured"), dict) else {**data["measured"], **block}
    RESULTS_JSON.write_text(json.dumps(data, indent=2) + "\n")


def print_json(name: str, value: Any) -> None:
    print(f"{name}: {json.dumps(value, indent=2)}")
