"""Render the Text tab to PNG during the test run: generation side by side (mid-run and end),
the phrase-pair chart and the 2-token histograms, in both themes. Set VMD_SCREENSHOT_DIR to keep
the pictures (docs/screenshot-text.png is made this way); otherwise they go to a temporary folder.

Each page uses the bundled checkpoints when they are present (they show what users see),
otherwise the tiny untrained test models.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

from app import paths
from app.settings import AppSettings
from app.text.catalog import DEPENDENCY_SLOTS, GENERATION_SLOTS, PHRASE_SLOTS
from app.text.record import Cell
from app.text.strip import now_fill


def _resources(tmp_path: Path, tiny: Path) -> Path:
    """The tiny models, replaced group by group by the bundled ones that exist."""
    folder = tmp_path / "screenshot-resources"
    shutil.copytree(tiny, folder)
    bundled = paths.checkpoint_dir()
    copied: set[str] = set()
    for group in (GENERATION_SLOTS, GENERATION_SLOTS[:2], PHRASE_SLOTS, DEPENDENCY_SLOTS[:2]):
        if all(slot.path(bundled).is_file() and slot.file not in copied for slot in group):
            copied.update(slot.file for slot in group)
            for slot in group:
                shutil.copy(slot.path(bundled), folder / "checkpoints" / slot.file)
    return folder


def _count_near(image: QImage, colour: QColor, tolerance: int = 12) -> int:
    img = image.convertToFormat(QImage.Format.Format_RGB888)
    data = np.frombuffer(bytes(img.constBits()), dtype=np.uint8)[: img.bytesPerLine() * img.height()]
    rows = data.reshape(img.height(), img.bytesPerLine())[:, : img.width() * 3].reshape(img.height(), img.width(), 3).astype(int)
    distance = np.abs(rows - np.array([colour.red(), colour.green(), colour.blue()])).sum(axis=2)
    return int((distance <= tolerance).sum())


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_text_tab_screenshots(qtbot, tiny_checkpoints, text_resources, window_factory, tmp_path, monkeypatch, theme):
    out = Path(os.environ.get("VMD_SCREENSHOT_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("VMD_RESOURCES", str(_resources(tmp_path, text_resources)))
    settings = AppSettings(theme=theme, speed=30.0, text_prompt=os.environ.get("VMD_SCREENSHOT_PROMPT", "ROMEO:\n"),
                           text_models="both", text_nfe=2, text_temperature=0.0, phrase_samples=500, pair_samples=2000)
    window = window_factory(tiny_checkpoints, settings=settings)
    window.resize(1400, 900)
    window.tabs.setCurrentWidget(window.text)
    tab = window.text
    qtbot.waitUntil(lambda: tab.built and len(tab.registry.summaries) >= 7 and not tab.registry.pending, timeout=60_000)

    page = tab.generation
    with qtbot.waitSignal(page.engine.runFinished, timeout=120_000):
        page.generate()
    total = page.playback.total
    page.playback.pause()
    middle = max(1, total // 2 + 1)
    page.playback.seek(middle)
    qtbot.wait(50)
    mid = window.grab().toImage()
    assert mid.save(str(out / f"text-{theme}-mid.png"))
    strip = page.lane_views["vmd"].strip
    now = [i for i, k in enumerate(strip.frame.kinds) if k == Cell.NOW]
    assert now, "the step shown committed characters"
    highlight = now_fill(window.theme, float(strip.frame.confidence[now[0]]))
    assert _count_near(mid, highlight) > 40, "characters committed in this step are highlighted"
    page.playback.last()
    qtbot.wait(50)
    end = window.grab().toImage()
    assert end.save(str(out / f"text-{theme}-end.png"))
    assert mid != end and mid.width() >= 1400 and mid.height() >= 900
    for lane in ("mdm", "vmd"):
        assert _count_near(end, QColor(window.theme.lane_colour(lane)), 30) > 20, "both lanes' colour keys and plot lines are drawn"

    tab.show_page("phrases")
    with qtbot.waitSignal(page.engine.runFinished, timeout=120_000):
        tab.phrases.sample()
    with qtbot.waitSignal(page.engine.runFinished, timeout=60_000):
        tab.phrases.redraw_z(7)
    qtbot.wait(50)
    phrases = window.grab().toImage()
    assert phrases.save(str(out / f"phrases-{theme}.png"))
    assert _count_near(phrases, QColor(window.theme.conflict), 30) + _count_near(phrases, QColor(window.theme.ok), 30) > 500, "bars are drawn"

    tab.show_page("pairs")
    with qtbot.waitSignal(page.engine.runFinished, timeout=120_000):
        tab.dependency.sample()
    qtbot.wait(50)
    pairs = window.grab().toImage()
    assert pairs.save(str(out / f"pairs-{theme}.png"))
    assert _count_near(pairs, QColor(window.theme.ok), 30) > 200, "the support band is outlined"
    window.close()
