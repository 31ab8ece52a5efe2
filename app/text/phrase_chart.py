"""One model's answers to a phrase prompt as horizontal bars (pyqtgraph): one row per answer,
valid answers in one colour, invalid mixtures in another, the count at the end of each bar.
Rows are shared between the models' charts so they can be read across."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..lane import chip_style, lane_title_row
from ..plots import fixed_plot, import_pyqtgraph
from ..theme import Theme
from .phrase_stats import ChartRow, PhraseTally

# This module is imported only when the Text tab is first shown (app/text/tab.py).
pg = import_pyqtgraph()

BAR_HEIGHT = 0.72
EMPTY_HINT = "Sample to see which answers this model gives"


class PhraseChart(QWidget):
    def __init__(self, lane: str, title: str, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lane = lane
        self.setObjectName(f"phrase_chart_{lane}")
        self.theme = theme
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        header, self.chip, self.title = lane_title_row(title, self)
        self.rate = QLabel(self)
        self.rate.setObjectName(f"phrase_rate_{lane}")
        rfont = QFont(self.rate.font())
        rfont.setPointSizeF(rfont.pointSizeF() * 1.15)
        rfont.setBold(True)
        self.rate.setFont(rfont)
        header.addWidget(self.rate)
        header.addStretch(1)
        layout.addLayout(header)
        self.note = QLabel(self)
        self.note.setObjectName(f"phrase_note_{lane}")
        self.note.setProperty("muted", True)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)

        self.graph = fixed_plot(self, 220)
        item = self.graph.getPlotItem()
        item.invertY(True)
        item.setLabel("bottom", "answers sampled")
        item.showGrid(x=True, y=False, alpha=0.15)
        self.bars = pg.BarGraphItem(x0=[], y=[], width=[], height=BAR_HEIGHT)
        item.addItem(self.bars)
        self._labels: list[pg.TextItem] = []
        self._hint = pg.TextItem(EMPTY_HINT, anchor=(0.5, 0.5))
        item.addItem(self._hint, ignoreBounds=True)
        layout.addWidget(self.graph, 1)
        self.rows: list[ChartRow] = []
        self.counts: list[int] = []
        self.valid_flags: list[bool] = []
        self.set_theme(theme)
        self.clear()

    def clear(self, note: str = "") -> None:
        self.rows, self.counts, self.valid_flags = [], [], []
        self.bars.setOpts(x0=[], y=[], width=[], height=BAR_HEIGHT, brushes=[])
        self._clear_labels()
        self.rate.setText("")
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self._hint.setVisible(True)
        item = self.graph.getPlotItem()
        item.getAxis("left").setTicks([[]])
        item.setXRange(0, 1, padding=0)
        item.setYRange(-0.5, 0.5, padding=0)
        self._hint.setPos(0.5, 0.0)

    def _clear_labels(self) -> None:
        item = self.graph.getPlotItem()
        for label in self._labels:
            item.removeItem(label)
        self._labels = []

    def show_tally(self, rows: Sequence[ChartRow], tally: PhraseTally, label_width: int) -> None:
        """Draw `rows` (shared by every chart) with this lane's counts."""
        self.rows = list(rows)
        self.counts = [row.count(self.lane) for row in rows]
        self.valid_flags = [row.valid for row in rows]
        t = self.theme
        brushes = [pg.mkBrush(t.ok if valid else t.conflict) for valid in self.valid_flags]
        ys = list(range(len(rows)))
        self.bars.setOpts(x0=[0] * len(rows), y=ys, width=self.counts, height=BAR_HEIGHT, brushes=brushes, pen=pg.mkPen(None))
        self._clear_labels()
        item = self.graph.getPlotItem()
        top = max(self.counts, default=0)
        for y, n in zip(ys, self.counts):
            label = pg.TextItem(str(n), anchor=(0, 0.5), color=QColor(t.text))
            label.setPos(n + top * 0.01, y)
            item.addItem(label, ignoreBounds=True)
            self._labels.append(label)
        axis = item.getAxis("left")
        axis.setTicks([[(y, row.label) for y, row in zip(ys, rows)]])
        axis.setWidth(label_width)
        item.setXRange(0, max(1, top) * 1.15, padding=0)
        item.setYRange(-0.6, max(0, len(rows) - 1) + 0.6, padding=0)
        self._hint.setVisible(not rows)
        self.rate.setText(f"{tally.valid_rate:.0%} valid")
        self.rate.setStyleSheet(f"color: {t.ok if tally.valid_rate >= 0.5 else t.conflict};")
        self.note.setText(f"{tally.valid} of {tally.total} answers are valid at NFE {tally.nfe}")
        self.note.setStyleSheet("")
        self.note.setVisible(True)

    def label_width_for(self, rows: Sequence[ChartRow]) -> int:
        metrics = QFontMetrics(self.graph.getPlotItem().getAxis("left").style.get("tickFont") or self.font())
        return max((metrics.horizontalAdvance(r.label) for r in rows), default=40) + 14

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.graph.setBackground(theme.base)
        item = self.graph.getPlotItem()
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(theme.muted))
            axis.setTextPen(pg.mkPen(theme.text))
        self._hint.setColor(QColor(theme.muted))
        self.chip.setStyleSheet(chip_style(theme, self.lane))
        if self.rows:
            brushes = [pg.mkBrush(theme.ok if valid else theme.conflict) for valid in self.valid_flags]
            self.bars.setOpts(brushes=brushes)
            for label in self._labels:
                label.setColor(QColor(theme.text))

    def set_missing(self, text: str) -> None:
        self.clear(text)
        self.note.setStyleSheet(f"color: {self.theme.conflict};")


def legend_html(theme: Theme) -> str:
    return (
        f"<span style='color:{theme.ok}; font-size:14pt'>■</span>&nbsp;valid answer&nbsp;&nbsp;&nbsp;"
        f"<span style='color:{theme.conflict}; font-size:14pt'>■</span>&nbsp;invalid mixture of words"
    )

