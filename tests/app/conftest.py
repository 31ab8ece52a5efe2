"""Fixtures for the GUI tests: tiny checkpoints, a captured message box, a ready main window.

PySide6 is imported at module level on purpose: if Qt cannot load (missing libEGL and the
like), collection fails loudly instead of the GUI tests being skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import os
import pytest
from PySide6 import QtGui, QtWidgets  # noqa: F401  (fail loudly when Qt cannot load)

from app import messages
from app.settings import AppSettings

# 30 clues, unique solution.
PUZZLE = "..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3.."


@pytest.fixture
def puzzle_text() -> str:
    return PUZZLE


@dataclass
class MessageLog:
    errors: list[tuple[str, str]] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(f"{t}: {m}" for t, m in self.errors)


@pytest.fixture(autouse=True)
def captured_messages(monkeypatch: pytest.MonkeyPatch) -> MessageLog:
    """Message boxes would block offscreen tests: record them instead."""
    log = MessageLog()
    monkeypatch.setattr(messages, "show_error", lambda parent, title, text, details="": log.errors.append((title, text)))
    return log


def _tiny_checkpoint(path: Path, latent_dim: int) -> Path:
    from vmdcore.checkpoint import CheckpointInfo, save_checkpoint
    from vmdcore.model import build_model
    from vmdcore.tasks import sudoku

    cfg = sudoku.model_config(d_model=32, n_layers=1, n_heads=2, latent_dim=latent_dim)
    model = build_model(cfg, seed=0)
    name = "tiny-vmd" if latent_dim else "tiny-mdm"
    return save_checkpoint(model, CheckpointInfo(task="sudoku", config=cfg, vocabulary=sudoku.VOCABULARY, name=name), path)


@pytest.fixture(scope="session")
def tiny_checkpoints(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("checkpoints")
    return {
        "mdm": str(_tiny_checkpoint(folder / "tiny-mdm.safetensors", 0)),
        "vmd": str(_tiny_checkpoint(folder / "tiny-vmd.safetensors", 8)),
    }


def make_window(qtbot, checkpoints: dict[str, str] | None, settings: AppSettings | None = None, wait_models: bool = True):
    from app.main_window import MainWindow

    window = MainWindow(settings=settings or AppSettings(puzzle=PUZZLE, speed=30.0), checkpoints=checkpoints)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    if wait_models:
        qtbot.waitUntil(lambda: window.sudoku._engine_ready and len(window.sudoku.models) == 2, timeout=30_000)
    return window


@pytest.fixture
def window_factory(qtbot):
    """make(checkpoints, settings=None, wait_models=True) -> a shown MainWindow."""
    return lambda checkpoints, settings=None, wait_models=True: make_window(qtbot, checkpoints, settings, wait_models)


@pytest.fixture
def window(qtbot, tiny_checkpoints):
    win = make_window(qtbot, tiny_checkpoints)
    yield win
    win.close()
    assert not win.engine.thread.isRunning()


@pytest.fixture
def tab(window):
    return window.sudoku


@pytest.fixture(scope="package", autouse=True)
def single_torch_thread():
    """The tiny test models run fastest on one thread, and CI's few cores are shared."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    saved = os.environ.get("VMD_ENGINE_THREADS")
    os.environ["VMD_ENGINE_THREADS"] = "1"  # the engine thread sets torch's count when it starts
    yield
    torch.set_num_threads(before)
    if saved is None:
        os.environ.pop("VMD_ENGINE_THREADS", None)
    else:
        os.environ["VMD_ENGINE_THREADS"] = saved


@pytest.fixture
def slow_sampler(monkeypatch: pytest.MonkeyPatch):
    """Make each sampler step take `delay` seconds, so a test can act in the middle of a run."""
    import time

    from vmdcore import sampling

    real = sampling.sample

    def install(delay: float = 0.05) -> None:
        def slow(*args, **kwargs):
            for step in real(*args, **kwargs):
                time.sleep(delay)
                yield step

        monkeypatch.setattr(sampling, "sample", slow)

    return install


