"""The engine thread on its own: loading, running, streaming Steps, stopping, shutting down."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QThread
from vmdcore.sudoku import parse_puzzle
from vmdcore.tasks.sudoku import encode

from app.worker import Engine, LoadRequest, RunRequest, SamplerSettings

PUZZLE = "..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3.."


@pytest.fixture
def engine(qtbot):
    engine = Engine()
    yield engine
    engine.shutdown()
    assert not engine.thread.isRunning()


def _start(qtbot, engine: Engine, checkpoints: dict[str, str], lanes=("mdm",)) -> None:
    with qtbot.waitSignal(engine.ready, timeout=30_000):
        engine.start()
    for lane in lanes:
        with qtbot.waitSignal(engine.modelLoaded, timeout=30_000):
            engine.load(LoadRequest(f"sudoku/{lane}", checkpoints[lane], "sudoku", lane))


def _request(engine: Engine, lanes=("sudoku/mdm",), **sampler) -> RunRequest:
    tokens, fixed = encode(parse_puzzle(PUZZLE)[None])
    return RunRequest(engine.new_run_id(), tuple(lanes), tokens, fixed, SamplerSettings(**sampler))


def test_start_reports_device_and_strategies(qtbot, engine):
    with qtbot.waitSignal(engine.ready, timeout=30_000) as ready:
        engine.start()
    info = ready.args[0]
    assert info.device == "CPU" or info.device
    assert {"random", "top-prob", "margin", "entropy"} <= set(dict(info.strategies))
    assert all(description for _, description in info.strategies)


def test_run_streams_one_step_per_evaluation_to_the_gui_thread(qtbot, engine, tiny_checkpoints):
    _start(qtbot, engine, tiny_checkpoints)
    received = []
    gui_thread = QThread.currentThread()
    engine.stepReady.connect(lambda run_id, lane, step: received.append((run_id, lane, step, QThread.currentThread() is gui_thread)))
    request = _request(engine, nfe=5)
    with qtbot.waitSignal(engine.runFinished, timeout=30_000) as done:
        engine.run(request)
        assert engine.busy
    assert not engine.busy
    result = done.args[0]
    assert result.run_id == request.run_id and not result.cancelled
    trace = result.traces["sudoku/mdm"]
    assert trace.complete and len(trace.steps) == 5
    assert [r[2].index for r in received] == [1, 2, 3, 4, 5]
    assert all(r[3] for r in received), "Steps must be delivered in the GUI thread"
    assert all(r[2] is s for r, s in zip(received, trace.steps))
    assert trace.settings["sampler"]["nfe"] == 5 and trace.settings["model"]["kind"] == "mdm"


def test_side_by_side_steps_alternate_on_one_timeline(qtbot, engine, tiny_checkpoints):
    _start(qtbot, engine, tiny_checkpoints, lanes=("mdm", "vmd"))
    order = []
    engine.stepReady.connect(lambda run_id, lane, step: order.append((lane, step.index)))
    with qtbot.waitSignal(engine.runFinished, timeout=30_000) as done:
        engine.run(_request(engine, ("sudoku/mdm", "sudoku/vmd"), nfe=3, seed=4))
    assert order == [("sudoku/mdm", 1), ("sudoku/vmd", 1), ("sudoku/mdm", 2), ("sudoku/vmd", 2), ("sudoku/mdm", 3), ("sudoku/vmd", 3)]
    traces = done.args[0].traces
    assert traces["sudoku/vmd"].steps[0].z is not None and traces["sudoku/mdm"].steps[0].z is None


def test_stop_ends_the_run_between_steps(qtbot, engine, tiny_checkpoints, slow_sampler):
    slow_sampler(0.05)
    _start(qtbot, engine, tiny_checkpoints)
    def stop_at_once(*_):
        engine.stop()

    engine.stepReady.connect(stop_at_once)
    with qtbot.waitSignal(engine.runFinished, timeout=30_000) as done:
        engine.run(_request(engine, nfe=40))
    engine.stepReady.disconnect(stop_at_once)
    result = done.args[0]
    assert result.cancelled
    trace = result.traces["sudoku/mdm"]
    assert 1 <= len(trace.steps) < 40 and trace.cancelled and not trace.complete
    with qtbot.waitSignal(engine.runFinished, timeout=30_000) as again:
        engine.run(_request(engine, nfe=2))
    assert not again.args[0].cancelled, "a new run clears the stop request"


def test_shutdown_mid_run_stops_the_thread(qtbot, engine, tiny_checkpoints, slow_sampler):
    slow_sampler(0.05)
    _start(qtbot, engine, tiny_checkpoints)
    with qtbot.waitSignal(engine.stepReady, timeout=30_000):
        engine.run(_request(engine, nfe=45))
    started = time.perf_counter()
    engine.shutdown()
    assert time.perf_counter() - started < 5
    assert not engine.thread.isRunning()
    engine.shutdown()
    with pytest.raises(RuntimeError):
        engine.run(_request(engine, nfe=2))


def test_a_corrupt_checkpoint_is_reported_not_raised(qtbot, engine, tmp_path: Path):
    bad = tmp_path / "broken.safetensors"
    bad.write_bytes(b"\x00\x01garbage" * 10)
    with qtbot.waitSignal(engine.modelFailed, timeout=30_000) as failed:
        engine.load(LoadRequest("sudoku/mdm", str(bad), "sudoku", "mdm"))
    key, message = failed.args
    assert key == "sudoku/mdm" and "broken.safetensors" in message


def test_wrong_kind_is_reported(qtbot, engine, tiny_checkpoints):
    with qtbot.waitSignal(engine.modelFailed, timeout=30_000) as failed:
        engine.load(LoadRequest("sudoku/mdm", tiny_checkpoints["vmd"], "sudoku", "mdm"))
    assert "VMD" in failed.args[1]


def test_failures_of_a_run_become_messages(qtbot, engine, tiny_checkpoints):
    with qtbot.waitSignal(engine.runFailed, timeout=30_000) as failed:
        engine.run(_request(engine, nfe=3))
    assert "no model is loaded for sudoku/mdm" in failed.args[1]
    assert not engine.busy
    _start(qtbot, engine, tiny_checkpoints)
    with qtbot.waitSignal(engine.runFailed, timeout=30_000) as failed:
        engine.run(_request(engine, nfe=3, strategy="bogus"))
    assert "bogus" in failed.args[1]


def test_the_device_name_comes_from_vmdcore(qtbot, engine, monkeypatch):
    import vmdcore.devices

    monkeypatch.setattr(vmdcore.devices, "describe", lambda device: "NVIDIA Test GPU")
    with qtbot.waitSignal(engine.ready, timeout=30_000) as ready:
        engine.start()
    assert ready.args[0].device == "NVIDIA Test GPU"


def test_the_engine_leaves_a_core_for_the_window(monkeypatch):
    from app import worker

    monkeypatch.delenv(worker.THREADS_ENV, raising=False)
    monkeypatch.setattr(worker.os, "cpu_count", lambda: 8)
    assert worker.engine_threads() == 7
    monkeypatch.setattr(worker.os, "cpu_count", lambda: 1)
    assert worker.engine_threads() == 1
    monkeypatch.setenv(worker.THREADS_ENV, "3")
    assert worker.engine_threads() == 3
    monkeypatch.setenv(worker.THREADS_ENV, "many")
    assert worker.engine_threads() == 1
