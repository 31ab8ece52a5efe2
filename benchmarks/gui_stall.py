"""The longest event-loop stall of a real (offscreen) MainWindow while a solve animates on the
Sudoku tab and while a batch evaluation runs on the Evaluate tab.

    QT_QPA_PLATFORM=offscreen python benchmarks/gui_stall.py [--write]

A 5 ms QTimer records the time between its ticks; a stall is a gap beyond the tick. The app's
own engine thread count is left as it is; the bundled Sudoku pair is loaded. A watchdog thread
samples the GUI thread's Python stack whenever a tick is overdue by more than --stack-after ms,
so each long gap comes with where the GUI thread was (in the event loop itself means it was
starved of CPU or of the GIL, anywhere else names the code that held it).
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import threading
import time
import traceback

from pathlib import Path

from common import load_average, merge_results, print_json

TICK_MS = 5


class StallProbe:
    def __init__(self, stack_after_ms: float) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self._stack_after_s = stack_after_ms / 1000
        self._gui_thread = threading.get_ident()
        self._samples: collections.Counter[str] = collections.Counter()
        self._running = threading.Event()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(1000 * (now - self._last))
        self._last = now

    def _watch(self) -> None:
        while self._running.is_set():
            time.sleep(0.01)
            if time.perf_counter() - self._last > self._stack_after_s:
                frame = sys._current_frames().get(self._gui_thread)
                if frame is not None:
                    where = traceback.extract_stack(frame)[-4:]
                    self._samples[" <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(where))] += 1

    def start(self) -> None:
        self.gaps.clear()
        self._samples.clear()
        self._last = time.perf_counter()
        self.timer.start()
        self._running.set()
        threading.Thread(target=self._watch, daemon=True).start()

    def stop(self) -> dict:
        self._running.clear()
        self.timer.stop()
        gaps = sorted(self.gaps)
        return {"max_gap_ms": round(gaps[-1], 1) if gaps else None, "p99_gap_ms": round(gaps[int(0.99 * (len(gaps) - 1))], 1) if gaps else None,
                "gaps_over_50ms": sum(g > 50 for g in gaps), "ticks": len(gaps), "load_average_1m": load_average(),
                "gui_stack_when_overdue": dict(self._samples.most_common(6))}


def wait_until(app, condition, timeout_s: float) -> bool:
    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            return False
        app.processEvents()
        time.sleep(0.001)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nfe", type=int, default=20)
    parser.add_argument("--items", type=int, default=32, help="puzzles of the Evaluate tab's run")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--stack-after", type=float, default=50.0, help="ms overdue before the GUI stack is sampled")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("VMD_HOME", tempfile.mkdtemp(prefix="vmd-bench-"))
    from PySide6.QtWidgets import QApplication

    from app.main_window import MainWindow
    from app.settings import AppSettings

    app = QApplication.instance() or QApplication([])
    window = MainWindow(settings=AppSettings(), persist=False)
    window.show()
    tab = window.sudoku
    assert wait_until(app, lambda: tab._engine_ready and len(tab.models) == 2, 120), "models did not load"
    probe = StallProbe(args.stack_after)
    results = {}

    finished = []
    window.engine.runFinished.connect(lambda result: finished.append(result))
    tab.controls.apply("both", "margin", args.nfe, 0.0, 0, "fixed")
    probe.start()
    tab.solve()
    wait_until(app, lambda: bool(finished), 300)
    wait_until(app, lambda: False, 2.0)  # the animation plays on after the run ends
    results["solve"] = {**probe.stop(), "nfe": args.nfe}
    print_json("solve", results["solve"])

    window.tabs.setCurrentWidget(window.evaluate)
    evaluate = window.evaluate
    panel = evaluate.panel
    panel.set_task("solve")
    panel.items.setValue(args.items)
    panel.nfes.setText(str(args.nfe))
    for name, box in panel.strategy_boxes.items():
        box.setChecked(name == "margin")
    for box in panel.model_boxes.values():
        box.setChecked(True)
    panel.batch_size.setValue(args.batch)
    probe.start()
    assert evaluate.start()
    done = wait_until(app, lambda: evaluate.state == "done", 600)
    results["evaluate"] = {**probe.stop(), "items": args.items, "batch": args.batch, "nfe": args.nfe, "finished": done}
    print_json("evaluate", results["evaluate"])
    window.close()
    worst = max(r["max_gap_ms"] for r in results.values())
    print(f"gui_max_stall_ms: {worst}")
    if args.write:
        import torch

        merge_results({"gui_max_stall_ms": worst}, {"gui_stall": {
            "command": "QT_QPA_PLATFORM=offscreen python benchmarks/gui_stall.py --write", "tick_ms": TICK_MS, **results}},
            torch.get_num_threads())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