# -- the Text tab ------------------------------------------------------------------------------
TEXT_ALPHABET = "ROMEO:\nabcdefghijklmnopqrstuvwxyz ,.!?'"
TEXT_SEQ_LEN = 24


def _save_tiny(cfg, task: str, vocabulary: list[str], path: Path, recipe: dict | None = None) -> Path:
    from vmdcore.checkpoint import CheckpointInfo, save_checkpoint
    from vmdcore.model import build_model

    model = build_model(cfg, seed=0)
    return save_checkpoint(model, CheckpointInfo(task=task, config=cfg, vocabulary=vocabulary, name=path.stem, recipe=recipe or {}), path)


def build_text_resources(folder: Path, blocks: tuple[int, ...] = (4,), ar: bool = True, phrases: bool = True, pairs: bool = True) -> Path:
    """resources/checkpoints with tiny untrained Text-tab models named as the bundled ones."""
    from vmdcore.config import ModelConfig
    from vmdcore.tasks import phrases as phrase_task
    from vmdcore.tasks import synthetic
    from vmdcore.tasks.text import CharTokenizer

    checkpoints = folder / "checkpoints"
    vocab = list(CharTokenizer.from_text(TEXT_ALPHABET).vocabulary)
    small = dict(d_model=16, n_layers=1, n_heads=2, encoder_layers=1)
    for block in blocks:
        for kind, latent in (("mdm", 0), ("vmd", 4)):
            cfg = ModelConfig(vocab_size=len(vocab), seq_len=TEXT_SEQ_LEN, latent_dim=latent, block_size=block, **small)
            _save_tiny(cfg, "text", vocab, checkpoints / f"text-{kind}-b{block}.safetensors", {"model": kind, "block": block})
    if ar:
        cfg = ModelConfig(vocab_size=len(vocab), seq_len=TEXT_SEQ_LEN, latent_dim=0, block_size=1, **small)
        _save_tiny(cfg, "text", vocab, checkpoints / "text-ar.safetensors", {"model": "ar"})
    if phrases:
        pv = list(phrase_task.tokenizer().vocabulary)
        for kind, latent in (("mdm", 0), ("vmd", 4)):
            cfg = ModelConfig(vocab_size=len(pv), seq_len=phrase_task.SEQ_LEN, latent_dim=latent, block_size=phrase_task.BLOCK_SIZE, **small)
            _save_tiny(cfg, "phrases", pv, checkpoints / f"phrases-{kind}.safetensors")
    if pairs:
        for kind, latent in (("mdm", 0), ("vmd", 4)):
            cfg = ModelConfig(vocab_size=synthetic.VOCAB_SIZE, seq_len=2, latent_dim=latent, **small)
            _save_tiny(cfg, "synthetic", synthetic.VOCABULARY, checkpoints / f"synthetic-pair-B1-{kind}.safetensors", {"dataset": "pair"})
    return folder


@pytest.fixture(scope="session")
def text_resources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_text_resources(tmp_path_factory.mktemp("text-resources"))


def wait_text_models(qtbot, tab, count: int) -> None:
    qtbot.waitUntil(lambda: len(tab.registry.summaries) + len(tab.registry.errors) >= count and not tab.registry.pending, timeout=30_000)


@pytest.fixture
def text_window(qtbot, tiny_checkpoints, text_resources, monkeypatch):
    """The main window on the Text tab, its tiny models (7 files) loaded."""
    monkeypatch.setenv("VMD_RESOURCES", str(text_resources))
    window = make_window(qtbot, tiny_checkpoints, AppSettings(puzzle=PUZZLE, speed=30.0))
    window.tabs.setCurrentWidget(window.text)
    wait_text_models(qtbot, window.text, 7)
    yield window
    window.close()
    assert not window.engine.thread.isRunning()
