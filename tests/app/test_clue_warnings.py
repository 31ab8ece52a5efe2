"""Clues that clash, clues with no solution and clues with several: said before and as a solve
starts; Generate mode starts from many-solution boards on purpose and says so without warning."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from vmdcore.sudoku import parse_puzzle

from app import paths
from app.sudoku.analysis import full_analysis, presolve_note

from conftest import PUZZLE


def clashing() -> np.ndarray:
    grid = parse_puzzle(PUZZLE).copy()
    grid[0] = 3  # row 1 already holds a 3 in column 3
    return grid


def unsolvable() -> np.ndarray:
    grid = np.zeros(81, dtype=np.int8)
    grid[:8] = np.arange(1, 9)
    grid[17] = 9  # R1C9 can hold nothing, yet no two clues clash
    return grid


def several() -> np.ndarray:
    grid = np.zeros(81, dtype=np.int8)
    grid[:3] = (1, 2, 3)
    return grid


def test_the_notes_name_each_kind_of_puzzle():
    assert presolve_note(full_analysis(parse_puzzle(PUZZLE))) == ""
    assert "row 1, column 1 and row 1, column 3 both hold 3" in presolve_note(full_analysis(clashing()))
    assert presolve_note(full_analysis(unsolvable())).startswith("Warning: these clues have no solution")
    assert presolve_note(full_analysis(several())).startswith("Note: several solutions")
    assert presolve_note(full_analysis(several()), generating=True) == "Many completions: each grid is judged by validity."
    assert presolve_note(full_analysis(clashing()), generating=True).startswith("Warning: the clues conflict")


def _solve_messages(qtbot, tab, grid) -> str:
    tab.set_puzzle(grid)
    qtbot.waitUntil(lambda: tab.analysis.solutions is not None and tab.analysis.same_grid(grid), timeout=10_000)
    shown: list[str] = []
    tab.statusMessage.connect(lambda text, _ms: shown.append(text))
    tab.controls.apply("both", "margin", 2, 0.0, 0, "fixed")
    with qtbot.waitSignal(tab.engine.runFinished, timeout=60_000):
        qtbot.mouseClick(tab.solve_button, Qt.MouseButton.LeftButton)
    return next(text for text in shown if text.startswith("Solving"))


def test_a_solve_says_what_is_wrong_with_the_clues(qtbot, tab):
    for grid, panel, status in (
        (clashing(), "clues conflict", "Warning: the clues conflict, so no valid grid exists: row 1, column 1 and row 1, column 3 both hold 3"),
        (unsolvable(), "No solution", "Warning: these clues have no solution"),
        (several(), "Several solutions", "Note: several solutions"),
    ):
        message = _solve_messages(qtbot, tab, grid)
        assert panel in tab.puzzle_info.text(), "said before the solve, in the side panel"
        assert status in message, message
    assert _solve_messages(qtbot, tab, parse_puzzle(PUZZLE)).endswith("steps…"), "a good puzzle gets no note"


def test_generate_mode_says_many_completions_without_a_warning(qtbot, tab):
    import pytest

    if not all(paths.bundled_checkpoint(f"gen-{lane}").is_file() for lane in ("mdm", "vmd")):
        pytest.skip("the bundled generation checkpoints are not there")
    tab.set_puzzle(several())
    qtbot.mouseClick(tab.side.mode_switch.buttons["generate"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(tab.generation_models()) == 2, timeout=30_000)
    tab.generate_controls.set_start("board")
    qtbot.waitUntil(lambda: "judges each grid by validity" in tab.puzzle_info.text(), timeout=10_000)
    assert "Several solutions" not in tab.puzzle_info.text() and "⚠" not in tab.puzzle_info.text()
    shown: list[str] = []
    tab.statusMessage.connect(lambda text, _ms: shown.append(text))
    tab.controls.apply("both", "margin", 2, 1.0, 0, "fixed")
    with qtbot.waitSignal(tab.engine.runFinished, timeout=60_000):
        qtbot.mouseClick(tab.solve_button, Qt.MouseButton.LeftButton)
    started = next(text for text in shown if text.startswith("Generating"))
    assert started.endswith("Many completions: each grid is judged by validity.") and "Warning" not in started
