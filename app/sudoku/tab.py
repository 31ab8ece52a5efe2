"""The Sudoku tab: edit a puzzle, solve it with MDM and/or VMD, watch and step through the solve;
or, in Generate mode (generate_mode.py), let the generation models write whole grids.

Two states: editing (no run shown; the boards show the puzzle, or the generation's start, and
take edits) and viewing (a run, going or done, is shown on the timeline). Changing the puzzle
while viewing discards the run; changing it while a run goes is refused until it is stopped.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import shiboken6
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QMenu, QWidget
from vmdcore.sudoku import PuzzleFormatError, format_line, parse_puzzle
from vmdcore.tasks.sudoku import encode

from .. import checkpoint_folder, export, messages, paths
from ..background import BackgroundRunner
from ..model_run import ModelRegistry, ModelRun
from ..settings import AppSettings
from ..streamed_run import StreamedRun
from ..theme import Theme
from ..timeline import Playback
from ..worker import Engine, ModelSummary, RunRequest, RunResult, SamplerSettings
from .analysis import PuzzleAnalysis, describe, full_analysis, presolve_note, quick_analysis
from .document import PuzzleDocument
from .frame import CELLS, BoardFrame
from .generate_mode import GenerateMode, generation_key, generation_lane
from .generate_panel import MODES
from .generation import clashes_text, generation_verdict
from .record import SolveRecord, verdict
from .side_panel import SidePanel
from .sources import PuzzleSources
from .solve_view import SolveView

log = logging.getLogger(__name__)

TASK = "sudoku"
LANES: dict[str, tuple[str, str]] = {
    "mdm": ("MDM", "baseline masked diffusion"),
    "vmd": ("VMD", "variational, latent z"),
}
CHECKPOINT_FILTER = "VMD checkpoints (*.safetensors);;All files (*)"
# A classic 32-clue puzzle, shown on the very first start.
STARTER = "..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3.."
BOARD_OPTIONS = {"ghosts": "show_ghosts", "conflicts": "show_conflicts", "peers": "highlight_peers", "same_digit": "highlight_same_digit"}


def model_key(lane: str) -> str:
    return f"{TASK}/{lane}"


def lane_of(key: str) -> str | None:
    """The solving lane of an engine key (None for any other key, a generation model's too)."""
    prefix = f"{TASK}/"
    lane = key[len(prefix):] if key.startswith(prefix) else None
    return lane if lane in LANES else None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SudokuTab(QWidget, StreamedRun, GenerateMode):
    statusMessage = Signal(str, int)
    stepTimeChanged = Signal(str)
    settingsChanged = Signal()
    LANE_NAMES = LANES

    def __init__(self, engine: Engine, settings: AppSettings, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sudoku_tab")
        self.engine = engine
        self.theme = theme
        self.document = PuzzleDocument(self)
        self.analysis: PuzzleAnalysis = quick_analysis(np.zeros(CELLS, dtype=np.int8))
        self._background = BackgroundRunner(self)
        self._analysis_serial = 0
        self.playback = Playback(self)
        self.records: dict[str, SolveRecord] = {}
        self.model_run = ModelRun(engine, self)
        self.solve_registry = ModelRegistry(engine, tuple(model_key(lane) for lane in LANES), self)
        self._from_saved: set[str] = set()
        self._engine_ready = False
        self._engine_started = False
        self._init_generation()
        self._checkpoint_paths = {"mdm": settings.checkpoint_mdm, "vmd": settings.checkpoint_vmd}

        self.sources = PuzzleSources(
            self, self.set_puzzle, lambda: self.document.grid, lambda: self.theme, self._background, settings.last_dir
        )
        self._build_actions()
        self._build_ui()
        self._connect()
        self._restore(settings)

    # ------------------------------------------------------------------------------------------
    # construction
    def _action(self, name: str, text: str, slot, keys: str | QKeySequence.StandardKey | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if keys is not None:
            action.setShortcut(QKeySequence(keys))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        if slot is not None:
            action.triggered.connect(slot)
        self.actions_by_name[name] = action
        return action

    def _build_actions(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        K = QKeySequence.StandardKey
        a = self._action
        a("open", "&Open puzzle…", lambda: self.sources.open_dialog(), K.Open, "Open a puzzle file (.txt, .sdk, .sdm, .csv)")
        a("save", "&Save puzzle…", lambda: self.sources.save_dialog(), K.Save, "Save the puzzle as text")
        a("library", "Puzzle &library…", lambda: self.sources.library_dialog(), "Ctrl+L", "Pick a bundled puzzle by difficulty")
        a("generate", "&Generate puzzle…", lambda: self.sources.generate_dialog(), "Ctrl+G", "Generate a new puzzle of a chosen difficulty")
        a("copy", "&Copy puzzle", lambda: self.sources.copy(), K.Copy, "Copy the puzzle as 81 characters")
        a("copy_board", "Copy &shown board", self.copy_board, "Ctrl+Shift+C", "Copy the board shown at this step (first model)")
        a("paste", "&Paste puzzle", lambda: self.sources.paste(), K.Paste, "Read a puzzle from the clipboard")
        a("clear", "C&lear puzzle", self.clear_puzzle, "Ctrl+Shift+Backspace", "Empty the board")
        a("undo", "&Undo", self.undo, "Ctrl+Z").setShortcuts([QKeySequence("Ctrl+Z")])
        a("redo", "&Redo", self.redo).setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        a("solve", "&Solve", self.solve, None, "Run the chosen models on the puzzle").setShortcuts(
            [QKeySequence("Ctrl+Return"), QKeySequence("F5")]
        )
        a("stop", "S&top", self.stop, "Esc", "Stop the running solve after its current step")
        modes = QActionGroup(self)
        for mode, text in (("solve", "Solve &mode"), ("generate", "Ge&nerate mode")):
            action = a(f"mode_{mode}", text, lambda _=False, m=mode: self.set_mode(m), None, MODES[mode][1])
            action.setCheckable(True)
            modes.addAction(action)
        self.actions_by_name["mode_solve"].setChecked(True)
        a("redraw_z_sudoku", "&Redraw z", self.redraw_z, "Ctrl+Shift+R", "Generate again from the same start with a new seed (a new z)")
        a("gallery", "Sample a ga&llery", self.sample_gallery, None, "Sample 8 grids per model from the same start")
        a("make_puzzle", "Make a &puzzle from this grid", self.make_puzzle_from_grid, None, "A unique-solution puzzle from the shown grid")
        a("open_mdm", "Open &MDM checkpoint…", lambda: self.open_checkpoint_dialog("mdm"))
        a("open_vmd", "Open &VMD checkpoint…", lambda: self.open_checkpoint_dialog("vmd"))
        a("bundled", "Use &bundled checkpoints", self.use_bundled_checkpoints)
        # Listed afresh each time it opens: the user may have dropped files in meanwhile.
        self.user_checkpoints_menu = QMenu("&My checkpoints", self)
        self.user_checkpoints_menu.aboutToShow.connect(self.fill_user_checkpoints_menu)
        a("export_json", "Export trace as &JSON…", self.export_json_dialog, "Ctrl+E", "Every step of the solve, with settings")
        a("export_png", "Export view as &PNG…", self.export_png_dialog, "Ctrl+Shift+P")
        a("export_gif", "Export solve as animated &GIF…", self.export_gif_dialog, "Ctrl+Shift+G")
        for name, text, keys in (
            ("ghosts", "Show &ghost guesses", "G"),
            ("conflicts", "Highlight &conflicts", "Ctrl+Shift+K"),
            ("peers", "Highlight row, column and &box", None),
            ("same_digit", "Highlight the &same digit", None),
        ):
            action = a(name, text, None, keys)
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(lambda checked, n=name: self._toggle_option(n, checked))

    def _build_ui(self) -> None:
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(10)
        self.side = SidePanel(self.actions_by_name, LANES, self.theme, self)
        layout.addWidget(self.side)
        self.view = SolveView(LANES, self.playback, self.theme, self)
        layout.addWidget(self.view, 1)
        # Single keys (Space, G) act only while the focus is in the solve view (the boards),
        # so they never steal Space from a focused button or G from a combo box. The timeline's
        # keys are added to the view with the stream (`_connect_stream`).
        for name, action in self.view.timeline.actions_by_name.items():
            self.actions_by_name[f"timeline_{name}"] = action
        ghosts = self.actions_by_name["ghosts"]
        ghosts.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.view.addAction(ghosts)
        # Short names for the widgets other code (and the tests) reach for.
        self.controls = self.side.controls
        self.puzzle_info = self.side.puzzle_info
        self.solve_button = self.side.solve_button
        self.stop_button = self.side.stop_button
        self.option_boxes = self.side.option_boxes
        self.generate_controls = self.side.generate_controls
        self.maker = self.side.maker
        self.gallery = self.view.gallery
        self.legend = self.side.legend
        self.banner = self.view.banner
        self.banner_text = self.view.banner_text

    def _connect(self) -> None:
        self.document.changed.connect(self._document_changed)
        self.sources.statusMessage.connect(self.statusMessage)
        self.sources.generatingChanged.connect(lambda _: self._update_actions())
        stack = self.document.undo_stack
        stack.canUndoChanged.connect(self._undo_state_changed)
        stack.canRedoChanged.connect(self._undo_state_changed)
        self.controls.changed.connect(self._controls_changed)
        self.view.cellEdited.connect(self._cell_edited)
        self.view.openCheckpointRequested.connect(self._banner_open)
        self.engine.ready.connect(self._engine_ready_)
        self.engine.engineFailed.connect(self._engine_failed)
        self.solve_registry.loaded.connect(self._model_loaded)
        self.solve_registry.failed.connect(self._model_failed)
        self._connect_stream(self.solve_button, self.stop_button, self.solve)
        self._connect_generation()

    def _restore(self, s: AppSettings) -> None:
        self.controls.restore(s)
        self.timeline.set_speed(s.speed)
        self.actions_by_name["ghosts"].setChecked(s.show_ghosts)
        self.actions_by_name["conflicts"].setChecked(s.show_conflicts)
        grid = None
        if s.puzzle:
            try:
                grid = parse_puzzle(s.puzzle)
            except PuzzleFormatError:
                log.warning("ignoring the saved puzzle, it does not parse")
        self.document.reset(parse_puzzle(STARTER) if grid is None else grid)
        self.generate_controls.apply(s.generate_start, s.generate_clues, {"mdm": s.generate_temperature_mdm, "vmd": s.generate_temperature_vmd})
        if s.sudoku_mode == "generate":
            self.set_mode("generate")
        self.controls.nfe.setValue(s.nfe)
        if s.splitter:
            self.view.restore_splitter(s.splitter)
        self._update_lane_visibility()
        self._update_actions()

    def store_settings(self, s: AppSettings) -> AppSettings:
        return s.with_(
            **self.controls.stored(),
            puzzle=format_line(self.document.grid),
            speed=self.playback.speed,
            show_ghosts=self.actions_by_name["ghosts"].isChecked(),
            show_conflicts=self.actions_by_name["conflicts"].isChecked(),
            splitter=self.view.splitter_state(),
            checkpoint_mdm=self._checkpoint_paths["mdm"],
            checkpoint_vmd=self._checkpoint_paths["vmd"],
            last_dir=self.sources.last_dir,
            sudoku_mode=self.mode,
            generate_start=self.generate_controls.choice().choice,
            generate_clues=self.generate_controls.clues.value(),
            generate_temperature_mdm=self.generate_controls.temperature("mdm"),
            generate_temperature_vmd=self.generate_controls.temperature("vmd"),
        )

    # ------------------------------------------------------------------------------------------
    # engine and models
    def start_engine(self, checkpoints: dict[str, str] | None = None) -> None:
        """Called once the window is visible: start the worker and load both models.

        `checkpoints` overrides (command line, tests) win over the user's saved choice, which
        wins over the bundled checkpoint."""
        self.engine.start()
        for lane in LANES:
            override = (checkpoints or {}).get(lane)
            saved = self._checkpoint_paths[lane]
            if saved and not override:
                self._from_saved.add(lane)
            chosen = override or saved
            path = chosen or str(paths.bundled_checkpoint(lane, TASK))
            self._load(lane, path, bundled=not chosen, interactive=False)
        self._engine_started = True
        if self.generating:
            self._load_generation_models()

    def _load(self, lane: str, path: str, bundled: bool, interactive: bool) -> None:
        self.solve_registry.load(model_key(lane), path, TASK, lane, bundled, interactive)
        if not self.generating:
            self.lane_views[lane].set_model_text("loading model…", True)
        self._update_actions()

    def load_checkpoint(self, lane: str, path: str) -> None:
        """Load a user-chosen checkpoint; a failure is shown in a message box."""
        if self.engine.busy:
            self.statusMessage.emit("Stop the running solve before changing models.", 5000)
            return
        if self.generating:
            self._load_generation(lane, path, bundled=False, interactive=True)
            return
        self._load(lane, path, bundled=False, interactive=True)

    def open_checkpoint_dialog(self, lane: str) -> None:
        title = LANES[lane][0]
        path, _ = QFileDialog.getOpenFileName(self, f"Open {title} checkpoint", self.sources.last_dir, CHECKPOINT_FILTER)
        if path:
            self.sources.last_dir = str(Path(path).parent)
            self.load_checkpoint(lane, path)

    def fill_user_checkpoints_menu(self) -> list[checkpoint_folder.FolderEntry]:
        """The Sudoku checkpoints in the user's folder; each loads into the lane of its kind."""
        return checkpoint_folder.fill_menu(
            self.user_checkpoints_menu, paths.user_checkpoint_dir(), TASK,
            lambda entry: self.load_checkpoint(entry.info.kind, str(entry.path)),
        )

    def use_bundled_checkpoints(self) -> None:
        if self.generating:
            self._load_generation_models(again=True)
            return
        for lane in LANES:
            self._checkpoint_paths[lane] = ""
            self._load(lane, str(paths.bundled_checkpoint(lane, TASK)), bundled=True, interactive=True)

    def _banner_open(self) -> None:
        missing = [lane for lane in LANES if lane not in self._lane_models()]
        if missing:
            self.open_checkpoint_dialog(missing[0])

    def _engine_ready_(self, info) -> None:
        self._engine_ready = True
        self.controls.set_strategies(info.strategies)
        self._update_actions()

    def _engine_failed(self, message: str) -> None:
        self.view.show_banner(_escape(message), None)
        messages.show_error(self, "Model engine", message)

    @property
    def models(self) -> dict[str, ModelSummary]:
        """The solving models loaded, by lane."""
        return self.solve_registry.by_name({lane: model_key(lane) for lane in LANES})

    @property
    def model_errors(self) -> dict[str, str]:
        """Why a solving lane has no model (a failed pick beside a loaded model is not listed)."""
        errors = self.solve_registry.errors_by_name({lane: model_key(lane) for lane in LANES})
        return {lane: error for lane, error in errors.items() if lane not in self.models}

    def _lane_models(self) -> dict[str, ModelSummary]:
        """The models of the mode shown (solving or generation), by lane."""
        return self.generation_models() if self.generating else self.models

    def _lane_errors(self) -> dict[str, str]:
        return self.generation_errors() if self.generating else self.model_errors

    def _show_model_text(self, lane: str) -> None:
        view = self.lane_views[lane]
        registry = self.generation_registry if self.generating else self.solve_registry
        if registry.state(self._lane_key(lane)) == "loading":
            view.set_model_text("loading model…", True)
        else:
            view.show_model(self._lane_models().get(lane), error=self._lane_errors().get(lane, ""))

    def _model_loaded(self, summary: ModelSummary) -> None:
        lane = lane_of(summary.key)
        if lane is None:
            return
        self._from_saved.discard(lane)
        if self.solve_registry.interactive(summary.key) and not summary.bundled:
            # Only a checkpoint the user picked is remembered, not a command-line override.
            self._checkpoint_paths[lane] = summary.path
        self._show_model_text(lane)
        self._show_puzzle()
        self.statusMessage.emit(f"{LANES[lane][0]} model loaded: {summary.name}", 4000)
        self._update_banner()
        self._update_actions()
        self.settingsChanged.emit()

    def _model_failed(self, key: str, message: str) -> None:
        lane = lane_of(key)
        if lane is None:
            return
        title = LANES[lane][0]
        if self.solve_registry.interactive(key):
            messages.show_error(self, f"Could not open the {title} checkpoint", message)
            if lane in self.models:
                self._show_model_text(lane)
                self._update_actions()
                return
        log.warning("%s model not loaded: %s", title, message)
        if lane in self._from_saved:
            # The checkpoint the user picked last time is gone or broken: fall back to the bundled one.
            self._from_saved.discard(lane)
            self._checkpoint_paths[lane] = ""
            self.solve_registry.errors.pop(key, None)
            self.statusMessage.emit(f"{title}: {message}; using the bundled checkpoint instead.", 8000)
            self._load(lane, str(paths.bundled_checkpoint(lane, TASK)), bundled=True, interactive=False)
            return
        self._show_model_text(lane)
        self._show_puzzle()
        self.statusMessage.emit(f"{title}: {message}", 8000)
        self._update_banner()
        self._update_actions()

    def _update_banner(self) -> None:
        models, errors = self._lane_models(), self._lane_errors()
        missing = [lane for lane in LANES if lane not in models and lane in errors]
        if not missing:
            self.view.hide_banner()
            return
        noun = " generation" if self.generating else ""
        lines = [f"<b>No {LANES[lane][0]}{noun} model.</b> {_escape(errors[lane])}" for lane in missing]
        menu_hint = " or ".join(f"Model ▸ Open {LANES[lane][0]} checkpoint…" for lane in missing)
        lines.append(f"Open a checkpoint with {menu_hint}.")
        self.view.show_banner("<br>".join(lines), f"Open {LANES[missing[0]][0]} checkpoint…")

    # ------------------------------------------------------------------------------------------
    # puzzle editing
    @property
    def running(self) -> bool:
        return self.model_run.running or self.gallery_run.running

    @property
    def RUN_NOUN(self) -> str:  # noqa: N802 - StreamedRun's name
        return "generation" if self.generating else "solve"

    def _may_edit(self) -> bool:
        """Edits are refused while a run goes and discard a finished run."""
        if self.running:
            self.statusMessage.emit(f"A {self.RUN_NOUN} is running: stop it (Esc) before changing the puzzle.", 5000)
            return False
        if self.viewing:
            self._leave_run()
            self.statusMessage.emit(f"Puzzle changed: the {self.RUN_NOUN} was discarded.", 4000)
        return True

    def _cell_edited(self, cell: int, digit: int) -> None:
        if self.analysis.grid[cell] == digit and not self.viewing:
            return
        if not self._may_edit():
            return
        if self.generating and self.generate_controls.choice().choice != "board":
            # Typing starts from what the board shows: the empty grid or the random clues.
            grid = self.analysis.grid.copy()
            grid[cell] = digit
            self.document.replace(grid, "Edit the start")
            return
        self.document.set_cell(cell, digit)

    def set_puzzle(self, grid: np.ndarray, text: str = "Load puzzle", name: str = "") -> bool:
        if not self._may_edit():
            return False
        self.document.replace(grid, text, name)
        return True

    def open_puzzle(self, grid: np.ndarray, name: str, lane: str, sampler: SamplerSettings, checkpoint: str = "") -> bool:
        """Show `grid` in Solve mode, ready to solve with `lane`'s model alone and these decoding
        settings, that model loaded from `checkpoint` when given (the Evaluate tab's failed
        puzzles). False, said why, while a run goes."""
        if not self.set_mode("solve") or not self.set_puzzle(grid, "Open puzzle", name):
            return False
        self.controls.apply(lane, sampler.strategy, sampler.nfe, sampler.temperature, sampler.seed, sampler.latent_mode)
        if checkpoint and self.solve_registry.paths.get(model_key(lane)) != checkpoint:
            bundled = Path(checkpoint) == paths.bundled_checkpoint(lane, TASK)
            if bundled:
                self._checkpoint_paths[lane] = ""
            self._load(lane, checkpoint, bundled=bundled, interactive=True)
        self.statusMessage.emit(f"{name}: press Solve to run {LANES[lane][0]} with {sampler.strategy}, NFE {sampler.nfe}, "
                                f"seed {sampler.seed}.", 8000)
        return True

    def undo(self) -> None:
        if self.document.undo_stack.canUndo() and self._may_edit():
            self.document.undo_stack.undo()

    def redo(self) -> None:
        if self.document.undo_stack.canRedo() and self._may_edit():
            self.document.undo_stack.redo()

    def clear_puzzle(self) -> None:
        self.set_puzzle(np.zeros(CELLS, dtype=np.int8), "Clear puzzle")

    def copy_board(self) -> None:
        """Copy what the first board shows at the current step (the puzzle when editing)."""
        record = next(iter(self.records.values()), None)
        grid = record.digits_at(self.playback.position) if record else self.document.grid
        QGuiApplication.clipboard().setText(format_line(grid))
        self.statusMessage.emit(f"Board at step {self.playback.position} copied.", 3000)

    def _document_changed(self) -> None:
        self.settingsChanged.emit()
        if self.generating:
            self.generate_controls.set_start("board")
        self._board_changed()

    def _board_changed(self) -> None:
        """The grid the boards start from changed (the puzzle, the generation's start, the mode)."""
        grid = self._start_grid()
        self._start_moved(grid)
        self.analysis = quick_analysis(grid)
        self.controls.set_max_nfe(self.analysis.empty)
        self._show_puzzle()
        self._describe_puzzle()
        self._update_actions()
        # Counting solutions can take a moment on odd puzzles: off the GUI thread, newest wins.
        self._analysis_serial += 1
        serial = self._analysis_serial
        self._background.submit(lambda: full_analysis(grid), lambda result: self._analysis_done(serial, result), self._analysis_failed)

    def _analysis_done(self, serial: int, result: PuzzleAnalysis) -> None:
        if serial != self._analysis_serial:
            return
        self.analysis = result
        self._describe_puzzle()
        for record in self.records.values():
            if not self.generating and record.solution is None and result.solution is not None and np.array_equal(record.puzzle, result.grid):
                record.solution = result.solution
        self._show_position(self.playback.position)

    def _analysis_failed(self, exc: Exception) -> None:
        log.error("puzzle analysis failed: %s", exc)
        self.puzzle_info.setText(f"Could not analyse the puzzle: {_escape(str(exc))}")

    def _describe_puzzle(self) -> None:
        self.puzzle_info.setText(describe(self.analysis, self._start_name(), self.theme.conflict, self.theme.ok, self.generating))

    # ------------------------------------------------------------------------------------------
    # solving
    def _ready_lanes(self, title: str) -> tuple[str, ...] | None:
        """The chosen lanes when a run may start from the shown board; otherwise None, said why."""
        if self.running:
            return None
        lanes = self.controls.lanes()
        models = self._lane_models()
        missing = [LANES[lane][0] for lane in lanes if lane not in models]
        if missing:
            names = " and ".join(missing)
            errors = self._lane_errors()
            detail = "; ".join(errors.get(lane, "still loading") for lane in lanes if lane not in models)
            noun = " generation" if self.generating else ""
            messages.show_error(self, title, f"No {names}{noun} model is loaded ({detail}).\nOpen a checkpoint from the Model menu.")
            return None
        if not np.count_nonzero(self._start_grid() == 0):
            self.statusMessage.emit(f"The board is full: there is nothing to {'generate' if self.generating else 'solve'}.", 4000)
            return None
        return lanes

    def _request(self, lanes: tuple[str, ...], grid: np.ndarray, batch: int = 1) -> RunRequest:
        """A run of `lanes` from `grid` (`batch` copies of it) with the chosen decoding."""
        settings = self.controls.settings()
        sampler = SamplerSettings(**{**settings.as_dict(), "nfe": min(settings.nfe, int(np.count_nonzero(grid == 0)))})
        tokens, fixed = encode(np.repeat(grid[None, :], batch, axis=0))
        keys = {lane: self._lane_key(lane) for lane in lanes}
        return RunRequest(
            run_id=self.engine.new_run_id(),
            lanes=tuple(keys.values()),
            initial=tokens,
            fixed=fixed,
            sampler=sampler,
            metadata={"task": TASK, "puzzle": format_line(grid), "mode": self.mode},
            lane_samplers=self._generation_samplers(keys, sampler),
        )

    def solve(self) -> None:
        """Run the chosen models from the shown board: solve the puzzle, or generate from the start."""
        title = "Generate" if self.generating else "Solve"
        lanes = self._ready_lanes(title)
        if lanes is None:
            return
        grid = self._start_grid()
        request = self._request(lanes, grid)
        solution = self.analysis.solution if not self.generating and self.analysis.same_grid(grid) else None
        self._leave_run()
        self.view.show_page(gallery=False)
        self.records = {lane: SolveRecord(lane, grid, solution) for lane in lanes}
        self._update_lane_visibility()
        if not self._start_stream(request, request.sampler.nfe, title):
            return
        verb = "Generating" if self.generating else "Solving"
        note = presolve_note(self.analysis, self.generating) if self.analysis.same_grid(grid) else ""
        if note:
            log.info("%s: %s", verb, note)
        message = f"{verb} with {' and '.join(LANES[lane][0] for lane in lanes)} in {request.sampler.nfe} steps…"
        self.statusMessage.emit(f"{message} {note}".strip(), 0)
        self._update_actions()

    def _lane_key(self, lane: str) -> str:
        return generation_key(lane) if self.generating else model_key(lane)

    def _key_lane(self, key: str) -> str | None:
        return generation_lane(key, tuple(LANES)) if self.generating else lane_of(key)

    def _extent(self, step: Any) -> tuple[int, int]:
        return min(len(r) for r in self.records.values()), int(step.total)

    def _done_message(self, result: RunResult, total: int) -> tuple[str, int]:
        verdicts = []
        for lane, record in self.records.items():
            outcome = record.outcome_at(total)
            if self.generating:
                verdicts.append(f"{LANES[lane][0]} {clashes_text(outcome.conflicts) if outcome.conflicts else 'valid grid'}")
            else:
                verdicts.append(f"{LANES[lane][0]} {'solved' if outcome.solved else f'{outcome.conflicts} conflicting cells'}")
        return f"Done in {total} steps ({result.seconds:.2f} s): " + ", ".join(verdicts) + ".", 8000

    def _leave_run(self) -> None:
        self._clear_stream()
        self._unpin()
        self._update_lane_visibility()
        self._show_puzzle()

    # ------------------------------------------------------------------------------------------
    # display
    def _show_puzzle(self) -> None:
        if self.viewing:
            return
        frame = BoardFrame.from_puzzle(self.analysis.grid, self.analysis.conflicts)
        models, errors = self._lane_models(), self._lane_errors()
        for lane, view in self.lane_views.items():
            if self._show_pinned(lane):
                continue
            view.board.set_frame(frame)
            if lane in models:
                button = "Generate" if self.generating else "Solve"
                hint = f"ready: press {button} (Ctrl+Enter)" if self.analysis.empty else "the board is full"
            else:
                hint = "no model loaded" if lane in errors else "loading model…"
            view.set_verdict(hint, "hint")

    def _show_position(self, position: int) -> None:
        if self.viewing and self._pins and position != self._pin_position:
            self._unpin()
        StreamedRun._show_position(self, position)

    def _show_lane(self, lane: str, record: SolveRecord, position: int, final: bool) -> None:
        if self._show_pinned(lane):
            return
        judge = generation_verdict if self.generating else verdict
        view = self.lane_views[lane]
        view.board.set_frame(record.frame_at(position))
        view.set_verdict(*judge(record.outcome_at(position), final))

    def _update_lane_visibility(self) -> None:
        shown = tuple(self.records) if self.viewing else self.controls.lanes()
        self.view.show_lanes(shown + tuple(lane for lane in self._pins if lane not in shown))
        self.view.refresh_plot(self.records)

    def focus_board(self) -> None:
        self.view.focus_board()

    def _toggle_option(self, name: str, checked: bool) -> None:
        for view in self.lane_views.values():
            view.board.set_option(BOARD_OPTIONS[name], checked)
        self.settingsChanged.emit()

    def _controls_changed(self) -> None:
        self.settingsChanged.emit()
        if not self.viewing:
            self._update_lane_visibility()
        self._update_actions()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.view.set_theme(theme)
        self.side.set_theme(theme)
        self._describe_puzzle()
        self._show_position(self.playback.position)

    def _undo_state_changed(self, *_: object) -> None:
        # QUndoStack's destructor clears the stack and signals it while the tab is torn down.
        if shiboken6.isValid(self.document.undo_stack):
            self._update_actions()

    def _update_actions(self) -> None:
        running = self.running
        lanes = self.controls.lanes()
        models = self._lane_models()
        can_solve = (
            not running and not self.making_puzzle and self._engine_ready and all(lane in models for lane in lanes) and self.analysis.empty > 0
        )
        self.solve_button.setEnabled(can_solve)
        self.actions_by_name["solve"].setEnabled(can_solve)
        self.stop_button.setEnabled(running)
        self.actions_by_name["stop"].setEnabled(running)
        self.controls.setEnabled(not running)
        for rows in self.generate_controls.rows():
            rows.setEnabled(not running)
        self.side.mode_switch.setEnabled(not running and not self.making_puzzle)
        for name in ("mode_solve", "mode_generate"):
            self.actions_by_name[name].setEnabled(not running and not self.making_puzzle)
        buttons = self.side.generate_buttons
        for name, button in (("redraw_z_sudoku", buttons.redraw), ("gallery", buttons.gallery)):
            button.setEnabled(can_solve and self.generating)
            self.actions_by_name[name].setEnabled(can_solve and self.generating)
        can_make = self.generating and not running and not self.making_puzzle
        self.maker.button.setEnabled(can_make)
        self.actions_by_name["make_puzzle"].setEnabled(can_make)
        editing_ok = not running and not self.sources.generating
        for name in ("open", "library", "generate", "paste", "clear"):
            self.actions_by_name[name].setEnabled(editing_ok)
        self.actions_by_name["undo"].setEnabled(editing_ok and self.document.undo_stack.canUndo())
        self.actions_by_name["redo"].setEnabled(editing_ok and self.document.undo_stack.canRedo())
        done = self.viewing and not running
        for name in ("export_json", "export_gif"):
            self.actions_by_name[name].setEnabled(done)
        for name in ("open_mdm", "open_vmd", "bundled"):
            self.actions_by_name[name].setEnabled(not running)
        if not running and not self.solve_registry.pending and self._engine_ready:
            missing = [LANES[lane][0] for lane in lanes if lane not in models]
            button = "Generate" if self.generating else "Solve"
            self.solve_button.setToolTip(f"Load a {' and '.join(missing)} model first (Model menu)" if missing else f"{button} (Ctrl+Enter)")

    # ------------------------------------------------------------------------------------------
    # export
    def traces(self) -> dict[str, object]:
        return {lane: r.trace for lane, r in self.records.items() if r.trace is not None}

    def export_json(self, path: str | Path) -> Path:
        traces = self.traces()
        if self.running or not traces:
            raise export.ExportError("Finish or stop a solve first: there is no complete trace to export.")
        start = next(iter(self.records.values())).puzzle
        return export.write_json(export.traces_payload(traces, {"puzzle": format_line(start), "mode": self.mode}), path)

    def _export_dialog(self, title: str, default: str, file_filter: str, writer) -> None:
        written = export.ask_and_write(self, title, default, file_filter, writer, self.sources.last_dir,
                                       lambda folder: setattr(self.sources, "last_dir", folder))
        if written:
            self.statusMessage.emit(f"Wrote {written}", 5000)

    def export_json_dialog(self) -> None:
        self._export_dialog("Export trace", "sudoku-trace.json", "JSON (*.json)", self.export_json)

    def export_png_dialog(self) -> None:
        self._export_dialog("Export view", "sudoku-view.png", "PNG image (*.png)", self.export_png)

    def export_gif_dialog(self) -> None:
        self._export_dialog("Export animation", "sudoku-solve.gif", "Animated GIF (*.gif)", self.export_gif)

    # ------------------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Before the window closes: stop playback and any run, wait for background jobs."""
        StreamedRun.shutdown(self)
        self._background.wait()

    def minimumSizeHint(self) -> QSize:
        return QSize(900, 560)

