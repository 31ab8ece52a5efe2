"""Long use (issue 19): 500 solves one after another in one process, through the engine thread as
the app runs them (Engine -> Worker -> vmdcore.sampling, the bundled Sudoku pair side by side),
keep the resident memory flat: the growth from solve 50 to solve 500 stays under 5 %."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from vmdcore.sudoku import parse_puzzle
from vmdcore.tasks.sudoku import encode

from app.worker import Engine, LoadRequest, RunRequest, SamplerSettings

ROOT = Path(__file__).resolve().parents[2]
CHECKPOINTS = ROOT / "resources" / "checkpoints"
SOLVES, WARM_UP = 500, 50


def resident_bytes() -> int:
    """The process's resident set size, from /proc (Linux) without psutil."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _puzzles() -> list[str]:
    lines = (ROOT / "resources" / "puzzles" / "library.csv").read_text().splitlines()[1:]
    return [line.split(",")[1] for line in lines]


@pytest.mark.slow
def test_500_solves_keep_the_resident_size_flat(qtbot):
    engine = Engine()
    try:
        with qtbot.waitSignal(engine.ready, timeout=60_000):
            engine.start()
        for kind in ("mdm", "vmd"):
            with qtbot.waitSignal(engine.modelLoaded, timeout=60_000):
                engine.load(LoadRequest(f"sudoku/{kind}", str(CHECKPOINTS / f"sudoku-{kind}.safetensors"), "sudoku", kind, True))
        puzzles = _puzzles()
        steps = []
        engine.stepReady.connect(lambda run_id, lane, step: steps.append(step.index))
        sizes: dict[int, int] = {}
        last = None
        for solve in range(1, SOLVES + 1):
            tokens, fixed = encode(parse_puzzle(puzzles[solve % len(puzzles)])[None])
            request = RunRequest(engine.new_run_id(), ("sudoku/mdm", "sudoku/vmd"), tokens, fixed,
                                 SamplerSettings(nfe=2, strategy=("margin", "entropy")[solve % 2], seed=solve))
            with qtbot.waitSignal(engine.runFinished, timeout=60_000) as done:
                engine.run(request)
            last = done.args[0]  # the app keeps the last solve's traces, as here
            assert not last.cancelled and all(trace.complete for trace in last.traces.values())
            steps.clear()
            if solve in (1, WARM_UP, SOLVES) or solve % 50 == 0:
                gc.collect()
                sizes[solve] = resident_bytes()
        growth = sizes[SOLVES] / sizes[WARM_UP] - 1
        mib = {k: round(v / 2**20, 1) for k, v in sizes.items()}
        print(f"resident MiB by solve: {mib}; growth from solve {WARM_UP} to {SOLVES}: {growth:+.2%}")
        assert growth < 0.05, mib
    finally:
        engine.shutdown()
    assert not engine.thread.isRunning()
