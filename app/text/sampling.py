"""The pages that sample many answers at once from an MDM and a VMD and count them (Phrase
pairs, 2-token dependency): how they decode, how a sampling run starts and ends, and the end of
their sample box (seed, note, the Sample button and the hint under it)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from .. import messages
from ..sampler_controls import MAX_SEED, push_button
from ..worker import RunRequest, RunResult, SamplerSettings
from .catalog import CheckpointSlot, describe_missing
from .page import TextPage


def decoding(kind: str, nfe: int, seed: int) -> SamplerSettings:
    # As the models were scored (training/, the paper and the self-test): random order; the MDM
    # samples from its marginals, the VMD draws z once and takes the argmax given z.
    return SamplerSettings(nfe=nfe, strategy="random", temperature=1.0 if kind == "mdm" else 0.0, seed=seed, latent_mode="fixed")


class SamplingPage(TextPage):
    """A subclass names itself in TITLE (message boxes) and MODELS ("No ... model is loaded"),
    lists its `slots()` and loaded `lanes()`, ends its sample box with `_finish_sample_box`, counts
    a finished run in `_take_samples` and shows its buttons in `_update_actions` (through
    `_show_sampling_state`)."""

    TITLE = ""
    MODELS = ""

    seed: QSpinBox
    sample_button: QPushButton
    sample_hint: QLabel

    def slots(self) -> tuple[CheckpointSlot, ...]:
        raise NotImplementedError

    def lanes(self) -> list[str]:
        raise NotImplementedError

    def _take_samples(self, result: RunResult) -> None:
        raise NotImplementedError

    def _finish_sample_box(self, prefix: str, box: QWidget, layout: QVBoxLayout, form: QFormLayout, note: str, button: str) -> None:
        """After the page's own rows of `form`: the seed, the note on decoding, the Sample button
        and the hint under it."""
        self.seed = QSpinBox(box)
        self.seed.setObjectName(f"{prefix}_seed_spin")
        self.seed.setRange(0, MAX_SEED)
        form.addRow("S&eed", self.seed)
        layout.addLayout(form)
        label = QLabel(note, box)
        label.setWordWrap(True)
        label.setProperty("muted", True)
        layout.addWidget(label)
        self.sample_button = push_button(button, f"{prefix}_sample_button", box, primary=True)
        layout.addWidget(self.sample_button)
        self.sample_hint = QLabel(box)
        self.sample_hint.setObjectName(f"{prefix}_sample_hint")
        self.sample_hint.setWordWrap(True)
        self.sample_hint.setProperty("muted", True)
        layout.addWidget(self.sample_hint)

    def _missing_text(self, slot: CheckpointSlot) -> str:
        """Why a slot's model is not there to sample, in a few words."""
        state = self.registry.state(slot.key)
        if state == "loading":
            return "loading model…"
        if state == "failed":
            return f"{slot.file} could not be loaded"
        if not slot.path(self._folder()).is_file():
            return f"not bundled: {slot.file}"
        return "not loaded yet"

    def _may_sample(self, lanes: Sequence[str]) -> bool:
        if not self._may_start(self.TITLE):
            return False
        if not lanes:
            messages.show_error(
                self, self.TITLE, f"No {self.MODELS} model is loaded. " + describe_missing(self.slots(), self._folder(), self.MODELS)
            )
            return False
        return True

    def _submit(self, keys: dict[str, str], initial: np.ndarray, fixed: np.ndarray, nfe: int, seed: int, metadata: dict[str, object]) -> bool:
        """Run every lane in `keys` (lane -> engine key) with its own decoding; False if the engine refused."""
        request = RunRequest(
            run_id=self.engine.new_run_id(),
            lanes=tuple(keys.values()),
            initial=initial,
            fixed=fixed,
            sampler=decoding("vmd", nfe, seed),
            metadata=metadata,
            lane_samplers={key: decoding(lane, nfe, seed) for lane, key in keys.items()},
        )
        return self.model_run.start(request, self.TITLE)

    def _connect_run(self) -> None:
        self.model_run.finished.connect(self._run_finished)
        self.model_run.ended.connect(self._update_actions)

    def _run_finished(self, result: RunResult) -> None:
        if result.cancelled:
            self.statusMessage.emit("Sampling stopped: nothing was counted.", 5000)
        else:
            self._take_samples(result)

    def _show_sampling_state(self, no_model: str, ready: str) -> None:
        """Sample enabled when it can run; the hint says why not (`no_model` when no lane is
        loaded), or `ready` when it can."""
        self.sample_button.setEnabled(not self.running and not self.engine.busy and bool(self.lanes()))
        if self.running:
            hint = "Sampling…"
        elif self.engine.busy:
            hint = "Another run is in progress; sampling is free again once it ends."
        elif not self.lanes():
            hint = no_model
        else:
            hint = ready
        self.sample_hint.setText(hint)
        self.sample_hint.setVisible(bool(hint))
        self.stateChanged.emit()

    def stop(self) -> None:
        self.model_run.stop()

    def shutdown(self) -> None:
        self.stop()
