"""The Generate page's side panel: prompt, length, block size, the shared decoding controls,
Generate / Stop and the colour key. It only lays out widgets; generation.py wires them."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..sampler_controls import ControlsWording, SamplerControls, run_row
from ..theme import Theme
from .legend import TextLegend
from .side import SideScroll
from ..widgets import note_label, titled_box
TEXT_CHOICES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("both", ("mdm", "vmd"), "MDM + VMD side by side"),
    ("mdm", ("mdm",), "MDM only"),
    ("vmd", ("vmd",), "VMD only"),
    ("all", ("mdm", "vmd", "ar"), "MDM + VMD + AR reference"),
    ("ar", ("ar",), "AR reference only"),
)
TEXT_WORDING = ControlsWording(
    nfe_label="&NFE per block",
    nfe_tip="Network evaluations (steps) for each block: from 1 to the block size",
    open_noun="characters per block",
    nothing_open="nothing to generate",
    argmax="0 (most likely character)",
    temperature_tip="0 commits the most likely character; higher samples more freely",
    latent_tip="VMD's latent z: drawn once per block (the paper) or redrawn at every step",
)


class GenerationPanel(SideScroll):
    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__("text_side_panel", parent)
        inner, layout = self.inner, self.body

        prompt_box = QGroupBox("Prompt", inner)
        pl = QVBoxLayout(prompt_box)
        self.prompt = QPlainTextEdit(prompt_box)
        self.prompt.setObjectName("prompt_edit")
        self.prompt.setPlaceholderText("The start of a text for the models to continue")
        self.prompt.setTabChangesFocus(True)
        self.prompt.setFixedHeight(QFontMetrics(self.prompt.font()).lineSpacing() * 3 + 14)
        pl.addWidget(self.prompt)
        self.prompt_error = note_label(prompt_box, "", "prompt_error")
        self.prompt_error.hide()
        pl.addWidget(self.prompt_error)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        self.length = QSpinBox(prompt_box)
        self.length.setObjectName("length_spin")
        self.length.setRange(1, 64)
        self.length.setSuffix(" characters")
        self.length.setToolTip("How many characters to generate after the prompt")
        form.addRow("&Length", self.length)
        self.length_help = note_label(prompt_box, "", "length_help", muted=True)
        form.addRow("", self.length_help)
        pl.addLayout(form)
        layout.addWidget(prompt_box)

        run_box = QGroupBox("Generate", inner)
        rl = QVBoxLayout(run_box)
        self.controls = SamplerControls(run_box, choices=TEXT_CHOICES, wording=TEXT_WORDING)
        self.controls.setObjectName("text_sampler_controls")
        self.block = QComboBox(self.controls)
        self.block.setObjectName("block_combo")
        self.block.setToolTip("Characters per block: blocks are generated left to right, the characters of a block in parallel")
        # In the controls' own form, so its label lines up with theirs.
        self.controls.layout().insertRow(0, "&Block size", self.block)
        rl.addWidget(self.controls)
        self.ghosts = QCheckBox("Show ghost guesses at masked positions", run_box)
        self.ghosts.setObjectName("text_ghosts")
        rl.addWidget(self.ghosts)
        row, self.generate_button, self.stop_button = run_row(run_box, ("Generate", "generate_button", ""), ("Stop", "text_stop_button", ""))
        rl.addLayout(row)
        self.run_hint = note_label(run_box, "", "generate_hint", muted=True)
        rl.addWidget(self.run_hint)
        layout.addWidget(run_box)

        self.legend = TextLegend(theme)
        layout.addWidget(titled_box("Legend", self.legend, inner))
        self.finish()
        self.set_theme(theme)

    def prompt_text(self) -> str:
        return self.prompt.toPlainText()

    def show_prompt_error(self, text: str) -> None:
        self.prompt_error.setText(text)
        self.prompt_error.setVisible(bool(text))

    def set_theme(self, theme: Theme) -> None:
        self.legend.set_theme(theme)
        self.prompt_error.setStyleSheet(f"color: {theme.conflict}; font-weight: 600;")
