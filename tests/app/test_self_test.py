"""`vmd --self-test`, the About dialog and the window title (app/self_test.py, app/about.py).

The bundled Sudoku checkpoints may not exist in a checkout, so every test here builds a small
resources folder of its own (tiny untrained models, the real puzzle library) and points the
app at it with VMD_RESOURCES.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import about, self_test

ROOT = Path(__file__).resolve().parents[2]


def _save(model_config, task: str, vocabulary: list[str], path: Path, recipe: dict | None = None) -> Path:
    from vmdcore.checkpoint import CheckpointInfo, save_checkpoint
    from vmdcore.model import build_model

    model = build_model(model_config, seed=0)
    info = CheckpointInfo(task=task, config=model_config, vocabulary=vocabulary, name=path.stem, recipe=recipe or {})
    return save_checkpoint(model, info, path)


@pytest.fixture(scope="module")
def tiny_resources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """resources/ with tiny sudoku-mdm, sudoku-vmd and synthetic-D1-B1-vmd checkpoints."""
    from vmdcore.config import ModelConfig
    from vmdcore.tasks import sudoku, synthetic

    folder = tmp_path_factory.mktemp("resources")
    checkpoints = folder / "checkpoints"
    for kind, latent in (("mdm", 0), ("vmd", 8)):
        cfg = sudoku.model_config(d_model=32, n_layers=1, n_heads=2, latent_dim=latent)
        _save(cfg, "sudoku", sudoku.VOCABULARY, checkpoints / f"sudoku-{kind}.safetensors")
    cfg = ModelConfig(vocab_size=synthetic.VOCAB_SIZE, seq_len=4, d_model=16, n_layers=1, n_heads=2, latent_dim=4, encoder_layers=1)
    _save(cfg, "synthetic", synthetic.VOCABULARY, checkpoints / "synthetic-D1-B1-vmd.safetensors", {"dataset": "D1"})
    (folder / "puzzles").mkdir()
    shutil.copy(ROOT / "resources" / "puzzles" / "library.csv", folder / "puzzles" / "library.csv")
    shutil.copytree(ROOT / "resources" / "icons", folder / "icons")
    return folder


@pytest.fixture
def resources_copy(tiny_resources: Path, tmp_path: Path) -> Path:
    """A copy a test may damage."""
    return Path(shutil.copytree(tiny_resources, tmp_path / "resources"))


def _run_checks(resources: Path, names: list[str], capsys) -> tuple[list[self_test.Outcome], str]:
    checks = [c for c in self_test.CHECKS if c.name in names]
    outcomes = self_test.run_checks(self_test.Context(resources=resources), checks, self_test._Report())
    return outcomes, capsys.readouterr().out


@pytest.mark.slow
def test_self_test_command_passes_offscreen(tiny_resources: Path, isolated_user_dirs: Path):
    """The real command, in a fresh process (the window check needs torch not yet imported)."""
    env = dict(os.environ, VMD_RESOURCES=str(tiny_resources), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "app", "--self-test"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    for name in ("window", "checkpoints", "sudoku", "synthetic", "export"):
        assert f"[ok  ] {name}" in out, out
    assert "window shown without importing torch" in out
    assert "Checks run: window, checkpoints, sudoku, synthetic, export" in out
    # The tiny resources bundle no text model: the text check says so and is skipped.
    assert "[skip] text" in out and "no text or phrase-pair checkpoint is bundled" in out
    assert "Not checked in this version" not in out
    assert out.rstrip().endswith("Self-test passed: 5 checks.")
    # Nothing was written to the user's settings.
    assert not list(isolated_user_dirs.glob("**/settings.json"))


def test_checkpoint_sudoku_and_synthetic_checks_pass(tiny_resources: Path, capsys):
    outcomes, out = _run_checks(tiny_resources, ["checkpoints", "sudoku", "synthetic"], capsys)
    assert [o.status for o in outcomes] == ["passed"] * 3, out
    assert "loaded 3 checkpoint(s)" in out
    assert "MDM: 8 steps" in out and "VMD: 8 steps" in out
    assert "synthetic-D1-B1-vmd.safetensors: 200 sequences of 4 tokens" in out
    assert "D1 support" in out


def test_missing_sudoku_checkpoint_is_a_clear_failure(resources_copy: Path, capsys):
    (resources_copy / "checkpoints" / "sudoku-vmd.safetensors").unlink()
    outcomes, out = _run_checks(resources_copy, ["checkpoints", "sudoku"], capsys)
    assert [o.status for o in outcomes] == ["failed", "failed"]
    assert "sudoku-vmd.safetensors is missing" in outcomes[0].detail
    assert "vmd-train sudoku --model vmd" in outcomes[0].detail
    assert "sudoku-vmd.safetensors is missing" in outcomes[1].detail or "MDM" in out
    assert "Traceback" not in out


def test_damaged_checkpoint_names_the_file(resources_copy: Path, capsys):
    (resources_copy / "checkpoints" / "synthetic-D1-B1-vmd.safetensors").write_bytes(b"\x80\x04not a checkpoint")
    outcomes, out = _run_checks(resources_copy, ["checkpoints", "synthetic"], capsys)
    assert [o.status for o in outcomes] == ["failed", "failed"]
    assert "synthetic-D1-B1-vmd.safetensors looks like a PyTorch pickle" in outcomes[0].detail


def test_export_check_writes_gif_and_png(tiny_resources: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.setenv("VMD_RESOURCES", str(tiny_resources))
    outcomes, out = _run_checks(tiny_resources, ["export"], capsys)
    assert outcomes[0].status == "passed", out
    assert "3-frame GIF" in out


def test_no_synthetic_checkpoint_skips_that_check(resources_copy: Path, capsys):
    (resources_copy / "checkpoints" / "synthetic-D1-B1-vmd.safetensors").unlink()
    outcomes, _ = _run_checks(resources_copy, ["synthetic"], capsys)
    assert outcomes[0].status == "skipped"


def test_summary_lists_checks_and_reasons(monkeypatch: pytest.MonkeyPatch, tiny_resources: Path, capsys):
    """A list of checks: passes, skips, failures and unexpected errors are all reported."""

    def boom(ctx):
        raise KeyError("surprise")

    def skip(ctx):
        raise self_test.CheckSkipped("not in this build")

    def fail(ctx):
        raise self_test.CheckFailed("the reason")

    checks = [
        self_test.Check("fine", "works", lambda ctx: "did it"),
        self_test.Check("later", "a future check", skip),
        self_test.Check("broken", "fails", fail),
        self_test.Check("crash", "raises", boom),
    ]
    monkeypatch.setenv("VMD_RESOURCES", str(tiny_resources))
    assert self_test.run_self_test(checks=checks) == 1
    out = capsys.readouterr().out
    assert "[ok  ] fine" in out and "[skip] later" in out and "[FAIL] broken" in out and "[FAIL] crash" in out
    assert "Checks run: fine, broken, crash" in out
    assert "Skipped: later (not in this build)" in out
    assert "Self-test FAILED: 2 of 3 checks failed." in out
    assert "- the reason" in out and "unexpected error: KeyError: 'surprise'" in out
    assert "Traceback" in out  # an unexpected error shows where it happened

    assert self_test.run_self_test(checks=checks[:2]) == 0
    assert "Self-test passed: 1 checks." in capsys.readouterr().out


def test_version_flag(capsys):
    from app.__main__ import main

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"VMD {about.app_version()}"


# -- About dialog and window title -----------------------------------------------------------


def test_about_names_version_licences_and_paper():
    html = about.about_html()
    assert about.app_version() != "unknown" and about.app_version() in html
    assert "Variational Masked Diffusion Models" in html and "arXiv:2510.23606" in html
    assert "Yichi Zhang, Alex Schwing, Zhizhen Zhao" in html
    for licence in ("MIT", "LGPL-3.0", "BSD-3-Clause", "Apache-2.0", "MIT-CMU (HPND)"):
        assert licence in html
    for name in ("PySide6", "PyTorch", "NumPy", "pyqtgraph", "safetensors", "platformdirs", "Pillow"):
        assert name in html
    assert "arXiv:2510.23606" in about.BIBTEX and about.BIBTEX.startswith("@article{")


def test_about_dialog_copies_the_citation(qtbot):
    from PySide6.QtGui import QGuiApplication

    dialog = about.AboutDialog()
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "About VMD"
    assert about.app_version() in dialog.text.text()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == about.BIBTEX


def test_window_title_icon_and_about_action(window, monkeypatch: pytest.MonkeyPatch):
    assert window.windowTitle() == f"VMD {about.app_version()}: masked diffusion, step by step"
    assert not window.windowIcon().isNull()
    shown = []
    monkeypatch.setattr(about.AboutDialog, "exec", lambda self: shown.append(self) or 0)
    window.help_actions["about"].trigger()
    assert len(shown) == 1 and shown[0].parent() is window


@pytest.mark.slow
def test_startup_trace_reports_window_then_models(tiny_resources: Path, isolated_user_dirs: Path):
    """`--startup-trace` (read by benchmarks/startup.py): wall-clock stamps, then the app quits."""
    env = dict(os.environ, VMD_RESOURCES=str(tiny_resources), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "app", "--startup-trace"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line.split() for line in result.stdout.splitlines() if line.startswith("vmd-startup: ")]
    assert [parts[1] for parts in lines] == ["window_visible", "models_loaded"]
    window, models = float(lines[0][2]), float(lines[1][2])
    assert window <= models
    assert "torch=" in " ".join(lines[0]) and "gui_cpu=" in " ".join(lines[0])
    assert "sudoku/mdm=ok" in lines[1] and "sudoku/vmd=ok" in lines[1]
    assert not list(isolated_user_dirs.glob("**/settings.json"))  # a trace run saves nothing
