"""The shared way a view runs a model (app/model_run.py): ModelRun streams a run's steps to the
view, Stop ends it, a refusal or failure reaches the user as a message, a new run replaces the
old one, and two views on one engine hear only their own runs; ModelRegistry remembers which
loads the user asked for."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QWidget
from vmdcore.sudoku import parse_puzzle
from vmdcore.tasks.sudoku import encode

from app.model_run import ModelRegistry, ModelRun
from app.worker import Engine, RunRequest, RunResult, SamplerSettings

PUZZLE = "..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3.."
MDM = "sudoku/mdm"


class Events:
    """What a view connected to a ModelRun sees, in order."""

    def __init__(self, run: ModelRun, messages) -> None:
        self.steps: list[tuple[str, object, bool]] = []
        self.finished: list[RunResult] = []
        self.failed: list[tuple[str, int]] = []  # (message, boxes shown by then)
        self.ended = 0
        gui = QThread.currentThread()
        run.stepped.connect(lambda key, step: self.steps.append((key, step, QThread.currentThread() is gui)))
        run.finished.connect(self.finished.append)
        run.failed.connect(lambda message: self.failed.append((message, len(messages.errors))))
        run.ended.connect(self._end)

    def _end(self) -> None:
        self.ended += 1


@pytest.fixture
def engine(qtbot, tiny_checkpoints):
    engine = Engine()
    with qtbot.waitSignal(engine.ready, timeout=30_000):
        engine.start()
    registry = ModelRegistry(engine, ("sudoku/",))
    registry.load(MDM, tiny_checkpoints["mdm"], "sudoku", "mdm")
    qtbot.waitUntil(lambda: registry.state(MDM) == "loaded", timeout=30_000)
    yield engine
    engine.shutdown()
    assert not engine.thread.isRunning()


@pytest.fixture
def view(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def request(engine: Engine, nfe: int, lanes=(MDM,)) -> RunRequest:
    tokens, fixed = encode(parse_puzzle(PUZZLE)[None])
    return RunRequest(engine.new_run_id(), tuple(lanes), tokens, fixed, SamplerSettings(nfe=nfe))


def test_a_run_streams_its_steps_to_the_view_then_ends(qtbot, engine, view, captured_messages):
    run = ModelRun(engine, view)
    seen = Events(run, captured_messages)
    assert not run.running
    with qtbot.waitSignal(run.ended, timeout=30_000):
        assert run.start(request(engine, 5), "Evaluate")
        assert run.running, "the call returns at once: the engine thread runs it"
    assert not run.running
    assert [step.index for _, step, _ in seen.steps] == [1, 2, 3, 4, 5]
    assert all(key == MDM and in_gui for key, _, in_gui in seen.steps), "steps arrive in the GUI thread"
    (result,) = seen.finished
    assert not result.cancelled and result.traces[MDM].steps == [step for _, step, _ in seen.steps]
    assert seen.ended == 1 and not seen.failed and not captured_messages.errors


def test_stop_ends_the_run_after_the_current_step(qtbot, engine, view, captured_messages, slow_sampler):
    slow_sampler(0.05)
    run = ModelRun(engine, view)
    seen = Events(run, captured_messages)
    with qtbot.waitSignal(run.stepped, timeout=30_000):
        run.start(request(engine, 40), "Evaluate")
    with qtbot.waitSignal(run.ended, timeout=30_000):
        assert run.stop()
    (result,) = seen.finished
    assert result.cancelled and 1 <= len(seen.steps) < 40
    assert not run.running and not run.stop(), "nothing left to stop"
    assert not captured_messages.errors, "a stopped run is not an error"
    with qtbot.waitSignal(run.ended, timeout=30_000):
        run.start(request(engine, 2), "Evaluate")
    assert not seen.finished[-1].cancelled, "the next run is not stopped"


def test_a_failed_run_reaches_the_user_as_a_message(qtbot, engine, view, captured_messages):
    run = ModelRun(engine, view)
    seen = Events(run, captured_messages)
    with qtbot.waitSignal(run.ended, timeout=30_000):
        run.start(request(engine, 3, lanes=("sudoku/none",)), "Evaluate", "Evaluation failed")
    assert not run.running and not seen.finished
    (message, boxes_before), = seen.failed
    assert "no model is loaded for sudoku/none" in message
    assert boxes_before == 0, "the view settles before the message box shows"
    assert captured_messages.errors == [("Evaluation failed", f"The model run failed:\n{message}")]


def test_a_run_refused_while_another_holds_the_engine_says_so(qtbot, engine, view, captured_messages, slow_sampler):
    slow_sampler(0.05)
    first, second = ModelRun(engine, view), ModelRun(engine, view)
    seen_first, seen_second = Events(first, captured_messages), Events(second, captured_messages)
    with qtbot.waitSignal(first.stepped, timeout=30_000):
        first.start(request(engine, 30), "Solve")
    assert not second.start(request(engine, 3), "Gallery")
    assert captured_messages.errors == [("Gallery", "a run is already in progress")]
    assert not second.running and first.running
    assert not first.start(request(engine, 3), "Solve"), "a refused start leaves the run that goes"
    assert first.running
    with qtbot.waitSignal(first.ended, timeout=30_000):
        first.stop()
    assert len(seen_first.finished) == 1 and seen_first.finished[0].cancelled
    assert not seen_second.steps and not seen_second.finished, "each hears only its own run"


def test_a_second_run_replaces_the_first(qtbot, engine, view, captured_messages):
    run = ModelRun(engine, view)
    seen = Events(run, captured_messages)
    with qtbot.waitSignal(run.ended, timeout=30_000):
        run.start(old := request(engine, 2), "Evaluate")
    seen.steps.clear()
    with qtbot.waitSignal(run.ended, timeout=30_000):
        run.start(new := request(engine, 3), "Evaluate")
        # What is left of the first run (late steps, its end) is no longer heard.
        step = seen.finished[0].traces[MDM].steps[-1]
        engine.stepReady.emit(old.run_id, MDM, step)
        engine.runFinished.emit(RunResult(old.run_id, {}, False, 0.0))
        engine.runFailed.emit(old.run_id, "stale")
        assert run.running
    assert [s.index for _, s, _ in seen.steps] == [1, 2, 3]
    assert [r.run_id for r in seen.finished] == [old.run_id, new.run_id] and seen.ended == 2
    assert not seen.failed and not captured_messages.errors


def test_the_registry_tells_a_load_the_user_picked(qtbot, engine, tmp_path: Path, tiny_checkpoints):
    registry = ModelRegistry(engine, ("sudoku/vmd",))
    picked = []
    registry.failed.connect(lambda key, message: picked.append(("failed", registry.interactive(key))))
    registry.loaded.connect(lambda summary: picked.append(("loaded", registry.interactive(summary.key))))
    bad = tmp_path / "broken.safetensors"
    bad.write_bytes(b"\x00garbage" * 8)
    registry.load("sudoku/vmd", str(bad), "sudoku", "vmd", bundled=False, interactive=True)
    qtbot.waitUntil(lambda: registry.state("sudoku/vmd") == "failed", timeout=30_000)
    registry.load("sudoku/vmd", tiny_checkpoints["vmd"], "sudoku", "vmd")
    qtbot.waitUntil(lambda: registry.state("sudoku/vmd") == "loaded", timeout=30_000)
    assert picked == [("failed", True), ("loaded", False)]
    assert not registry.interactive("sudoku/vmd")
    assert registry.by_name({"vmd": "sudoku/vmd", "mdm": "sudoku/mdm"}).keys() == {"vmd"}
    assert registry.errors_by_name({"vmd": "sudoku/vmd"}) == {}, "a load that works clears the error"
    with pytest.raises(ValueError):
        registry.load("text/vmd-b4", "x", "text")
