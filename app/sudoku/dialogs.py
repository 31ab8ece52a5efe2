"""Dialogs of the Sudoku tab: pick a puzzle from a list (a multi-puzzle file or the bundled
library, with a difficulty filter and a preview) and choose what to generate."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from vmdcore.sudoku import Difficulty

from ..theme import Theme
from .board import SudokuBoard
from .frame import BoardFrame


@dataclass(frozen=True, eq=False)
class PuzzleChoice:
    name: str
    puzzle: np.ndarray
    solution: np.ndarray | None = None
    difficulty: Difficulty | None = None


class PuzzleListDialog(QDialog):
    def __init__(self, title: str, choices: Sequence[PuzzleChoice], theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("puzzle_list_dialog")
        self._choices = list(choices)
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        label = QLabel("&Difficulty", self)
        self.filter = QComboBox(self)
        self.filter.setObjectName("difficulty_filter")
        self.filter.addItem("All", None)
        levels = sorted({c.difficulty for c in self._choices if c.difficulty is not None})
        for level in levels:
            self.filter.addItem(level.label, int(level))
        label.setBuddy(self.filter)
        top.addWidget(label)
        top.addWidget(self.filter)
        top.addStretch(1)
        self.count = QLabel(self)
        top.addWidget(self.count)
        layout.addLayout(top)
        # A plain file has no difficulty column: no filter then.
        label.setVisible(bool(levels))
        self.filter.setVisible(bool(levels))

        body = QHBoxLayout()
        self.list = QTreeWidget(self)
        self.list.setObjectName("puzzle_list")
        self.list.setHeaderLabels(["Puzzle", "Clues", "Difficulty"])
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAlternatingRowColors(True)
        self.list.setMinimumWidth(300)
        body.addWidget(self.list, 1)
        self.preview = SudokuBoard(theme, self)
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preview.setFixedSize(240, 240)
        self.preview.set_option("show_selection", False)
        body.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(body)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self._open_button = buttons.button(QDialogButtonBox.StandardButton.Open)
        layout.addWidget(buttons)

        self.filter.currentIndexChanged.connect(self._fill)
        self.list.currentItemChanged.connect(self._preview)
        self.list.itemDoubleClicked.connect(lambda *_: self.accept())
        self.resize(640, 380)
        self._fill()

    def _fill(self) -> None:
        wanted = self.filter.currentData()
        self.list.clear()
        for index, choice in enumerate(self._choices):
            if wanted is not None and (choice.difficulty is None or int(choice.difficulty) != wanted):
                continue
            label = choice.difficulty.label if choice.difficulty is not None else ""
            item = QTreeWidgetItem([choice.name, str(int(np.count_nonzero(choice.puzzle))), label])
            item.setData(0, Qt.ItemDataRole.UserRole, index)
            self.list.addTopLevelItem(item)
        shown = self.list.topLevelItemCount()
        self.count.setText(f"{shown} of {len(self._choices)} puzzles")
        if shown:
            self.list.setCurrentItem(self.list.topLevelItem(0))
        self._open_button.setEnabled(shown > 0)
        self._preview()

    def _preview(self, *_: object) -> None:
        choice = self.selected()
        self.preview.set_frame(BoardFrame.from_puzzle(choice.puzzle) if choice else BoardFrame.empty())

    def select_difficulty(self, difficulty: Difficulty | None) -> None:
        index = self.filter.findData(None if difficulty is None else int(difficulty))
        if index >= 0:
            self.filter.setCurrentIndex(index)

    def selected(self) -> PuzzleChoice | None:
        item = self.list.currentItem()
        if item is None:
            return None
        return self._choices[int(item.data(0, Qt.ItemDataRole.UserRole))]


class GenerateDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, difficulty: Difficulty | None = Difficulty.MEDIUM) -> None:
        super().__init__(parent)
        self.setWindowTitle("Generate a puzzle")
        self.setObjectName("generate_dialog")
        form = QFormLayout(self)
        self.difficulty = QComboBox(self)
        self.difficulty.addItem("Any", None)
        for level in Difficulty:
            self.difficulty.addItem(level.label, int(level))
        index = self.difficulty.findData(None if difficulty is None else int(difficulty))
        self.difficulty.setCurrentIndex(max(0, index))
        form.addRow("&Difficulty", self.difficulty)
        row = QHBoxLayout()
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(random.randint(0, 999_999))
        self.seed.setToolTip("The same seed and difficulty always give the same puzzle")
        dice = QToolButton(self)
        dice.setText("New")
        dice.clicked.connect(lambda: self.seed.setValue(random.randint(0, 999_999)))
        row.addWidget(self.seed, 1)
        row.addWidget(dice)
        form.addRow("&Seed", row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Generate")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choice(self) -> tuple[Difficulty | None, int]:
        data = self.difficulty.currentData()
        return (None if data is None else Difficulty(int(data)), self.seed.value())
