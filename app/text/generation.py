"""The Generate page: a prompt continued by MDM, VMD (side by side) and/or the AR reference,
every step animated on the shared timeline.

Two states like the Sudoku tab: a preview (no run shown: the lanes show the prompt and the
masked positions to fill) and viewing (a run, going or done, on the timeline). Editing the
prompt while viewing returns to the preview; the run stays exportable until then.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication

from .. import export, messages
from ..settings import AppSettings
from ..streamed_run import StreamedRun
from ..theme import Theme
from ..timeline import Playback
from ..worker import ModelSummary, RunRequest, RunResult, SamplerSettings
from .catalog import (
    CORPUS_HINT,
    GENERATION_LANES,
    GENERATION_SLOTS,
    CheckpointSlot,
    describe_missing,
    generation_slot,
    missing as missing_slots,
    text_blocks,
)
from .generation_panel import GenerationPanel
from .generation_view import GenerationView
from .page import TextPage
from .prompt import PromptError, PromptLayout, layout_prompt, max_length, planned_steps
from .record import TextRecord, shared_available, verdict

log = logging.getLogger(__name__)

DEFAULT_PROMPT = "ROMEO:\n"
DEFAULT_SEQ_LEN = 64


class GenerationPage(TextPage, StreamedRun):
    stepTimeChanged = Signal(str)
    NAME = "generation_page"
    LANE_NAMES = GENERATION_LANES
    RUN_NOUN = "generation"

    def _build(self, settings: AppSettings) -> None:
        self.playback = Playback(self)
        self.records: dict[str, TextRecord] = {}
        self.layout_shown: PromptLayout | None = None
        self._lane_of_key: dict[str, str] = {}
        self._planned = 0
        self._length_at_max = settings.text_length <= 0

        self.panel = GenerationPanel(self.theme, self)
        self.view = GenerationView(GENERATION_LANES, self.playback, self.theme, self)
        self._place(self.panel, self.view)
        self.controls = self.panel.controls
        self.banner = self.view.banner

        self._fill_blocks()
        self._restore(settings)
        self._connect()
        if self.engine.info is not None:
            self.controls.set_strategies(self.engine.info.strategies)

    # ------------------------------------------------------------------------------------------
    # construction
    def _fill_blocks(self) -> None:
        self.panel.block.clear()
        for block in text_blocks():
            self.panel.block.addItem(f"{block} characters", block)

    def _restore(self, s: AppSettings) -> None:
        self.panel.prompt.setPlainText(s.text_prompt or DEFAULT_PROMPT)
        index = self.panel.block.findData(s.text_block)
        self.panel.block.setCurrentIndex(max(0, index))
        self.controls.set_max_nfe(self.block_size())
        self.controls.restore(s, "text_")
        if self.controls.models.findData(s.text_models) < 0:
            self.controls.models.setCurrentIndex(0)
        self.panel.ghosts.setChecked(s.text_ghosts)
        self.view.set_show_ghosts(s.text_ghosts)
        self.timeline.set_speed(s.speed)
        if s.text_length > 0:
            self.panel.length.setMaximum(max(s.text_length, self.panel.length.maximum()))
            self.panel.length.setValue(s.text_length)

    def _connect(self) -> None:
        p = self.panel
        p.prompt.textChanged.connect(self._inputs_changed)
        p.length.valueChanged.connect(self._length_changed)
        p.block.currentIndexChanged.connect(self._block_changed)
        p.ghosts.toggled.connect(self._ghosts_toggled)
        self.controls.changed.connect(self._controls_changed)
        self.engine.ready.connect(lambda info: self.controls.set_strategies(info.strategies))

    def _connect_run(self) -> None:
        self._connect_stream(self.panel.generate_button, self.panel.stop_button, self.generate)

    def store_settings(self, s: AppSettings) -> AppSettings:
        return s.with_(
            **self.controls.stored("text_"),
            text_prompt=self.panel.prompt_text(),
            text_length=0 if self._length_at_max else self.panel.length.value(),
            text_block=self.block_size_choice(),
            text_ghosts=self.panel.ghosts.isChecked(),
        )

    # ------------------------------------------------------------------------------------------
    # models
    def block_size_choice(self) -> int:
        data = self.panel.block.currentData()
        return int(data) if data is not None else text_blocks()[0]

    def slot(self, lane: str) -> CheckpointSlot:
        return generation_slot(lane, self.block_size_choice())

    def summary(self, lane: str) -> ModelSummary | None:
        return self.registry.get(self.slot(lane).key)

    def block_size(self) -> int:
        """The chosen block size as the loaded block models declare it (the file name's otherwise)."""
        for lane in ("mdm", "vmd"):
            summary = self.summary(lane)
            if summary is not None and summary.config.get("block_size"):
                return int(summary.config["block_size"])
        return self.block_size_choice()

    def _reference(self) -> ModelSummary | None:
        """The model whose vocabulary and window the prompt is checked against."""
        for lane in self.controls.lanes():
            summary = self.summary(lane)
            if summary is not None:
                return summary
        return next((self.registry.get(s.key) for s in GENERATION_SLOTS if self.registry.get(s.key)), None)

    def seq_len(self) -> int:
        reference = self._reference()
        return int(reference.config.get("seq_len", DEFAULT_SEQ_LEN)) if reference else DEFAULT_SEQ_LEN

    def missing_lanes(self) -> list[tuple[str, str]]:
        """(lane, reason) for each chosen lane without a loaded model."""
        out = []
        folder = self._folder()
        for lane in self.controls.lanes():
            slot = self.slot(lane)
            state = self.registry.state(slot.key)
            if state == "loaded":
                continue
            if state == "loading":
                out.append((lane, "still loading"))
            elif state == "failed":
                out.append((lane, self.registry.errors[slot.key]))
            elif not slot.path(folder).is_file():
                out.append((lane, f"{slot.file} is missing"))
            else:
                out.append((lane, "not loaded yet"))
        return out

    def refresh_models(self) -> None:
        folder = self._folder()
        for lane, view in self.lane_views.items():
            slot = self.slot(lane)
            summary = self.registry.get(slot.key)
            state = self.registry.state(slot.key)
            if summary is not None:
                view.show_model(summary)
            elif state == "loading":
                view.set_model_text("loading model…", True)
            elif state == "failed":
                view.show_model(None, f"could not load {slot.file}", self.registry.errors[slot.key])
            elif not slot.path(folder).is_file():
                view.show_model(None, f"not bundled: {slot.file}", slot.make)
            else:
                view.show_model(None, "not loaded yet")
        self._label_blocks(folder)
        self.controls.set_max_nfe(self.block_size())
        self._update_banner(folder)
        self._refresh_inputs()

    def _label_blocks(self, folder: Path) -> None:
        for i in range(self.panel.block.count()):
            block = int(self.panel.block.itemData(i))
            have = [generation_slot(lane, block) for lane in ("mdm", "vmd")]
            have = [s for s in have if s.path(folder).is_file() or self.registry.get(s.key)]
            label = f"{block} characters" + ("" if have else " (no checkpoint)")
            self.panel.block.setItemText(i, label)

    def _update_banner(self, folder: Path) -> None:
        lines = []
        gone = describe_missing(GENERATION_SLOTS, folder, "text")
        if gone:
            some = len(missing_slots(GENERATION_SLOTS, folder)) < len(GENERATION_SLOTS)
            lines.append(f"<b>{html.escape(gone)}</b>" + (" The models that are there work without them." if some else ""))
            lines.append(
                f"Train one with <code>vmd-train text --model mdm|vmd --block 4|8 {html.escape(CORPUS_HINT)}</code> "
                "(or <code>--model ar</code>), then press Reload checkpoints."
            )
        self._show_notice(lines, GENERATION_SLOTS, folder)

    # ------------------------------------------------------------------------------------------
    # inputs
    def _validate(self) -> PromptLayout | str:
        reference = self._reference()
        if reference is None:
            return "" if self.panel.prompt_text() else "The prompt is empty: type the start of a text for the models to continue."
        try:
            return layout_prompt(reference.vocabulary, self.seq_len(), self.panel.prompt_text(), self.panel.length.value())
        except PromptError as exc:
            return str(exc)

    def _sync_length(self) -> None:
        room = max_length(self.seq_len(), self.panel.prompt_text())
        length = self.panel.length
        length.blockSignals(True)
        length.setRange(1, max(1, room))
        if self._length_at_max:
            length.setValue(max(1, room))
        length.blockSignals(False)
        self.panel.length_help.setText(
            f"{room} fit after this prompt: the models read {self.seq_len()} characters at a time"
            if room > 0 else "The prompt fills the whole window: shorten it"
        )

    def _inputs_changed(self) -> None:
        self._refresh_inputs()
        self.settingsChanged.emit()

    def _refresh_inputs(self) -> None:
        self._sync_length()
        result = self._validate()
        self.panel.show_prompt_error(result if isinstance(result, str) else "")
        if self.viewing and not self.running and not self._matches_shown(result):
            self._leave_run()
        self._show_preview(result if isinstance(result, PromptLayout) else None)
        self._update_actions()

    def _matches_shown(self, result: PromptLayout | str) -> bool:
        shown = self.layout_shown
        return (
            isinstance(result, PromptLayout) and shown is not None
            and np.array_equal(result.tokens, shown.tokens) and np.array_equal(result.fixed, shown.fixed)
        )

    def _length_changed(self, value: int) -> None:
        self._length_at_max = value >= self.panel.length.maximum()
        self._inputs_changed()

    def _block_changed(self) -> None:
        if self.running:
            return
        self._leave_run()
        self.refresh_models()

    def _controls_changed(self) -> None:
        if not self.viewing:
            self.view.show_lanes(self.controls.lanes())
            self._refresh_inputs()
        self._update_actions()
        self.settingsChanged.emit()

    def _ghosts_toggled(self, on: bool) -> None:
        self.view.set_show_ghosts(on)
        self.settingsChanged.emit()

    # ------------------------------------------------------------------------------------------
    # running
    def generate(self) -> None:
        if not self._may_start("Generate"):
            return
        lanes = self.controls.lanes()
        missing = self.missing_lanes()
        if missing:
            detail = "; ".join(f"{GENERATION_LANES[lane][0]}: {reason}" for lane, reason in missing)
            messages.show_error(
                self, "Generate",
                f"The chosen models are not available for block size {self.block_size_choice()} ({detail}).\n"
                "Pick other models or another block size, or press Reload checkpoints once they exist.",
            )
            return
        summaries = {lane: self.summary(lane) for lane in lanes}
        first = summaries[lanes[0]]
        odd = [lane for lane, s in summaries.items() if s.vocabulary != first.vocabulary or s.config.get("seq_len") != first.config.get("seq_len")]
        if odd:
            messages.show_error(
                self, "Generate",
                f"{' and '.join(GENERATION_LANES[lane][0] for lane in odd)} read{'s' if len(odd) == 1 else ''} a different "
                f"alphabet or window than {GENERATION_LANES[lanes[0]][0]}, so they cannot share one prompt: run them one at a time.",
            )
            return
        try:
            prompt = layout_prompt(first.vocabulary, int(first.config["seq_len"]), self.panel.prompt_text(), self.panel.length.value())
        except PromptError as exc:
            self.panel.show_prompt_error(str(exc))
            messages.show_error(self, "Generate", str(exc))
            return
        chosen = self.controls.settings()
        block = self.block_size()
        sampler = SamplerSettings(**{**chosen.as_dict(), "nfe": max(1, min(chosen.nfe, block))})
        # The AR reference decodes one character per block of one, i.e. strictly left to right.
        overrides = {self.slot("ar").key: SamplerSettings(**{**sampler.as_dict(), "nfe": 1})} if "ar" in lanes else {}
        request = RunRequest(
            run_id=self.engine.new_run_id(),
            lanes=tuple(self.slot(lane).key for lane in lanes),
            initial=prompt.tokens,
            fixed=prompt.fixed,
            sampler=sampler,
            metadata={"task": "text", "prompt": self.panel.prompt_text(), "length": prompt.length},
            lane_samplers=overrides,
        )
        self._leave_run()
        self.records = {
            lane: TextRecord(
                lane, s.vocabulary, prompt.tokens[0], prompt.fixed[0], int(s.config["vocab_size"]), int(s.config.get("block_size", 0))
            )
            for lane, s in summaries.items()
        }
        self._lane_of_key = {self.slot(lane).key: lane for lane in lanes}
        self._planned = max(
            planned_steps(prompt, r.block_size, request.sampler_for(self.slot(lane).key).nfe) for lane, r in self.records.items()
        )
        self.layout_shown = prompt
        self.view.show_lanes(lanes)
        if not self._start_stream(request, self._planned, "Generate"):
            return
        names = " and ".join(GENERATION_LANES[lane][0] for lane in lanes)
        self.statusMessage.emit(f"Generating {prompt.length} characters with {names} ({sampler.nfe} steps per block)…", 0)
        self._update_actions()

    def _lane_key(self, lane: str) -> str:
        return self.slot(lane).key

    def _key_lane(self, key: str) -> str | None:
        return self._lane_of_key.get(key)

    def _extent(self, step: Any) -> tuple[int, int]:
        # A lane may report more steps than planned: the timeline grows to take them.
        self._planned = max(self._planned, int(step.total))
        return shared_available(self.records.values()), self._planned

    def _done_message(self, result: RunResult, total: int) -> tuple[str, int]:
        return f"Done in {total} steps ({result.seconds:.2f} s).", 6000

    def _leave_run(self) -> None:
        self._clear_stream()
        self.layout_shown = None
        self.view.refresh_plot(self.records)
        self.view.show_lanes(self.controls.lanes())

    # ------------------------------------------------------------------------------------------
    # display
    def _show_preview(self, prompt: PromptLayout | None) -> None:
        if self.viewing:
            return
        reference = self._reference()
        folder = self._folder()
        for lane, view in self.lane_views.items():
            summary = self.summary(lane)
            if prompt is None or summary is None or reference is None or summary.vocabulary != reference.vocabulary:
                view.strip.set_frame(None)
            else:
                block = int(summary.config.get("block_size", 0))
                preview = TextRecord(lane, summary.vocabulary, prompt.tokens[0], prompt.fixed[0], int(summary.config["vocab_size"]), block)
                view.strip.set_frame(preview.frame_at(0))
            slot = self.slot(lane)
            state = self.registry.state(slot.key)
            if state == "loading":
                view.set_verdict("loading model…", "hint")
            elif summary is None and state == "failed":
                view.set_verdict("its checkpoint could not be loaded", "warn")
            elif summary is None and not slot.path(folder).is_file():
                view.set_verdict("no checkpoint bundled", "warn")
            elif summary is None:
                view.set_verdict("not loaded yet", "hint")
            elif prompt is None:
                view.set_verdict("fix the prompt to generate", "hint")
            else:
                view.set_verdict(f"ready: {prompt.length} characters to generate (Ctrl+R)", "hint")

    def _show_lane(self, lane: str, record: TextRecord, position: int, final: bool) -> None:
        view = self.lane_views[lane]
        view.strip.set_frame(record.frame_at(position))
        view.set_verdict(*verdict(record, position, final))

    @property
    def can_generate(self) -> bool:
        return not self.running and not self.engine.busy and not self.missing_lanes()

    def _update_actions(self) -> None:
        running = self.running
        ok = self.can_generate
        self.panel.generate_button.setEnabled(ok)
        self.panel.stop_button.setEnabled(running)
        self.controls.setEnabled(not running)
        self.panel.block.setEnabled(not running)
        if running:
            hint = "Generating: Stop (Esc) ends the run after the current step."
        elif self.engine.busy:
            hint = "Another run is in progress; Generate is free again once it ends."
        else:
            missing = self.missing_lanes()
            hint = "; ".join(f"{GENERATION_LANES[lane][0]}: {reason}" for lane, reason in missing)
        self.panel.run_hint.setText(hint)
        self.panel.run_hint.setVisible(bool(hint))
        self.stateChanged.emit()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.view.set_theme(theme)
        self.panel.set_theme(theme)
        self._show_position(self.playback.position)

    # ------------------------------------------------------------------------------------------
    # output
    def texts(self, position: int | None = None) -> dict[str, str]:
        """Each lane's text at `position` (default: the step shown)."""
        at = self.playback.position if position is None else position
        return {lane: r.text_at(at) for lane, r in self.records.items()}

    def copy_text(self) -> None:
        texts = self.texts()
        if not texts:
            self.statusMessage.emit("Generate first: there is no text to copy.", 4000)
            return
        joined = "\n\n".join(f"[{GENERATION_LANES[lane][0]}]\n{text}" for lane, text in texts.items()) if len(texts) > 1 else next(iter(texts.values()))
        QGuiApplication.clipboard().setText(joined)
        self.statusMessage.emit(f"Text at step {self.playback.position} copied.", 3000)

    def export_json(self, path: str | Path) -> Path:
        traces = {lane: r.trace for lane, r in self.records.items() if r.trace is not None}
        if self.running or not traces:
            raise export.ExportError("Finish or stop a generation first: there is no complete trace to export.")
        return export.write_json(export.traces_payload(traces, {"prompt": self.panel.prompt_text()}), path)
