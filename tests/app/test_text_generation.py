"""The Text tab's Generate page in the real main window, with tiny untrained models."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from vmdcore.tasks.text import MASK_CHAR

from app.text.record import Cell

TEXT_SEQ_LEN = 24  # the tiny models' window (tests/app/conftest.py)


def gen_page(window):
    window.text.show_page("generate")
    return window.text.generation


def generate(qtbot, page, models: str = "both", nfe: int = 2, prompt: str = "ROMEO:\n", length: int | None = None, temperature: float = 0.0) -> None:
    page.panel.prompt.setPlainText(prompt)
    if length is not None:
        page.panel.length.setValue(length)
    page.controls.apply(models, "margin", nfe, temperature, 0, "fixed")
    assert page.panel.generate_button.isEnabled(), page.panel.run_hint.text()
    with qtbot.waitSignal(page.engine.runFinished, timeout=60_000):
        qtbot.mouseClick(page.panel.generate_button, Qt.MouseButton.LeftButton)
    assert not page.running


def test_a_generation_reaches_its_last_step(qtbot, text_window):
    page = gen_page(text_window)
    assert page.seq_len() == TEXT_SEQ_LEN
    assert page.panel.length.maximum() == TEXT_SEQ_LEN - 7, "the length fills the model's window after the prompt"
    generate(qtbot, page, "both", nfe=2, length=10)
    # Prompt of 7 characters, 10 to generate: positions 7..16 touch blocks 1..4, 2 steps each.
    assert page.playback.total == 8 and page.playback.available == 8
    for lane in ("mdm", "vmd"):
        record = page.records[lane]
        assert len(record) == 8 and record.trace is not None and not record.cancelled
    qtbot.waitUntil(lambda: page.playback.position == 8, timeout=10_000)
    for lane in ("mdm", "vmd"):
        frame = page.lane_views[lane].strip.frame
        kinds = [Cell(k) for k in frame.kinds]
        assert Cell.MASKED not in kinds
        assert kinds.count(Cell.PROMPT) == 7 and kinds.count(Cell.OUTSIDE) == TEXT_SEQ_LEN - 17
        text = page.texts()[lane]
        assert text.startswith("ROMEO:\n") and len(text) == 17 and MASK_CHAR not in text
        assert page.lane_views[lane].verdict.text().startswith("Done · 10 characters in 8 steps")
        assert page.lane_views[lane].tone == "good"
    assert text_window.text.actions_by_name["export_text_json"].isEnabled()
    text_window.text.actions_by_name["copy_text"].trigger()
    clipboard = QGuiApplication.clipboard().text()
    assert "[MDM]" in clipboard and page.texts()["vmd"] in clipboard


def test_stepping_and_scrubbing_show_each_step(qtbot, text_window):
    page = gen_page(text_window)
    generate(qtbot, page, "vmd", nfe=4, length=8)
    record = page.records["vmd"]
    total = page.playback.total
    assert total == len(record) and total >= 8
    page.playback.first()
    strip = page.lane_views["vmd"].strip
    start = [Cell(k) for k in strip.frame.kinds]
    assert start.count(Cell.MASKED) == 8 and Cell.NOW not in start
    assert page.timeline.label.text() == f"Step 0 / {total}"

    page.timeline.actions_by_name["forward"].trigger()
    assert page.playback.position == 1
    step = record.steps[0]
    now = [i for i, k in enumerate(strip.frame.kinds) if k == Cell.NOW]
    assert now == np.flatnonzero(step.committed[0]).tolist() and now, "the characters committed in step 1 are highlighted"
    assert all(strip.frame.confidence[i] == pytest.approx(step.confidence[0][i]) for i in now)

    page.timeline.slider.setValue(5)
    assert page.playback.position == 5 and not page.playback.playing
    assert strip.frame.text() == record.text_at(5)
    assert page.plot.current == 5 and page.timeline.label.text() == f"Step 5 / {total}"
    masked_5 = [Cell(k) for k in strip.frame.kinds].count(Cell.MASKED)
    assert masked_5 == int(record.masked_series()[5]) and 0 < masked_5 < 8

    page.timeline.actions_by_name["back"].trigger()
    assert page.playback.position == 4
    page.plot.stepClicked.emit(2)
    assert page.playback.position == 2
    page.timeline.actions_by_name["last"].trigger()
    assert [Cell(k) for k in strip.frame.kinds].count(Cell.MASKED) == 0


def test_side_by_side_shares_one_timeline_even_with_the_ar_reference(qtbot, text_window):
    page = gen_page(text_window)
    generate(qtbot, page, "all", nfe=4, length=6)
    assert set(page.records) == {"mdm", "vmd", "ar"}
    assert all(page.lane_views[lane].isVisible() for lane in ("mdm", "vmd", "ar"))
    # Prompt 7, 6 characters: the block models decode blocks 1..3 (4 steps each), the AR one step per character.
    assert len(page.records["mdm"]) == len(page.records["vmd"]) == 12
    assert len(page.records["ar"]) == 6
    assert page.playback.total == 12
    assert np.array_equal(page.records["mdm"].masked_series(), page.records["vmd"].masked_series())
    ar = page.records["ar"]
    assert all(int(s.committed.sum()) == 1 for s in ar.steps), "the AR reference commits one character per step"
    page.playback.pause()
    page.playback.seek(9)
    assert page.lane_views["ar"].verdict.text().startswith("Done"), "a finished lane holds its last frame"
    assert not page.lane_views["mdm"].verdict.text().startswith("Done")
    page.controls.apply("mdm", "margin", 2, 0.0, 0, "fixed")
    assert page.lane_views["vmd"].isVisible(), "a shown run keeps its lanes until the next one"


def test_bad_prompts_are_refused_with_a_message_and_kept(qtbot, text_window, captured_messages):
    page = gen_page(text_window)
    page.panel.prompt.setPlainText("")
    assert "empty" in page.panel.prompt_error.text()
    page.generate()
    assert captured_messages.errors[-1][0] == "Generate" and "empty" in captured_messages.errors[-1][1]

    page.panel.prompt.setPlainText("ROMEO: ¿qué€")
    assert page.panel.prompt_error.isVisible()
    page.generate()
    message = captured_messages.errors[-1][1]
    assert "'¿'" in message and "'é'" in message and "'€'" in message and "'q'" not in message
    assert page.panel.prompt_text() == "ROMEO: ¿qué€", "the prompt is kept for the user to fix"
    assert not page.running and not page.records

    page.panel.prompt.setPlainText("ROMEO: a")
    assert not page.panel.prompt_error.isVisible()
    assert page.lane_views["mdm"].strip.frame.text() == "ROMEO: a" + MASK_CHAR * (TEXT_SEQ_LEN - 8)


def test_stop_and_close_in_the_middle_of_a_run(qtbot, text_window, slow_sampler):
    slow_sampler(0.05)
    page = gen_page(text_window)
    page.controls.apply("both", "margin", 4, 0.0, 0, "fixed")
    page.panel.length.setValue(16)
    page.generate()
    assert page.running and text_window.text.actions_by_name["stop_text"].isEnabled()
    assert not page.panel.generate_button.isEnabled()
    qtbot.waitUntil(lambda: page.playback.available >= 2, timeout=10_000)
    with qtbot.waitSignal(page.engine.runFinished, timeout=10_000):
        text_window.text.actions_by_name["stop_text"].trigger()
    assert page.playback.total < 16 and all(r.cancelled for r in page.records.values())
    page.playback.last()
    assert page.lane_views["mdm"].verdict.text().startswith("Stopped")
    assert page.lane_views["mdm"].tone == "warn"

    page.generate()
    qtbot.waitUntil(lambda: page.playback.available >= 1, timeout=10_000)
    text_window.close()
    assert not text_window.engine.thread.isRunning()


def test_keyboard_generates_and_stops_without_clashing_with_the_sudoku_keys(qtbot, text_window, slow_sampler):
    slow_sampler(0.05)
    page = gen_page(text_window)
    page.controls.apply("both", "margin", 4, 0.0, 0, "fixed")
    page.panel.generate_button.setFocus()
    qtbot.keyClick(text_window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert page.running, "Ctrl+R generates"
    qtbot.waitUntil(lambda: page.playback.available >= 1, timeout=10_000)
    with qtbot.waitSignal(page.engine.runFinished, timeout=10_000):
        qtbot.keyClick(text_window, Qt.Key.Key_Escape)
    assert all(r.cancelled for r in page.records.values()), "Esc stops the text run (the Sudoku Stop is disabled meanwhile)"
    rows = dict(text_window.shortcut_rows())
    assert rows["Generate text"] == "Ctrl+R" and rows["Stop generating"] == "Esc"


def test_text_settings_persist_and_traces_export(qtbot, tiny_checkpoints, text_resources, window_factory, monkeypatch, tmp_path):
    import json

    from app.settings import AppSettings, load_settings

    monkeypatch.setenv("VMD_RESOURCES", str(text_resources))
    first = window_factory(tiny_checkpoints, settings=AppSettings(speed=30.0))
    first.tabs.setCurrentWidget(first.text)
    qtbot.waitUntil(lambda: first.text.built and len(first.text.registry.summaries) == 7, timeout=30_000)
    page = first.text.generation
    generate(qtbot, page, "vmd", nfe=3, prompt="ROMEO: o", length=9, temperature=0.5)
    payload = json.loads(page.export_json(tmp_path / "text.json").read_text())
    assert payload["format"] == "vmd-trace" and payload["settings"]["prompt"] == "ROMEO: o"
    assert len(payload["steps"]) == page.playback.total
    page.panel.ghosts.setChecked(True)
    first.text.phrases.nfe.setValue(2)
    first.set_theme("dark")
    assert page.lane_views["vmd"].strip.theme.name == "dark" and first.text.phrases.charts["vmd"].theme.name == "dark"
    first.close()

    saved = load_settings()
    assert (saved.text_prompt, saved.text_length, saved.text_models, saved.text_nfe) == ("ROMEO: o", 9, "vmd", 3)
    assert saved.text_temperature == pytest.approx(0.5) and saved.text_ghosts and saved.phrase_nfe == 2
    second = window_factory(tiny_checkpoints, settings=saved)
    second.tabs.setCurrentWidget(second.text)
    qtbot.waitUntil(lambda: second.text.built and len(second.text.registry.summaries) == 7, timeout=30_000)
    page = second.text.generation
    assert page.panel.prompt_text() == "ROMEO: o" and page.panel.length.value() == 9
    assert page.controls.lanes() == ("vmd",) and page.controls.nfe.value() == 3 and page.panel.ghosts.isChecked()
    assert second.text.phrases.nfe.value() == 2
    second.close()


def test_a_generation_exports_as_png_and_animated_gif(qtbot, text_window, tmp_path):
    from PIL import Image

    from app.export import ExportError

    page = gen_page(text_window)
    actions = text_window.text.actions_by_name
    with pytest.raises(ExportError, match="nothing to animate"):
        page.export_gif(tmp_path / "none.gif")
    generate(qtbot, page, "both", nfe=2, length=10)
    assert actions["export_text_gif"].isEnabled() and actions["export_text_png"].isEnabled()
    page.playback.seek(3)
    png = page.export_png(tmp_path / "view.png")
    with Image.open(png) as image:
        assert image.size[0] > 200 and image.size[1] > 100
    gif = page.export_gif(tmp_path / "generation.gif")
    with Image.open(gif) as animation:
        assert animation.n_frames == page.playback.total + 1, "one frame per step and the prompt alone"
        first = np.asarray(animation.convert("RGB"))
        animation.seek(animation.n_frames - 1)
        last = np.asarray(animation.convert("RGB"))
    assert not np.array_equal(first, last), "the frames show the text being written"
    assert page.playback.position == 3, "exporting restores the step shown"
