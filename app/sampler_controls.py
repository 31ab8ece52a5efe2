"""Task-neutral decoding controls: which models, strategy, NFE, temperature, seed, latent mode;
the Run / Stop row under them (`run_row`) and the buttons beside it (`push_button`).

Strategy names and descriptions come from the engine once it is up (the GUI never imports
the sampler, which would import torch).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QToolButton,
    QWidget,
)

from .worker import SamplerSettings

MODEL_CHOICES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("both", ("mdm", "vmd"), "MDM + VMD side by side"),
    ("mdm", ("mdm",), "MDM only"),
    ("vmd", ("vmd",), "VMD only"),
)
LATENT_MODES = (("fixed", "fixed (drawn once)"), ("redraw", "redrawn every step"))
MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class ControlsWording:
    """What the task calls the things a step fills, so one set of controls serves every tab."""

    nfe_label: str = "&NFE (steps)"
    nfe_tip: str = "Network evaluations (steps): from 1 to the number of empty cells"
    open_noun: str = "empty cells"
    nothing_open: str = "no empty cells to fill"
    argmax: str = "0 (most likely digit)"
    temperature_tip: str = "0 commits the most likely digit; higher samples more freely"
    latent_tip: str = "VMD's latent z: drawn once per solve (the paper) or redrawn at every step"


SUDOKU_WORDING = ControlsWording()


class SamplerControls(QWidget):
    changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        choices: Sequence[tuple[str, tuple[str, ...], str]] = MODEL_CHOICES,
        wording: ControlsWording = SUDOKU_WORDING,
    ) -> None:
        super().__init__(parent)
        self._choices = tuple(choices)
        self._wording = wording
        form = QFormLayout(self)
        self._form = form
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.models = QComboBox(self)
        self.models.setObjectName("models_combo")
        for key, _, label in self._choices:
            self.models.addItem(label, key)
        self.models.setToolTip("Run the baseline MDM, the VMD, or both on one shared timeline")
        form.addRow("&Models", self.models)

        self.strategy = QComboBox(self)
        self.strategy.setObjectName("strategy_combo")
        self.strategy.setToolTip("Which masked cells each step commits")
        form.addRow("&Strategy", self.strategy)
        self.strategy_help = QLabel(self)
        self.strategy_help.setObjectName("strategy_help")
        self.strategy_help.setWordWrap(True)
        self.strategy_help.setProperty("muted", True)
        form.addRow("", self.strategy_help)
        self._descriptions: dict[str, str] = {}

        nfe_row = QWidget(self)
        row = QHBoxLayout(nfe_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.nfe_slider = QSlider(Qt.Orientation.Horizontal, nfe_row)
        self.nfe_slider.setObjectName("nfe_slider")
        self.nfe = QSpinBox(nfe_row)
        self.nfe.setObjectName("nfe_spin")
        self.nfe.setToolTip(wording.nfe_tip)
        self.nfe_slider.setToolTip(self.nfe.toolTip())
        row.addWidget(self.nfe_slider, 1)
        row.addWidget(self.nfe)
        form.addRow(wording.nfe_label, nfe_row)
        self.nfe_help = QLabel(self)
        self.nfe_help.setObjectName("nfe_help")
        self.nfe_help.setProperty("muted", True)
        self.nfe_help.setWordWrap(True)
        form.addRow("", self.nfe_help)
        self.nfe_slider.valueChanged.connect(self.nfe.setValue)
        self.nfe.valueChanged.connect(self.nfe_slider.setValue)
        self._open_cells = 81

        self.temperature = QDoubleSpinBox(self)
        self.temperature.setObjectName("temperature_spin")
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setDecimals(2)
        self.temperature.setSpecialValueText(wording.argmax)
        self.temperature.setToolTip(wording.temperature_tip)
        form.addRow("&Temperature", self.temperature)

        seed_row = QWidget(self)
        row = QHBoxLayout(seed_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.seed = QSpinBox(seed_row)
        self.seed.setObjectName("seed_spin")
        self.seed.setRange(0, MAX_SEED)
        self.seed.setToolTip("Same seed and settings give the same steps, on every device")
        self.dice = QToolButton(seed_row)
        self.dice.setObjectName("seed_dice")
        self.dice.setText("New")
        self.dice.setToolTip("Pick a random seed")
        self.dice.clicked.connect(lambda: self.seed.setValue(random.randint(0, 99999)))
        row.addWidget(self.seed, 1)
        row.addWidget(self.dice)
        form.addRow("S&eed", seed_row)

        self.latent = QComboBox(self)
        self.latent.setObjectName("latent_combo")
        for key, label in LATENT_MODES:
            self.latent.addItem(label, key)
        self.latent.setToolTip(wording.latent_tip)
        form.addRow("&Latent z", self.latent)

        for signal in (
            self.models.currentIndexChanged,
            self.strategy.currentIndexChanged,
            self.nfe.valueChanged,
            self.temperature.valueChanged,
            self.seed.valueChanged,
            self.latent.currentIndexChanged,
        ):
            signal.connect(self._changed)
        self.set_max_nfe(81)

    # -- values ------------------------------------------------------------------------------
    def lanes(self) -> tuple[str, ...]:
        key = self.models.currentData()
        return next(lanes for k, lanes, _ in self._choices if k == key)

    def model_choice(self) -> str:
        return str(self.models.currentData())

    def settings(self) -> SamplerSettings:
        return SamplerSettings(
            nfe=self.nfe.value(),
            strategy=self.strategy.currentData() or self.strategy.currentText() or "margin",
            temperature=round(self.temperature.value(), 4),
            seed=self.seed.value(),
            latent_mode=self.latent.currentData(),
        )

    def apply(self, models: str, strategy: str, nfe: int, temperature: float, seed: int, latent_mode: str) -> None:
        _select(self.models, models)
        if self.strategy.findData(strategy) < 0:
            self.strategy.addItem(strategy, strategy)
        _select(self.strategy, strategy)
        self.nfe.setValue(nfe)
        self.temperature.setValue(temperature)
        self.seed.setValue(max(0, min(MAX_SEED, seed)))
        _select(self.latent, latent_mode)

    def stored(self, prefix: str = "") -> dict[str, object]:
        """The choices as AppSettings fields (`prefix` "text_" for the Text tab's)."""
        fields = {"models": self.model_choice(), **self.settings().as_dict()}
        return {prefix + name: value for name, value in fields.items()}

    def restore(self, settings: object, prefix: str = "") -> None:
        """The choices from the AppSettings fields that `stored` writes."""
        self.apply(*(getattr(settings, prefix + name) for name in ("models", "strategy", "nfe", "temperature", "seed", "latent_mode")))

    def set_strategies(self, strategies: Sequence[tuple[str, str]]) -> None:
        current = self.strategy.currentData()
        self._descriptions = dict(strategies)
        self.strategy.blockSignals(True)
        self.strategy.clear()
        for name, description in strategies:
            self.strategy.addItem(name, name)
            self.strategy.setItemData(self.strategy.count() - 1, description, Qt.ItemDataRole.ToolTipRole)
        self.strategy.blockSignals(False)
        if current is None or not _select(self.strategy, current):
            _select(self.strategy, "margin")
        self._changed()

    def set_temperature_visible(self, visible: bool) -> None:
        """Hide the shared temperature where the view sets one per model instead."""
        self._form.setRowVisible(self.temperature, visible)

    def set_max_nfe(self, open_cells: int) -> None:
        """NFE ranges over 1..open cells (one cell per step at most is as fine as it gets)."""
        self._open_cells = max(0, open_cells)
        top = max(1, open_cells)
        for widget in (self.nfe, self.nfe_slider):
            widget.blockSignals(True)
            widget.setRange(1, top)
            widget.blockSignals(False)
        self.nfe_slider.setValue(self.nfe.value())
        self._changed()

    def _changed(self, *_: object) -> None:
        name = self.strategy.currentData()
        self.strategy_help.setText(self._descriptions.get(name, ""))
        self.strategy_help.setVisible(bool(self.strategy_help.text()))
        nfe = self.nfe.value()
        if self._open_cells:
            per_step = math.ceil(self._open_cells / nfe)
            self.nfe_help.setText(f"{self._open_cells} {self._wording.open_noun}: about {per_step} committed per step")
        else:
            self.nfe_help.setText(self._wording.nothing_open)
        self.latent.setEnabled("vmd" in self.lanes())
        self.changed.emit()


def _select(combo: QComboBox, data: object) -> bool:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)
        return True
    return False


def push_button(text: str, name: str, parent: QWidget, tip: str = "", primary: bool = False) -> QPushButton:
    """A button named `name` (tests and the stylesheet find it by it); `primary`: the accent colour."""
    button = QPushButton(text, parent)
    button.setObjectName(name)
    if tip:
        button.setToolTip(tip)
    if primary:
        button.setProperty("primary", True)
    return button


def run_row(
    parent: QWidget, run: tuple[str, str, str], stop: tuple[str, str, str]
) -> tuple[QHBoxLayout, QPushButton, QPushButton]:
    """The row that starts and stops a run: the run button (primary, two thirds) and Stop, each
    given as (text, object name, tooltip)."""
    (run_text, run_name, run_tip), (stop_text, stop_name, stop_tip) = run, stop
    row = QHBoxLayout()
    run_button = push_button(run_text, run_name, parent, run_tip, primary=True)
    stop_button = push_button(stop_text, stop_name, parent, stop_tip)
    row.addWidget(run_button, 2)
    row.addWidget(stop_button, 1)
    return row, run_button, stop_button
