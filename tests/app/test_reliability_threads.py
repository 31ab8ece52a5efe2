"""Reliability of the engine thread (issue 19): Stop, and closing the window in the middle of a
solve or an evaluation, many times over, never aborts the process, never leaves Qt's "QThread:
Destroyed while thread is still running", and gives every thread back; a failure inside the
worker reaches the user as a message and the next run works."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from PySide6 import QtCore
from PySide6.QtWidgets import QApplication

from app import paths
from app.settings import AppSettings


ROOT = Path(__file__).resolve().parents[2]
PUZZLE = "..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3.."
ROUNDS = int(os.environ.get("VMD_RELIABILITY_ROUNDS", "50"))
BAD_QT_WORDS = ("Destroyed while thread", "still running", "QObject::killTimer", "QBasicTimer")


@pytest.fixture(scope="module")
def tiny_resources(tmp_path_factory, tiny_checkpoints) -> Path:
    """resources/ with the tiny untrained Sudoku pair under the bundled names and a few puzzles."""
    folder = tmp_path_factory.mktemp("reliability-resources")
    (folder / "checkpoints").mkdir()
    for kind, path in tiny_checkpoints.items():
        shutil.copy(path, folder / "checkpoints" / f"sudoku-{kind}.safetensors")
    (folder / "puzzles").mkdir()
    lines = (ROOT / "resources" / "puzzles" / "testset.csv").read_text().splitlines()
    (folder / "puzzles" / "testset.csv").write_text("\n".join(lines[:9]) + "\n")
    return folder


@pytest.fixture
def qt_messages():
    """Every message Qt prints (qWarning, qCritical, ...), as text."""
    seen: list[str] = []

    def handler(mode, context, message) -> None:
        seen.append(f"{mode.name}: {message}")

    previous = QtCore.qInstallMessageHandler(handler)
    yield seen
    QtCore.qInstallMessageHandler(previous)


def _os_threads() -> int:
    """Native threads of this process (QThreads, pools, torch's) as Linux counts them."""
    return len(os.listdir("/proc/self/task"))


def _build(qtbot, resources: Path):
    from app.main_window import MainWindow

    window = MainWindow(settings=AppSettings(puzzle=PUZZLE, speed=30.0), persist=False)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.sudoku._engine_ready and len(window.sudoku.models) == 2, timeout=30_000)
    return window


def _dispose(window) -> None:
    window.close()
    window.deleteLater()
    QApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
    QApplication.processEvents()


def choose(tab, items: int, nfes: str, models: tuple[str, ...], batch: int) -> None:
    panel = tab.panel
    panel.set_task("solve")
    panel.items.setValue(items)
    panel.nfes.setText(nfes)
    for name, box in panel.strategy_boxes.items():
        box.setChecked(name == "margin")
    for kind, box in panel.model_boxes.items():
        box.setChecked(kind in models)
    panel.seed.setValue(0)
    panel.batch_size.setValue(batch)


def _solve_until_first_step(qtbot, tab, nfe: int = 30) -> None:
    tab.controls.apply("both", "margin", nfe, 0.0, 0, "fixed")
    with qtbot.waitSignal(tab.engine.stepReady, timeout=30_000):
        tab.solve()
    assert tab.running


def _evaluate_until_first_step(qtbot, window):
    window.tabs.setCurrentWidget(window.evaluate)
    tab = window.evaluate
    choose(tab, items=6, nfes="6", models=("mdm", "vmd"), batch=2)
    with qtbot.waitSignal(window.engine.stepReady, timeout=60_000):
        assert tab.start()
    assert tab.running
    return tab


