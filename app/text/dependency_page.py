"""The 2-token dependency page: N pairs sampled from the MDM and the VMD trained on one of the
synthetic pair sets, as two 10x10 joint histograms side by side. In one step the MDM draws the
two tokens independently, so its samples spread over the product of its marginals; the VMD
draws z first and stays on the band (k, k+1).
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from ..settings import AppSettings
from ..theme import Theme
from ..worker import RunResult
from .catalog import DEPENDENCY_SLOTS, PAIR_DATASETS, SLOT_BY_KEY, CheckpointSlot, describe_missing
from .heatmap import JointHeatmap
from .pairs import independent_share, joint_histogram, on_support, support_mask
from .sampling import SamplingPage
from .side import SideScroll
from ..widgets import note_label

EXPLAIN = (
    "Each model was trained on pairs (k, k+1 mod 10). At NFE 1 both tokens are committed in one "
    "step: the MDM draws them independently from its marginals, the VMD draws z first and takes "
    "the most likely pair given z. At NFE 2 the second token sees the first, and both models are right."
)


class DependencyPage(SamplingPage):
    NAME = "dependency_page"
    TITLE = "2-token pairs"
    MODELS = "pair"

    def _build(self, settings: AppSettings) -> None:
        self.histograms: dict[str, np.ndarray] = {}
        self._run_dataset = ""
        self._run_nfe = 1
        self._shown_dataset = ""
        self._shown_nfe = 1

        self._place(self._build_panel(), self._build_maps())
        index = self.dataset.findData(settings.pair_dataset)
        self.dataset.setCurrentIndex(max(0, index))
        self.samples.setValue(settings.pair_samples)
        self.nfe.setCurrentIndex(max(0, self.nfe.findData(settings.pair_nfe)))
        self.dataset.currentIndexChanged.connect(self._dataset_changed)
        self.nfe.currentIndexChanged.connect(lambda _: self.settingsChanged.emit())
        self.samples.valueChanged.connect(lambda _: self.settingsChanged.emit())
        self.sample_button.clicked.connect(self.sample)

    def _build_panel(self) -> QWidget:
        side = SideScroll("pair_side_panel", self)
        box = QGroupBox("2-token pairs", side.inner)
        bl = QVBoxLayout(box)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        self.dataset = QComboBox(box)
        self.dataset.setObjectName("pair_dataset_combo")
        for name, description in PAIR_DATASETS.items():
            self.dataset.addItem(f"{name}: {description}", name)
        form.addRow("&Data", self.dataset)
        self.samples = QSpinBox(box)
        self.samples.setObjectName("pair_samples_spin")
        self.samples.setRange(10, 20000)
        self.samples.setSingleStep(500)
        form.addRow("&Pairs per model", self.samples)
        self.nfe = QComboBox(box)
        self.nfe.setObjectName("pair_nfe_combo")
        self.nfe.addItem("1: both tokens at once", 1)
        self.nfe.addItem("2: one token per step", 2)
        form.addRow("&NFE", self.nfe)
        self._finish_sample_box("pair", box, bl, form, EXPLAIN, "Sample pairs")
        side.body.addWidget(box)
        side.finish()
        return side

    def _build_maps(self) -> QWidget:
        host, layout = self._content("pair_banner")
        self.caption = note_label(host, "", "pair_caption", rich=True)
        layout.addWidget(self.caption)
        row = QHBoxLayout()
        row.setSpacing(20)
        self.maps: dict[str, JointHeatmap] = {}
        self.titles: dict[str, QLabel] = {}
        self.notes: dict[str, QLabel] = {}
        for kind in ("mdm", "vmd"):
            column = QVBoxLayout()
            column.setSpacing(4)
            title = QLabel(kind.upper(), host)
            title.setObjectName(f"pair_title_{kind}")
            title.setTextFormat(Qt.TextFormat.RichText)
            font = QFont(title.font())
            font.setPointSizeF(font.pointSizeF() * 1.3)
            font.setBold(True)
            title.setFont(font)
            column.addWidget(title)
            note = QLabel(host)
            note.setObjectName(f"pair_note_{kind}")
            note.setWordWrap(True)
            note.setProperty("muted", True)
            note.setMinimumHeight(2 * note.fontMetrics().lineSpacing() + 4)
            note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            column.addWidget(note)
            heatmap = JointHeatmap(kind, self.theme, host)
            column.addWidget(heatmap, 1)
            row.addLayout(column, 1)
            self.maps[kind], self.titles[kind], self.notes[kind] = heatmap, title, note
        layout.addLayout(row, 1)
        return host

    def store_settings(self, s: AppSettings) -> AppSettings:
        return s.with_(pair_dataset=self.dataset_name(), pair_samples=self.samples.value(), pair_nfe=int(self.nfe.currentData()))

    # ------------------------------------------------------------------------------------------
    def dataset_name(self) -> str:
        return str(self.dataset.currentData())

    def slots(self) -> tuple[CheckpointSlot, ...]:
        return tuple(s for s in DEPENDENCY_SLOTS if s.dataset == self.dataset_name())

    def lanes(self) -> list[str]:
        return [s.lane for s in self.slots() if self.registry.get(s.key) is not None]

    def _dataset_changed(self) -> None:
        if self.histograms and self._shown_dataset != self.dataset_name():
            self.histograms = {}
        self.refresh_models()
        self.settingsChanged.emit()

    def refresh_models(self) -> None:
        folder = self._folder()
        lines = []
        gone = describe_missing(self.slots(), folder, f"'{self.dataset_name()}'")
        if gone:
            lines.append(f"<b>{html.escape(gone)}</b> Make them with <code>{html.escape(self.slots()[0].make)}</code>.")
        self._show_notice(lines, self.slots(), folder)
        self._show_maps()
        self._update_actions()

    def _show_maps(self) -> None:
        dataset = self.dataset_name()
        support = support_mask(dataset)
        t = self.theme
        for slot in self.slots():
            kind = slot.lane
            chip = f"<span style='color:{t.lane_colour(kind)}'>■</span>&nbsp;{kind.upper()}"
            counts = self.histograms.get(kind)
            heatmap, title, note = self.maps[kind], self.titles[kind], self.notes[kind]
            if counts is not None:
                share = on_support(counts, dataset)
                colour = t.ok if share >= 0.5 else t.conflict
                title.setText(f"{chip}&nbsp;&nbsp;<span style='color:{colour}'>{share:.0%} on the band</span>")
                note.setText(
                    f"{int(counts.sum())} pairs at NFE {self._shown_nfe}; independent draws from these marginals "
                    f"would land on the band {independent_share(counts, dataset):.0%} of the time"
                )
                heatmap.set_counts(counts, support)
            elif self.registry.get(slot.key) is None:
                title.setText(chip)
                note.setText(self._missing_text(slot))
                heatmap.set_counts(None, support, self._missing_text(slot))
            else:
                title.setText(chip)
                note.setText("")
                heatmap.set_counts(None, support, "Sample to fill the histogram")
        self.caption.setText(
            f"Rows: the first token; columns: the second; shade: how often each pair was sampled. "
            f"Outlined in <span style='color:{t.ok}; font-weight:700'>green</span>: the pairs the data contains."
        )

    # ------------------------------------------------------------------------------------------
    def sample(self) -> None:
        lanes = self.lanes()
        if not self._may_sample(lanes):
            return
        count, nfe, seed = self.samples.value(), int(self.nfe.currentData()), self.seed.value()
        keys = {lane: f"synthetic/{self.dataset_name()}-{lane}" for lane in lanes}
        mask_ids = {lane: int(self.registry.get(key).config["vocab_size"]) for lane, key in keys.items()}
        initial = np.full((count, 2), mask_ids[lanes[0]], dtype=np.int64)
        metadata = {"task": "synthetic", "dataset": self.dataset_name()}
        if not self._submit(keys, initial, np.zeros(initial.shape, dtype=bool), nfe, seed, metadata):
            return
        self._run_dataset, self._run_nfe = self.dataset_name(), nfe
        self.statusMessage.emit(f"Sampling {count} pairs per model at NFE {nfe}…", 0)
        self._update_actions()

    def _take_samples(self, result: RunResult) -> None:
        self.histograms = {SLOT_BY_KEY[key].lane: joint_histogram(trace.final) for key, trace in result.traces.items()}
        self._shown_dataset, self._shown_nfe = self._run_dataset, self._run_nfe
        if self.dataset_name() == self._run_dataset:
            shares = ", ".join(f"{lane.upper()} {on_support(h, self._run_dataset):.0%}" for lane, h in self.histograms.items())
            self.statusMessage.emit(f"Pairs on the band: {shares} ({result.seconds:.2f} s).", 8000)
        else:
            self.histograms = {}
        self._show_maps()

    def _update_actions(self) -> None:
        self._show_sampling_state("No pair model for this data is loaded (see the notice on the right).", "")

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.banner.set_theme(theme)
        for heatmap in self.maps.values():
            heatmap.set_theme(theme)
        self._show_maps()
