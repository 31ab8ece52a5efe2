"""The side panel's pieces for Generate mode: the Solve / Generate switch, where a generation
starts and each model's temperature, Redraw z and the gallery, and the box that makes a puzzle
from a generated grid. Layout only; the tab wires them to behaviour."""

from __future__ import annotations

import random
from collections.abc import Mapping

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from vmdcore.sudoku import Difficulty

from ..sampler_controls import push_button
from .generation import DEFAULT_CLUES, DEFAULT_TEMPERATURES, START_CHOICES, GenerationStart
from ..widgets import note_label

MODES: dict[str, tuple[str, str]] = {
    "solve": ("Solve", "Solve the puzzle on the board: one right answer"),
    "generate": ("Generate", "Write whole grids with the generation models: any valid grid counts"),
}


class ModeSwitch(QWidget):
    modeChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QPushButton] = {}
        for mode, (label, tip) in MODES.items():
            button = QPushButton(label, self)
            button.setObjectName(f"mode_{mode}")
            button.setCheckable(True)
            button.setProperty("mode", True)
            button.setToolTip(tip)
            self.group.addButton(button)
            row.addWidget(button, 1)
            self.buttons[mode] = button
            button.clicked.connect(lambda _=False, m=mode: self.modeChanged.emit(m))
        self.buttons["solve"].setChecked(True)

    def set_mode(self, mode: str) -> None:
        self.buttons[mode].setChecked(True)


def _form(parent: QWidget) -> QFormLayout:
    form = QFormLayout(parent)
    form.setContentsMargins(0, 0, 0, 0)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


