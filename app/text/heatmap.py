"""A self-painting 10x10 joint histogram: row = first token, column = second token, each
cell shaded by its count in the lane's colour, the data's support outlined."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..theme import Theme
from .pairs import SIZE
from .strip import blend, readable_on

MARGIN_LEFT = 44
MARGIN_BOTTOM = 40
MARGIN = 8


class JointHeatmap(QWidget):
    def __init__(self, lane: str, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lane = lane
        self.setObjectName(f"heatmap_{lane}")
        self.theme = theme
        self.counts = np.zeros((SIZE, SIZE), dtype=np.int64)
        self.support = np.zeros((SIZE, SIZE), dtype=bool)
        self.message = "Sample to fill the histogram"
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(260, 260)

    def sizeHint(self) -> QSize:
        return QSize(460, 460)

    def set_counts(self, counts: np.ndarray | None, support: np.ndarray, message: str = "") -> None:
        self.counts = np.zeros((SIZE, SIZE), dtype=np.int64) if counts is None else np.asarray(counts, dtype=np.int64)
        self.support = np.asarray(support, dtype=bool)
        self.message = message
        self.update()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.update()

    def grid_rect(self) -> QRectF:
        """The square of cells, as large as fits, centred across the widget."""
        side = max(10, min(self.width() - MARGIN_LEFT - MARGIN, self.height() - MARGIN_BOTTOM - MARGIN))
        left = MARGIN_LEFT + max(0, (self.width() - MARGIN_LEFT - MARGIN - side) / 2)
        return QRectF(left, MARGIN, side, side)

    def paintEvent(self, event) -> None:
        t = self.theme
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        grid = self.grid_rect()
        cell = grid.width() / SIZE
        p.fillRect(grid, QColor(t.board))
        top = int(self.counts.max()) if self.counts.size else 0
        font = QFont(self.font())
        font.setPixelSize(max(8, min(13, int(cell * 0.32))))
        p.setFont(font)
        lane_colour = t.lane_colour(self.lane)
        for r in range(SIZE):
            for c in range(SIZE):
                rect = QRectF(grid.left() + c * cell, grid.top() + r * cell, cell, cell)
                n = int(self.counts[r, c])
                if n:
                    # Square root, so a cell sampled a few times still shows beside a full one.
                    fill = blend(t.board, lane_colour, 0.12 + 0.88 * (n / top) ** 0.5)
                    p.fillRect(rect, fill)
                    p.setPen(readable_on(fill))
                    if cell >= 24:
                        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(n))
        p.setPen(QPen(QColor(t.grid_thin), 1.0))
        for i in range(SIZE + 1):
            p.drawLine(grid.left() + i * cell, grid.top(), grid.left() + i * cell, grid.bottom())
            p.drawLine(grid.left(), grid.top() + i * cell, grid.right(), grid.top() + i * cell)
        p.setPen(QPen(QColor(t.ok), 2.5))
        p.setBrush(Qt.BrushStyle.NoBrush)
        for r, c in zip(*np.nonzero(self.support)):
            p.drawRect(QRectF(grid.left() + c * cell, grid.top() + r * cell, cell, cell).adjusted(1.5, 1.5, -1.5, -1.5))
        axis_font = QFont(self.font())
        axis_font.setPixelSize(12)
        p.setFont(axis_font)
        p.setPen(QColor(t.text))
        for i in range(SIZE):
            p.drawText(QRectF(grid.left() - 22, grid.top() + i * cell, 18, cell), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(i))
            p.drawText(QRectF(grid.left() + i * cell, grid.bottom() + 2, cell, 16), Qt.AlignmentFlag.AlignCenter, str(i))
        p.setPen(QColor(t.muted))
        p.drawText(QRectF(grid.left(), grid.bottom() + 18, grid.width(), 18), Qt.AlignmentFlag.AlignCenter, "second token")
        p.save()
        p.translate(grid.left() - 32, grid.center().y())
        p.rotate(-90)
        p.drawText(QRectF(-grid.height() / 2, -8, grid.height(), 18), Qt.AlignmentFlag.AlignCenter, "first token")
        p.restore()
        if self.message:
            p.setPen(QColor(t.muted))
            p.drawText(grid.adjusted(8, 8, -8, -8), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.message)
        p.end()
