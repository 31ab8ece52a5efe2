"""Settings persistence (platformdirs, redirected to a temporary folder) and resource lookup."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app import paths
from app.settings import AppSettings, load_settings, save_settings, settings_path


def test_settings_live_under_the_redirected_home(isolated_user_dirs):
    assert settings_path().is_relative_to(isolated_user_dirs)
    assert paths.log_dir().is_relative_to(isolated_user_dirs)


def test_round_trip():
    s = AppSettings(puzzle="1" + "." * 80, nfe=12, temperature=0.5, theme="dark", show_ghosts=False)
    save_settings(s)
    assert load_settings() == s


def test_missing_corrupt_or_mistyped_settings_fall_back_to_defaults():
    assert load_settings() == AppSettings()
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    assert load_settings() == AppSettings()
    path.write_text(json.dumps({"nfe": "many", "temperature": 1, "show_ghosts": 1, "theme": "dark", "unknown": 3}), encoding="utf-8")
    loaded = load_settings()
    assert loaded.nfe == AppSettings().nfe
    assert loaded.temperature == 1.0
    assert loaded.show_ghosts is True, "1 is not a bool"
    assert loaded.theme == "dark"
    path.write_text("[1, 2]", encoding="utf-8")
    assert load_settings() == AppSettings()


def test_resources_found_in_the_source_tree(monkeypatch):
    monkeypatch.delenv(paths.RESOURCES_ENV, raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    root = Path(paths.__file__).resolve().parent.parent
    assert paths.resources_dir() == root / "resources"
    assert paths.bundled_checkpoint("vmd") == root / "resources" / "checkpoints" / "sudoku-vmd.safetensors"
    assert paths.puzzle_library() == root / "resources" / "puzzles" / "library.csv"


def test_resources_found_in_a_pyinstaller_bundle(monkeypatch, tmp_path):
    monkeypatch.delenv(paths.RESOURCES_ENV, raising=False)
    (tmp_path / "resources" / "checkpoints").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resources_dir() == tmp_path / "resources"
    assert paths.bundled_checkpoint("mdm") == tmp_path / "resources" / "checkpoints" / "sudoku-mdm.safetensors"


def test_resources_override(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.RESOURCES_ENV, str(tmp_path))
    assert paths.resources_dir() == tmp_path
