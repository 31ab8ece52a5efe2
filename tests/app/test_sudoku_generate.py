"""Generate mode of the Sudoku tab: the generation checkpoints, runs from an empty grid, the board
or random clues, Redraw z, the gallery, and a puzzle made from a generated grid.

The solving lanes use the tiny test checkpoints; the generation lanes load the bundled
sudoku-gen-*.safetensors, as the app does (small NFE keeps the runs short).
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from vmdcore.sudoku import conflicting_cells, count_solutions, is_complete_solution, random_grids, rate
from vmdcore.sudoku import solve as exact_solve
from vmdcore.tasks.sudoku import decode

from app import paths
from app.sudoku.generate_mode import generation_key
from app.sudoku.generation import GALLERY_SIZE, clash_count
from app.sudoku.tab import SudokuTab

pytestmark = pytest.mark.skipif(
    not all(paths.bundled_checkpoint(f"gen-{lane}").is_file() for lane in ("mdm", "vmd")),
    reason="the bundled generation checkpoints are not there (vmd-train sudoku --data grids)",
)
LANES = ("mdm", "vmd")


def enter_generate(qtbot, tab: SudokuTab) -> None:
    qtbot.mouseClick(tab.side.mode_switch.buttons["generate"], Qt.MouseButton.LeftButton)
    assert tab.mode == "generate"
    qtbot.waitUntil(lambda: len(tab.generation_models()) == 2, timeout=30_000)


def generate(qtbot, tab: SudokuTab, nfe: int, start: str = "empty", models: str = "both", seed: int = 0) -> None:
    tab.generate_controls.set_start(start)
    tab.controls.apply(models, "margin", nfe, 0.0, seed, "fixed")
    assert tab.solve_button.isEnabled() and tab.solve_button.text() == "Generate"
    with qtbot.waitSignal(tab.engine.runFinished, timeout=60_000):
        qtbot.mouseClick(tab.solve_button, Qt.MouseButton.LeftButton)
    tab.playback.last()


def final_grid(tab: SudokuTab, lane: str) -> np.ndarray:
    return decode(tab.records[lane].trace.final[0])


def test_mode_switch_loads_the_generation_models(qtbot, tab):
    assert tab.generation_models() == {}, "the generation models load only when the mode is first shown"
    assert tab.generate_controls.start_rows.isHidden() and not tab.controls.temperature.isHidden()
    enter_generate(qtbot, tab)
    for lane in LANES:
        summary = tab.generation_models()[lane]
        assert summary.key == generation_key(lane) and summary.kind == lane and summary.bundled
        assert summary.path.endswith(f"sudoku-gen-{lane}.safetensors")
        assert summary.name in tab.lane_views[lane].model_label.text()
        assert tab.models[lane].name == f"tiny-{lane}", "the solving models stay loaded"
    spins = tab.generate_controls.temperatures
    assert spins["mdm"].value() == 1.0 and spins["vmd"].value() == 0.0
    assert spins["vmd"].text() == "0 (argmax)" and spins["mdm"].isVisibleTo(tab)
    assert not tab.controls.temperature.isVisibleTo(tab), "one temperature per model instead of the shared one"
    assert tab.side.solve_box.title() == "Generate" and tab.maker.isVisibleTo(tab)

    qtbot.mouseClick(tab.side.mode_switch.buttons["solve"], Qt.MouseButton.LeftButton)
    assert tab.mode == "solve" and tab.solve_button.text() == "Solve"
    assert "tiny-mdm" in tab.lane_views["mdm"].model_label.text()
    assert not tab.maker.isVisibleTo(tab) and tab.controls.temperature.isVisibleTo(tab)


def test_missing_generation_checkpoints_give_the_banner(qtbot, tiny_checkpoints, window_factory, monkeypatch, tmp_path, captured_messages):
    monkeypatch.setenv("VMD_RESOURCES", str(tmp_path))
    win = window_factory(tiny_checkpoints)
    tab = win.sudoku
    assert not tab.banner.isVisible()
    tab.set_mode("generate")
    qtbot.waitUntil(lambda: len(tab.generation_errors()) == 2, timeout=30_000)
    text = tab.banner_text.text()
    assert tab.banner.isVisible() and "No MDM generation model" in text and "No VMD generation model" in text
    assert "sudoku-gen-mdm.safetensors" in text and "Open MDM checkpoint" in text
    assert not tab.solve_button.isEnabled() and not tab.side.generate_buttons.gallery.isEnabled()
    assert captured_messages.errors == [], "a missing bundled model is a banner, not a pop-up"
    tab.set_mode("solve")
    assert not tab.banner.isVisible(), "the solving models are there"
    win.close()


def test_generate_from_empty_runs_to_the_end(qtbot, tab):
    enter_generate(qtbot, tab)
    tab.generate_controls.set_start("empty")
    assert not tab.lane_views["vmd"].board.frame.digits.any(), "the boards show the start, not the puzzle"
    assert "Empty grid" in tab.puzzle_info.text() and tab.controls.nfe.maximum() == 81
    generate(qtbot, tab, nfe=3)
    assert tab.timeline.label.text() == "Step 3 / 3"
    for lane in LANES:
        record = tab.records[lane]
        assert not record.puzzle.any() and record.trace.complete
        grid = final_grid(tab, lane)
        assert grid.all() and np.array_equal(tab.lane_views[lane].board.frame.digits, grid)
        clashes = clash_count(grid)
        verdict = tab.lane_views[lane].verdict.text()
        if clashes:
            assert verdict == f"✗ {clashes} clashing cell{'s' if clashes != 1 else ''}" and tab.lane_views[lane].tone == "bad"
        else:
            assert verdict == "✓ Valid grid" and tab.lane_views[lane].tone == "good"
        settings = record.trace.settings
        assert settings["model"]["path"].endswith(f"sudoku-gen-{lane}.safetensors")
        assert settings["sampler"]["temperature"] == {"mdm": 1.0, "vmd": 0.0}[lane], "each model at its own temperature"
    assert "Done in 3 steps" in tab.window().statusBar().currentMessage()


def test_random_clues_are_kept(qtbot, tab):
    enter_generate(qtbot, tab)
    tab.generate_controls.clues.setValue(20)
    tab.generate_controls.set_start("random")
    start = tab.lane_views["mdm"].board.frame.digits.copy()
    assert np.count_nonzero(start) == 20 and not conflicting_cells(start).any()
    assert "20 random clues" in tab.puzzle_info.text()
    qtbot.waitUntil(lambda: "judges each grid by validity" in tab.puzzle_info.text(), timeout=10_000)
    assert "Several solutions" not in tab.puzzle_info.text(), "several solutions are the point, not a warning"
    generate(qtbot, tab, nfe=2, start="random")
    given = start > 0
    for lane in LANES:
        grid = final_grid(tab, lane)
        assert np.array_equal(grid[given], start[given]) and grid.all()
        assert tab.lane_views[lane].board.frame.clues.sum() == 20
    seeds = {lane: tab.records[lane].trace.settings["sampler"]["seed"] for lane in LANES}
    with qtbot.waitSignal(tab.engine.runFinished, timeout=60_000):
        tab.side.generate_buttons.redraw.click()
    for lane in LANES:
        record = tab.records[lane]
        assert np.array_equal(record.puzzle, start), "Redraw z keeps the clues"
        assert record.trace.settings["sampler"]["seed"] != seeds[lane], f"{lane} reran with a new seed"
    tab.generate_controls.new_clues.click()
    assert not np.array_equal(tab.lane_views["mdm"].board.frame.digits, start), "New draws other clues"
    assert not tab.viewing, "a new start discards the run made from the old one"


def test_redraw_z_gives_another_vmd_grid(qtbot, tab):
    enter_generate(qtbot, tab)
    generate(qtbot, tab, nfe=81, models="vmd", seed=5)
    first = final_grid(tab, "vmd")
    with qtbot.waitSignal(tab.engine.runFinished, timeout=60_000):
        qtbot.mouseClick(tab.side.generate_buttons.redraw, Qt.MouseButton.LeftButton)
    record = tab.records["vmd"]
    assert not record.puzzle.any() and record.trace.settings["sampler"]["nfe"] == 81, "the same start and steps"
    assert record.trace.settings["sampler"]["seed"] == tab.controls.seed.value() != 5
    assert not np.array_equal(final_grid(tab, "vmd"), first), "a new z gives the VMD another grid"


def test_gallery_fills_with_badges(qtbot, tab):
    enter_generate(qtbot, tab)
    tab.controls.apply("both", "margin", 4, 0.0, 3, "fixed")
    finished = []
    tab.engine.runFinished.connect(finished.append)
    qtbot.mouseClick(tab.side.generate_buttons.gallery, Qt.MouseButton.LeftButton)
    assert tab.running and not tab.view.gallery.samples, "the click returns at once: the engine thread samples"
    assert not tab.solve_button.isEnabled() and tab.stop_button.isEnabled()
    qtbot.waitUntil(lambda: not tab.running, timeout=60_000)
    assert len(finished) == 1, "one batched run for both models"
    gallery = tab.view.gallery
    assert tab.view.bottom.currentWidget() is gallery and gallery.isVisible()
    for lane in LANES:
        grids = decode(finished[0].traces[generation_key(lane)].final)
        assert grids.shape == (GALLERY_SIZE, 81) and np.array_equal(gallery.samples[lane], grids)
        for grid, thumb in zip(grids, gallery.thumbnails[lane]):
            clashes = clash_count(grid)
            assert np.array_equal(thumb.board.frame.digits, grid) and thumb.isVisible()
            assert thumb.text == (f"✗ {clashes} clash{'es' if clashes != 1 else ''}" if clashes else "✓ valid")
            assert thumb.text.startswith(thumb.badge.text()), "shortened at most where the board is narrow"
        valid = [g for g in grids if is_complete_solution(g)]
        distinct = len({g.tobytes() for g in valid})
        line = f"{lane.upper()} {len(valid)}/{GALLERY_SIZE} valid, {distinct} distinct"
        assert gallery.lines[lane] == line and line in gallery.summary.text()
        assert f"{len(valid)}/{GALLERY_SIZE} valid" in gallery.counts[lane].text()

    qtbot.mouseClick(gallery.thumbnails["mdm"][2], Qt.MouseButton.LeftButton)
    board = tab.lane_views["mdm"].board
    assert np.array_equal(board.frame.digits, gallery.samples["mdm"][2]), "a clicked grid is shown large"
    assert tab.lane_views["mdm"].verdict.text().startswith("Gallery #3:") and tab.maker.lane() == "mdm"


def test_make_a_puzzle_from_a_valid_grid(qtbot, tab, tmp_path):
    enter_generate(qtbot, tab)
    grid = random_grids(1, 11)[0]
    start = grid.copy()
    start[[0, 20, 40, 60]] = 0
    assert tab.set_puzzle(start)
    assert tab.generate_controls.choice().choice == "board", "a puzzle loaded in Generate mode is the start"
    generate(qtbot, tab, nfe=4, start="board", models="vmd")
    assert is_complete_solution(final_grid(tab, "vmd")), "the VMD fills four cells of a valid grid validly"
    shown = final_grid(tab, "vmd")
    tab.maker.set_lane("vmd")
    tab.maker.difficulty.setCurrentIndex(tab.maker.difficulty.findText("Easy"))
    qtbot.mouseClick(tab.maker.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.mode == "solve", timeout=30_000)
    puzzle = tab.document.grid
    assert count_solutions(puzzle, limit=2) == 1 and np.array_equal(exact_solve(puzzle), shown)
    assert rate(puzzle).difficulty.label == "Easy" and np.count_nonzero(puzzle) < 81
    assert "Save puzzle" in tab.window().statusBar().currentMessage()
    qtbot.waitUntil(lambda: "Exactly one solution" in tab.puzzle_info.text(), timeout=10_000)
    assert tab.sources.save_file(tmp_path / "made.txt")
    assert (tmp_path / "made.txt").read_text().strip() == "".join(str(d) if d else "." for d in puzzle)


def test_an_invalid_grid_is_refused(qtbot, tab, captured_messages):
    enter_generate(qtbot, tab)
    tab.generate_controls.set_start("empty")
    tab.maker.button.click()
    assert captured_messages.errors[-1][0] == "Make a puzzle" and "81 empty cells" in captured_messages.errors[-1][1]
    generate(qtbot, tab, nfe=1)
    lane = next((lane for lane in LANES if not is_complete_solution(final_grid(tab, lane))), None)
    assert lane is not None, "one step for 81 cells leaves clashes"
    tab.maker.set_lane(lane)
    tab.maker.button.click()
    title, text = captured_messages.errors[-1]
    assert title == "Make a puzzle" and "does not show a valid grid" in text and "clashing cell" in text
    assert tab.mode == "generate" and not tab.making_puzzle


def test_typing_starts_from_the_shown_start(qtbot, tab):
    enter_generate(qtbot, tab)
    tab.generate_controls.set_start("random")
    shown = tab.lane_views["vmd"].board.frame.digits.copy()
    cell = int(np.flatnonzero(shown == 0)[0])
    tab.view.cellEdited.emit(cell, 5)
    assert tab.generate_controls.choice().choice == "board"
    expected = shown.copy()
    expected[cell] = 5
    assert np.array_equal(tab.document.grid, expected) and np.array_equal(tab.lane_views["vmd"].board.frame.digits, expected)
    tab.undo()
    assert not np.array_equal(tab.document.grid, expected), "one undoable edit"


def test_the_mode_and_its_choices_are_remembered(qtbot, tiny_checkpoints, window_factory):
    from app.settings import AppSettings, load_settings

    settings = AppSettings(sudoku_mode="generate", generate_start="random", generate_clues=30, generate_temperature_mdm=0.7)
    win = window_factory(tiny_checkpoints, settings=settings)
    tab = win.sudoku
    assert tab.mode == "generate" and tab.side.mode_switch.buttons["generate"].isChecked()
    qtbot.waitUntil(lambda: len(tab.generation_models()) == 2, timeout=30_000)
    assert np.count_nonzero(tab.lane_views["mdm"].board.frame.digits) == 30
    assert tab.generate_controls.temperature("mdm") == 0.7
    win.close()
    saved = load_settings()
    assert (saved.sudoku_mode, saved.generate_start, saved.generate_clues) == ("generate", "random", 30)
