"""Word rate against steps per block, one curve per block model, the AR model as a dashed
reference line (pyqtgraph). Rows are those of `vmd-eval text`'s `words` list:
model, block, nfe (steps per block), word_rate."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ..plots import RateFigure, import_pyqtgraph
from ..theme import LIGHT, Theme

EMPTY_HINT = "No word-rate figures yet: run vmd-eval text --record on the text models"
BLOCK_DASHES = {4: Qt.PenStyle.SolidLine, 8: Qt.PenStyle.DotLine}


def curves(rows: Sequence[dict]) -> dict[tuple[str, int | None], list[tuple[int, float]]]:
    """(model, block) -> [(steps per block, word rate %)], sorted by steps; AR rows keyed (ar, None)."""
    out: dict[tuple[str, int | None], list[tuple[int, float]]] = {}
    for r in rows:
        key = ("ar", None) if r["model"] == "ar" else (r["model"], r["block"])
        out.setdefault(key, []).append((int(r["nfe"]), 100.0 * float(r["word_rate"])))
    return {k: sorted(v) for k, v in out.items()}


class WordRateChart(RateFigure):
    def __init__(self, theme: Theme = LIGHT, parent: QWidget | None = None) -> None:
        # y up to 112: the legend's two rows sit above 100 %.
        super().__init__("word_rate_chart", EMPTY_HINT, 240, "steps per block", theme, parent, y_range=(0, 112), muted=True)
        item = self.graph.getPlotItem()
        item.setLabel("left", "words found in the training text (%)")
        self.legend = item.addLegend(offset=(10, 4), colCount=3)
        self.shown: dict[tuple[str, int | None], list[tuple[int, float]]] = {}
        self.set_theme(theme)

    def _redraw(self) -> None:
        if self.shown:
            self._draw()

    def show_rows(self, rows: Sequence[dict]) -> None:
        self.shown = curves(rows)
        self._draw()

    def _draw(self) -> None:
        pg = import_pyqtgraph()
        item = self.graph.getPlotItem()
        item.clear()
        self.legend.clear()
        if not self.shown:
            self.caption.setText(EMPTY_HINT)
            return
        steps = sorted({n for key, points in self.shown.items() if key[0] != "ar" for n, _ in points}) or [1]
        for (model, block), points in sorted(self.shown.items(), key=lambda kv: (kv[0][0] != "ar", str(kv[0]))):
            colour = self.theme.lane_colour(model)
            if model == "ar":
                rate = points[0][1]
                pen = pg.mkPen(colour, width=2, style=Qt.PenStyle.DashLine)
                item.plot([steps[0], steps[-1]], [rate, rate], pen=pen, name=f"AR (one character a step): {rate:.0f} %")
                continue
            pen = pg.mkPen(colour, width=2.5, style=BLOCK_DASHES.get(block, Qt.PenStyle.DashDotLine))
            item.plot([n for n, _ in points], [r for _, r in points], pen=pen, symbol="o", symbolSize=7,
                      symbolBrush=colour, symbolPen=colour, name=f"{model.upper()} block {block}")
        item.getAxis("bottom").setTicks([[(math.log10(n), str(n)) for n in steps]])
        item.setXRange(math.log10(steps[0]) - 0.05, math.log10(steps[-1]) + 0.05, padding=0)
        self.caption.setText("Share of the generated words that occur in the training text, by steps per block. "
                             "Few steps mean many characters decided together; a model that draws them "
                             "independently writes letters that do not belong together.")
