"""The Text tab's colour key: each swatch is painted by the strip's own cell painter."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from .. import colour_key
from ..theme import Theme
from .record import Cell
from .strip import CellLook, mono_font, paint_cell

ENTRIES: tuple[tuple[str, CellLook | None, str], ...] = (
    ("prompt", CellLook(Cell.PROMPT, "R"), "Prompt (given)"),
    ("masked", CellLook(Cell.MASKED, ""), "Still masked"),
    ("low", CellLook(Cell.NOW, "e", 0.15), "Committed in this step, low confidence"),
    ("high", CellLook(Cell.NOW, "e", 0.95), "Committed in this step, high confidence"),
    ("earlier", CellLook(Cell.EARLIER, "e"), "Committed in an earlier step"),
    ("ghost", CellLook(Cell.MASKED, "", ghost="e"), "Ghost: the model's current guess"),
    ("block", None, "The block being decoded"),
)


class Swatch(colour_key.Swatch):
    def __init__(self, look: CellLook | None, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(QSize(22, 26), theme, parent)
        self.look = look

    def paint(self, p: QPainter, rect: QRectF) -> None:
        t = self.theme
        if self.look is None:
            p.setPen(QPen(QColor(t.accent), 2.0))
            p.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 3, 3)
        else:
            paint_cell(p, rect, self.look, t, mono_font(15), show_ghost=True)
            p.setPen(QPen(QColor(t.grid_thin), 1.0))
            p.drawRect(rect)


class TextLegend(colour_key.ColourKey):
    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__("text_legend", parent)
        self._fill([(Swatch(look, theme, self), label) for _, look, label in ENTRIES], wrap=True)
