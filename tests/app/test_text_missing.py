"""The Text tab with checkpoints missing or broken: it says which, and works with the rest."""

from __future__ import annotations

import shutil

from app.settings import AppSettings


def _window(qtbot, window_factory, tiny_checkpoints, resources, monkeypatch):
    monkeypatch.setenv("VMD_RESOURCES", str(resources))
    window = window_factory(tiny_checkpoints, settings=AppSettings(speed=30.0))
    window.tabs.setCurrentWidget(window.text)
    tab = window.text
    qtbot.waitUntil(lambda: tab.built and not tab.registry.pending, timeout=30_000)
    return window, tab


def test_missing_and_broken_checkpoints_are_named_and_the_rest_works(
    qtbot, tmp_path, monkeypatch, text_resources, tiny_checkpoints, window_factory, captured_messages
):
    resources = tmp_path / "resources"
    (resources / "checkpoints").mkdir(parents=True)
    shutil.copy(text_resources / "checkpoints" / "text-mdm-b4.safetensors", resources / "checkpoints")
    broken = resources / "checkpoints" / "text-vmd-b4.safetensors"
    broken.write_bytes(b"this is not a checkpoint")
    window, tab = _window(qtbot, window_factory, tiny_checkpoints, resources, monkeypatch)
    page = tab.generation
    assert set(tab.registry.summaries) == {"text/mdm-b4"}
    error = tab.registry.errors["text/vmd-b4"]
    assert "text-vmd-b4.safetensors" in error

    banner = page.banner.text.text()
    assert page.banner.isVisible()
    for name in ("text-mdm-b8.safetensors", "text-vmd-b8.safetensors", "text-ar.safetensors"):
        assert name in banner
    assert "text-vmd-b4.safetensors could not be loaded" in banner
    assert "vmd-train text" in banner
    assert "could not load text-vmd-b4.safetensors" in page.lane_views["vmd"].model_label.text()
    assert page.lane_views["vmd"].model_label.toolTip() == error
    assert "not bundled: text-ar.safetensors" in page.lane_views["ar"].model_label.text()
    assert captured_messages.errors == [], "missing models are a notice, not a pop-up"

    page.controls.apply("both", "margin", 2, 0.0, 0, "fixed")
    assert not page.panel.generate_button.isEnabled()
    assert "VMD" in page.panel.run_hint.text() and page.panel.run_hint.isVisible()
    assert not tab.actions_by_name["generate_text"].isEnabled()
    page.generate()
    assert captured_messages.errors and "VMD" in captured_messages.errors[-1][1]
    assert "text-vmd-b4.safetensors" in captured_messages.errors[-1][1]

    page.controls.apply("mdm", "margin", 2, 0.0, 0, "fixed")
    assert page.panel.generate_button.isEnabled()
    with qtbot.waitSignal(page.engine.runFinished, timeout=30_000):
        page.generate()
    assert len(page.records["mdm"]) == page.playback.total > 0

    page.panel.block.setCurrentIndex(page.panel.block.findData(8))
    assert "(no checkpoint)" in page.panel.block.currentText()
    assert "not bundled: text-mdm-b8.safetensors" in page.lane_views["mdm"].model_label.text()
    assert not page.panel.generate_button.isEnabled()
    page.panel.block.setCurrentIndex(page.panel.block.findData(4))

    tab.show_page("phrases")
    phrases = tab.phrases
    assert "phrases-mdm.safetensors" in phrases.banner.text.text() and "vmd-train phrases" in phrases.banner.text.text()
    assert not phrases.sample_button.isEnabled() and not phrases.redraw_button.isEnabled()
    assert "not bundled: phrases-vmd.safetensors" in phrases.charts["vmd"].note.text()
    tab.show_page("pairs")
    assert "synthetic-pair-B1-mdm.safetensors" in tab.dependency.banner.text.text()
    assert not tab.dependency.sample_button.isEnabled()

    # The checkpoint is repaired (say, training finished): Reload picks it up.
    shutil.copy(text_resources / "checkpoints" / "text-vmd-b4.safetensors", broken)
    shutil.copy(text_resources / "checkpoints" / "phrases-vmd.safetensors", resources / "checkpoints")
    tab.show_page("generate")
    tab.actions_by_name["reload_text"].trigger()
    qtbot.waitUntil(lambda: not tab.registry.pending, timeout=30_000)
    assert "text/vmd-b4" in tab.registry.summaries
    assert "could not be loaded" not in page.banner.text.text()
    page.controls.apply("both", "margin", 2, 0.0, 0, "fixed")
    assert page.panel.generate_button.isEnabled()
    assert tab.phrases.redraw_button.isEnabled() and tab.phrases.sample_button.isEnabled()
    assert "Only VMD is available" in tab.phrases.sample_hint.text()
    window.close()


def test_no_text_checkpoint_at_all(qtbot, tmp_path, monkeypatch, tiny_checkpoints, window_factory, captured_messages):
    resources = tmp_path / "resources"
    (resources / "checkpoints").mkdir(parents=True)
    window, tab = _window(qtbot, window_factory, tiny_checkpoints, resources, monkeypatch)
    page = tab.generation
    assert "No text checkpoint is bundled: text-mdm-b4.safetensors" in page.banner.text.text()
    assert str(resources / "checkpoints") in page.banner.text.toolTip()
    assert not page.panel.generate_button.isEnabled()
    page.panel.prompt.setPlainText("")
    assert "empty" in page.panel.prompt_error.text(), "the prompt is checked even without a model"
    page.generate()
    assert "text-mdm-b4.safetensors is missing" in captured_messages.errors[-1][1]
    window.close()
