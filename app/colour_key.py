"""A colour key, task-neutral: small swatches, each painted like the cell it explains, beside
their labels. The Sudoku tab's legend and the Text tab's build on it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from .theme import Theme


class Swatch(QWidget):
    """One swatch: the board colour, then the cell a subclass paints over it in `paint`."""

    def __init__(self, size: QSize, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.setFixedSize(size)

    def paint(self, p: QPainter, rect: QRectF) -> None:
        raise NotImplementedError

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(0.5, 0.5, self.width() - 1.0, self.height() - 1.0)
        p.fillRect(rect, QColor(self.theme.board))
        self.paint(p, rect)
        p.end()


class ColourKey(QWidget):
    """Swatches and labels in a grid, `columns` pairs to a row; a subclass makes the swatches
    (with this widget as their parent) and passes them to `_fill`."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.swatches: list[Swatch] = []

    def _fill(self, entries: Sequence[tuple[Swatch, str]], columns: int = 1, wrap: bool = False) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(3)
        for i, (swatch, text) in enumerate(entries):
            row, col = divmod(i, columns)
            self.swatches.append(swatch)
            grid.addWidget(swatch, row, 2 * col)
            label = QLabel(text, self)
            label.setWordWrap(wrap)
            grid.addWidget(label, row, 2 * col + 1)
        grid.setColumnStretch(2 * columns - 1, 1)

    def set_theme(self, theme: Theme) -> None:
        for swatch in self.swatches:
            swatch.theme = theme
            swatch.update()
