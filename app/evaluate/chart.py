"""The Evaluate tab's chart (pyqtgraph): a figure against NFE on a log-scaled axis, one line per
model and strategy (or synthetic set), coloured by model; the paper's figures dashed, with
hollow markers. The legend is a row of text above the plot, so no line hides behind it."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ..plots import RateFigure, import_pyqtgraph
from ..theme import LIGHT, Theme
from .plans import Series

SYMBOLS = ("o", "s", "t", "d", "star", "p")
GLYPHS = {"o": "●", "s": "■", "t": "▲", "d": "◆", "star": "★", "p": "⬟"}
EMPTY_HINT = "Figures appear here batch by batch once an evaluation runs."


class EvalChart(RateFigure):
    def __init__(self, theme: Theme = LIGHT, parent: QWidget | None = None) -> None:
        super().__init__("eval_chart", EMPTY_HINT, 200, "NFE (network evaluations, log scale)", theme, parent, rich=True)
        self.legend = self.caption  # the series' key, written as rich text
        self.series: list[Series] = []
        self.y_label = "accuracy"
        self._lines: dict[tuple[str, bool], tuple[object, tuple]] = {}  # (label, paper) -> (plot item, its style)
        self._nfes: tuple[int, ...] = ()
        self.set_theme(theme)

    def _redraw(self) -> None:
        self._draw()

    def show_series(self, series: Sequence[Series], y_label: str) -> None:
        self.series, self.y_label = list(series), y_label
        self._draw()

    def _symbols(self) -> dict[str, str]:
        """One marker per line name without its model and 'paper' (the strategy or the set)."""
        names = dict.fromkeys(_facet(s.label) for s in self.series)
        return {name: SYMBOLS[i % len(SYMBOLS)] for i, name in enumerate(names)}

    def _draw(self) -> None:
        """Lines are kept between batches and only their data changed: rebuilding a plot's
        items took ~100 ms of the GUI thread per batch (the longest stall of an evaluation)."""
        pg = import_pyqtgraph()
        item = self.graph.getPlotItem()
        item.setLabel("left", f"{self.y_label} (%)")
        shown = [s for s in self.series if s.points]
        wanted = {}
        symbols = self._symbols()
        keys = []
        ours = 0
        for s in shown:
            # Lines often coincide: each of ours is drawn thinner than the one before, so an
            # earlier one still shows around a later one.
            width, size = (1.5, 7) if s.paper else (max(1.5, 4.0 - ours), max(6, 11 - 2 * ours))
            ours += not s.paper
            colour = self.theme.lane_colour(s.kind)
            symbol = symbols[_facet(s.label)]
            style = (colour, width, size, symbol, s.paper)
            wanted[(s.label, s.paper)] = (s, style)
            glyph = GLYPHS.get(symbol, "●")
            line = "╌" if s.paper else "━"
            label = html.escape(s.label).replace(" ", "&nbsp;")  # a key wraps between keys, never inside one
            keys.append(f"<span style='color:{colour}'>{line}{glyph}</span>&nbsp;{label}")
        for key in [k for k, (_, style) in self._lines.items() if k not in wanted or wanted[k][1] != style]:
            item.removeItem(self._lines.pop(key)[0])
        for key, (s, style) in wanted.items():
            xs, ys = [n for n, _ in s.points], [v for _, v in s.points]
            if key in self._lines:
                self._lines[key][0].setData(xs, ys)
                continue
            colour, width, size, symbol, paper = style
            pen_style = Qt.PenStyle.DashLine if paper else Qt.PenStyle.SolidLine
            self._lines[key] = (item.plot(xs, ys, pen=pg.mkPen(colour, width=width, style=pen_style), symbol=symbol,
                                          symbolSize=size, symbolPen=pg.mkPen(colour, width=1.5),
                                          symbolBrush=None if paper else colour), style)
        if not shown:
            self._set_legend(EMPTY_HINT)
            return
        nfes = tuple(sorted({n for s in shown for n, _ in s.points}))
        if nfes != self._nfes:
            self._nfes = nfes
            item.getAxis("bottom").setTicks([[(math.log10(n), str(n)) for n in nfes]])
            low, high = math.log10(nfes[0]), math.log10(nfes[-1])
            item.setXRange(low - 0.08, high + 0.08 if high > low else low + 0.08, padding=0)
        self._set_legend(" &nbsp; ".join(keys))

    def _set_legend(self, text: str) -> None:
        if text != self.legend.text():
            self.legend.setText(text)


def _facet(label: str) -> str:
    words = label.removeprefix("paper ").split(" ", 1)
    return words[1] if len(words) > 1 else ""
