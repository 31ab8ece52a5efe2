"""Plot valid rate against NFE per model from `vmd-eval sudoku-generate` JSON files (merged
into one results file), rendered offscreen with pyqtgraph.

    python scripts/plot_sudoku_generate.py runs/gen-eval/mdm.json runs/gen-eval/vmd.json \
        --json docs/results/sudoku-generate.json --png docs/results/sudoku-generate.png
"""

from __future__ import annotations

import argparse
import json
import math
import os
from pathlib import Path

COLOURS = {"mdm": (214, 96, 77), "vmd": (67, 147, 195)}
STYLES = {0.0: None, 1.0: "dash"}


def merge(paths: list[Path]) -> dict:
    parts = [json.loads(p.read_text()) for p in paths]
    return {"commands": [p["command"] for p in parts], "device": parts[0]["device"], "samples": parts[0]["samples"],
            "seed": parts[0]["seed"], "clue_source": parts[0]["clue_source"],
            "runs": [run for p in parts for run in p["runs"]], "results": [row for p in parts for row in p["results"]]}


def plot(results: list[dict], out: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import pyqtgraph as pg
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget

    app = QApplication.instance() or QApplication([])
    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    window = QWidget()
    layout = QHBoxLayout(window)
    for clues in sorted({r["clues"] for r in results}):
        widget = pg.PlotWidget(title=f"{'empty board' if clues == 0 else f'{clues} given cells'} (margin)")
        widget.setLogMode(x=True, y=False)
        widget.setLabel("bottom", "NFE (network evaluations)")
        widget.setLabel("left", "valid grids (%)")
        widget.setYRange(0, 100)
        widget.addLegend(offset=(10, 10))
        for model in ("mdm", "vmd"):
            for temperature, dash in STYLES.items():
                rows = sorted((r for r in results if r["model"] == model and r["clues"] == clues
                               and r["temperature"] == temperature), key=lambda r: r["nfe"])
                if not rows:
                    continue
                pen = pg.mkPen(COLOURS[model], width=2.5, style=Qt.PenStyle.DashLine if dash else Qt.PenStyle.SolidLine)
                widget.plot([r["nfe"] for r in rows], [100 * r["valid_rate"] for r in rows], pen=pen, symbol="o",
                            symbolSize=6, symbolBrush=COLOURS[model], name=f"{model.upper()} T={temperature:g}")
        widget.getAxis("bottom").setTicks([[(math.log10(n), str(n)) for n in (1, 2, 5, 10, 20, 81)]])
        layout.addWidget(widget)
    window.resize(1100, 420)
    window.show()
    app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", type=Path, nargs="+")
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--png", type=Path, required=True)
    args = parser.parse_args()
    merged = merge(args.inputs)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(merged, indent=1) + "\n")
    plot(merged["results"], args.png)
    print(f"wrote {args.json} and {args.png}")


if __name__ == "__main__":
    main()
