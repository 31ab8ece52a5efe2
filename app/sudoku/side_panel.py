"""The Sudoku tab's side panel: the Solve / Generate switch, puzzle sources and facts, decoding
controls (with Generate mode's own rows), the puzzle maker, display options and the colour
legend. It only lays out widgets; the tab wires them to behaviour."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..sampler_controls import SamplerControls, run_row
from ..theme import Theme
from .generate_panel import GenerateButtons, GenerateControls, ModeSwitch, PuzzleMaker
from .legend import Legend
from ..widgets import titled_box

OPTIONS = {"ghosts": "Ghost guesses", "conflicts": "Conflicts", "peers": "Row, column, box", "same_digit": "Same digit"}
WIDTH = 360


def align_labels(*hosts: QWidget) -> None:
    """Stacked forms read as one when their labels take the same width."""
    forms = [host.layout() for host in hosts]
    labels = [form.itemAt(row, QFormLayout.ItemRole.LabelRole) for form in forms for row in range(form.rowCount())]
    widgets = [item.widget() for item in labels if item is not None and item.widget() is not None]
    width = max((w.sizeHint().width() for w in widgets), default=0)
    for widget in widgets:
        widget.setMinimumWidth(width)


class SidePanel(QScrollArea):
    def __init__(
        self, actions: Mapping[str, QAction], lanes: Mapping[str, tuple[str, str]], theme: Theme, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("side_scroll")
        inner = QWidget(self)
        inner.setObjectName("side_panel")
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.setSpacing(8)

        self.mode_switch = ModeSwitch(inner)
        layout.addWidget(self.mode_switch)

        puzzle_box = QGroupBox("Puzzle", inner)
        pl = QVBoxLayout(puzzle_box)
        row = QHBoxLayout()
        for name, label in (("library", "Library…"), ("generate", "Generate…"), ("open", "Open…"), ("save", "Save…")):
            button = QPushButton(label, puzzle_box)
            button.setObjectName(f"button_{name}")
            button.setToolTip(actions[name].toolTip())
            button.clicked.connect(actions[name].trigger)
            actions[name].enabledChanged.connect(button.setEnabled)
            row.addWidget(button)
        pl.addLayout(row)
        self.puzzle_info = QLabel(puzzle_box)
        self.puzzle_info.setObjectName("puzzle_info")
        self.puzzle_info.setWordWrap(True)
        self.puzzle_info.setTextFormat(Qt.TextFormat.RichText)
        self.puzzle_info.setMinimumHeight(48)
        self.puzzle_info.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        pl.addWidget(self.puzzle_info)
        layout.addWidget(puzzle_box)

        self.solve_box = solve_box = QGroupBox("Solve", inner)
        sl = QVBoxLayout(solve_box)
        self.controls = SamplerControls(solve_box)
        self.generate_controls = GenerateControls(lanes, solve_box)
        sl.addWidget(self.generate_controls.start_rows)
        sl.addWidget(self.controls)
        sl.addWidget(self.generate_controls.temperature_rows)
        row, self.solve_button, self.stop_button = run_row(
            solve_box, ("Solve", "solve_button", "Solve (Ctrl+Enter)"), ("Stop", "stop_button", "Stop (Esc)")
        )
        self.solve_button.setDefault(True)
        sl.addLayout(row)
        self.generate_buttons = GenerateButtons(solve_box)
        sl.addWidget(self.generate_buttons)
        layout.addWidget(solve_box)

        self.maker = PuzzleMaker(lanes, inner)
        layout.addWidget(self.maker)

        show_box = QGroupBox("Show", inner)
        shl = QGridLayout(show_box)
        shl.setVerticalSpacing(2)
        self.option_boxes: dict[str, QCheckBox] = {}
        for index, (name, label) in enumerate(OPTIONS.items()):
            action = actions[name]
            box = QCheckBox(label, show_box)
            box.setObjectName(f"option_{name}")
            box.setToolTip(action.text().replace("&", ""))
            box.setChecked(action.isChecked())
            box.toggled.connect(action.setChecked)
            action.toggled.connect(box.setChecked)
            self.option_boxes[name] = box
            shl.addWidget(box, index // 2, index % 2)
        layout.addWidget(show_box)

        self.legend = Legend(theme)
        layout.addWidget(titled_box("Legend", self.legend, inner))
        layout.addStretch(1)

        self.setWidget(inner)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Room for the vertical scroll bar, so a short window scrolls instead of clipping.
        self.setFixedWidth(WIDTH + self.verticalScrollBar().sizeHint().width())

        self.set_mode("solve")

    def set_mode(self, mode: str) -> None:
        generating = mode == "generate"
        self.mode_switch.set_mode(mode)
        self.solve_box.setTitle("Generate" if generating else "Solve")
        self.solve_button.setText("Generate" if generating else "Solve")
        self.controls.set_temperature_visible(not generating)
        align_labels(self.controls, *(self.generate_controls.rows() if generating else ()))
        for widget in (*self.generate_controls.rows(), self.generate_buttons, self.maker):
            widget.setVisible(generating)

    def set_theme(self, theme: Theme) -> None:
        self.legend.set_theme(theme)
