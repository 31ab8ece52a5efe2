"""The main window: menus, tabs, status bar; owns the engine thread and the settings."""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QTabWidget

from . import APP_NAME
from .about import AboutDialog, app_icon, window_title
from .evaluate.tab import EvaluateTab
from .settings import AppSettings, load_settings, save_settings
from .shortcuts import ShortcutsDialog
from .startup import AfterFirstPaint
from .sudoku.tab import SudokuTab
from .text.tab import TextTab
from .theme import THEMES, Theme, apply_theme, theme_named
from .worker import Engine, EngineInfo, SamplerSettings

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """`checkpoints` (lane -> path) overrides the saved and bundled checkpoints (tests, CLI)."""

    def __init__(
        self,
        settings: AppSettings | None = None,
        checkpoints: dict[str, str] | None = None,
        device: str | None = None,
        persist: bool = True,
    ) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.setWindowTitle(window_title())
        self.setWindowIcon(app_icon())
        self.settings = settings if settings is not None else load_settings()
        self._persist = persist
        self._checkpoints = checkpoints
        self._started = False
        self._closed = False
        # The engine starts after the first paint (app/startup.py); installed first on purpose.
        self._first_paint = AfterFirstPaint(self, self._start_engine)
        self.theme: Theme = theme_named(self.settings.theme)

        self.engine = Engine(self, device=device)
        self.engine.ready.connect(self._engine_ready)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("tabs")
        self.tabs.setDocumentMode(True)
        self.sudoku = SudokuTab(self.engine, self.settings, self.theme, self.tabs)
        self.tabs.addTab(self.sudoku, "Sudoku")
        self.setCentralWidget(self.tabs)
        self.sudoku.statusMessage.connect(self._status)
        self.sudoku.stepTimeChanged.connect(self._step_time)
        # Settings are also saved shortly after each change, so a crash loses little.
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(1500)
        self._save_timer.timeout.connect(self.save_now)
        self.sudoku.settingsChanged.connect(self._save_timer.start)
        self.text = TextTab(self.engine, self.settings, self.theme, self.tabs)
        self.tabs.addTab(self.text, "Text")
        self.text.statusMessage.connect(self._status)
        self.text.stepTimeChanged.connect(self._step_time)
        self.text.settingsChanged.connect(self._save_timer.start)
        self.evaluate = EvaluateTab(self.engine, self.theme, self.tabs, self.settings)
        self.tabs.addTab(self.evaluate, "Evaluate")
        self.evaluate.statusMessage.connect(self._status)
        self.evaluate.openPuzzle.connect(self.open_failed_puzzle)

        self.device_label = QLabel("Device: starting…", self)
        self.device_label.setObjectName("device_label")
        self.step_time_label = QLabel("", self)
        self.step_time_label.setObjectName("step_time_label")
        self.statusBar().addPermanentWidget(self.step_time_label)
        self.statusBar().addPermanentWidget(self.device_label)

        self._build_menus()
        self.apply_theme(self.theme)
        self.resize(1400, 900)
        if self.settings.geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.geometry.encode("ascii")))

    # -- menus -------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        act = self.sudoku.actions_by_name
        bar = self.menuBar()

        file_menu = bar.addMenu("&File")
        for name in ("open", "save", "library", "generate"):
            file_menu.addAction(act[name])
        file_menu.addSeparator()
        for name in ("export_json", "export_png", "export_gif"):
            file_menu.addAction(act[name])
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setObjectName("quit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        if quit_action.shortcut().isEmpty():
            quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        edit_menu = bar.addMenu("&Edit")
        for name in ("undo", "redo", None, "copy", "copy_board", "paste", None, "clear"):
            edit_menu.addSeparator() if name is None else edit_menu.addAction(act[name])

        model_menu = bar.addMenu("&Model")
        for name in ("mode_solve", "mode_generate", None, "solve", "stop", "redraw_z_sudoku", "gallery", "make_puzzle", None,
                     "open_mdm", "open_vmd", "bundled"):
            model_menu.addSeparator() if name is None else model_menu.addAction(act[name])
        model_menu.addMenu(self.sudoku.user_checkpoints_menu)

        text_menu = bar.addMenu("&Text")
        text_act = self.text.actions_by_name
        for name in ("generate_text", "stop_text", None, "sample_phrases", "redraw_z", "sample_pairs", None,
                     "copy_text", "export_text_json", "export_text_png", "export_text_gif", None, "reload_text"):
            text_menu.addSeparator() if name is None else text_menu.addAction(text_act[name])

        view_menu = bar.addMenu("&View")
        play_menu = view_menu.addMenu("&Playback")
        for name in ("play", "back", "forward", "first", "last"):
            play_menu.addAction(act[f"timeline_{name}"])
        view_menu.addSeparator()
        for name in ("ghosts", "conflicts", "peers", "same_digit"):
            view_menu.addAction(act[name])
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("&Theme")
        self.theme_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for name in THEMES:
            action = QAction(name.capitalize(), self, checkable=True)
            action.setObjectName(f"theme_{name}")
            action.setChecked(name == self.theme.name)
            action.triggered.connect(lambda checked=False, n=name: self.set_theme(n))
            group.addAction(action)
            theme_menu.addAction(action)
            self.theme_actions[name] = action

        help_menu = bar.addMenu("&Help")
        shortcuts = QAction("&Keyboard shortcuts", self)
        shortcuts.setObjectName("shortcuts")
        shortcuts.setShortcuts([QKeySequence("F1"), QKeySequence("Ctrl+/")])
        shortcuts.triggered.connect(self.show_shortcuts)
        help_menu.addAction(shortcuts)
        about = QAction(f"&About {APP_NAME}", self)
        about.setObjectName("about")
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)
        self.help_actions = {"shortcuts": shortcuts, "about": about, "quit": quit_action}
        # Menu actions must also work when the menu bar is hidden (macOS native menus, tests).
        for action in (quit_action, shortcuts):
            self.addAction(action)
        for action in list(act.values()) + list(self.text.actions_by_name.values()):
            if action.shortcutContext() == Qt.ShortcutContext.WindowShortcut:
                self.addAction(action)

    def shortcut_rows(self) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        actions = (
            list(self.sudoku.actions_by_name.values())
            + list(self.text.actions_by_name.values())
            + [self.help_actions["shortcuts"], self.help_actions["quit"]]
        )
        for action in actions:
            keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
            if keys:
                rows.append((action.text().replace("&", ""), keys))
        rows += [
            ("Move on the board", "Arrow keys, Home, End"),
            ("Next / previous cell", "Tab, Shift+Tab"),
            ("Enter a digit", "1 – 9"),
            ("Clear a cell", "Delete, Backspace, 0"),
            ("Jump to a step", "Click the plot"),
        ]
        return rows

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.shortcut_rows(), self).exec()

    def show_about(self) -> None:
        """Version, licences and the paper's citation (app/about.py)."""
        AboutDialog(self).exec()

    # -- theme and status --------------------------------------------------------------------
    def set_theme(self, name: str) -> None:
        self.apply_theme(theme_named(name))
        self.theme_actions[self.theme.name].setChecked(True)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        app = QApplication.instance()
        if app is not None:
            apply_theme(app, theme)
            app.setStyleSheet(_stylesheet(theme))
        self.sudoku.set_theme(theme)
        self.text.set_theme(theme)
        self.evaluate.set_theme(theme)

    def _status(self, text: str, timeout: int) -> None:
        if text:
            self.statusBar().showMessage(text, timeout)
        else:
            self.statusBar().clearMessage()

    def _step_time(self, text: str) -> None:
        self.step_time_label.setText(text)

    def open_failed_puzzle(self, failure, checkpoint: str) -> None:
        """A puzzle the Evaluate tab's model failed, on the Sudoku tab with that model and settings."""
        sampler = SamplerSettings(nfe=failure.nfe, strategy=failure.strategy, seed=failure.seed)
        if self.sudoku.open_puzzle(failure.grid, failure.name, failure.slot.kind, sampler, checkpoint):
            self.tabs.setCurrentWidget(self.sudoku)

    def _engine_ready(self, info: EngineInfo) -> None:
        self.device_label.setText(f"Device: {info.device}")
        self.device_label.setToolTip("The device that runs the models")

    # -- life cycle --------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._started:
            self._started = True
            # The engine thread (which imports torch, then loads the models) starts only once
            # the window has painted, so the first frame never waits for it.
            self._first_paint.arm()
            self.sudoku.focus_board()

    def _start_engine(self) -> None:
        if not self._closed:
            self.sudoku.start_engine(self._checkpoints)

    def collect_settings(self) -> AppSettings:
        s = self.evaluate.store_settings(self.text.store_settings(self.sudoku.store_settings(self.settings)))
        return s.with_(theme=self.theme.name, geometry=bytes(self.saveGeometry().toBase64().data()).decode("ascii"))

    def save_now(self) -> None:
        if self._persist and not self._closed:
            self.settings = self.collect_settings()
            save_settings(self.settings)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop a running solve, end the engine thread and save settings. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._save_timer.stop()
        self.sudoku.shutdown()
        self.text.shutdown()
        self.evaluate.shutdown()
        self.engine.shutdown()
        self.settings = self.collect_settings()
        if self._persist:
            save_settings(self.settings)


def _stylesheet(t: Theme) -> str:
    return f"""
QLabel[muted="true"] {{ color: {t.muted}; }}
QGroupBox {{ font-weight: 600; border: 1px solid {t.border}; border-radius: 6px; margin-top: 10px; padding-top: 6px; background: {t.panel}; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: {t.text}; }}
QPushButton[primary="true"] {{ background: {t.accent}; color: {'#0B0D10' if t.dark else '#FFFFFF'}; font-weight: 600;
    border: 1px solid {t.accent}; border-radius: 4px; padding: 5px 12px; }}
QPushButton[mode="true"] {{ background: {t.panel}; color: {t.text}; border: 1px solid {t.border}; border-radius: 4px; padding: 5px 12px; }}
QPushButton[mode="true"]:checked {{ background: {t.accent}; color: {'#0B0D10' if t.dark else '#FFFFFF'}; font-weight: 600; border-color: {t.accent}; }}
QPushButton[mode="true"]:disabled {{ color: {t.muted}; }}
QPushButton[primary="true"]:disabled {{ background: {t.border}; color: {t.muted}; border-color: {t.border}; }}
QScrollArea#side_scroll, QWidget#side_panel {{ background: transparent; }}
"""
