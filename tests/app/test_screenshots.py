"""Render the main window to PNG during the test run: side by side at a small NFE, mid-solve
and at the end, in both themes, and Generate mode with its gallery. Set VMD_SCREENSHOT_DIR to keep the pictures (the README's
screenshot is made this way); otherwise they go to the test's temporary folder.

The bundled checkpoints are used when present (they show what users see); otherwise the tiny
untrained test checkpoints.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

from app import paths
from app.settings import AppSettings

# A hard puzzle from the bundled library (#61): 23 clues, so each of a few steps fills many cells.
PUZZLE = "..9...283..2.9....5..3.....4..1.58..15..............6.....29.4..4.....5.3...18..."


def _checkpoints(tiny: dict[str, str]) -> dict[str, str] | None:
    """None (load the bundled checkpoints, as the app does) when both exist, else the tiny ones."""
    if all(paths.bundled_checkpoint(lane).exists() for lane in ("mdm", "vmd")):
        return None
    return tiny


def _count_near(image: QImage, colour: str, tolerance: int = 60) -> int:
    target = QColor(colour)
    img = image.convertToFormat(QImage.Format.Format_RGB888)
    data = np.frombuffer(bytes(img.constBits()), dtype=np.uint8)[: img.bytesPerLine() * img.height()]
    rows = data.reshape(img.height(), img.bytesPerLine())[:, : img.width() * 3].reshape(img.height(), img.width(), 3).astype(int)
    distance = np.abs(rows - np.array([target.red(), target.green(), target.blue()])).sum(axis=2)
    return int((distance <= tolerance).sum())


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_side_by_side_screenshots(qtbot, tiny_checkpoints, window_factory, tmp_path, theme):
    out = Path(os.environ.get("VMD_SCREENSHOT_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    nfe = int(os.environ.get("VMD_SCREENSHOT_NFE", "5"))
    settings = AppSettings(puzzle=os.environ.get("VMD_SCREENSHOT_PUZZLE", PUZZLE), theme=theme, speed=30.0, models="both", nfe=nfe)
    window = window_factory(_checkpoints(tiny_checkpoints), settings=settings)
    window.resize(1400, 900)
    tab = window.sudoku
    with qtbot.waitSignal(tab.engine.runFinished, timeout=120_000):
        tab.solve()
    total = tab.playback.total
    assert total == settings.nfe

    middle = max(1, total - 2)
    tab.playback.pause()
    tab.playback.seek(middle)
    qtbot.wait(50)
    mid = window.grab().toImage()
    assert mid.save(str(out / f"sudoku-{theme}-mid.png"))
    tab.playback.last()
    qtbot.wait(50)
    end = window.grab().toImage()
    assert end.save(str(out / f"sudoku-{theme}-end.png"))

    assert mid.width() >= 1400 and mid.height() >= 900
    assert mid != end
    conflicts = tab.records["mdm"].outcome_at(middle).conflicts
    tab.playback.seek(middle)
    marked = _count_near(window.grab().toImage(), window.theme.conflict)
    if conflicts:
        assert marked > 200 * conflicts / 10, "conflicting cells must stand out in the picture"
    lanes = [_count_near(end, window.theme.lane_colour(lane), 30) for lane in ("mdm", "vmd")]
    assert all(n > 20 for n in lanes), "both lanes' colour keys and plot lines are drawn"
    window.close()


@pytest.mark.skipif(
    not all(paths.bundled_checkpoint(f"gen-{lane}").is_file() for lane in ("mdm", "vmd")),
    reason="the bundled generation checkpoints are not there",
)
def test_generate_mode_screenshot(qtbot, tiny_checkpoints, window_factory, tmp_path):
    """Generate mode from an empty grid, the run at its last step and the gallery filled
    (VMD_SCREENSHOT_GEN_NFE=81 for the picture users see; a few steps keep the test short)."""
    out = Path(os.environ.get("VMD_SCREENSHOT_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    nfe = int(os.environ.get("VMD_SCREENSHOT_GEN_NFE", "6"))
    window = window_factory(_checkpoints(tiny_checkpoints), settings=AppSettings(puzzle=PUZZLE, speed=30.0, nfe=nfe))
    window.resize(1400, 900)
    tab = window.sudoku
    tab.set_mode("generate")
    qtbot.waitUntil(lambda: len(tab.generation_models()) == 2, timeout=30_000)
    tab.generate_controls.set_start("empty")
    tab.controls.apply("both", "margin", nfe, 0.0, 7, "fixed")
    with qtbot.waitSignal(tab.engine.runFinished, timeout=300_000):
        tab.sample_gallery()
    with qtbot.waitSignal(tab.engine.runFinished, timeout=300_000):
        tab.solve()
    tab.playback.last()
    tab.view.show_page(gallery=True)
    qtbot.wait(50)
    image = window.grab().toImage()
    assert image.save(str(out / "sudoku-generate-light.png"))
    assert all(len(tab.gallery.samples[lane]) == 8 for lane in ("mdm", "vmd"))
    badges = [text for texts in tab.gallery.badges.values() for text in texts]
    colour = window.theme.ok if all(text.startswith("✓") for text in badges) else window.theme.conflict
    assert _count_near(image, colour, 30) > 200, "the badges stand out in the picture"
    window.close()
