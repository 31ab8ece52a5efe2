"""The Evaluate tab's side panel: what to measure (Sudoku solving on the test set or a puzzle
file, Sudoku generation, the synthetic sets, the phrase pairs), how many items, the NFE values,
strategies, models, seed and batch size; Evaluate / Stop, the progress bar and ETA, export."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QSpinBox,
    QWidget,
)
from vmdcore.evaluation.sudoku import STRATEGIES

from ..sampler_controls import MAX_SEED, push_button, run_row
from ..sudoku.sources import PUZZLE_FILTER
from ..text.side import SideScroll
from .plans import KINDS, SYNTHETIC_CELLS, TASKS, EvalSpec
from ..widgets import note_label

LEVELS = ("beginner", "easy", "medium", "hard", "expert")
FILE = "file"
ITEM_LABELS = {"solve": "&Puzzles", "generate": "&Samples", "synthetic": "&Samples per cell", "phrases": "&Samples"}
DEFAULT_ITEMS = {"solve": 20, "generate": 20, "synthetic": 2000, "phrases": 200}
DEFAULT_NFES = {"solve": "5 10 20", "generate": "5 10 20 81", "phrases": "1 2"}
FIXED_DECODING = ("Decoded as the paper does: random order; MDM samples each token from its marginal, "
                  "VMD draws z once and takes the argmax.")


def parse_nfes(text: str) -> tuple[int, ...]:
    """'5 10, 20' -> (5, 10, 20): sorted, without repeats; ValueError on anything else."""
    words = [w for w in re.split(r"[\s,;]+", text.strip()) if w]
    if not words or not all(w.isdigit() and int(w) >= 1 for w in words):
        raise ValueError("NFE values are whole numbers of at least 1, such as 5 10 20")
    return tuple(sorted({int(w) for w in words}))


class EvalPanel(SideScroll):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("eval_side", parent)
        self._file = ""
        self.last_dir = ""
        self._nfe_texts = dict(DEFAULT_NFES)
        self._item_counts = dict(DEFAULT_ITEMS)
        self._task = "solve"
        self._build_what()
        self._build_how()
        self._build_run()
        self.finish()
        self._task_changed()

    # -- construction ----------------------------------------------------------------------------
    def _build_what(self) -> None:
        box = QGroupBox("Measure", self.inner)
        form = QFormLayout(box)
        self.task = QComboBox(box)
        self.task.setObjectName("eval_task")
        for key, label in TASKS.items():
            self.task.addItem(label, key)
        form.addRow("&What", self.task)
        self.source = QComboBox(box)
        self.source.setObjectName("eval_source")
        self.source.addItem("Test set, all levels", "")
        for level in LEVELS:
            self.source.addItem(f"Test set, {level}", level)
        self.source.addItem("Puzzle file…", FILE)
        self.source.setToolTip("The bundled test set (1,000 puzzles, 200 per level) or any puzzle file")
        form.addRow("P&uzzles from", self.source)
        self.file_label = note_label(box, "", "eval_file", muted=True)
        form.addRow("", self.file_label)
        self.cells = QComboBox(box)
        self.cells.setObjectName("eval_cells")
        for key, (label, _) in SYNTHETIC_CELLS.items():
            self.cells.addItem(label, key)
        form.addRow("&Cells", self.cells)
        self.clues = QSpinBox(box)
        self.clues.setObjectName("eval_clues")
        self.clues.setRange(0, 80)
        self.clues.setSpecialValueText("0 (empty board)")
        self.clues.setToolTip("K random cells of held-out grids are given (as vmd-eval sudoku-generate --clues)")
        form.addRow("&Given cells", self.clues)
        self.temperature = QDoubleSpinBox(box)
        self.temperature.setObjectName("eval_temperature")
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setSpecialValueText("0 (most likely digit)")
        form.addRow("&Temperature", self.temperature)
        self._what_form = form
        self.body.addWidget(box)
        self.task.currentIndexChanged.connect(self._task_changed)
        self.source.activated.connect(self._source_picked)

    def _build_how(self) -> None:
        box = QGroupBox("Settings", self.inner)
        form = QFormLayout(box)
        self.items = QSpinBox(box)
        self.items.setObjectName("eval_items")
        self.items.setRange(0, 100_000)
        self.items.setValue(DEFAULT_ITEMS["solve"])
        form.addRow(ITEM_LABELS["solve"], self.items)
        self.nfes = QLineEdit(DEFAULT_NFES["solve"], box)
        self.nfes.setObjectName("eval_nfes")
        self.nfes.setToolTip("Network evaluations to try, separated by spaces (the chart's x axis)")
        form.addRow("&NFE values", self.nfes)
        strategies = QWidget(box)
        grid = QGridLayout(strategies)
        grid.setContentsMargins(0, 0, 0, 0)
        self.strategy_boxes: dict[str, QCheckBox] = {}
        for i, name in enumerate(STRATEGIES):
            check = QCheckBox(name, strategies)
            check.setObjectName(f"eval_strategy_{name}")
            check.setChecked(name in ("margin", "top-prob"))
            grid.addWidget(check, i // 2, i % 2)
            self.strategy_boxes[name] = check
        form.addRow("St&rategies", strategies)
        self.decoding_note = note_label(box, FIXED_DECODING, "eval_decoding_note", muted=True)
        form.addRow("", self.decoding_note)
        models = QWidget(box)
        row = QHBoxLayout(models)
        row.setContentsMargins(0, 0, 0, 0)
        self.model_boxes: dict[str, QCheckBox] = {}
        for kind in KINDS:
            check = QCheckBox(kind.upper(), models)
            check.setObjectName(f"eval_model_{kind}")
            check.setChecked(True)
            row.addWidget(check)
            self.model_boxes[kind] = check
        row.addStretch(1)
        form.addRow("&Models", models)
        self.seed = QSpinBox(box)
        self.seed.setObjectName("eval_seed")
        self.seed.setRange(0, MAX_SEED)
        self.seed.setToolTip("Batch b samples with seed + its first item's index, as vmd-eval does")
        form.addRow("S&eed", self.seed)
        self.batch_size = QSpinBox(box)
        self.batch_size.setObjectName("eval_batch")
        self.batch_size.setRange(1, 4096)
        self.batch_size.setValue(64)
        self.batch_size.setToolTip("Items per batch (vmd-eval's --batch-size; the figures depend on it, as on the seed)")
        form.addRow("&Batch size", self.batch_size)
        self._how_form = form
        self.body.addWidget(box)
        for signal in (self.items.valueChanged, self.nfes.textChanged, self.seed.valueChanged, self.batch_size.valueChanged,
                       self.clues.valueChanged, self.temperature.valueChanged, self.cells.currentIndexChanged,
                       *(b.toggled for b in (*self.strategy_boxes.values(), *self.model_boxes.values()))):
            signal.connect(self.changed)

    def _build_run(self) -> None:
        row, self.run_button, self.stop_button = run_row(
            self.inner, ("&Evaluate", "eval_run", "Run the evaluation in batches"),
            ("S&top", "eval_stop", "Stop after the batch that is running; the figures so far stay"))
        self.body.addLayout(row)
        self.progress = QProgressBar(self.inner)
        self.progress.setObjectName("eval_progress")
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)
        self.body.addWidget(self.progress)
        self.eta = note_label(self.inner, "", "eval_eta", muted=True)
        self.body.addWidget(self.eta)
        exports = QHBoxLayout()
        self.csv_button = push_button("Export &CSV…", "eval_export_csv", self.inner, "The figures, one row each")
        self.json_button = push_button("Export &JSON…", "eval_export_json", self.inner,
                                       "The figures in vmd-eval's JSON layout, with the settings")
        exports.addWidget(self.csv_button)
        exports.addWidget(self.json_button)
        self.body.addLayout(exports)
        self.command = note_label(self.inner, "", "eval_command", muted=True)
        self.command.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.addWidget(self.command)

    # -- state -----------------------------------------------------------------------------------
    def _task_changed(self) -> None:
        self._nfe_texts[self._task] = self.nfes.text()
        self._item_counts[self._task] = self.items.value()
        task = self.task.currentData()
        self._task = task
        self._what_form.setRowVisible(self.source, task == "solve")
        self._what_form.setRowVisible(self.file_label, task == "solve" and self.source.currentData() == FILE)
        self._what_form.setRowVisible(self.cells, task == "synthetic")
        self._what_form.setRowVisible(self.clues, task == "generate")
        self._what_form.setRowVisible(self.temperature, task == "generate")
        self._how_form.setRowVisible(self.nfes, task != "synthetic")
        fixed = task in ("synthetic", "phrases")
        self._how_form.setRowVisible(self.strategy_boxes["margin"].parentWidget(), not fixed)
        self._how_form.setRowVisible(self.decoding_note, fixed)
        self._how_form.setRowVisible(self.batch_size, task in ("solve", "generate"))
        self._how_form.labelForField(self.items).setText(ITEM_LABELS[task])
        self.items.setMinimum(0 if task == "solve" else 1)
        self.items.setSpecialValueText("all" if task == "solve" else "")
        self.items.setValue(self._item_counts[task])
        if task in self._nfe_texts:
            self.nfes.setText(self._nfe_texts[task])
        self.changed.emit()

    def _source_picked(self) -> None:
        if self.source.currentData() == FILE:
            path, _ = QFileDialog.getOpenFileName(self, "Puzzles to evaluate on", self.last_dir, PUZZLE_FILTER)
            if path:
                self.set_file(path)
            elif not self._file:
                self.source.setCurrentIndex(0)
        self._task_changed()

    def set_file(self, path: str) -> None:
        """Evaluate on this puzzle file (what the file dialog picks)."""
        self._file = path
        self.last_dir = str(Path(path).parent)
        self.source.setCurrentIndex(self.source.findData(FILE))
        self.file_label.setText(Path(path).name)
        self.file_label.setToolTip(path)
        self._what_form.setRowVisible(self.file_label, self.task.currentData() == "solve")
        self.changed.emit()

    def set_task(self, task: str) -> None:
        self.task.setCurrentIndex(self.task.findData(task))

    def spec(self) -> EvalSpec:
        """The choices; ValueError names a bad NFE list."""
        task = self.task.currentData()
        source = self.source.currentData()
        return EvalSpec(
            task=task,
            items=self.items.value(),
            nfes=parse_nfes(self.nfes.text()) if task != "synthetic" else (),
            strategies=tuple(name for name, box in self.strategy_boxes.items() if box.isChecked()),
            models=tuple(kind for kind, box in self.model_boxes.items() if box.isChecked()),
            seed=self.seed.value(),
            batch_size=self.batch_size.value(),
            source=self._file if source == FILE else "",
            level=source if source not in ("", FILE) else "",
            clues=self.clues.value(),
            temperature=round(self.temperature.value(), 4),
            cells=self.cells.currentData(),
        )

    def apply_spec(self, spec: EvalSpec) -> None:
        """Show these choices (saved when the app last closed): values the controls cannot take are left as they
        are, and a puzzle file that is gone falls back to the bundled test set."""
        if self.task.findData(spec.task) >= 0:
            self.set_task(spec.task)
        self.items.setValue(spec.items)
        if spec.nfes:
            self.nfes.setText(" ".join(str(n) for n in spec.nfes))
        for name, box in self.strategy_boxes.items():
            box.setChecked(name in spec.strategies)
        for kind, box in self.model_boxes.items():
            box.setChecked(kind in spec.models)
        self.seed.setValue(spec.seed)
        self.batch_size.setValue(spec.batch_size)
        self.clues.setValue(spec.clues)
        self.temperature.setValue(spec.temperature)
        if self.cells.findData(spec.cells) >= 0:
            self.cells.setCurrentIndex(self.cells.findData(spec.cells))
        if spec.source and Path(spec.source).is_file():
            self.set_file(spec.source)
        elif spec.level and self.source.findData(spec.level) >= 0:
            self.source.setCurrentIndex(self.source.findData(spec.level))
        self._task_changed()

    def set_running(self, running: bool) -> None:
        for box in self.inner.findChildren(QGroupBox):
            box.setEnabled(not running)
        self.run_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
