"""The window around the tab: files, library, generator, exports, settings, themes, startup."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from vmdcore.sudoku import Difficulty, count_solutions, format_grid, format_line, parse_puzzle

from app.export import ExportError
from app.settings import AppSettings, load_settings
from app.theme import DARK

OTHER = "1....7.9..3..2...8..96..5....53..9...1..8...26....4...3......1..4......7..7...3.."


def solved(qtbot, tab, nfe: int = 3) -> None:
    tab.controls.apply("both", "margin", nfe, 0.0, 0, "fixed")
    with qtbot.waitSignal(tab.engine.runFinished, timeout=60_000):
        tab.solve()


def test_device_and_step_time_in_the_status_bar(qtbot, window, tab):
    qtbot.waitUntil(lambda: window.device_label.text() != "Device: starting…", timeout=10_000)
    assert window.device_label.text() == "Device: CPU"
    solved(qtbot, tab)
    text = window.step_time_label.text()
    assert "MDM" in text and "VMD" in text and "ms/step" in text


def test_open_single_multi_and_bad_files(qtbot, tab, tmp_path, captured_messages, monkeypatch):
    sdk = tmp_path / "one.sdk"
    sdk.write_text("#A a comment\n" + format_grid(parse_puzzle(OTHER)), encoding="utf-8")
    assert tab.sources.open_file(sdk)
    assert format_line(tab.document.grid) == OTHER

    sdm = tmp_path / "many.sdm"
    lines = [OTHER, "." * 80 + "5", "4" + "." * 80]
    sdm.write_text("\n".join(lines) + "\n", encoding="utf-8")
    offered = []

    def pick_second(title, choices):
        offered.append((title, [c.name for c in choices]))
        return choices[1]

    monkeypatch.setattr(tab.sources, "choose", pick_second)
    assert tab.sources.open_file(sdm)
    assert offered and "3 puzzles" in offered[0][0] and len(offered[0][1]) == 3
    assert format_line(tab.document.grid) == lines[1]

    monkeypatch.setattr(tab.sources, "choose", lambda *a, **k: None)
    assert not tab.sources.open_file(sdm), "cancelling the list leaves the puzzle alone"
    assert format_line(tab.document.grid) == lines[1]

    bad = tmp_path / "bad.txt"
    bad.write_text("12345\nnot a puzzle\n", encoding="utf-8")
    assert not tab.sources.open_file(bad)
    assert not tab.sources.open_file(tmp_path / "missing.txt")
    assert len(captured_messages.errors) == 2
    assert all(title == "Open puzzle" for title, _ in captured_messages.errors)
    assert "bad.txt" in captured_messages.errors[0][1]
    assert format_line(tab.document.grid) == lines[1]


def test_puzzle_list_dialog_filters_by_difficulty(qtbot, tab):
    from app.sudoku.dialogs import PuzzleChoice, PuzzleListDialog

    grid = parse_puzzle(OTHER)
    choices = [PuzzleChoice("a", grid, None, Difficulty.EASY), PuzzleChoice("b", grid, None, Difficulty.HARD), PuzzleChoice("c", grid, None, Difficulty.HARD)]
    dialog = PuzzleListDialog("pick", choices, tab.theme, tab)
    qtbot.addWidget(dialog)
    assert dialog.list.topLevelItemCount() == 3
    dialog.select_difficulty(Difficulty.HARD)
    assert dialog.list.topLevelItemCount() == 2 and dialog.selected().name == "b"
    assert np.array_equal(dialog.preview.frame.digits, grid)


def test_library_offers_the_bundled_puzzles(qtbot, tab, monkeypatch):
    seen = {}

    def pick(title, choices):
        seen["choices"] = choices
        return next(c for c in choices if c.difficulty == Difficulty.HARD)

    monkeypatch.setattr(tab.sources, "choose", pick)
    tab.sources.library_dialog()
    choices = seen["choices"]
    assert len(choices) >= 50
    assert {c.difficulty for c in choices} == set(Difficulty)
    hard = next(c for c in choices if c.difficulty == Difficulty.HARD)
    assert np.array_equal(tab.document.grid, hard.puzzle)
    assert count_solutions(tab.document.grid) == 1


def test_library_missing_is_a_message(qtbot, tab, monkeypatch, tmp_path, captured_messages):
    monkeypatch.setenv("VMD_RESOURCES", str(tmp_path))
    tab.sources.library_dialog()
    assert captured_messages.errors and "library" in captured_messages.errors[0][1]


def test_generate_a_puzzle_of_a_chosen_difficulty(qtbot, tab):
    tab.sources.generate(Difficulty.EASY, seed=5)
    qtbot.waitUntil(lambda: tab.document.name.startswith("generated"), timeout=30_000)
    assert "Easy" in tab.document.name
    assert count_solutions(tab.document.grid) == 1
    qtbot.waitUntil(lambda: tab.analysis.solutions == 1 and tab.analysis.same_grid(tab.document.grid), timeout=10_000)
    tab.undo()
    assert not tab.document.name.startswith("generated")


def test_save_and_reopen(qtbot, tab, tmp_path):
    for name in ("p.txt", "p.sdk"):
        path = tmp_path / name
        assert tab.sources.save_file(path)
        before = tab.document.grid
        tab.clear_puzzle()
        assert tab.sources.open_file(path)
        assert np.array_equal(tab.document.grid, before)
    assert len((tmp_path / "p.txt").read_text().strip()) == 81


def test_exports(qtbot, tab, tmp_path):
    with pytest.raises(ExportError):
        tab.export_json(tmp_path / "none.json")
    solved(qtbot, tab, nfe=3)

    payload = json.loads(tab.export_json(tmp_path / "trace.json").read_text())
    assert payload["format"] == "vmd-trace-set" and set(payload["traces"]) == {"mdm", "vmd"}
    assert payload["puzzle"] == format_line(tab.document.grid)
    assert len(payload["traces"]["vmd"]["steps"]) == 3 and payload["traces"]["vmd"]["format"] == "vmd-trace"

    png = tab.export_png(tmp_path / "view.png")
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 400

    tab.playback.seek(1)
    gif = tab.export_gif(tmp_path / "solve.gif")
    from PIL import Image

    with Image.open(gif) as animation:
        assert animation.n_frames == 4, "the start plus one frame per step"
    assert tab.playback.position == 1, "exporting restores the step shown"

    tab.controls.apply("mdm", "margin", 2, 0.0, 0, "fixed")
    with qtbot.waitSignal(tab.engine.runFinished, timeout=60_000):
        tab.solve()
    single = json.loads(tab.export_json(tmp_path / "single.json").read_text())
    assert single["format"] == "vmd-trace" and single["settings"]["puzzle"] == format_line(tab.document.grid)


def test_settings_persist_between_sessions(qtbot, tiny_checkpoints, window_factory, puzzle_text):
    first = window_factory(tiny_checkpoints)
    tab = first.sudoku
    tab.set_puzzle(parse_puzzle(OTHER))
    tab.controls.apply("vmd", "entropy", 7, 0.3, 42, "redraw")
    tab.timeline.set_speed(8)
    tab.actions_by_name["ghosts"].setChecked(False)
    first.set_theme("dark")
    first.resize(950, 660)
    first.close()
    saved = load_settings()
    assert saved.puzzle == OTHER and saved.nfe == 7 and saved.models == "vmd" and saved.theme == "dark"
    assert saved.checkpoint_mdm == "" or Path(saved.checkpoint_mdm).exists()

    second = window_factory(tiny_checkpoints, settings=load_settings())
    tab = second.sudoku
    assert format_line(tab.document.grid) == OTHER
    assert tab.controls.lanes() == ("vmd",) and tab.controls.nfe.value() == 7 and tab.controls.seed.value() == 42
    assert tab.controls.settings().strategy == "entropy" and tab.controls.settings().latent_mode == "redraw"
    assert tab.playback.speed == 8 and not tab.actions_by_name["ghosts"].isChecked()
    # The offscreen screen is 800 px wide, so restoreGeometry keeps the height but clamps the width.
    assert second.theme.name == "dark" and second.height() == 660
    second.close()


def test_theme_switch_repaints_everything(qtbot, window, tab):
    window.set_theme("dark")
    app = QApplication.instance()
    assert app.palette().window().color().name().lower() == DARK.window.lower()
    assert tab.lane_views["mdm"].board.theme is DARK and tab.legend.swatches[0].theme is DARK
    assert window.theme_actions["dark"].isChecked()
    window.set_theme("light")
    assert tab.lane_views["mdm"].board.theme.name == "light"


def test_shortcut_dialog_lists_the_real_shortcuts(qtbot, window):
    rows = dict(window.shortcut_rows())
    assert rows["Undo"] == "Ctrl+Z"
    assert "Ctrl+Shift+Z" in rows["Redo"]
    assert rows["Paste puzzle"] == "Ctrl+V" and rows["Copy puzzle"] == "Ctrl+C"
    assert rows["Play / pause"] == "Space" and rows["Stop"] == "Esc"
    assert "Ctrl+Return" in rows["Solve"]
    from app.shortcuts import ShortcutsDialog

    dialog = ShortcutsDialog(window.shortcut_rows(), window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == len(rows)


def test_views_import_no_torch():
    """The window, its views and the worker module load without torch (it loads in the worker)
    and without pyqtgraph (it loads once a plot has painted)."""
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from app.main_window import MainWindow\n"
        "from app.settings import AppSettings\n"
        "import app.export, app.plots, app.timeline, app.sudoku.board, app.sudoku.tab\n"
        "w = MainWindow(settings=AppSettings(), persist=False)\n"
        "loaded = sorted(m for m in sys.modules if m == 'torch' or m.startswith('torch.'))\n"
        "plots = sorted(m for m in sys.modules if m == 'pyqtgraph' or m.startswith('pyqtgraph.'))\n"
        "w.engine.shutdown()\n"
        "print('TORCH:', loaded[:3])\n"
        "print('PYQTGRAPH:', plots[:3])\n"
        "sys.exit(1 if loaded or plots else 0)\n"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "TORCH: []" in result.stdout
    assert "PYQTGRAPH: []" in result.stdout  # loaded when a plot is first painted (app/plots.py)


def test_main_parses_arguments(monkeypatch, tmp_path, qtbot):
    """`main()` builds the window and opens a puzzle given on the command line."""
    import app.__main__ as entry
    import app.main_window as main_window

    puzzle = tmp_path / "cli.txt"
    puzzle.write_text(OTHER + "\n")
    created = []

    class Recorder(main_window.MainWindow):
        def __init__(self, *args, **kwargs):
            kwargs["settings"] = AppSettings()
            super().__init__(*args, **kwargs)
            created.append(self)

    monkeypatch.setattr(main_window, "MainWindow", Recorder)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    assert entry.main([str(puzzle), "--device", "cpu"]) == 0
    window = created[0]
    assert format_line(window.sudoku.document.grid) == OTHER
    window.close()
    assert not window.engine.thread.isRunning()


def test_a_vanished_saved_checkpoint_falls_back_to_the_bundled_one(qtbot, tmp_path, monkeypatch, tiny_checkpoints, window_factory, captured_messages):
    import shutil

    resources = tmp_path / "resources"
    (resources / "checkpoints").mkdir(parents=True)
    shutil.copy(tiny_checkpoints["mdm"], resources / "checkpoints" / "sudoku-mdm.safetensors")
    shutil.copy(tiny_checkpoints["vmd"], resources / "checkpoints" / "sudoku-vmd.safetensors")
    monkeypatch.setenv("VMD_RESOURCES", str(resources))
    settings = AppSettings(checkpoint_mdm=str(tmp_path / "gone.safetensors"))
    window = window_factory(None, settings=settings)
    tab = window.sudoku
    assert tab.models["mdm"].bundled and tab.models["vmd"].bundled
    assert "bundled" in tab.lane_views["mdm"].model_label.text()
    assert not tab.banner.isVisible() and captured_messages.errors == []
    assert window.collect_settings().checkpoint_mdm == ""
    window.close()


def test_a_checkpoint_the_user_opens_is_remembered(qtbot, window, tab, tiny_checkpoints):
    with qtbot.waitSignal(tab.engine.modelLoaded, timeout=30_000):
        tab.load_checkpoint("vmd", tiny_checkpoints["vmd"])
    assert window.collect_settings().checkpoint_vmd == tiny_checkpoints["vmd"]
    assert window.collect_settings().checkpoint_mdm == "", "a command-line override is not remembered"


def test_a_csv_with_difficulties_can_be_filtered(qtbot, tab, monkeypatch):
    from app import paths as app_paths

    seen = {}

    def pick(title, choices):
        seen["levels"] = {c.difficulty for c in choices}
        return choices[-1]

    monkeypatch.setattr(tab.sources, "choose", pick)
    assert tab.sources.open_file(app_paths.puzzle_library())
    assert seen["levels"] == set(Difficulty)
