"""What the app writes (issue 19): settings and exports are written atomically through one helper
(vmdcore.atomic, via app.export.write_bytes / write_text), so a failed or killed write leaves the
previous file whole; a corrupt settings file gives the defaults and a WARNING in the log; the log
lives in the user log folder and rotates."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from app import export, logs, paths
from app.settings import AppSettings, load_settings, save_settings, settings_path
from vmdcore import atomic

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_log(isolated_user_dirs):
    """The app's logging set up as at start (file only), removed afterwards."""
    path = logs.setup_logging(console=False)
    yield path
    logs.close_logging()


def _flushed_text(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(atomic.TEMP_SUFFIX))


# -- the log ---------------------------------------------------------------------------------
def test_the_log_lives_in_the_user_log_folder_and_gets_the_corrupt_settings_warning(app_log, isolated_user_dirs):
    assert app_log == paths.log_dir() / "vmd.log" and app_log.is_relative_to(isolated_user_dirs)
    assert app_log.exists()
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"nfe": 12, "theme": "da', encoding="utf-8")  # cut off mid-write
    assert load_settings() == AppSettings(), "a corrupt file gives the defaults"
    text = _flushed_text(app_log)
    assert "WARNING app.settings: ignoring unreadable settings file" in text and "settings.json" in text

    path.write_text("[1, 2, 3]", encoding="utf-8")
    assert load_settings() == AppSettings()
    assert "it holds list, not an object" in _flushed_text(app_log)


def test_the_log_rotates_and_keeps_three_old_files(isolated_user_dirs):
    path = logs.setup_logging(console=False, max_bytes=2_000)
    try:
        for i in range(400):
            logging.getLogger("app.test").warning("line %04d of a long session %s", i, "x" * 40)
    finally:
        logs.close_logging()
    names = sorted(p.name for p in path.parent.iterdir())
    assert names == ["vmd.log", "vmd.log.1", "vmd.log.2", "vmd.log.3"], names
    assert all((path.parent / n).stat().st_size <= 2_000 for n in names)
    assert "line 0399" in path.read_text(encoding="utf-8"), "the newest lines are in vmd.log"
    assert "line 0000" not in "".join((path.parent / n).read_text(encoding="utf-8") for n in names), "the oldest are gone"


def test_the_default_rotation_is_1_mb_times_3(app_log):
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert len(handlers) == 1 and handlers[0].maxBytes == 1_000_000 and handlers[0].backupCount == 3
    logs.setup_logging(console=False)
    assert len([h for h in logging.getLogger().handlers if getattr(h, "_vmd_handler", False)]) == 1, "set up once"


@pytest.mark.slow
def test_the_app_sets_up_its_log_at_start(tmp_path):
    """`python -m app` in a fresh process with a corrupt settings file: the window opens, the
    models load, and the log file in the user log folder holds the start and the warning."""
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.json").write_bytes(b"\x00\x00garbage")
    env = {**os.environ, "VMD_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    env.pop(paths.RESOURCES_ENV, None)
    result = subprocess.run([sys.executable, "-m", "app", "--startup-trace"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "models_loaded" in result.stdout
    text = (home / "logs" / "vmd.log").read_text(encoding="utf-8")
    assert "INFO app: VMD starting; log file" in text
    assert "WARNING app.settings: ignoring unreadable settings file" in text


# -- atomic writes -----------------------------------------------------------------------------
def test_a_failed_write_leaves_the_previous_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "figures.csv"
    export.write_text(target, "old,figures\n")
    os.chmod(target, 0o640)

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    with pytest.raises(export.ExportError, match="No space left on device"):
        export.write_text(target, "new,figures\n" * 1000)
    assert target.read_text() == "old,figures\n"
    assert _leftovers(tmp_path) == [], "the temporary file is removed"
    monkeypatch.undo()
    export.write_text(target, "new\n")
    assert target.read_text() == "new\n" and (target.stat().st_mode & 0o777) == 0o640, "the file's mode is kept"


def test_settings_saved_atomically_a_failure_keeps_the_old_ones(monkeypatch, caplog):
    old = AppSettings(nfe=12, theme="dark")
    save_settings(old)
    assert _leftovers(settings_path().parent) == []

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with caplog.at_level(logging.WARNING, logger="app.settings"):
        save_settings(AppSettings(nfe=40))
    assert "could not save settings" in caplog.text
    assert load_settings() == old and _leftovers(settings_path().parent) == []


def test_every_export_goes_through_the_atomic_helper(qtbot, tmp_path, monkeypatch):
    from PySide6.QtGui import QColor, QImage

    written = []
    real = atomic.replacing

    def watched(path):
        written.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(atomic, "replacing", watched)
    label = QLabel("an export")
    qtbot.addWidget(label)
    label.resize(120, 40)
    export.write_json({"a": 1}, tmp_path / "trace.json")
    export.save_png(label, tmp_path / "board.png")
    frames = []
    for colour in ("red", "blue"):
        image = QImage(16, 16, QImage.Format.Format_RGB32)
        image.fill(QColor(colour))
        frames.append(image)
    export.save_gif(frames, tmp_path / "solve.gif", frame_ms=100)
    save_settings(AppSettings())
    assert written == ["trace.json", "board.png", "solve.gif", "settings.json"]
    assert json.loads((tmp_path / "trace.json").read_text()) == {"a": 1}
    assert (tmp_path / "board.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "solve.gif").read_bytes()[:6] == b"GIF89a"
    assert _leftovers(tmp_path) == []


_WRITER = """
import sys
from vmdcore import atomic
path, size = sys.argv[1], int(sys.argv[2])
i = 0
print("ready", flush=True)
while True:
    i += 1
    atomic.write_bytes(path, bytes([i % 256]) * size)
"""


def test_a_kill_in_the_middle_of_writes_leaves_a_whole_file(tmp_path):
    """A process rewriting a 4 MB file as fast as it can is SIGKILLed 15 times at random moments:
    every time, the file is one whole version (one byte value throughout, full length)."""
    import random

    target, size = tmp_path / "state.bin", 4_000_000
    atomic.write_bytes(target, b"\xff" * size)
    rng = random.Random(19)
    mid_write = 0
    for _ in range(15):
        child = subprocess.Popen([sys.executable, "-c", _WRITER, str(target), str(size)], cwd=ROOT,
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.4))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        mid_write += bool(_leftovers(tmp_path))
        data = target.read_bytes()
        assert len(data) == size and data.count(data[:1]) == size, "a whole version, never a mix"
        atomic.remove_leftovers(target)
        assert _leftovers(tmp_path) == []
    print(f"15 kills, {mid_write} of them in the middle of a write (a temporary file was left)")
    assert mid_write >= 1, "at least one kill should land mid-write (the test would prove nothing)"
