"""The colour key: each entry is a small cell painted with the board's own theme colours."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from .. import colour_key
from ..theme import Theme, colour

ENTRIES = (
    ("clue", "Clue (given)"),
    ("low", "Model digit, low confidence"),
    ("high", "Model digit, high confidence"),
    ("now", "Committed in this step"),
    ("ghost", "Ghost: the model's current guess"),
    ("masked", "Still masked"),
    ("conflict", "Conflict with a peer"),
    ("collision", "Collision: same digit, same step"),
)


class Swatch(colour_key.Swatch):
    def __init__(self, kind: str, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(QSize(22, 22), theme, parent)
        self.kind = kind

    def paint(self, p: QPainter, rect: QRectF) -> None:
        t = self.theme
        font = QFont(self.font())
        font.setPixelSize(14)
        text, pen = "5", QColor(t.model_text)
        if self.kind == "clue":
            p.fillRect(rect, QColor(t.clue_fill))
            font.setBold(True)
            pen = QColor(t.clue_text)
        elif self.kind in ("low", "high"):
            level = 0.2 if self.kind == "low" else 1.0
            p.fillRect(rect, colour(t.model_fill, t.model_fill_min + (t.model_fill_max - t.model_fill_min) * level))
        elif self.kind == "now":
            p.fillRect(rect, colour(t.model_fill, t.model_fill_max))
            p.fillRect(rect.adjusted(1, 1, -1, -1), colour(t.committed_now, t.committed_now_alpha))
            font.setWeight(QFont.Weight.Black)
        elif self.kind == "ghost":
            font.setPixelSize(12)
            font.setItalic(True)
            pen = colour(t.ghost, 0.7)
        elif self.kind == "masked":
            text = ""
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour(t.ghost, 0.45))
            p.drawEllipse(rect.center(), 1.8, 1.8)
        elif self.kind == "collision":
            text = ""
            p.setPen(QPen(colour(t.conflict, 0.75), 3.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawLine(rect.left() + 4, rect.bottom() - 4, rect.right() - 4, rect.top() + 4)
        elif self.kind == "conflict":
            p.fillRect(rect, QBrush(colour(t.conflict, 0.35), Qt.BrushStyle.BDiagPattern))
            pen = QColor(t.conflict)
        if text:
            p.setFont(font)
            p.setPen(pen)
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        p.setBrush(Qt.BrushStyle.NoBrush)
        if self.kind == "conflict":
            p.setPen(QPen(QColor(t.conflict), 2.5))
            p.drawRect(rect.adjusted(1.5, 1.5, -1.5, -1.5))
        else:
            p.setPen(QPen(QColor(t.grid_thin), 1.0))
            p.drawRect(rect)


class Legend(colour_key.ColourKey):
    def __init__(self, theme: Theme, parent: QWidget | None = None, columns: int = 1) -> None:
        super().__init__("legend", parent)
        self._fill([(Swatch(kind, theme, self), label) for kind, label in ENTRIES], columns)