class GenerateControls(QObject):
    """Where a generation starts and the clue count (`start_rows`, above the shared controls),
    and each model's temperature (`temperature_rows`, in place of the shared temperature)."""

    changed = Signal()

    def __init__(self, lanes: Mapping[str, tuple[str, str]], parent: QWidget) -> None:
        super().__init__(parent)
        self.start_rows = QWidget(parent)
        self.temperature_rows = QWidget(parent)
        form = _form(self.start_rows)
        self.start = QComboBox(self.start_rows)
        self.start.setObjectName("generate_start_combo")
        for key, label in START_CHOICES.items():
            self.start.addItem(label, key)
        self.start.setToolTip("An empty grid, the clues typed on the board, or K cells of a random complete grid")
        form.addRow("Sta&rt from", self.start)

        clue_row = QWidget(self.start_rows)
        row = QHBoxLayout(clue_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.clues = QSpinBox(clue_row)
        self.clues.setObjectName("generate_clues_spin")
        self.clues.setRange(1, 80)
        self.clues.setValue(DEFAULT_CLUES)
        self.clues.setSuffix(" clues")
        self.clues.setToolTip("How many cells of a random complete grid are given")
        self.new_clues = QToolButton(clue_row)
        self.new_clues.setObjectName("generate_new_clues")
        self.new_clues.setText("New")
        self.new_clues.setToolTip("Draw other random clues (from another complete grid)")
        row.addWidget(self.clues, 1)
        row.addWidget(self.new_clues)
        form.addRow("&Clues", clue_row)
        self.clue_seed = random.randint(0, 99999)

        self.temperatures: dict[str, QDoubleSpinBox] = {}
        form = _form(self.temperature_rows)
        for lane, (title, _) in lanes.items():
            spin = QDoubleSpinBox(self.temperature_rows)
            spin.setObjectName(f"generate_temperature_{lane}")
            spin.setRange(0.0, 2.0)
            spin.setSingleStep(0.1)
            spin.setDecimals(2)
            spin.setSpecialValueText("0 (argmax)")
            spin.setValue(DEFAULT_TEMPERATURES[lane])
            spin.setToolTip(
                "1 samples each committed digit: at 0 the MDM would write the same grid every time"
                if lane == "mdm"
                else "0 takes the most likely digit given z: each new z (Redraw z) gives another grid"
            )
            form.addRow(f"{title} &temperature" if lane == "mdm" else f"{title} temperature", spin)
            self.temperatures[lane] = spin

        self.start.currentIndexChanged.connect(self._start_changed)
        self.clues.valueChanged.connect(lambda _: self.changed.emit())
        self.new_clues.clicked.connect(self._new_clues)
        for spin in self.temperatures.values():
            spin.valueChanged.connect(lambda _: self.changed.emit())
        self._start_changed()

    def choice(self) -> GenerationStart:
        return GenerationStart(str(self.start.currentData()), self.clues.value(), self.clue_seed)

    def set_start(self, choice: str) -> None:
        index = self.start.findData(choice)
        if index >= 0:
            self.start.setCurrentIndex(index)

    def temperature(self, lane: str) -> float:
        return round(self.temperatures[lane].value(), 4)

    def apply(self, start: str, clues: int, temperatures: Mapping[str, float]) -> None:
        self.set_start(start)
        self.clues.setValue(clues)
        for lane, value in temperatures.items():
            self.temperatures[lane].setValue(value)

    def rows(self) -> tuple[QWidget, QWidget]:
        return self.start_rows, self.temperature_rows

    def _start_changed(self, *_: object) -> None:
        random_start = self.start.currentData() == "random"
        self.clues.setEnabled(random_start)
        self.new_clues.setEnabled(random_start)
        self.changed.emit()

    def _new_clues(self) -> None:
        self.clue_seed = random.randint(0, 99999)
        self.changed.emit()


class GenerateButtons(QWidget):
    """Under Generate / Stop: a new z (and MDM seed) for the same start, and the gallery."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.redraw = push_button(
            "Redraw z", "redraw_z_button", self, "Run again from the same start with a new seed: a new z for the VMD, new draws for the MDM"
        )
        self.gallery = push_button("Gallery (8 each)", "gallery_button", self, "Sample 8 grids per model from the same start in one batched run")
        row.addWidget(self.redraw, 1)
        row.addWidget(self.gallery, 1)


class PuzzleMaker(QGroupBox):
    """Make a unique-solution puzzle of a chosen difficulty from a lane's shown grid."""

    def __init__(self, lanes: Mapping[str, tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__("Make a puzzle from this grid", parent)
        self.setObjectName("puzzle_maker")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        self.source = QComboBox(self)
        self.source.setObjectName("maker_source_combo")
        for lane, (title, _) in lanes.items():
            self.source.addItem(f"the {title} board", lane)
        self.source.setToolTip("Whose shown grid: the board's last step, or the gallery grid clicked last")
        form.addRow("&Grid", self.source)
        self.difficulty = QComboBox(self)
        self.difficulty.setObjectName("maker_difficulty_combo")
        self.difficulty.addItem("Any (minimal)", None)
        for level in Difficulty:
            self.difficulty.addItem(level.label, int(level))
        self.difficulty.setCurrentIndex(self.difficulty.findData(int(Difficulty.MEDIUM)))
        form.addRow("&Difficulty", self.difficulty)
        self.symmetric = QCheckBox("Symmetric clues", self)
        self.symmetric.setObjectName("maker_symmetric")
        self.symmetric.setToolTip("Keep the clues in 180° rotational symmetry")
        form.addRow("", self.symmetric)
        layout.addLayout(form)
        self.button = QPushButton("Make puzzle and solve it", self)
        self.button.setObjectName("make_puzzle_button")
        self.button.setToolTip("Remove clues while the solution stays unique, then switch to Solve with the puzzle")
        layout.addWidget(self.button)
        note = note_label(self, "The grid must be valid. Save the puzzle afterwards with File ▸ Save puzzle… (Ctrl+S).", muted=True)
        layout.addWidget(note)

    def lane(self) -> str:
        return str(self.source.currentData())

    def set_lane(self, lane: str) -> None:
        index = self.source.findData(lane)
        if index >= 0:
            self.source.setCurrentIndex(index)

    def choice(self) -> tuple[Difficulty | None, bool]:
        data = self.difficulty.currentData()
        return (None if data is None else Difficulty(int(data)), self.symmetric.isChecked())
