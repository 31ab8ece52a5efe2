"""The Evaluate tab (app/evaluate/): a small evaluation runs to the end, batch by batch; Stop
keeps the figures so far, marked partial; closing the window mid-run ends cleanly; the exported
JSON and CSV hold the figures `vmd-eval sudoku` gives for the same seed and puzzles (one code
path: vmdcore.evaluation); a failed puzzle opens on the Sudoku tab with the same settings; the
synthetic and phrase evaluations score as training/ does."""

from __future__ import annotations

import csv
import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app import export, paths
from app.evaluate import plans
from app.evaluate.panel import parse_nfes
from app.evaluate.plans import EvalSpec, make_evaluation
from app.settings import AppSettings

ROOT = Path(__file__).resolve().parents[2]
TESTSET = ROOT / "resources" / "puzzles" / "testset.csv"
BUNDLED = ROOT / "resources" / "checkpoints"


@pytest.fixture(scope="module")
def tiny_resources(tmp_path_factory, tiny_checkpoints) -> Path:
    """resources/ with the tiny untrained Sudoku pair under the bundled names and 12 puzzles of
    the test set (all five levels)."""
    folder = tmp_path_factory.mktemp("eval-resources")
    (folder / "checkpoints").mkdir()
    for kind, path in tiny_checkpoints.items():
        shutil.copy(path, folder / "checkpoints" / f"sudoku-{kind}.safetensors")
    (folder / "puzzles").mkdir()
    lines = TESTSET.read_text().splitlines()
    picks = [lines[0]] + [lines[i] for i in np.linspace(1, len(lines) - 1, 12).round().astype(int)]
    (folder / "puzzles" / "testset.csv").write_text("\n".join(picks) + "\n")
    return folder


def evaluate_tab(window):
    window.tabs.setCurrentWidget(window.evaluate)
    tab = window.evaluate
    assert tab.built
    return tab


def choose(tab, task="solve", items=4, nfes="1 2", strategies=("margin",), models=("mdm", "vmd"), seed=0, batch=2):
    panel = tab.panel
    panel.set_task(task)
    panel.items.setValue(items)
    panel.nfes.setText(nfes)
    for name, box in panel.strategy_boxes.items():
        box.setChecked(name in strategies)
    for kind, box in panel.model_boxes.items():
        box.setChecked(kind in models)
    panel.seed.setValue(seed)
    panel.batch_size.setValue(batch)


def run_to_end(qtbot, tab, minutes: float = 2) -> None:
    assert tab.start()
    qtbot.waitUntil(lambda: tab.state == "done", timeout=int(minutes * 60_000))


def test_parse_nfes():
    assert parse_nfes(" 20, 5 10 5") == (5, 10, 20)
    for bad in ("", "0", "five", "2.5"):
        with pytest.raises(ValueError):
            parse_nfes(bad)


def test_a_small_evaluation_runs_to_the_end(qtbot, tiny_resources, monkeypatch, window_factory, captured_messages):
    monkeypatch.setenv(paths.RESOURCES_ENV, str(tiny_resources))
    window = window_factory(None, AppSettings(speed=30.0))
    tab = evaluate_tab(window)
    choose(tab, items=5, nfes="1 5", batch=2)
    steps = []
    tab.model_run.stepped.connect(lambda key, step: steps.append(tab.panel.progress.value()))
    run_to_end(qtbot, tab)
    evaluation = tab.evaluation
    assert len(evaluation.jobs) == 2 * 2 * 3  # NFE x models x batches of 2, 2, 1 puzzles
    assert evaluation.batches_done == len(evaluation.jobs) and not tab.partial
    assert steps == sorted(steps) and tab.panel.progress.value() == 1000, "the bar only moves forward, to the end"
    header, rows = evaluation.table()
    assert header == ["model", "margin NFE1", "margin NFE5"]
    assert [row[0] for row in rows] == ["MDM (sudoku-mdm.safetensors)", "VMD (sudoku-vmd.safetensors)", "paper MDM", "paper VMD"]
    assert rows[2][1:] == ["-", "36.2%"] and rows[3][1:] == ["-", "96.9%"], "the paper's Table 4 beside ours"
    assert tab.table.rowCount() == 4 and tab.table.item(0, 0).text() == rows[0][0]
    ours = [s for s in evaluation.series() if not s.paper]
    assert [s.label for s in ours] == ["MDM margin", "VMD margin"] and all(len(s.points) == 2 for s in ours)
    unsolved = sum(round((1 - r["accuracy"]) * 5) for report in evaluation.reports() for r in report["results"])
    assert tab.failure_list.count() == len(evaluation.failures) == unsolved
    assert tab.panel.json_button.isEnabled() and tab.panel.csv_button.isEnabled()
    assert "Partial" not in tab.heading.text() and "5 puzzles of testset.csv" in tab.heading.text()
    assert "all 12 batches done" in tab.heading.text()
    assert not captured_messages.errors
    window.close()
    assert not window.engine.thread.isRunning()


