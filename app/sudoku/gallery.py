"""The gallery of Generate mode: a row of small boards per model (the samples of one batched
run from the same start), a badge under each (valid, or how many cells clash) and a count line
per row. Clicking a board asks for it to be shown large."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget
from vmdcore.sudoku import conflicting_cells

from ..lane import chip_style
from ..theme import Theme
from .board import SudokuBoard
from .frame import BoardFrame
from .generation import GALLERY_SIZE, GalleryCount, badge, gallery_count
from ..widgets import note_label

HINT = "Gallery: 8 grids per model from the same start in one batched run, each judged by validity. Click one to see it large."
CLICK = "click a grid to see it large"
MAX_SIDE = 132
MIN_SIDE = 54
SPACING = 8
HEAD_WIDTH = 84


class Thumbnail(QFrame):
    clicked = Signal()

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = theme
        self._selected = False
        self._valid = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        self.board = SudokuBoard(theme, self)
        self.board.setMinimumSize(MIN_SIDE, MIN_SIDE)
        self.board.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.board.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.board.set_option("show_selection", False)
        layout.addWidget(self.board, 0, Qt.AlignmentFlag.AlignHCenter)
        self.badge = QLabel(self)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # The board sets the width; a badge too long for it is shortened (set_side), never widens it.
        self.badge.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.badge)
        self.text = ""
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_sample(self, frame: BoardFrame, text: str, valid: bool) -> None:
        self.board.set_frame(frame)
        self.text = text
        self.badge.setToolTip(text)
        self._valid = valid
        self._style()
        self._fit_badge()

    def set_side(self, side: int) -> None:
        self.board.setFixedSize(side, side)
        self._fit_badge()

    def _fit_badge(self) -> None:
        """'✗ 12 clashes', or '✗ 12' where the board is too narrow for it."""
        room = self.board.maximumWidth() - 10
        fits = self.badge.fontMetrics().horizontalAdvance(self.text) <= room
        self.badge.setText(self.text if fits else " ".join(self.text.split()[:2]))

    def set_selected(self, selected: bool) -> None:
        self._selected = selected
        self._style()

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.board.set_theme(theme)
        self._style()

    def _style(self) -> None:
        t = self._theme
        ink = "#0B0D10" if t.dark else "#FFFFFF"
        self.badge.setStyleSheet(
            f"color: {ink}; background: {t.ok if self._valid else t.conflict}; border-radius: 3px; padding: 1px 4px; font-weight: 600;"
        )
        edge = t.accent if self._selected else "transparent"
        self.setStyleSheet(f"QFrame#{self.objectName()} {{ border: 2px solid {edge}; border-radius: 4px; }}")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        event.accept()


class Gallery(QWidget):
    picked = Signal(str, int)  # lane, sample index

    def __init__(self, lanes: Mapping[str, tuple[str, str]], theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gallery")
        self._titles = {lane: title for lane, (title, _) in lanes.items()}
        self._theme = theme
        self.samples: dict[str, np.ndarray] = {}
        self.badges: dict[str, list[str]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        self.summary = note_label(self, HINT, "gallery_summary")
        layout.addWidget(self.summary)
        self.lines: dict[str, str] = {}
        self.rows: dict[str, QWidget] = {}
        self.counts: dict[str, QLabel] = {}
        self.chips: dict[str, QLabel] = {}
        self.thumbnails: dict[str, list[Thumbnail]] = {}
        for lane in lanes:
            row = QWidget(self)
            rl = QHBoxLayout(row)
            rl.setContentsMargins(0, 0, 0, 0)
            rl.setSpacing(SPACING)
            head = QVBoxLayout()
            head.setSpacing(4)
            chip = QLabel(row)
            chip.setFixedSize(14, 14)
            head.addWidget(chip, 0, Qt.AlignmentFlag.AlignHCenter)
            count = QLabel(self._titles[lane], row)
            count.setObjectName(f"gallery_{lane}_count")
            count.setTextFormat(Qt.TextFormat.RichText)
            count.setFixedWidth(HEAD_WIDTH)
            count.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            head.addWidget(count)
            head.addStretch(1)
            rl.addLayout(head)
            thumbs = []
            for index in range(GALLERY_SIZE):
                thumb = Thumbnail(theme, row)
                thumb.setObjectName(f"gallery_{lane}_{index}")
                thumb.clicked.connect(lambda lane=lane, index=index: self.picked.emit(lane, index))
                rl.addWidget(thumb)
                thumbs.append(thumb)
            rl.addStretch(1)
            layout.addWidget(row)
            self.rows[lane], self.counts[lane], self.chips[lane], self.thumbnails[lane] = row, count, chip, thumbs
        layout.addStretch(1)
        self.clear()
        self.set_theme(theme)

    def clear(self) -> None:
        self.samples, self.badges, self.lines = {}, {}, {}
        for row in self.rows.values():
            row.hide()
        self._show_summary()

    def show_samples(self, lane: str, start: np.ndarray, grids: np.ndarray) -> str:
        """Fill `lane`'s row with `grids` (GALLERY_SIZE, 81) decoded from `start`; returns its count line."""
        grids = np.asarray(grids, dtype=np.int8)
        self.samples[lane] = grids
        self.badges[lane] = []
        for thumb, grid in zip(self.thumbnails[lane], grids):
            text, valid = badge(grid)
            thumb.set_sample(BoardFrame.generated(start, grid, conflicting_cells(grid)), text, valid)
            thumb.set_selected(False)
            self.badges[lane].append(text)
        count = gallery_count(self._titles[lane], grids)
        self.lines[lane] = count.line
        self.counts[lane].setText(_head(count))
        self.counts[lane].setToolTip(f"{count.line} (distinct: different valid grids)")
        self.rows[lane].show()
        self._show_summary()
        self._fit()
        return count.line

    def _show_summary(self) -> None:
        self.summary.setText(f"{' · '.join(self.lines.values())} — {CLICK}" if self.lines else HINT)
        self.summary.setProperty("muted", not self.lines)
        self.summary.style().unpolish(self.summary)
        self.summary.style().polish(self.summary)

    def mark(self, shown: Mapping[str, int]) -> None:
        """Outline the samples shown large (lane -> index)."""
        for lane, thumbs in self.thumbnails.items():
            for index, thumb in enumerate(thumbs):
                thumb.set_selected(shown.get(lane) == index)

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        for lane, thumbs in self.thumbnails.items():
            self.chips[lane].setStyleSheet(chip_style(theme, lane))
            for thumb in thumbs:
                thumb.set_theme(theme)

    def ideal_height(self) -> int:
        """What the filled rows need (the splitter gives the gallery this much in Generate mode)."""
        shown = [row for row in self.rows.values() if not row.isHidden()] or list(self.rows.values())
        m = self.layout().contentsMargins()
        rows = sum(row.sizeHint().height() for row in shown)
        return m.top() + m.bottom() + rows + self.layout().spacing() * len(shown)

    def _fit(self) -> None:
        """Eight boards across whatever width there is, between MIN_SIDE and MAX_SIDE."""
        m = self.layout().contentsMargins()
        spare = self.width() - m.left() - m.right() - HEAD_WIDTH - SPACING * (GALLERY_SIZE + 1) - 4 * 2 * GALLERY_SIZE
        side = max(MIN_SIDE, min(MAX_SIDE, spare // GALLERY_SIZE))
        for thumbs in self.thumbnails.values():
            for thumb in thumbs:
                thumb.set_side(side)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()


def _head(count: GalleryCount) -> str:
    return f"<b>{count.title}</b><br>{count.valid}/{count.total} valid<br>{count.distinct} distinct"
