"""The Text tab's Results page: the figures `vmd-eval text --record` wrote into the checkpoints,
shown as the word-rate chart and a table; without them, a notice that names the command."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from app.settings import AppSettings
from vmdcore.checkpoint import load_checkpoint, read_info, save_checkpoint


RATES = {("mdm", 1): 0.20, ("mdm", 2): 0.31, ("mdm", 4): 0.55, ("vmd", 1): 0.48, ("vmd", 2): 0.62, ("vmd", 4): 0.71}


def _record(path: Path, evaluation: dict) -> None:
    model, info = load_checkpoint(path)
    save_checkpoint(model, info.__class__(**{**info.__dict__, "metrics": {"evaluation": evaluation}}), path)


@pytest.fixture
def recorded_resources(tmp_path: Path, text_resources: Path) -> Path:
    folder = tmp_path / "resources"
    shutil.copytree(text_resources, folder)
    checkpoints = folder / "checkpoints"
    for kind in ("mdm", "vmd"):
        path = checkpoints / f"text-{kind}-b4.safetensors"
        words = [{"model": kind, "block": 4, "nfe": n, "word_rate": rate, "words": 100, "checkpoint": path.name}
                 for (k, n), rate in RATES.items() if k == kind]
        row = {"model": kind, "block": 4, "ppl": 7.5 if kind == "vmd" else 7.9, "relation": "<=", "estimate": "bound",
               "steps_done": 5000, "checkpoint": path.name}
        _record(path, {"rows": [row], "words": words, "command": "vmd-eval text --record"})
    ar = checkpoints / "text-ar.safetensors"
    _record(ar, {"rows": [{"model": "ar", "block": None, "ppl": 5.1, "relation": "=", "estimate": "exact",
                           "steps_done": 5000, "checkpoint": ar.name}],
                 "words": [{"model": "ar", "block": None, "nfe": 1, "word_rate": 0.8, "words": 90, "checkpoint": ar.name}]})
    phrase = checkpoints / "phrases-vmd.safetensors"
    _record(phrase, {"phrase": [{"nfe": 1, "valid_rate": 0.99, "answer_tv": 0.05, "answer_tv_floor": 0.04}]})
    assert read_info(phrase).metrics["evaluation"]["phrase"][0]["valid_rate"] == 0.99
    return folder


def _results_page(qtbot, monkeypatch, resources: Path, tiny_checkpoints, window_factory):
    monkeypatch.setenv("VMD_RESOURCES", str(resources))
    window = window_factory(tiny_checkpoints, settings=AppSettings(speed=30.0))
    window.resize(1300, 860)
    window.tabs.setCurrentWidget(window.text)
    tab = window.text
    qtbot.waitUntil(lambda: tab.built and len(tab.registry.summaries) >= 7 and not tab.registry.pending, timeout=60_000)
    window.text.show_page("results")
    return window, window.text.results


def test_results_page_shows_recorded_word_rates_and_perplexities(qtbot, monkeypatch, recorded_resources, tiny_checkpoints, window_factory, tmp_path):
    window, page = _results_page(qtbot, monkeypatch, recorded_resources, tiny_checkpoints, window_factory)
    curves = page.chart.shown
    assert curves[("vmd", 4)] == [(1, 48.0), (2, 62.0), (4, 71.0)]
    assert curves[("mdm", 4)][1] == (2, 31.0) and curves[("ar", None)] == [(1, 80.0)]
    table = {page.table.item(i, 0).text(): [page.table.item(i, j).text() for j in range(1, 4)]
             for i in range(page.table.rowCount())}
    assert table["VMD block 4"][0] == "<= 7.500" and table["AR"][0] == "5.100"
    assert "2: 62 %" in table["VMD block 4"][1] and table["MDM block 4"][2] == "5000"
    assert "99.0 % valid" in page.phrase_note.text() and "TV 0.05" in page.phrase_note.text()
    assert not page.banner.isVisible()
    out = Path(os.environ.get("VMD_SCREENSHOT_DIR") or tmp_path)
    assert window.grab().save(str(out / "text-results.png"))
    window.close()


def test_results_page_without_figures_names_the_command(qtbot, monkeypatch, text_resources, tiny_checkpoints, window_factory):
    window, page = _results_page(qtbot, monkeypatch, text_resources, tiny_checkpoints, window_factory)
    assert page.chart.shown == {} and page.table.rowCount() == 0
    assert page.banner.isVisible() and "vmd-eval text" in page.banner.text.text() and "--record" in page.banner.text.text()
    window.close()
