"""One model's column in the solve view: the shared lane frame (colour key, name, checkpoint,
verdict) around a Sudoku board kept square."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ..lane import TONES, LaneFrame
from ..theme import Theme
from .board import SudokuBoard

__all__ = ["LaneView", "TONES"]


class LaneView(LaneFrame):
    def __init__(self, lane: str, title: str, subtitle: str, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(lane, title, subtitle, theme, parent)
        self.board = SudokuBoard(theme, self)
        self.board.setObjectName(f"board_{lane}")
        self.set_content(self.board)

    def resizeEvent(self, event) -> None:
        """Keep the board square and the verdict right under it; spare height goes below."""
        super().resizeEvent(event)
        m = self.layout().contentsMargins()
        side = min(self.width() - m.left() - m.right(), self.height() - self.chrome_height())
        self.board.setMaximumHeight(max(self.board.minimumHeight(), side))

    def ideal_height(self, width: int) -> int:
        m = self.layout().contentsMargins()
        return self.chrome_height() + max(self.board.minimumHeight(), width - m.left() - m.right())

    def set_theme(self, theme: Theme) -> None:
        super().set_theme(theme)
        self.board.set_theme(theme)