def test_stop_keeps_the_figures_so_far_marked_partial(qtbot, tiny_resources, monkeypatch, slow_sampler, window_factory, tmp_path):
    monkeypatch.setenv(paths.RESOURCES_ENV, str(tiny_resources))
    slow_sampler(0.05)
    window = window_factory(None, AppSettings(speed=30.0))
    tab = evaluate_tab(window)
    choose(tab, items=8, nfes="4", models=("mdm",), batch=2)
    assert tab.start()
    qtbot.waitUntil(lambda: tab.evaluation.batches_done >= 1, timeout=60_000)
    tab.stop()
    qtbot.waitUntil(lambda: tab.state == "stopped", timeout=60_000)
    evaluation = tab.evaluation
    done = evaluation.batches_done
    assert 1 <= done < len(evaluation.jobs) == 4 and tab.partial
    assert not tab.model_run.running and not window.engine.busy
    assert "Partial" in tab.heading.text() and f"{done} of 4" in tab.heading.text()
    assert tab.panel.run_button.isEnabled() and not tab.panel.stop_button.isEnabled()
    payload = json.loads(tab.export_json(tmp_path / "partial.json").read_text())
    assert payload["partial"] is True and payload["batches_done"] == done
    (result,) = payload["runs"][0]["results"]
    assert result["n"] == 2 * done, "the batch that was stopped is dropped"
    rows = list(csv.DictReader(tab.export_csv(tmp_path / "partial.csv").open()))
    assert len(rows) == 1 and rows[0]["n"] == str(2 * done)
    window.close()
    assert not window.engine.thread.isRunning()


def test_closing_the_window_mid_evaluation_ends_cleanly(qtbot, tiny_resources, monkeypatch, slow_sampler, window_factory,
                                                        captured_messages):
    monkeypatch.setenv(paths.RESOURCES_ENV, str(tiny_resources))
    slow_sampler(0.05)
    window = window_factory(None, AppSettings(speed=30.0))
    tab = evaluate_tab(window)
    choose(tab, items=8, nfes="8", batch=2)
    with qtbot.waitSignal(window.engine.stepReady, timeout=60_000):
        assert tab.start()
    window.close()
    assert not window.engine.thread.isRunning()
    qtbot.wait(200)  # the stopped batch's late result arrives: no new batch starts, nothing is said
    assert tab.evaluation.batches_done == 0 and not tab.model_run.running
    assert not captured_messages.errors


