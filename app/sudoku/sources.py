"""Where puzzles come from and go to: the clipboard, files, the bundled library, the generator.

Every failure becomes a message to the user. A multi-puzzle file or paste opens a list to
pick from. The puzzle itself is changed only through `apply`, which the tab may refuse (for
instance while a solve runs).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget
from vmdcore.sudoku import (
    Difficulty,
    GenerationError,
    PuzzleFormatError,
    format_grid,
    format_line,
    generate,
    parse_puzzle,
    parse_puzzle_collection,
    read_puzzle_file,
)

from .. import export, messages, paths
from ..background import BackgroundRunner
from ..theme import Theme
from . import dialogs
from .library import LibraryError, load_library

PUZZLE_FILTER = "Sudoku puzzles (*.txt *.sdk *.sdm *.csv);;All files (*)"
SAVE_FILTER = "One line, 81 characters (*.txt);;SadMan grid (*.sdk)"

Apply = Callable[[np.ndarray, str, str], bool]


class PuzzleSources(QObject):
    statusMessage = Signal(str, int)
    generatingChanged = Signal(bool)

    def __init__(
        self,
        widget: QWidget,
        apply: Apply,
        current: Callable[[], np.ndarray],
        theme: Callable[[], Theme],
        background: BackgroundRunner,
        last_dir: str = "",
    ) -> None:
        super().__init__(widget)
        self._widget = widget
        self._apply = apply
        self._current = current
        self._theme = theme
        self._background = background
        self.last_dir = last_dir
        self.generating = False

    # -- clipboard ---------------------------------------------------------------------------
    def copy(self) -> None:
        QGuiApplication.clipboard().setText(format_line(self._current()))
        self.statusMessage.emit("Puzzle copied as 81 characters.", 3000)

    def paste(self) -> None:
        text = QGuiApplication.clipboard().text()
        if not text.strip():
            messages.show_error(self._widget, "Paste puzzle", "The clipboard holds no text.")
            return
        try:
            grid = parse_puzzle(text)
        except PuzzleFormatError as exc:
            try:
                entries = parse_puzzle_collection(text)
            except PuzzleFormatError:
                messages.show_error(self._widget, "Paste puzzle", f"The clipboard does not hold a puzzle:\n{exc}")
                return
            chosen = self._pick_entry(entries, f"Clipboard: {len(entries)} puzzles")
            if chosen is None:
                return
            grid = chosen.puzzle
        if self._apply(grid, "Paste puzzle", "pasted"):
            self.statusMessage.emit("Puzzle pasted.", 3000)

    # -- files -------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self._widget, "Open puzzle", self.last_dir, PUZZLE_FILTER)
        if path:
            self.last_dir = str(Path(path).parent)
            self.open_file(path)

    def open_file(self, path: str | Path) -> bool:
        path = Path(path)
        try:
            entries = read_puzzle_file(path)
        except PuzzleFormatError as exc:
            messages.show_error(self._widget, "Open puzzle", f"Could not read a puzzle from {path.name}:\n{exc}")
            return False
        chosen = self._pick_entry(entries, f"{path.name}: {len(entries)} puzzles", _difficulties(path, len(entries)))
        if chosen is None:
            return False
        name = chosen.name if len(entries) > 1 else (entries[0].name or path.stem)
        if self._apply(chosen.puzzle, f"Open {path.name}", name):
            self.statusMessage.emit(f"Opened {name}.", 4000)
            return True
        return False

    def save_dialog(self) -> None:
        start = str(Path(self.last_dir) / "puzzle.txt") if self.last_dir else "puzzle.txt"
        path, _ = QFileDialog.getSaveFileName(self._widget, "Save puzzle", start, SAVE_FILTER)
        if path:
            self.last_dir = str(Path(path).parent)
            self.save_file(path)

    def save_file(self, path: str | Path) -> bool:
        path = Path(path)
        grid = self._current()
        text = format_grid(grid) if path.suffix.lower() == ".sdk" else format_line(grid)
        try:
            export.write_text(path, text.rstrip("\n") + "\n")
        except export.ExportError as exc:
            messages.show_error(self._widget, "Save puzzle", str(exc))
            return False
        self.statusMessage.emit(f"Saved {path.name}.", 4000)
        return True

    # -- choosing among several ----------------------------------------------------------------
    def _pick_entry(self, entries: list, title: str, difficulties: list | None = None) -> dialogs.PuzzleChoice | None:
        """One entry is taken as is; several open the list to pick from."""
        levels = difficulties or [None] * len(entries)
        choices = [
            dialogs.PuzzleChoice(e.name or f"#{i + 1}", e.puzzle, e.solution, level) for i, (e, level) in enumerate(zip(entries, levels))
        ]
        if len(choices) == 1:
            return choices[0]
        return self.choose(title, choices)

    def choose(self, title: str, choices: list[dialogs.PuzzleChoice]) -> dialogs.PuzzleChoice | None:
        dialog = dialogs.PuzzleListDialog(title, choices, self._theme(), self._widget)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.selected()

    # -- library and generator -----------------------------------------------------------------
    def library_dialog(self) -> None:
        try:
            library = load_library(paths.puzzle_library())
        except LibraryError as exc:
            messages.show_error(self._widget, "Puzzle library", str(exc))
            return
        choices = [dialogs.PuzzleChoice(p.id, p.puzzle, p.solution, p.difficulty) for p in library]
        chosen = self.choose("Puzzle library", choices)
        if chosen is not None and self._apply(chosen.puzzle, "Library puzzle", f"library #{chosen.name}"):
            level = f" ({chosen.difficulty.label})" if chosen.difficulty else ""
            self.statusMessage.emit(f"Library puzzle #{chosen.name}{level}.", 4000)

    def generate_dialog(self) -> None:
        dialog = dialogs.GenerateDialog(self._widget)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.generate(*dialog.choice())

    def generate(self, difficulty: Difficulty | None, seed: int) -> None:
        """Generation can take a second or two (hard levels): it runs off the GUI thread."""
        if self.generating:
            return
        self._set_generating(True)
        level = difficulty.label if difficulty else "a"
        self.statusMessage.emit(f"Generating {level} puzzle (seed {seed})…", 0)

        def done(result) -> None:
            self._set_generating(False)
            name = f"generated {result.difficulty.label} #{result.seed}"
            if self._apply(result.puzzle, "Generate puzzle", name):
                self.statusMessage.emit(
                    f"Generated a {result.difficulty.label} puzzle with {result.clues} clues (seed {result.seed}).", 5000
                )

        def failed(exc: Exception) -> None:
            self._set_generating(False)
            self.statusMessage.emit("", 0)
            text = str(exc) if isinstance(exc, GenerationError) else f"{type(exc).__name__}: {exc}"
            messages.show_error(self._widget, "Generate puzzle", text)

        self._background.submit(lambda: generate(seed, difficulty), done, failed)

    def _set_generating(self, value: bool) -> None:
        self.generating = value
        self.generatingChanged.emit(value)


def _difficulties(path: Path, count: int) -> list[Difficulty | None] | None:
    """The difficulty column of a CSV in the library's layout, so its list can be filtered."""
    if path.suffix.lower() != ".csv":
        return None
    try:
        rows = load_library(path)
    except LibraryError:
        return None
    return [row.difficulty for row in rows] if len(rows) == count else None
