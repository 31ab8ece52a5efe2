"""The Sudoku tab in the real main window: editing, checking, solving, watching, stopping."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from vmdcore.sudoku import conflicting_cells, format_grid, format_line, parse_puzzle
from vmdcore.tasks.sudoku import decode

from app.sudoku.tab import SudokuTab


def board(tab: SudokuTab, lane: str = "mdm"):
    return tab.lane_views[lane].board


def wait_analysis(qtbot, tab: SudokuTab) -> None:
    qtbot.waitUntil(lambda: tab.analysis.solutions is not None and tab.analysis.same_grid(tab.document.grid), timeout=10_000)


def solve(qtbot, tab: SudokuTab, nfe: int = 4, models: str = "both", seed: int = 0, strategy: str = "margin", temperature: float = 0.0, latent: str = "fixed") -> None:
    tab.controls.apply(models, strategy, nfe, temperature, seed, latent)
    assert tab.solve_button.isEnabled()
    with qtbot.waitSignal(tab.engine.runFinished, timeout=60_000):
        qtbot.mouseClick(tab.solve_button, Qt.MouseButton.LeftButton)
    assert not tab.running


def first_empty(tab: SudokuTab) -> int:
    return int(np.flatnonzero(tab.document.grid == 0)[0])


# -- entering a puzzle --------------------------------------------------------------------------
def test_typing_and_navigation_edit_the_puzzle(qtbot, tab):
    b = board(tab)
    b.setFocus()
    qtbot.waitUntil(b.hasFocus)
    b.select(0)
    assert tab.document.grid[0] == 0
    qtbot.keyClick(b, Qt.Key.Key_4)
    assert tab.document.grid[0] == 4
    qtbot.keyClick(b, Qt.Key.Key_Right)
    qtbot.keyClick(b, Qt.Key.Key_7)
    assert tab.document.grid[1] == 7
    qtbot.keyClick(b, Qt.Key.Key_Backspace)
    assert tab.document.grid[1] == 0
    qtbot.keyClick(b, Qt.Key.Key_Down)
    assert b.selected == 10
    assert board(tab, "vmd").selected == 10, "the other board follows the selection"
    assert board(tab, "vmd").frame.digits[0] == 4, "both boards show the puzzle being edited"
    qtbot.keyClick(b, Qt.Key.Key_Tab)
    assert b.selected == 11 and b.hasFocus()


def test_undo_and_redo_every_edit(qtbot, window, tab):
    start = tab.document.grid
    b = board(tab)
    b.setFocus()
    b.select(0)
    qtbot.keyClick(b, Qt.Key.Key_1)
    b.select(1)
    qtbot.keyClick(b, Qt.Key.Key_5)
    tab.clear_puzzle()
    assert not tab.document.grid.any()
    window.activateWindow()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is not None)
    qtbot.keyClick(b, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert tab.document.grid[1] == 5 and tab.document.grid[0] == 1
    tab.undo()
    tab.undo()
    assert np.array_equal(tab.document.grid, start)
    assert not tab.actions_by_name["undo"].isEnabled()
    qtbot.keyClick(b, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert tab.document.grid[0] == 1
    tab.redo()
    tab.redo()
    assert not tab.document.grid.any()


def test_paste_of_good_and_bad_text(qtbot, tab, captured_messages):
    other = parse_puzzle("1....7.9..3..2...8..96..5....53..9...1..8...26....4...3......1..4......7..7...3..")
    QGuiApplication.clipboard().setText(format_grid(other))
    tab.sources.paste()
    assert np.array_equal(tab.document.grid, other)
    assert captured_messages.errors == []
    before = tab.document.grid
    QGuiApplication.clipboard().setText("this is not a sudoku")
    tab.sources.paste()
    assert np.array_equal(tab.document.grid, before)
    assert len(captured_messages.errors) == 1
    title, text = captured_messages.errors[0]
    assert title == "Paste puzzle" and "does not hold a puzzle" in text
    tab.undo()
    assert not np.array_equal(tab.document.grid, other), "a paste is one undoable edit"


def test_copy_gives_81_characters(qtbot, tab, puzzle_text):
    tab.sources.copy()
    text = QGuiApplication.clipboard().text()
    assert len(text) == 81 and text == puzzle_text


def test_conflicts_and_solution_count_are_reported(qtbot, tab, puzzle_text):
    wait_analysis(qtbot, tab)
    assert tab.analysis.solutions == 1
    assert "Exactly one solution" in tab.puzzle_info.text()

    tab.document.set_cell(0, 3)  # row 1 already holds a 3 in column 3
    assert tab.analysis.conflicts[0] and tab.analysis.conflicts[2]
    assert board(tab).frame.conflicts[0] and board(tab).frame.conflicts[2]
    wait_analysis(qtbot, tab)
    info = tab.puzzle_info.text()
    assert "clues conflict" in info and "row 1, column 1 and row 1, column 3 both hold 3" in info
    assert tab.analysis.solutions == 0

    grid = np.zeros(81, dtype=np.int8)
    grid[:8] = np.arange(1, 9)
    grid[17] = 9  # R1C9 can hold nothing: no clash, yet no solution
    tab.set_puzzle(grid)
    wait_analysis(qtbot, tab)
    assert not tab.analysis.has_conflicts and tab.analysis.solutions == 0
    assert "No solution" in tab.puzzle_info.text()

    grid = np.zeros(81, dtype=np.int8)
    grid[:3] = (1, 2, 3)
    tab.set_puzzle(grid)
    wait_analysis(qtbot, tab)
    assert tab.analysis.solutions == 2 and "Several solutions" in tab.puzzle_info.text()

    tab.clear_puzzle()
    assert "Empty board" in tab.puzzle_info.text()
    assert tab.solve_button.isEnabled(), "an empty board is a valid start: the models write a whole Sudoku"
    from vmdcore.sudoku import solve as exact_solve

    tab.set_puzzle(exact_solve(parse_puzzle(puzzle_text)))
    assert not tab.solve_button.isEnabled(), "nothing left to solve"


def test_nfe_ranges_up_to_the_empty_cells(qtbot, tab):
    assert tab.controls.nfe.maximum() == int(np.count_nonzero(tab.document.grid == 0))
    grid = tab.document.grid
    grid[np.flatnonzero(grid == 0)[:-3]] = 1
    tab.set_puzzle(grid)
    assert tab.controls.nfe.maximum() == 3


# -- solving and watching --------------------------------------------------------------------------
def test_full_solve_reaches_the_final_step(qtbot, tab):
    solve(qtbot, tab, nfe=4)
    qtbot.waitUntil(lambda: tab.playback.position == 4 and not tab.playback.playing, timeout=10_000)
    assert tab.timeline.label.text() == "Step 4 / 4"
    for lane in ("mdm", "vmd"):
        record = tab.records[lane]
        assert len(record.steps) == 4 and record.trace.complete
        frame = board(tab, lane).frame
        assert frame.digits.all(), "every cell is filled at the last step"
        assert np.array_equal(frame.conflicts, conflicting_cells(frame.digits))
        verdict = tab.lane_views[lane].verdict.text()
        outcome = record.outcome_at(4)
        if outcome.solved:
            assert verdict == "✓ Solved" and tab.lane_views[lane].tone == "good"
        else:
            assert f"{outcome.conflicts} conflicting cell" in verdict and tab.lane_views[lane].tone == "bad"
            assert f"{outcome.wrong} differ from the solution" in verdict
    assert "Done in 4 steps" in tab.window().statusBar().currentMessage()


def test_stepping_back_and_forward_shows_the_recorded_step(qtbot, window, tab):
    solve(qtbot, tab, nfe=4)
    tab.playback.first()
    record = tab.records["mdm"]
    b = board(tab)
    assert np.array_equal(b.frame.digits, tab.document.grid)
    window.activateWindow()
    b.setFocus()
    qtbot.waitUntil(b.hasFocus)
    qtbot.keyClick(b, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert tab.playback.position == 1
    for position in (1, 2, 3):
        tab.playback.seek(position)
        step = record.steps[position - 1]
        assert np.array_equal(b.frame.digits, decode(step.tokens[0]))
        assert np.array_equal(b.frame.committed, step.committed[0])
        committed = step.committed[0]
        assert np.allclose(b.frame.confidence[committed], step.confidence[0][committed])
        still_masked = b.frame.digits == 0
        assert np.array_equal(b.frame.ghosts[still_masked], decode(record.steps[position].predicted[0])[still_masked])
        vmd_step = tab.records["vmd"].steps[position - 1]
        assert np.array_equal(board(tab, "vmd").frame.digits, decode(vmd_step.tokens[0]))
        assert tab.timeline.label.text() == f"Step {position} / 4"
        assert tab.plot.current == position
    tab.actions_by_name["timeline_back"].trigger()
    assert tab.playback.position == 2
    tab.timeline.slider.setValue(0)
    assert np.array_equal(b.frame.digits, tab.document.grid)
    tab._plot_clicked(3)
    assert tab.playback.position == 3


def test_side_by_side_runs_both_models_on_one_timeline(qtbot, tab):
    solve(qtbot, tab, nfe=3, models="both")
    assert set(tab.records) == {"mdm", "vmd"}
    assert all(v.isVisible() for v in tab.lane_views.values())
    assert tab.records["vmd"].steps[0].z is not None and tab.records["mdm"].steps[0].z is None
    for lane in ("mdm", "vmd"):
        masked = tab.plot.series_data(f"{lane}.masked")
        assert len(masked) == 4 and masked[0] == np.count_nonzero(tab.document.grid == 0) and masked[-1] == 0
        conflicts = tab.plot.series_data(f"{lane}.conflicts")
        assert list(conflicts) == list(tab.records[lane].conflict_series())
    assert "MDM" in tab.plot.legend.text() and "VMD" in tab.plot.legend.text()
    # equal masked counts must not hide the MDM's line under the VMD's: it is drawn as a wider band
    widths = [tab.plot._curves[f"{lane}.masked"].opts["pen"].widthF() for lane in ("mdm", "vmd")]
    assert widths[0] >= widths[1] + 2

    solve(qtbot, tab, nfe=3, models="vmd")
    assert set(tab.records) == {"vmd"}
    assert not tab.lane_views["mdm"].isVisible() and tab.lane_views["vmd"].isVisible()
    assert not tab.plot.is_visible("mdm.conflicts") and "MDM" not in tab.plot.legend.text()


def test_stop_mid_run(qtbot, tab, slow_sampler):
    slow_sampler(0.05)
    tab.controls.apply("both", "margin", 40, 0.0, 0, "fixed")
    with qtbot.waitSignal(tab.engine.stepReady, timeout=30_000):
        tab.solve()
    assert tab.running and tab.stop_button.isEnabled() and not tab.solve_button.isEnabled()
    with qtbot.waitSignal(tab.engine.runFinished, timeout=30_000):
        qtbot.mouseClick(tab.stop_button, Qt.MouseButton.LeftButton)
    assert not tab.running
    steps = len(tab.records["mdm"])
    assert len(tab.records["vmd"]) == steps, "a stop ends both models on the same step"
    assert 1 <= steps < 40
    assert tab.playback.total == tab.playback.available == steps
    tab.playback.last()
    assert tab.lane_views["mdm"].verdict.text().startswith("Stopped")
    assert "Stopped after" in tab.window().statusBar().currentMessage()
    assert tab.solve_button.isEnabled() and not tab.stop_button.isEnabled()


def test_edits_are_refused_while_running_and_discard_a_finished_solve(qtbot, tab, slow_sampler):
    slow_sampler(0.05)
    tab.controls.apply("mdm", "margin", 30, 0.0, 0, "fixed")
    cell = first_empty(tab)
    with qtbot.waitSignal(tab.engine.stepReady, timeout=30_000):
        tab.solve()
    board(tab).select(cell)
    qtbot.keyClick(board(tab), Qt.Key.Key_9)
    assert tab.document.grid[cell] == 0
    assert "stop it" in tab.window().statusBar().currentMessage()
    with qtbot.waitSignal(tab.engine.runFinished, timeout=30_000):
        tab.stop()
    qtbot.keyClick(board(tab), Qt.Key.Key_9)
    assert tab.document.grid[cell] == 9
    assert not tab.records and tab.playback.available == 0
    assert board(tab).frame.model is False


def test_closing_mid_run_stops_the_worker(qtbot, tiny_checkpoints, slow_sampler, window_factory):
    from app.settings import load_settings

    slow_sampler(0.05)
    win = window_factory(tiny_checkpoints)
    tab = win.sudoku
    tab.controls.apply("both", "margin", 40, 0.0, 0, "fixed")
    with qtbot.waitSignal(tab.engine.stepReady, timeout=30_000):
        tab.solve()
    assert win.engine.thread.isRunning()
    win.close()
    assert not win.engine.thread.isRunning()
    assert load_settings().nfe == 40, "settings are saved on close"


def test_a_corrupt_checkpoint_gives_a_message(qtbot, tab, tmp_path, captured_messages):
    bad = tmp_path / "damaged.safetensors"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    tab.load_checkpoint("mdm", str(bad))
    qtbot.waitUntil(lambda: bool(captured_messages.errors), timeout=30_000)
    title, text = captured_messages.errors[0]
    assert title == "Could not open the MDM checkpoint"
    assert "damaged.safetensors" in text and "pickle" in text
    assert "mdm" in tab.models, "the model that was loaded stays in use"
    assert tab.solve_button.isEnabled()


def test_missing_bundled_checkpoints_are_explained(qtbot, monkeypatch, tmp_path, captured_messages, window_factory):
    monkeypatch.setenv("VMD_RESOURCES", str(tmp_path))
    win = window_factory(None, wait_models=False)
    tab = win.sudoku
    qtbot.waitUntil(lambda: len(tab.model_errors) == 2, timeout=30_000)
    assert tab.banner.isVisible()
    text = tab.banner_text.text()
    assert "No MDM model" in text and "No VMD model" in text and "Open MDM checkpoint" in text
    assert "sudoku-mdm.safetensors" in text
    assert not tab.solve_button.isEnabled()
    assert captured_messages.errors == [], "a missing bundled model is a banner, not a pop-up"
    tab.solve()
    assert captured_messages.errors and "No MDM and VMD model is loaded" in captured_messages.errors[0][1]
    win.close()


def test_a_failed_run_gives_a_message(qtbot, tab, captured_messages, monkeypatch):
    from vmdcore import sampling

    def broken(*args, **kwargs):
        raise RuntimeError("simulated device failure")
        yield  # pragma: no cover

    monkeypatch.setattr(sampling, "sample", broken)
    with qtbot.waitSignal(tab.engine.runFailed, timeout=30_000):
        tab.solve()
    assert not tab.running
    assert captured_messages.errors[0][0] == "Solve failed"
    assert "simulated device failure" in captured_messages.errors[0][1]
    assert tab.solve_button.isEnabled()


def test_toggles_reach_the_boards(qtbot, window, tab):
    tab.actions_by_name["ghosts"].trigger()
    assert not board(tab).show_ghosts and not board(tab, "vmd").show_ghosts
    assert not tab.option_boxes["ghosts"].isChecked()
    tab.option_boxes["conflicts"].setChecked(False)
    assert not board(tab).show_conflicts
    assert window.collect_settings().show_ghosts is False


@pytest.mark.parametrize("strategy", ["random", "entropy"])
def test_strategies_come_from_the_engine(qtbot, tab, strategy):
    names = [tab.controls.strategy.itemData(i) for i in range(tab.controls.strategy.count())]
    assert {"random", "top-prob", "margin", "entropy"} <= set(names)
    tab.controls.apply("mdm", strategy, 2, 0.7, 11, "redraw")
    assert tab.controls.strategy_help.text()
    assert not tab.controls.latent.isEnabled(), "the latent mode only matters for VMD"
    solve(qtbot, tab, nfe=2, models="vmd", seed=11, strategy=strategy, temperature=0.7, latent="redraw")
    sampler = tab.records["vmd"].trace.settings["sampler"]
    assert sampler["strategy"] == strategy and sampler["temperature"] == pytest.approx(0.7) and sampler["seed"] == 11
    assert sampler["latent_mode"] == "redraw" and sampler["nfe"] == 2
    assert format_line(tab.document.grid) == tab.records["vmd"].trace.settings["puzzle"]


def test_paste_of_several_puzzles_offers_a_choice(qtbot, tab, monkeypatch, puzzle_text, captured_messages):
    second = "." * 80 + "7"
    QGuiApplication.clipboard().setText(f"{puzzle_text}\n{second}\n")
    offered = []

    def pick_last(title, choices):
        offered.append(title)
        return choices[-1]

    monkeypatch.setattr(tab.sources, "choose", pick_last)
    tab.sources.paste()
    assert offered == ["Clipboard: 2 puzzles"]
    assert format_line(tab.document.grid) == second
    assert captured_messages.errors == []


def test_keyboard_goes_to_the_board_at_start(qtbot, window, tab):
    window.activateWindow()
    qtbot.waitUntil(lambda: board(tab).hasFocus(), timeout=5_000)
    tab.controls.apply("vmd", "margin", 3, 0.0, 0, "fixed")
    assert board(tab, "vmd").hasFocus(), "hiding the focused board hands the focus to the one shown"


def test_changes_are_saved_soon_after(qtbot, window, tab):
    from app.settings import load_settings

    tab.document.set_cell(first_empty(tab), 6)
    assert window._save_timer.isActive()
    qtbot.waitUntil(lambda: load_settings().puzzle == format_line(tab.document.grid), timeout=5_000)


def test_single_key_shortcuts_act_on_the_board_only(qtbot, window, tab):
    solve(qtbot, tab, nfe=3)
    tab.playback.first()
    window.activateWindow()
    b = board(tab)
    b.setFocus()
    qtbot.waitUntil(b.hasFocus)
    qtbot.keyClick(b, Qt.Key.Key_Space)
    assert tab.playback.playing
    qtbot.keyClick(b, Qt.Key.Key_Space)
    assert not tab.playback.playing
    qtbot.keyClick(b, Qt.Key.Key_G)
    assert not b.show_ghosts
    checkbox = tab.option_boxes["peers"]
    checkbox.setFocus()
    qtbot.waitUntil(checkbox.hasFocus)
    qtbot.keyClick(checkbox, Qt.Key.Key_G)
    assert not b.show_ghosts, "G pressed on another control does not toggle the ghosts"
    qtbot.keyClick(checkbox, Qt.Key.Key_Space)
    assert not tab.playback.playing, "Space on a check box toggles the box, not playback"
    assert not checkbox.isChecked() and not b.highlight_peers