def test_exports_equal_the_cli_and_a_failed_puzzle_opens_on_the_sudoku_tab(qtbot, tmp_path, monkeypatch, window_factory,
                                                                          captured_messages):
    """The bundled pair on 5 test-set puzzles: the tab's JSON and CSV hold `vmd-eval sudoku
    --json`'s figures for the same seed, batch size and puzzles. The window is rendered after
    the run (evaluate-light.png, kept in VMD_SCREENSHOT_DIR when set; docs/screenshot-evaluate.png
    was made with VMD_SCREENSHOT_EVAL="50 5,10,20 50": puzzles, NFE values, batch size)."""
    from training.cli import eval_main

    items, nfes, batch = os.environ.get("VMD_SCREENSHOT_EVAL", "5 1,2 3").split()
    nfes = nfes.replace(",", " ")
    monkeypatch.setenv(paths.RESOURCES_ENV, str(ROOT / "resources"))
    window = window_factory(None, AppSettings(speed=30.0))
    window.resize(1400, 900)
    tab = evaluate_tab(window)
    choose(tab, items=int(items), nfes=nfes, strategies=("margin", "top-prob"), seed=7, batch=int(batch))
    run_to_end(qtbot, tab, minutes=20 if "VMD_SCREENSHOT_EVAL" in os.environ else 2)
    out = Path(os.environ.get("VMD_SCREENSHOT_DIR") or tmp_path)
    assert export.save_png(window, out / "evaluate-light.png").stat().st_size > 10_000
    ours = json.loads(tab.export_json(tmp_path / "app.json").read_text())
    table = list(csv.DictReader(tab.export_csv(tmp_path / "app.csv").open()))
    cli_json = tmp_path / "cli.json"
    eval_main(["sudoku", "--checkpoint", str(BUNDLED / "sudoku-mdm.safetensors"), str(BUNDLED / "sudoku-vmd.safetensors"),
               "--limit", items, "--nfe", *nfes.split(), "--strategy", "margin", "top-prob", "--seed", "7", "--batch-size", batch,
               "--by-difficulty", "--device", "cpu", "--json", str(cli_json)])
    theirs = json.loads(cli_json.read_text())
    assert ours["partial"] is False and ours["command"].startswith("vmd-eval sudoku ")

    def figures(runs):
        return {(run["checkpoint"], r["strategy"], r["nfe"]): (r["accuracy"], r["mean_conflicts"], r["by_difficulty"])
                for run in runs for r in run["results"]}

    assert figures(ours["runs"]) == figures(theirs["runs"])
    assert len(figures(theirs["runs"])) == 2 * 2 * len(nfes.split())
    assert {(r["checkpoint"], r["strategy"], int(r["nfe"])): float(r["accuracy"]) for r in table} == {
        key: value[0] for key, value in figures(theirs["runs"]).items()}
    for ours_run, cli_run in zip(ours["runs"], theirs["runs"]):
        assert (ours_run["n"], ours_run["seed"], ours_run["puzzles"]) == (cli_run["n"], cli_run["seed"], cli_run["puzzles"])

    # A failed puzzle, clicked, is on the Sudoku tab with its model, strategy, NFE and seed.
    assert tab.failure_list.count() > 0, "the bundled models fail some puzzles at NFE 1"
    item = tab.failure_list.item(tab.failure_list.count() - 1)
    failure = item.data(Qt.ItemDataRole.UserRole)
    tab.failure_list.scrollToItem(item)
    rect = tab.failure_list.visualItemRect(item)
    qtbot.mouseClick(tab.failure_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    sudoku = window.sudoku
    assert window.tabs.currentWidget() is sudoku
    assert np.array_equal(sudoku.document.grid, failure.grid) and sudoku.mode == "solve"
    settings = sudoku.controls.settings()
    assert sudoku.controls.lanes() == (failure.slot.kind,)
    assert (settings.strategy, settings.nfe, settings.seed, settings.temperature) == (failure.strategy, failure.nfe, failure.seed, 0.0)
    assert not captured_messages.errors
    window.close()
    assert not window.engine.thread.isRunning()


def test_a_level_of_the_test_set_or_any_puzzle_file(tmp_path):
    folder = BUNDLED
    expert = make_evaluation(EvalSpec(items=3, level="expert", nfes=(2,), strategies=("margin",)), folder, TESTSET)
    assert expert.levels == ["expert"] * 3 and len(expert.jobs) == 2 and "3 expert puzzles" in expert.subject()
    lines = [line.split(",")[1] for line in TESTSET.read_text().splitlines()[1:4]]
    path = tmp_path / "mine.sdm"
    path.write_text("\n".join(lines) + "\n")
    mine = make_evaluation(EvalSpec(items=0, source=str(path), nfes=(2,), strategies=("margin",), models=("vmd",)), folder, TESTSET)
    assert len(mine.puzzles) == 3 and mine.levels is None and mine.puzzle_file == path
    with pytest.raises(plans.PlanError, match="no test set"):
        make_evaluation(EvalSpec(), folder, tmp_path / "gone.csv")
    with pytest.raises(plans.PlanError, match="Not in"):
        make_evaluation(EvalSpec(), tmp_path, TESTSET)


def _sample(model_path: Path, job) -> np.ndarray:
    from vmdcore.checkpoint import load_checkpoint
    from vmdcore.sampling import SamplerConfig, run

    model, _ = load_checkpoint(model_path)
    return run(model, job.initial, SamplerConfig(**job.sampler), job.fixed).final


def test_synthetic_and_phrase_figures_are_training_s(text_resources, monkeypatch):
    """The same jobs sampled in-process give what training/ computes (one scoring path)."""
    from training import phrases as phrase_training
    from training import synthetic as synthetic_training
    from vmdcore.checkpoint import load_checkpoint

    folder = text_resources / "checkpoints"
    cells = [("pair", 1, 1), ("pair", 1, 2)]
    monkeypatch.setitem(plans.SYNTHETIC_CELLS, "pairs", ("pair", cells))
    evaluation = make_evaluation(EvalSpec("synthetic", items=200, seed=3, cells="pairs"), folder, TESTSET)
    for job in evaluation.jobs:
        evaluation.add(job, _sample(evaluation.path(job.slot), job), 0.1)
    assert evaluation.payload("cpu", False)["cells"] == synthetic_training.evaluate_table(folder, 200, 3, cells)

    evaluation = make_evaluation(EvalSpec("phrases", items=30, nfes=(1, 2), seed=4, models=("vmd",)), folder, TESTSET)
    for job in evaluation.jobs:
        evaluation.add(job, _sample(evaluation.path(job.slot), job), 0.1)
    model, _ = load_checkpoint(folder / "phrases-vmd.safetensors")
    expected = [{k: v for k, v in r.items() if k != "independent_prediction"} for r in phrase_training.score(model, 30, (1, 2), 4)]
    assert [{k: v for k, v in r.items() if k not in ("model", "checkpoint")} for r in evaluation.rows()] == expected


def test_the_choices_come_back_in_the_next_session(qtbot, tiny_resources, monkeypatch, window_factory):
    from app.evaluate.plans import spec_from_json
    from app.settings import load_settings

    monkeypatch.setenv(paths.RESOURCES_ENV, str(tiny_resources))
    first = window_factory(None, AppSettings(speed=30.0))
    tab = evaluate_tab(first)
    choose(tab, task="generate", items=7, nfes="2 9", strategies=("top-prob", "random"), models=("vmd",), seed=3, batch=5)
    tab.panel.clues.setValue(10)
    first.close()

    saved = load_settings()
    second = window_factory(None, saved)
    spec = evaluate_tab(second).panel.spec()
    assert (spec.task, spec.items, spec.nfes, spec.models, spec.seed, spec.batch_size, spec.clues) == (
        "generate", 7, (2, 9), ("vmd",), 3, 5, 10)
    assert set(spec.strategies) == {"top-prob", "random"}
    second.close()
    assert spec_from_json('{"items": "many", "nfes": [1, "x"], "seed": 4, "gone": 1}') == replace(EvalSpec(), seed=4)
    assert spec_from_json("not json") is None and spec_from_json("") is None
