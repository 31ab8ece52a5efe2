"""The Phrase pairs page: one prompt whose answer is two or three words that depend on each
other, N answers sampled from the MDM and the VMD, their joint outcomes as bar charts and the
valid rate per model. "Redraw z" samples one VMD answer with a fresh latent.

Decoding is the one the models were scored with (training/phrases.py): random order; the MDM
draws each character from its marginal (temperature 1), the VMD draws z once and takes the
argmax given z.
"""

from __future__ import annotations

import html
import random

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from vmdcore.tasks import phrases

from .. import messages
from ..sampler_controls import MAX_SEED
from ..settings import AppSettings
from ..theme import Theme
from ..worker import RunResult
from .catalog import PHRASE_SLOTS, SLOT_BY_KEY, CheckpointSlot, describe_missing
from .phrase_chart import PhraseChart, legend_html
from .phrase_stats import PhraseTally, answer_label, chart_rows, tally
from .sampling import SamplingPage
from .side import SideScroll
from ..widgets import note_label

DECODING_NOTE = (
    "Decoded as the models were scored: characters in random order; the MDM draws each one from its "
    "own marginal, the VMD draws z once and takes the most likely character given z."
)
HISTORY = 12


class PhrasePage(SamplingPage):
    NAME = "phrase_page"
    TITLE = "Phrase pairs"
    MODELS = "phrase-pair"

    def _build(self, settings: AppSettings) -> None:
        self.tallies: dict[str, PhraseTally] = {}
        self.answers: dict[str, list[str]] = {}  # the answers behind the tallies, per lane
        self.redraws: list[tuple[int, str, bool]] = []  # (seed, answer, valid), newest first
        self._run_kind = ""  # "sample" or "redraw"
        self._run_prompt = ""
        self._run_nfe = 1
        self._redraw_seed = 0

        self._place(self._build_panel(), self._build_charts())
        self._restore(settings)
        self.sample_button.clicked.connect(self.sample)
        self.redraw_button.clicked.connect(self.redraw_z)
        self.prompt.currentIndexChanged.connect(self._prompt_changed)
        for spin in (self.samples, self.nfe, self.seed):
            spin.valueChanged.connect(lambda _: self.settingsChanged.emit())
        self._prompt_changed()

    # ------------------------------------------------------------------------------------------
    def _build_panel(self) -> QWidget:
        side = SideScroll("phrase_side_panel", self)
        box = QGroupBox("Prompt", side.inner)
        bl = QVBoxLayout(box)
        self.prompt = QComboBox(box)
        self.prompt.setObjectName("phrase_prompt_combo")
        for entry in phrases.PROMPTS:
            self.prompt.addItem(entry.prompt, entry.prompt)
            self.prompt.setItemData(self.prompt.count() - 1, entry.category, Qt.ItemDataRole.ToolTipRole)
        bl.addWidget(self.prompt)
        self.prompt_info = note_label(box, "", "phrase_prompt_info", rich=True)
        bl.addWidget(self.prompt_info)
        side.body.addWidget(box)

        box = QGroupBox("Sample", side.inner)
        bl = QVBoxLayout(box)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        self.samples = QSpinBox(box)
        self.samples.setObjectName("phrase_samples_spin")
        self.samples.setRange(10, 5000)
        self.samples.setSingleStep(100)
        self.samples.setToolTip("How many answers each model samples for the prompt")
        form.addRow("&Answers per model", self.samples)
        self.nfe = QSpinBox(box)
        self.nfe.setObjectName("phrase_nfe_spin")
        self.nfe.setRange(1, phrases.ANSWER_WIDTH)
        self.nfe.setToolTip("Network evaluations for the answer: at 1 every character is drawn at once")
        form.addRow("&NFE", self.nfe)
        self._finish_sample_box("phrase", box, bl, form, DECODING_NOTE, "Sample answers")
        side.body.addWidget(box)

        box = QGroupBox("Redraw z (VMD)", side.inner)
        bl = QVBoxLayout(box)
        bl.addWidget(note_label(box, "One VMD answer per click, each with a new latent z: a different answer, but a whole one.",
                                muted=True))
        self.redraw_button = QPushButton("Redraw z", box)
        self.redraw_button.setObjectName("redraw_button")
        bl.addWidget(self.redraw_button)
        self.redraw_answer = note_label(box, "", "redraw_answer", rich=True, scale=1.3)
        bl.addWidget(self.redraw_answer)
        self.redraw_list = QListWidget(box)
        self.redraw_list.setObjectName("redraw_list")
        self.redraw_list.setMaximumHeight(150)
        bl.addWidget(self.redraw_list)
        side.body.addWidget(box)
        side.finish()
        return side

    def _build_charts(self) -> QWidget:
        host, layout = self._content("phrase_banner")
        self.heading = note_label(host, "", "phrase_heading", rich=True, scale=1.2)
        layout.addWidget(self.heading)
        row = QHBoxLayout()
        row.setSpacing(16)
        self.charts: dict[str, PhraseChart] = {}
        for slot in PHRASE_SLOTS:
            chart = PhraseChart(slot.lane, slot.title, self.theme, host)
            row.addWidget(chart, 1)
            self.charts[slot.lane] = chart
        layout.addLayout(row, 1)
        self.legend = QLabel(host)
        self.legend.setObjectName("phrase_legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.legend)
        return host

    def _restore(self, s: AppSettings) -> None:
        index = self.prompt.findData(s.phrase_prompt) if s.phrase_prompt else 0
        self.prompt.setCurrentIndex(max(0, index))
        self.samples.setValue(s.phrase_samples)
        self.nfe.setValue(s.phrase_nfe)

    def store_settings(self, s: AppSettings) -> AppSettings:
        return s.with_(phrase_prompt=self.prompt_text(), phrase_samples=self.samples.value(), phrase_nfe=self.nfe.value())

    # ------------------------------------------------------------------------------------------
    def prompt_text(self) -> str:
        return str(self.prompt.currentData())

    def _prompt_changed(self, *_: object) -> None:
        prompt = self.prompt_text()
        entry = next(p for p in phrases.PROMPTS if p.prompt == prompt)
        words = phrases.word_options(prompt)
        combos = 1
        for options in words:
            combos *= len(options)
        self.prompt_info.setText(
            f"{entry.category}: {len(entry.answers)} valid answers of the {combos} ways to combine "
            f"its words ({' × '.join(str(len(w)) for w in words)})."
        )
        self.heading.setText(f"<b>{html.escape(prompt)}</b> _ _")
        if self.tallies and next(iter(self.tallies.values())).prompt != prompt:
            self.tallies, self.answers = {}, {}
            self._show_charts()
        self.settingsChanged.emit()

    def slots(self) -> tuple[CheckpointSlot, ...]:
        return PHRASE_SLOTS

    def _slot(self, lane: str) -> CheckpointSlot:
        return next(s for s in PHRASE_SLOTS if s.lane == lane)

    def lanes(self) -> list[str]:
        return [slot.lane for slot in PHRASE_SLOTS if self.registry.get(slot.key) is not None]

    def refresh_models(self) -> None:
        folder = self._folder()
        lines = []
        gone = describe_missing(PHRASE_SLOTS, folder, "phrase-pair")
        if gone:
            makes = " and ".join(f"<code>{html.escape(s.make)}</code>" for s in PHRASE_SLOTS if not s.path(folder).is_file())
            lines.append(f"<b>{html.escape(gone)}</b> Make {'it' if ' and ' not in makes else 'them'} with {makes}, then press Reload.")
        self._show_notice(lines, PHRASE_SLOTS, folder)
        self._show_charts()
        self._update_actions()

    def _show_charts(self) -> None:
        rows = chart_rows(self.prompt_text(), self.tallies) if self.tallies else []
        width = max((c.label_width_for(rows) for c in self.charts.values()), default=80)
        for lane, chart in self.charts.items():
            if lane in self.tallies:
                chart.show_tally(rows, self.tallies[lane], width)
            elif self.registry.get(self._slot(lane).key) is None:
                chart.set_missing(self._missing_text(self._slot(lane)))
            else:
                chart.clear()

    # ------------------------------------------------------------------------------------------
    def _start(self, kind: str, lanes: list[str], count: int, nfe: int, seed: int) -> bool:
        if not self._may_sample(lanes):
            return False
        prompt = self.prompt_text()
        tokens, fixed = phrases.prompt_rows([prompt] * count)
        keys = {lane: f"phrases/{lane}" for lane in lanes}
        if not self._submit(keys, tokens, fixed, nfe, seed, {"task": "phrases", "prompt": prompt}):
            return False
        self._run_kind, self._run_prompt, self._run_nfe = kind, prompt, nfe
        self._update_actions()
        return True

    def sample(self) -> None:
        count, nfe = self.samples.value(), self.nfe.value()
        if self._start("sample", self.lanes(), count, nfe, self.seed.value()):
            self.statusMessage.emit(f"Sampling {count} answers per model at NFE {nfe}…", 0)

    def redraw_z(self, seed: int | None = None) -> None:
        if "vmd" not in self.lanes():
            messages.show_error(self, "Redraw z", f"The VMD phrase model is not available: {self._missing_text(self._slot('vmd'))}.")
            return
        self._redraw_seed = random.randint(0, MAX_SEED) if seed is None else seed
        self._start("redraw", ["vmd"], 1, self.nfe.value(), self._redraw_seed)

    def _take_samples(self, result: RunResult) -> None:
        answers = {
            SLOT_BY_KEY[key].lane: [phrases.answer_text(row) for row in trace.final] for key, trace in result.traces.items()
        }
        if self._run_kind == "sample":
            self.answers = answers
            self.tallies = {lane: tally(self._run_prompt, got, self._run_nfe) for lane, got in answers.items()}
            self._show_charts()
            rates = ", ".join(f"{lane.upper()} {t.valid_rate:.0%} valid" for lane, t in self.tallies.items())
            self.statusMessage.emit(f"{self.samples.value()} answers per model in {result.seconds:.2f} s: {rates}.", 8000)
        else:
            answer = answers["vmd"][0]
            valid = phrases.is_valid(self._run_prompt, answer)
            self.redraws.insert(0, (self._redraw_seed, answer, valid))
            del self.redraws[HISTORY:]
            self._show_redraws()

    def _show_redraws(self) -> None:
        t = self.theme
        self.redraw_list.clear()
        for seed, answer, valid in self.redraws:
            self.redraw_list.addItem(f"{'✓' if valid else '✗'} {answer_label(answer)}  (z seed {seed})")
        if self.redraws:
            seed, answer, valid = self.redraws[0]
            colour = t.ok if valid else t.conflict
            verdict = "valid" if valid else "not a valid answer"
            self.redraw_answer.setText(
                f"{html.escape(self.prompt_text())} <b>{html.escape(answer_label(answer))}</b> "
                f"<span style='color:{colour}; font-weight:700'>{'✓' if valid else '✗'} {verdict}</span>"
            )

    def _update_actions(self) -> None:
        idle = not self.running and not self.engine.busy
        self.redraw_button.setEnabled(idle and "vmd" in self.lanes())
        absent = [s.title for s in PHRASE_SLOTS if s.lane not in self.lanes()]
        ready = f"Only {', '.join(s.title for s in PHRASE_SLOTS if s.lane in self.lanes())} is available." if absent else ""
        self._show_sampling_state("No phrase-pair model is loaded (see the notice on the right).", ready)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.banner.set_theme(theme)
        for chart in self.charts.values():
            chart.set_theme(theme)
        self.legend.setText(legend_html(theme))
        self._show_redraws()
