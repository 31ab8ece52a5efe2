"""Generate mode of the Sudoku tab, mixed into SudokuTab: the generation checkpoints (their own
engine keys, loaded the first time the mode is shown), where a generation starts, each model's
decoding, Redraw z, the gallery (one batched run, 8 samples per model) and making a puzzle from
a generated grid off the GUI thread.

The streamed run itself (steps, timeline, verdicts) is the tab's own: `solve()` runs whichever
mode is shown, reading the hooks below. The gallery is a run of its own (`gallery_run`, a
ModelRun beside the tab's `model_run`).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
from vmdcore.sudoku import GeneratedPuzzle, GenerationError, conflicting_cells
from vmdcore.tasks.sudoku import decode

from .. import messages, paths
from ..model_run import ModelRegistry, ModelRun
from ..worker import ModelSummary, RunResult, SamplerSettings
from .frame import CELLS, BoardFrame
from .generation import GALLERY_SIZE, checkpoint_kind, grid_problem, grid_verdict, make_puzzle

TASK = "sudoku"
GENERATE = "generate"
SOLVE = "solve"


def generation_key(lane: str) -> str:
    return f"{TASK}/{checkpoint_kind(lane)}"


def generation_lane(key: str, lanes: Sequence[str]) -> str | None:
    return next((lane for lane in lanes if generation_key(lane) == key), None)


class GenerateMode:
    """The host (SudokuTab) has the engine, `LANE_NAMES`, the side panel's widgets
    (`controls`, `generate_controls`, `maker`, `side`), `view`, `lane_views`, `playback`,
    `records`, `document`, `analysis`, `_background`, the statusMessage / settingsChanged
    signals, and the methods called below (`solve`, `set_puzzle`, `_leave_run`, `_board_changed`,
    `_show_model_text`, `_update_banner`, `_update_actions`, `_show_puzzle`, `_show_position`,
    `_update_lane_visibility`, `_ready_lanes`, `_request`)."""

    def _init_generation(self) -> None:
        self.mode = SOLVE
        self.generation_registry = ModelRegistry(self.engine, (f"{TASK}/gen-",), self)
        self._generation_requested = False
        self.gallery_run = ModelRun(self.engine, self)
        self._gallery_start = np.zeros(CELLS, dtype=np.int8)
        self._pins: dict[str, int] = {}
        self._pin_position = 0
        self.making_puzzle = False

    def _connect_generation(self) -> None:
        self.side.mode_switch.modeChanged.connect(self.set_mode)
        self.generate_controls.changed.connect(self._generation_start_changed)
        self.side.generate_buttons.redraw.clicked.connect(self.redraw_z)
        self.side.generate_buttons.gallery.clicked.connect(self.sample_gallery)
        self.maker.button.clicked.connect(self.make_puzzle_from_grid)
        self.view.gallery.picked.connect(self.pick_sample)
        self.generation_registry.changed.connect(self._generation_models_changed)
        self.generation_registry.failed.connect(self._generation_model_failed)
        self.gallery_run.stepped.connect(self._gallery_step)
        self.gallery_run.finished.connect(self._gallery_finished)
        self.gallery_run.ended.connect(self._update_actions)

    @property
    def generating(self) -> bool:
        return self.mode == GENERATE

    # -- the mode --------------------------------------------------------------------------------
    def set_mode(self, mode: str) -> bool:
        """Solve or Generate; refused (False) while a run goes."""
        if mode == self.mode:
            self.side.set_mode(mode)
            return True
        if self.running:
            self.side.set_mode(self.mode)
            self.statusMessage.emit(f"A {self.RUN_NOUN} is running: stop it (Esc) before switching.", 5000)
            return False
        self._leave_run()
        self.mode = mode
        self.side.set_mode(mode)
        self.view.set_mode(self.generating)
        self.actions_by_name[f"mode_{mode}"].setChecked(True)
        solve = self.actions_by_name["solve"]
        solve.setText("&Generate" if self.generating else "&Solve")
        solve.setToolTip("Run the chosen models from the chosen start" if self.generating else "Run the chosen models on the puzzle")
        if self.generating and self._engine_started:
            self._load_generation_models()
        for lane in self.LANE_NAMES:
            self._show_model_text(lane)
        self._board_changed()
        self._update_banner()
        self.settingsChanged.emit()
        return True

    # -- models ----------------------------------------------------------------------------------
    def _load_generation_models(self, again: bool = False) -> None:
        """The bundled generation checkpoints, asked for once (again: reload them)."""
        if self._generation_requested and not again:
            return
        self._generation_requested = True
        for lane in self.LANE_NAMES:
            self._load_generation(lane, str(paths.bundled_checkpoint(checkpoint_kind(lane), TASK)), bundled=True, interactive=False)

    def _load_generation(self, lane: str, path: str, bundled: bool, interactive: bool) -> None:
        self.generation_registry.load(generation_key(lane), path, TASK, lane, bundled, interactive)

    def generation_models(self) -> dict[str, ModelSummary]:
        return self.generation_registry.by_name({lane: generation_key(lane) for lane in self.LANE_NAMES})

    def generation_errors(self) -> dict[str, str]:
        return self.generation_registry.errors_by_name({lane: generation_key(lane) for lane in self.LANE_NAMES})

    def _generation_models_changed(self) -> None:
        if not self.generating:
            return
        for lane in self.LANE_NAMES:
            self._show_model_text(lane)
        self._show_puzzle()
        self._update_banner()
        self._update_actions()

    def _generation_model_failed(self, key: str, message: str) -> None:
        lane = generation_lane(key, tuple(self.LANE_NAMES))
        if lane is not None and self.generation_registry.interactive(key):
            messages.show_error(self, f"Could not open the {self.LANE_NAMES[lane][0]} generation checkpoint", message)

    # -- where a run starts and how each model decodes ------------------------------------------
    def _start_grid(self) -> np.ndarray:
        """What the boards start from: the puzzle when solving, the chosen start when generating."""
        if self.generating:
            return self.generate_controls.choice().grid(self.document.grid)
        return self.document.grid

    def _start_name(self) -> str:
        start = self.generate_controls.choice()
        if not self.generating or start.choice == "board":
            return self.document.name
        return f"{start.clues} random clues" if start.choice == "random" else ""

    def _generation_samplers(self, keys: dict[str, str], sampler: SamplerSettings) -> dict[str, SamplerSettings]:
        """Each model at its own temperature (the shared controls give the rest)."""
        if not self.generating:
            return {}
        temperature = self.generate_controls.temperature
        return {key: SamplerSettings(**{**sampler.as_dict(), "temperature": temperature(lane)}) for lane, key in keys.items()}

    def _generation_start_changed(self) -> None:
        """A new start discards the run made from another; a temperature does not."""
        self.settingsChanged.emit()
        if not self.generating:
            return
        start = self._start_grid()
        shown = next(iter(self.records.values()), None)
        if shown is not None and not self.running and not np.array_equal(shown.puzzle, start):
            self._leave_run()
        if not self.analysis.same_grid(start):
            self._board_changed()

    def _start_moved(self, start: np.ndarray) -> None:
        """The boards start from `start` now: a gallery sampled from another start goes."""
        self._unpin()
        if self.generating and not np.array_equal(start, self._gallery_start):
            self.view.gallery.clear()

    def redraw_z(self) -> None:
        """Run again from the same start with a new seed: a new z for the VMD, new draws for the MDM."""
        if self.running or not self.generating:
            return
        seed = self.controls.seed.value()
        while seed == self.controls.seed.value():
            seed = random.randint(0, 99999)
        self.controls.seed.setValue(seed)
        self.solve()

    # -- the gallery -----------------------------------------------------------------------------
    def sample_gallery(self) -> None:
        lanes = self._ready_lanes("Gallery")
        if lanes is None:
            return
        start = self._start_grid()
        request = self._request(lanes, start, GALLERY_SIZE)
        if not self.gallery_run.start(request, "Gallery", "Gallery failed"):
            return
        self._gallery_start = start
        self._unpin()
        self.statusMessage.emit(f"Sampling {GALLERY_SIZE} grids per model in {request.sampler.nfe} steps…", 0)
        self._update_actions()

    def _gallery_step(self, key: str, step) -> None:
        self.statusMessage.emit(f"Sampling {GALLERY_SIZE} grids per model: step {step.index} / {step.total}…", 0)

    def _gallery_finished(self, result: RunResult) -> None:
        if result.cancelled:
            self.statusMessage.emit("Gallery stopped: nothing was shown.", 5000)
            return
        self.view.gallery.clear()
        lines = []
        for lane in self.LANE_NAMES:
            trace = result.traces.get(generation_key(lane))
            if trace is not None:
                lines.append(self.view.gallery.show_samples(lane, self._gallery_start, decode(trace.final)))
        self.view.show_page(gallery=True)
        self.statusMessage.emit(f"Gallery in {result.seconds:.1f} s: {' · '.join(lines)}.", 8000)

    def pick_sample(self, lane: str, index: int) -> None:
        """Show a gallery grid on its model's large board (until the timeline moves)."""
        self.playback.pause()
        self._pins[lane] = index
        self._pin_position = self.playback.position
        self.view.gallery.mark(self._pins)
        self.maker.set_lane(lane)
        self._update_lane_visibility()
        if self.viewing:
            self._show_position(self.playback.position)
        else:
            self._show_puzzle()

    def _pinned(self, lane: str) -> tuple[BoardFrame, tuple[str, str]] | None:
        """The gallery grid shown on `lane`'s board and its verdict, if one is."""
        index = self._pins.get(lane)
        samples = self.view.gallery.samples.get(lane)
        if index is None or samples is None:
            return None
        grid = samples[index]
        text, tone = grid_verdict(grid)
        return BoardFrame.generated(self._gallery_start, grid, conflicting_cells(grid)), (f"Gallery #{index + 1}: {text}", tone)

    def _show_pinned(self, lane: str) -> bool:
        pinned = self._pinned(lane)
        if pinned is not None:
            view = self.lane_views[lane]
            view.board.set_frame(pinned[0])
            view.set_verdict(*pinned[1])
        return pinned is not None

    def _unpin(self) -> None:
        self._pins = {}
        self.view.gallery.mark(self._pins)

    # -- a puzzle from a generated grid ----------------------------------------------------------
    def make_puzzle_from_grid(self) -> None:
        """Remove clues from the chosen lane's shown grid down to a unique-solution puzzle of the
        chosen difficulty (off the GUI thread), then solve it."""
        if self.running or self.making_puzzle:
            return
        lane = self.maker.lane()
        title = self.LANE_NAMES[lane][0]
        view = self.lane_views[lane]
        grid = view.board.frame.digits.copy()
        problem = "the board is hidden: choose it under Models" if view.isHidden() else grid_problem(grid)
        if problem is not None:
            messages.show_error(
                self, "Make a puzzle",
                f"The {title} board does not show a valid grid ({problem}).\n"
                "Generate until it says ✓ Valid grid, or click a gallery grid marked ✓, then try again.",
            )
            return
        difficulty, symmetric = self.maker.choice()
        seed = self.controls.seed.value()
        self.making_puzzle = True
        self._update_actions()
        level = difficulty.label if difficulty else "minimal"
        self.statusMessage.emit(f"Making a {level} puzzle from the {title} grid…", 0)
        self._background.submit(
            lambda: make_puzzle(grid, difficulty, symmetric, seed), lambda made: self._puzzle_made(made, title), self._puzzle_failed
        )

    def _puzzle_made(self, made: GeneratedPuzzle, title: str) -> None:
        self.making_puzzle = False
        level = made.difficulty.label
        if self.set_mode(SOLVE) and self.set_puzzle(made.puzzle, "Puzzle from a generated grid", f"from the {title} grid ({level})"):
            self.statusMessage.emit(
                f"A {level} puzzle with {made.clues} clues; its only solution is the {title} grid. "
                "Save it with File ▸ Save puzzle… (Ctrl+S).", 10000,
            )
        self._update_actions()

    def _puzzle_failed(self, exc: Exception) -> None:
        self.making_puzzle = False
        self._update_actions()
        self.statusMessage.emit("", 0)
        text = str(exc) if isinstance(exc, (GenerationError, ValueError)) else f"{type(exc).__name__}: {exc}"
        messages.show_error(self, "Make a puzzle", text)
