"""The Sudoku board: one widget that paints a BoardFrame and takes keyboard and mouse input.

The board does not decide what an edit means: it reports `cellEdited(cell, digit)` and the
tab applies it to the puzzle (or refuses it while a solve runs).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..theme import LIGHT, Theme, colour
from .frame import CELLS, BoardFrame

DIGIT_KEYS = {getattr(Qt.Key, f"Key_{d}"): d for d in range(1, 10)}
CLEAR_KEYS = {Qt.Key.Key_0, Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Period}
MOVES = {
    Qt.Key.Key_Left: (0, -1),
    Qt.Key.Key_Right: (0, 1),
    Qt.Key.Key_Up: (-1, 0),
    Qt.Key.Key_Down: (1, 0),
}


def cell_name(cell: int) -> str:
    return f"R{cell // 9 + 1}C{cell % 9 + 1}"


def peers_mask(cell: int) -> np.ndarray:
    """Cells sharing the row, column or box of `cell` (itself included)."""
    index = np.arange(CELLS)
    row, col = divmod(cell, 9)
    box = (row // 3) * 3 + col // 3
    boxes = (index // 27) * 3 + (index % 9) // 3
    return (index // 9 == row) | (index % 9 == col) | (boxes == box)


class SudokuBoard(QWidget):
    cellEdited = Signal(int, int)
    selectionChanged = Signal(int)

    def __init__(self, theme: Theme = LIGHT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sudoku_board")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Sudoku board")
        sp = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        sp.setHeightForWidth(True)
        self.setSizePolicy(sp)
        self.setMinimumSize(220, 220)
        self._theme = theme
        self._frame = BoardFrame.empty()
        self._selected = 40
        self.show_ghosts = True
        self.show_conflicts = True
        self.highlight_peers = True
        self.highlight_same_digit = True
        self.show_selection = True

    # -- state -------------------------------------------------------------------------------
    @property
    def frame(self) -> BoardFrame:
        return self._frame

    def set_frame(self, frame: BoardFrame) -> None:
        self._frame = frame
        self.update()

    @property
    def theme(self) -> Theme:
        return self._theme

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.update()

    def set_option(self, name: str, value: bool) -> None:
        if name not in ("show_ghosts", "show_conflicts", "highlight_peers", "highlight_same_digit", "show_selection"):
            raise ValueError(f"unknown board option {name!r}")
        setattr(self, name, bool(value))
        self.update()

    @property
    def selected(self) -> int:
        return self._selected

    def select(self, cell: int) -> None:
        cell = max(0, min(CELLS - 1, int(cell)))
        if cell != self._selected:
            self._selected = cell
            self.setAccessibleDescription(f"selected {cell_name(cell)}")
            self.update()
            self.selectionChanged.emit(cell)

    # -- geometry ----------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(400, 400)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def board_rect(self) -> QRectF:
        side = max(9.0, min(self.width(), self.height()) - 4.0)
        side = 9.0 * int(side / 9.0)
        return QRectF((self.width() - side) // 2, (self.height() - side) // 2, side, side)

    def cell_rect(self, cell: int) -> QRectF:
        board = self.board_rect()
        size = board.width() / 9.0
        row, col = divmod(cell, 9)
        return QRectF(board.left() + col * size, board.top() + row * size, size, size)

    def cell_at(self, point: QPointF) -> int | None:
        board = self.board_rect()
        if not board.contains(point):
            return None
        size = board.width() / 9.0
        col = min(8, int((point.x() - board.left()) / size))
        row = min(8, int((point.y() - board.top()) / size))
        return row * 9 + col

    # -- input -------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position())
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if cell is not None:
            self.select(cell)
        event.accept()

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 - Qt's name
        """Tab walks the cells; only past the last (or before the first) does focus leave."""
        target = self._selected + (1 if next else -1)
        if 0 <= target < CELLS:
            self.select(target)
            return True
        return super().focusNextPrevChild(next)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier):
            super().keyPressEvent(event)
            return
        row, col = divmod(self._selected, 9)
        if key in MOVES:
            dr, dc = MOVES[key]
            self.select(max(0, min(8, row + dr)) * 9 + max(0, min(8, col + dc)))
        elif key == Qt.Key.Key_Home:
            self.select(row * 9)
        elif key == Qt.Key.Key_End:
            self.select(row * 9 + 8)
        elif key in DIGIT_KEYS:
            self.cellEdited.emit(self._selected, DIGIT_KEYS[key])
        elif key in CLEAR_KEYS:
            self.cellEdited.emit(self._selected, 0)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- painting ----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        # Cell fills are pixel-aligned rectangles: antialiasing them made a board's paint ~20 ms
        # (a solve animates two boards a step); shapes that need it turn it on where drawn.
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, p: QPainter) -> None:
        t = self._theme
        f = self._frame
        board = self.board_rect()
        size = board.width() / 9.0
        p.fillRect(board, QColor(t.board))

        selected = self._selected if self.show_selection else -1
        peers = peers_mask(selected) if self.highlight_peers and selected >= 0 else np.zeros(CELLS, dtype=bool)
        sel_digit = int(f.digits[selected]) if selected >= 0 else 0
        same = (f.digits == sel_digit) if (self.highlight_same_digit and sel_digit) else np.zeros(CELLS, dtype=bool)
        conflicts = f.conflicts if self.show_conflicts else np.zeros(CELLS, dtype=bool)

        digit_font = QFont(self.font())
        digit_font.setPixelSize(max(8, int(size * 0.58)))
        clue_font = QFont(digit_font)
        clue_font.setWeight(QFont.Weight.Bold)
        model_font = QFont(digit_font)
        model_font.setWeight(QFont.Weight.Medium)
        now_font = QFont(digit_font)
        now_font.setWeight(QFont.Weight.Black)
        ghost_font = QFont(digit_font)
        ghost_font.setPixelSize(max(7, int(size * 0.40)))
        ghost_font.setItalic(True)

        # Per-cell values as Python lists and colours built once: a solve repaints two boards a
        # step, and numpy scalar access and QColor construction per cell were most of a paint.
        digits = f.digits.tolist()
        clue_flags = f.clues.tolist()
        committed = f.committed.tolist()
        fill_alpha = (t.model_fill_min + (t.model_fill_max - t.model_fill_min) * np.clip(f.confidence, 0.0, 1.0)).tolist()
        ghosts = f.ghosts.tolist()
        ghost_alpha = (0.35 + 0.45 * np.clip(f.ghost_confidence, 0.0, 1.0)).tolist()
        peer_flags, same_flags, conflict_flags = peers.tolist(), same.tolist(), conflicts.tolist()
        clue_fill, committed_fill = QColor(t.clue_fill), colour(t.committed_now, t.committed_now_alpha)
        peer_fill = colour(t.peer_fill, 0.07 if t.dark else 0.045)
        same_fill, selection_fill = colour(t.same_digit_fill, 0.28), colour(t.selection, 0.50)
        hatch = QBrush(colour(t.conflict, 0.35), Qt.BrushStyle.BDiagPattern)
        conflict_pen, clue_pen, model_pen = QColor(t.conflict), QColor(t.clue_text), QColor(t.model_text)
        dot_brush = QBrush(colour(t.ghost, 0.45))
        dot_radius = max(1.5, size * 0.05)
        centre = Qt.AlignmentFlag.AlignCenter
        left, top = board.left(), board.top()

        for cell in range(CELLS):
            row, col = divmod(cell, 9)
            rect = QRectF(left + col * size, top + row * size, size, size)
            digit = digits[cell]
            is_clue = clue_flags[cell]
            if is_clue:
                p.fillRect(rect, clue_fill)
            elif digit and f.model:
                p.fillRect(rect, colour(t.model_fill, fill_alpha[cell]))
            if committed[cell]:
                p.fillRect(rect.adjusted(1, 1, -1, -1), committed_fill)
            if cell != selected:
                if peer_flags[cell]:
                    p.fillRect(rect, peer_fill)
                if same_flags[cell]:
                    p.fillRect(rect, same_fill)
            else:
                p.fillRect(rect, selection_fill)
            if conflict_flags[cell]:
                p.fillRect(rect, hatch)

            if digit:
                if conflict_flags[cell]:
                    p.setPen(conflict_pen)
                elif is_clue or not f.model:
                    p.setPen(clue_pen)
                else:
                    p.setPen(model_pen)
                if is_clue:
                    p.setFont(clue_font)
                elif committed[cell]:
                    p.setFont(now_font)
                else:
                    p.setFont(model_font if f.model else clue_font)
                p.drawText(rect, centre, str(digit))
            elif f.model:
                if self.show_ghosts and ghosts[cell]:
                    p.setFont(ghost_font)
                    p.setPen(colour(t.ghost, ghost_alpha[cell]))
                    p.drawText(rect, centre, str(ghosts[cell]))
                else:
                    p.setPen(Qt.PenStyle.NoPen)
                    p.setBrush(dot_brush)
                    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                    p.drawEllipse(rect.center(), dot_radius, dot_radius)
                    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
                    p.setBrush(Qt.BrushStyle.NoBrush)

        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self._paint_grid(p, board, size)

        for cell in np.flatnonzero(conflicts):
            rect = self.cell_rect(int(cell))
            width = max(2.0, size * 0.07)
            p.setPen(QPen(QColor(t.conflict), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.SquareCap, Qt.PenJoinStyle.MiterJoin))
            p.setBrush(Qt.BrushStyle.NoBrush)
            inset = width / 2.0 + 1.0
            p.drawRect(rect.adjusted(inset, inset, -inset, -inset))

        if self.show_conflicts and f.collisions:
            self._paint_collisions(p, f.collisions, size)

        if self.hasFocus() and selected >= 0:
            rect = self.cell_rect(selected)
            width = max(2.0, size * 0.05)
            p.setPen(QPen(QColor(t.selection), width))
            p.setBrush(Qt.BrushStyle.NoBrush)
            inset = width / 2.0
            p.drawRect(rect.adjusted(inset, inset, -inset, -inset))

    def _paint_collisions(self, p: QPainter, pairs: tuple[tuple[int, int], ...], size: float) -> None:
        """A link between two peers that got the same digit in one step, ringed at both ends."""
        t = self._theme
        pen = QPen(colour(t.conflict, 0.75), max(2.0, size * 0.08), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        ring = QPen(QColor(t.conflict), max(2.0, size * 0.06))
        radius = size * 0.36
        for i, j in pairs:
            a = self.cell_rect(i).center()
            b = self.cell_rect(j).center()
            d = b - a
            length = (d.x() ** 2 + d.y() ** 2) ** 0.5 or 1.0
            u = QPointF(d.x() / length, d.y() / length)
            p.setPen(pen)
            p.drawLine(a + u * radius, b - u * radius)
            p.setPen(ring)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(a, radius, radius)
            p.drawEllipse(b, radius, radius)

    def _paint_grid(self, p: QPainter, board: QRectF, size: float) -> None:
        t = self._theme
        thin = QPen(QColor(t.grid_thin), 1.0)
        thick = QPen(QColor(t.grid_thick), max(2.0, size * 0.045))
        for i in range(1, 9):
            if i % 3 == 0:
                continue
            p.setPen(thin)
            x = board.left() + i * size
            y = board.top() + i * size
            p.drawLine(QPointF(x, board.top()), QPointF(x, board.bottom()))
            p.drawLine(QPointF(board.left(), y), QPointF(board.right(), y))
        p.setPen(thick)
        for i in (3, 6):
            x = board.left() + i * size
            y = board.top() + i * size
            p.drawLine(QPointF(x, board.top()), QPointF(x, board.bottom()))
            p.drawLine(QPointF(board.left(), y), QPointF(board.right(), y))
        p.setBrush(Qt.BrushStyle.NoBrush)
        half = thick.widthF() / 2.0
        p.drawRect(board.adjusted(half, half, -half, -half))
