"""The self-painting strip of characters one text lane shows: the prompt on a grey ground,
masked positions as a placeholder glyph, characters committed in the step shown highlighted
and shaded by the model's confidence, earlier ones plain. Rows wrap at a multiple of the
block size, so the blocks line up as columns and the block being decoded is outlined.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget
from vmdcore.tasks.text import MASK_CHAR

from ..theme import Theme, colour
from .record import Cell, TextFrame

SHOWN_AS = {"\n": "↵", "\t": "⇥", "\r": "␍"}
PADDING = 8


@dataclass(frozen=True)
class CellLook:
    """How one position is drawn; `level` is the confidence for committed characters."""

    kind: Cell
    char: str
    level: float = 0.0
    ghost: str = ""


def mono_font(pixel_size: int = 20) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPixelSize(pixel_size)
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font


def blend(base: str, mark: str, weight: float) -> QColor:
    """The opaque colour `weight` of the way from `base` to `mark`."""
    a, b = QColor(base), QColor(mark)
    w = max(0.0, min(1.0, weight))
    return QColor(round(a.red() + (b.red() - a.red()) * w), round(a.green() + (b.green() - a.green()) * w), round(a.blue() + (b.blue() - a.blue()) * w))


def now_fill(theme: Theme, level: float) -> QColor:
    """The highlight of a character committed in this step: stronger the surer the model was."""
    return blend(theme.board, theme.committed_now, 0.30 + 0.65 * max(0.0, min(1.0, level)))


def readable_on(fill: QColor) -> QColor:
    luminance = 0.2126 * fill.redF() + 0.7152 * fill.greenF() + 0.0722 * fill.blueF()
    return QColor("#101317") if luminance > 0.45 else QColor("#F4F6F8")


def paint_cell(p: QPainter, rect: QRectF, look: CellLook, theme: Theme, font: QFont, show_ghost: bool) -> None:
    """Draw one position; the legend uses this too, so its swatches match the strip exactly."""
    text = SHOWN_AS.get(look.char, look.char)
    special = look.char in SHOWN_AS
    f = QFont(font)
    pen = QColor(theme.text)
    if look.kind == Cell.PROMPT:
        p.fillRect(rect, QColor(theme.clue_fill))
        pen = QColor(theme.clue_text)
    elif look.kind == Cell.NOW:
        fill = now_fill(theme, look.level)
        p.fillRect(rect, fill)
        f.setBold(True)
        pen = readable_on(fill)
        # A bar along the bottom whose length is the confidence, for readers who cannot tell shades apart.
        bar = QRectF(rect.left() + 2, rect.bottom() - 3, (rect.width() - 4) * max(0.05, look.level), 2)
        p.fillRect(bar, colour(theme.model_fill, 0.9))
    elif look.kind == Cell.MASKED:
        if show_ghost and look.ghost and look.ghost not in " ":
            g = QFont(font)
            g.setItalic(True)
            g.setPixelSize(max(8, int(font.pixelSize() * 0.8)))
            p.setFont(g)
            p.setPen(colour(theme.ghost, 0.85))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, SHOWN_AS.get(look.ghost, look.ghost))
            return
        text, pen = MASK_CHAR, colour(theme.ghost, 0.55)
    elif look.kind == Cell.OUTSIDE:
        return
    if special:
        pen = QColor(theme.muted) if look.kind != Cell.NOW else pen
    if text.strip():
        p.setFont(f)
        p.setPen(pen)
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


class TextStrip(QWidget):
    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("text_strip")
        self.theme = theme
        self.frame: TextFrame | None = None
        self.show_ghosts = False
        self._font = mono_font()
        metrics = QFontMetrics(self._font)
        self.cell_w = max(metrics.horizontalAdvance("M"), metrics.horizontalAdvance(MASK_CHAR)) + 5
        self.cell_h = metrics.height() + 10
        sp = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        sp.setHeightForWidth(True)
        self.setSizePolicy(sp)
        self.setMinimumWidth(self.cell_w * 8 + 2 * PADDING)

    # -- geometry ----------------------------------------------------------------------------
    def _visible(self) -> int:
        if self.frame is None:
            return 0
        shown = np.flatnonzero(self.frame.kinds != Cell.OUTSIDE)
        return int(shown[-1]) + 1 if shown.size else 0

    def columns(self, width: int | None = None) -> int:
        width = self.width() if width is None else width
        fit = max(1, (width - 2 * PADDING) // self.cell_w)
        block = self.frame.block_size if self.frame is not None else 1
        if block > 1 and fit >= block:
            fit -= fit % block
        return fit

    def rows(self, width: int | None = None) -> int:
        return max(1, -(-self._visible() // self.columns(width)))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self.rows(width) * self.cell_h + 2 * PADDING

    def sizeHint(self) -> QSize:
        return QSize(self.cell_w * 32 + 2 * PADDING, self.heightForWidth(self.cell_w * 32 + 2 * PADDING))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), self.cell_h + 2 * PADDING)

    def cell_rect(self, index: int) -> QRectF:
        cols = self.columns()
        row, col = divmod(index, cols)
        return QRectF(PADDING + col * self.cell_w, PADDING + row * self.cell_h, self.cell_w, self.cell_h)

    # -- state -------------------------------------------------------------------------------
    def set_frame(self, frame: TextFrame | None) -> None:
        rows_before = self.rows()
        self.frame = frame
        if self.rows() != rows_before:
            self.updateGeometry()
        self.update()

    def set_show_ghosts(self, on: bool) -> None:
        self.show_ghosts = on
        self.update()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.update()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.updateGeometry()

    # -- painting ----------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        t = self.theme
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        outer = QRectF(0.5, 0.5, self.width() - 1.0, self.height() - 1.0)
        p.setPen(QPen(QColor(t.border), 1.0))
        p.setBrush(QColor(t.board))
        p.drawRoundedRect(outer, 5, 5)
        frame = self.frame
        if frame is None:
            p.setPen(QColor(t.muted))
            p.drawText(outer, Qt.AlignmentFlag.AlignCenter, "Generate to see the text appear step by step")
            p.end()
            return
        block = max(1, frame.block_size)
        visible = self._visible()
        # Every other block on a faint ground, so blocks read as units.
        if block > 1:
            band = colour(t.grid_thin, 0.22)
            for i in range(visible):
                if (i // block) % 2 == 1:
                    p.fillRect(self.cell_rect(i), band)
        for i in range(visible):
            kind = Cell(int(frame.kinds[i]))
            look = CellLook(kind, frame.chars[i], float(frame.confidence[i]), frame.ghosts[i])
            paint_cell(p, self.cell_rect(i).adjusted(1, 1, -1, -1), look, t, self._font, self.show_ghosts)
        if frame.active_block is not None and block > 1:
            p.setPen(QPen(QColor(t.accent), 2.0))
            p.setBrush(Qt.BrushStyle.NoBrush)
            start = frame.active_block * block
            rects = [self.cell_rect(i) for i in range(start, min(start + block, visible))]
            for row_top in sorted({r.top() for r in rects}):
                same = [r for r in rects if r.top() == row_top]
                p.drawRoundedRect(QRectF(same[0].topLeft(), same[-1].bottomRight()).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        p.end()
