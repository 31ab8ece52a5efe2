"""The puzzle being edited, with undo/redo of every change (QUndoStack)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from .board import cell_name
from .frame import CELLS


class _SetGrid(QUndoCommand):
    def __init__(self, document: "PuzzleDocument", before: np.ndarray, after: np.ndarray, text: str, name: tuple[str, str]) -> None:
        super().__init__(text)
        self._document = document
        self._before = before
        self._after = after
        self._names = name

    def redo(self) -> None:
        self._document._apply(self._after, self._names[1])

    def undo(self) -> None:
        self._document._apply(self._before, self._names[0])


class PuzzleDocument(QObject):
    """`changed` fires after every edit, undo and redo."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._grid = np.zeros(CELLS, dtype=np.int8)
        self.name = ""
        self.undo_stack = QUndoStack(self)

    @property
    def grid(self) -> np.ndarray:
        return self._grid.copy()

    def set_cell(self, cell: int, digit: int) -> bool:
        if not 0 <= cell < CELLS or not 0 <= digit <= 9:
            raise ValueError(f"bad edit: cell {cell}, digit {digit}")
        if self._grid[cell] == digit:
            return False
        after = self._grid.copy()
        after[cell] = digit
        text = f"Clear {cell_name(cell)}" if digit == 0 else f"{digit} in {cell_name(cell)}"
        self.undo_stack.push(_SetGrid(self, self._grid.copy(), after, text, (self.name, self.name)))
        return True

    def replace(self, grid: np.ndarray, text: str = "Load puzzle", name: str = "") -> bool:
        after = np.asarray(grid, dtype=np.int8).reshape(CELLS).copy()
        if np.array_equal(after, self._grid) and name == self.name:
            return False
        self.undo_stack.push(_SetGrid(self, self._grid.copy(), after, text, (self.name, name)))
        return True

    def clear(self) -> bool:
        return self.replace(np.zeros(CELLS, dtype=np.int8), "Clear puzzle", "")

    def reset(self, grid: np.ndarray, name: str = "") -> None:
        """Start afresh with `grid` and an empty undo history (used at startup)."""
        self.undo_stack.clear()
        self._apply(np.asarray(grid, dtype=np.int8).reshape(CELLS).copy(), name)

    def _apply(self, grid: np.ndarray, name: str) -> None:
        self._grid = grid.copy()
        self.name = name
        self.changed.emit()
