"""The Text tab: three pages on one engine.

- Generate: a prompt continued by the block MDM, the block VMD and/or the AR reference,
  animated step by step on the shared timeline (generation.py).
- Phrase pairs: answers of two or three dependent words, joint outcomes as bar charts
  (phrase_page.py).
- 2-token dependency: joint histograms of sampled pairs (dependency_page.py).
- Results: the figures recorded in the loaded checkpoints, word rate by steps per block
  (results_page.py).

The pages (and pyqtgraph with them) are built the first time the tab is shown, and the text
models load then, so the window's start-up and the Sudoku models are not kept waiting. Every
time the tab is shown it looks for checkpoints that have appeared since.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from .. import export, paths
from ..model_run import ModelRegistry
from ..settings import AppSettings
from ..theme import Theme
from ..worker import Engine
from .catalog import ALL_SLOTS, CheckpointSlot

log = logging.getLogger(__name__)

PAGES = (("generate", "Generate"), ("phrases", "Phrase pairs"), ("pairs", "2-token dependency"), ("results", "Results"))


class TextTab(QWidget):
    statusMessage = Signal(str, int)
    stepTimeChanged = Signal(str)
    settingsChanged = Signal()

    def __init__(
        self,
        engine: Engine,
        settings: AppSettings,
        theme: Theme,
        parent: QWidget | None = None,
        checkpoint_dir: Callable[[], Path] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("text_tab")
        self.engine = engine
        self.theme = theme
        self._settings = settings
        self._folder = checkpoint_dir or paths.checkpoint_dir
        self.registry = ModelRegistry(engine, ("text/", "phrases/", "synthetic/"), self)
        self.generation = None
        self.phrases = None
        self.dependency = None
        self.results = None
        self.pages: QTabWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._placeholder = QLabel("The Text tab is prepared when it is first shown.", self)
        self._layout.addWidget(self._placeholder)
        self._build_actions()
        self.registry.failed.connect(self._load_failed)

    # ------------------------------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}

        def add(name: str, text: str, slot, keys: str | None = None, tip: str = "") -> QAction:
            action = QAction(text, self)
            action.setObjectName(name)
            if keys:
                action.setShortcut(QKeySequence(keys))
            if tip:
                action.setToolTip(tip)
                action.setStatusTip(tip)
            action.triggered.connect(slot)
            self.actions_by_name[name] = action
            return action

        add("generate_text", "&Generate text", lambda: self._on_page("generate", lambda p: p.generate()), "Ctrl+R",
            "Continue the prompt with the chosen models, step by step")
        # Esc is also the Sudoku tab's Stop; only one run can go at a time, so only one is enabled.
        add("stop_text", "S&top generating", self.stop, "Esc", "Stop the running text run after its current step")
        add("sample_phrases", "Sample &phrase answers", lambda: self._on_page("phrases", lambda p: p.sample()), None,
            "Sample answers to the phrase prompt from MDM and VMD")
        add("redraw_z", "&Redraw z", lambda: self._on_page("phrases", lambda p: p.redraw_z()), None,
            "One VMD answer with a new latent z")
        add("sample_pairs", "Sample 2-token p&airs", lambda: self._on_page("pairs", lambda p: p.sample()), None,
            "Sample pairs from the synthetic MDM and VMD")
        add("copy_text", "&Copy generated text", lambda: self._on_page("generate", lambda p: p.copy_text()), None,
            "Copy the text shown at this step")
        add("export_text_json", "Export text trace as &JSON…", self.export_json_dialog, None,
            "Every step of the generation, with settings")
        add("export_text_png", "Export text view as P&NG…", self.export_png_dialog, None,
            "The Generate page's lanes, plot and timeline as shown")
        add("export_text_gif", "Export generation as animated G&IF…", self.export_gif_dialog, None,
            "Every step of the generation, one frame a step")
        add("reload_text", "Re&load text checkpoints", self.reload_checkpoints, None,
            "Load the text, phrase and pair checkpoints again (for instance after training new ones)")
        for name in ("stop_text", "export_text_json", "export_text_gif"):
            self.actions_by_name[name].setEnabled(False)

    @property
    def built(self) -> bool:
        return self.pages is not None

    def ensure_built(self) -> None:
        if self.built:
            return
        # Imported here: the pages pull in pyqtgraph, which the window does not need to start.
        from .dependency_page import DependencyPage
        from .generation import GenerationPage
        from .phrase_page import PhrasePage
        from .results_page import ResultsPage

        self._placeholder.hide()
        self.pages = QTabWidget(self)
        self.pages.setObjectName("text_pages")
        self.pages.setDocumentMode(True)
        args = (self.engine, self.registry, self._folder, self._settings, self.theme)
        self.generation = GenerationPage(*args, self.pages)
        self.phrases = PhrasePage(*args, self.pages)
        self.dependency = DependencyPage(*args, self.pages)
        self.results = ResultsPage(*args, self.pages)
        for (name, title), page in zip(PAGES, self._pages()):
            self.pages.addTab(page, title)
            page.statusMessage.connect(self.statusMessage)
            page.settingsChanged.connect(self.settingsChanged)
            page.stateChanged.connect(self._update_actions)
            page.reloadRequested.connect(self.reload_checkpoints)
        self.generation.stepTimeChanged.connect(self.stepTimeChanged)
        self._layout.addWidget(self.pages)
        self.scan_checkpoints()
        self._update_actions()

    def page(self, name: str):
        self.ensure_built()
        return dict(zip((name for name, _ in PAGES), self._pages()))[name]

    def _pages(self) -> tuple:
        return (self.generation, self.phrases, self.dependency, self.results)

    def show_page(self, name: str) -> None:
        page = self.page(name)
        self.pages.setCurrentWidget(page)

    def _on_page(self, name: str, act: Callable) -> None:
        self._bring_forward()
        self.show_page(name)
        act(self.page(name))

    def _bring_forward(self) -> None:
        """A menu command for this tab shows the tab first."""
        widget = self.parentWidget()
        while widget is not None and not isinstance(widget, QTabWidget):
            widget = widget.parentWidget()
        if isinstance(widget, QTabWidget) and widget.indexOf(self) >= 0:
            widget.setCurrentWidget(self)

    # ------------------------------------------------------------------------------------------
    # checkpoints
    def _load(self, slot: CheckpointSlot) -> None:
        self.registry.load(slot.key, str(slot.path(self._folder())), slot.task, slot.kind, bundled=True)

    def scan_checkpoints(self) -> list[str]:
        """Load every bundled checkpoint not asked for yet; returns the keys requested."""
        folder = self._folder()
        asked = []
        for slot in ALL_SLOTS:
            if self.registry.state(slot.key) == "absent" and slot.path(folder).is_file():
                self._load(slot)
                asked.append(slot.key)
        if not asked:
            self._refresh_pages()
        return asked

    def reload_checkpoints(self) -> None:
        """Load every bundled checkpoint again: new, retrained and previously broken ones."""
        self.ensure_built()
        if self.engine.busy:
            self.statusMessage.emit("Wait for the running job to finish before reloading checkpoints.", 5000)
            return
        folder = self._folder()
        present = [slot for slot in ALL_SLOTS if slot.path(folder).is_file()]
        for slot in ALL_SLOTS:
            if slot not in present:
                self.registry.errors.pop(slot.key, None)
        for slot in present:
            self._load(slot)
        self._refresh_pages()
        self.statusMessage.emit(f"Reloading {len(present)} text checkpoint{'s' if len(present) != 1 else ''} from {folder}…", 5000)

    def _refresh_pages(self) -> None:
        for page in self._pages():
            if page is not None:
                page.refresh_models()

    def _load_failed(self, key: str, message: str) -> None:
        log.warning("text model %s not loaded: %s", key, message)
        self.statusMessage.emit(message, 8000)

    # ------------------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.built:
            self.ensure_built()
        else:
            self.scan_checkpoints()

    @property
    def running(self) -> bool:
        return any(page is not None and page.running for page in self._pages())

    def stop(self) -> None:
        for page in self._pages():
            if page is not None and page.running:
                page.stop()

    def _update_actions(self) -> None:
        running = self.running
        self.actions_by_name["stop_text"].setEnabled(running)
        if self.generation is not None:
            self.actions_by_name["generate_text"].setEnabled(self.generation.can_generate)
            self.actions_by_name["copy_text"].setEnabled(bool(self.generation.records))
            done = bool(self.generation.records) and not self.generation.running
            for name in ("export_text_json", "export_text_gif"):
                self.actions_by_name[name].setEnabled(done)
            self.actions_by_name["export_text_png"].setEnabled(True)
        if self.phrases is not None:
            self.actions_by_name["sample_phrases"].setEnabled(self.phrases.sample_button.isEnabled())
            self.actions_by_name["redraw_z"].setEnabled(self.phrases.redraw_button.isEnabled())
        if self.dependency is not None:
            self.actions_by_name["sample_pairs"].setEnabled(self.dependency.sample_button.isEnabled())
        self.actions_by_name["reload_text"].setEnabled(not running)

    def _export_dialog(self, title: str, default: str, file_filter: str, writer: Callable[[str], Path]) -> None:
        self._on_page("generate", lambda page: None)
        written = export.ask_and_write(self, title, default, file_filter, writer)
        if written:
            self.statusMessage.emit(f"Wrote {written}", 5000)

    def export_json_dialog(self) -> None:
        self._export_dialog("Export text trace", "text-trace.json", "JSON (*.json)", self.page("generate").export_json)

    def export_png_dialog(self) -> None:
        self._export_dialog("Export text view", "text-view.png", "PNG image (*.png)", self.page("generate").export_png)

    def export_gif_dialog(self) -> None:
        self._export_dialog("Export text animation", "text-generation.gif", "Animated GIF (*.gif)",
                            self.page("generate").export_gif)

    # ------------------------------------------------------------------------------------------
    def store_settings(self, s: AppSettings) -> AppSettings:
        for page in self._pages():
            if page is not None:
                s = page.store_settings(s)
        return s

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        for page in self._pages():
            if page is not None:
                page.set_theme(theme)

    def shutdown(self) -> None:
        for page in self._pages():
            if page is not None:
                page.shutdown()