@pytest.mark.slow
def test_stop_and_close_mid_run_many_times(qtbot, monkeypatch, tiny_resources, slow_sampler, qt_messages, capfd,
                                           captured_messages):
    """Each round opens the window, stops a solve, stops an evaluation, then closes the window
    with a run going: mid-solve on even rounds, mid-evaluation on odd ones."""
    monkeypatch.setenv(paths.RESOURCES_ENV, str(tiny_resources))
    slow_sampler(0.005)
    python_threads = {t.ident for t in threading.enumerate()}
    native_threads: list[int] = []
    engine_threads = []
    for round_ in range(ROUNDS):
        window = _build(qtbot, tiny_resources)
        engine_threads.append(window.engine.thread)
        tab = window.sudoku
        _solve_until_first_step(qtbot, tab)
        with qtbot.waitSignal(tab.model_run.ended, timeout=30_000):
            tab.stop()
        assert not tab.running and 1 <= len(tab.records["mdm"]) < 30, f"round {round_}: stop ends the solve early"

        evaluation = _evaluate_until_first_step(qtbot, window)
        evaluation.stop()
        qtbot.waitUntil(lambda: evaluation.state == "stopped", timeout=30_000)
        assert not window.engine.busy

        if round_ % 2 == 0:
            window.tabs.setCurrentWidget(tab)
            _solve_until_first_step(qtbot, tab)
        else:
            _evaluate_until_first_step(qtbot, window)
        assert window.engine.thread.isRunning()
        _dispose(window)
        assert engine_threads[-1].isFinished() and not engine_threads[-1].isRunning(), f"round {round_}"
        native_threads.append(_os_threads())

    qtbot.wait(100)
    print(f"{ROUNDS} rounds; native threads after each round: first {native_threads[0]}, max {max(native_threads)}, "
          f"last {native_threads[-1]}; Python threads {len(threading.enumerate())} (before: {len(python_threads)})")
    assert all(thread.isFinished() for thread in engine_threads)
    assert {t.ident for t in threading.enumerate()} <= python_threads, "no Python thread is left behind"
    # After the first round (torch and Qt start their own pools once), the count stays put.
    assert max(native_threads[1:] or native_threads) <= native_threads[0] + 2, native_threads
    bad = [m for m in qt_messages if any(word in m for word in BAD_QT_WORDS)]
    assert not bad, bad
    err = capfd.readouterr().err
    assert "Destroyed while thread" not in err and "Traceback" not in err
    assert not captured_messages.errors, captured_messages.text()


def _failing_sampler(monkeypatch, fail: dict):
    """The sampler raises on its second step while fail["on"] is set."""
    from vmdcore import sampling

    real = sampling.sample

    def flaky(*args, **kwargs):
        for step in real(*args, **kwargs):
            if fail["on"] and step.index >= 2:
                raise RuntimeError("simulated failure in the sampler")
            yield step

    monkeypatch.setattr(sampling, "sample", flaky)


def test_a_failure_in_the_worker_is_shown_and_the_next_solve_works(qtbot, monkeypatch, tiny_resources, captured_messages,
                                                                   qt_messages):
    monkeypatch.setenv(paths.RESOURCES_ENV, str(tiny_resources))
    fail = {"on": True}
    _failing_sampler(monkeypatch, fail)
    window = _build(qtbot, tiny_resources)
    tab = window.sudoku
    tab.controls.apply("both", "margin", 6, 0.0, 0, "fixed")
    with qtbot.waitSignal(window.engine.runFailed, timeout=30_000):
        tab.solve()
    assert captured_messages.errors and captured_messages.errors[0][0] == "Solve failed"
    assert "simulated failure in the sampler" in captured_messages.errors[0][1]
    assert not tab.running and not window.engine.busy and tab.solve_button.isEnabled()
    assert window.engine.thread.isRunning(), "the engine thread survives a failed run"

    fail["on"] = False
    with qtbot.waitSignal(window.engine.runFinished, timeout=30_000) as done:
        tab.solve()
    result = done.args[0]
    assert not result.cancelled and all(trace.complete for trace in result.traces.values())
    assert len(tab.records["mdm"]) == 6

    # The same on the Evaluate tab: the failed evaluation stops, says so, and a second one runs.
    window.tabs.setCurrentWidget(window.evaluate)
    evaluation = window.evaluate
    choose(evaluation, items=4, nfes="3", models=("mdm",), batch=2)
    fail["on"] = True
    before = len(captured_messages.errors)
    assert evaluation.start()
    qtbot.waitUntil(lambda: evaluation.state == "stopped", timeout=30_000)
    assert len(captured_messages.errors) == before + 1
    assert "simulated failure in the sampler" in captured_messages.errors[-1][1]
    fail["on"] = False
    assert evaluation.start()
    qtbot.waitUntil(lambda: evaluation.state == "done", timeout=60_000)
    assert evaluation.evaluation.batches_done == len(evaluation.evaluation.jobs) == 2
    thread = window.engine.thread
    _dispose(window)
    assert thread.isFinished()
    assert not [m for m in qt_messages if "Destroyed while thread" in m]


def test_closing_while_the_models_load_ends_cleanly(qtbot, monkeypatch, tiny_resources, qt_messages):
    """Closed before the models have loaded (the engine thread busy importing or loading)."""
    from app.main_window import MainWindow

    monkeypatch.setenv(paths.RESOURCES_ENV, str(tiny_resources))
    threads = []
    for wait_ms in (0, 5, 20, 60):
        window = MainWindow(settings=AppSettings(puzzle=PUZZLE), persist=False)
        window.show()
        qtbot.waitExposed(window)
        qtbot.wait(wait_ms)
        threads.append(window.engine.thread)
        _dispose(window)
    assert all(t.isFinished() for t in threads)
    assert not [m for m in qt_messages if any(word in m for word in BAD_QT_WORDS)]
