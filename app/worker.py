"""The engine thread: a Worker QObject, living in its own QThread, owns the models and runs
the vmdcore sampler. Task-neutral: it loads whatever checkpoints it is asked to and decodes
whatever token sequences it is given.

torch is imported inside the worker's slots only, so the window paints before torch loads.
Stop is a threading.Event read between steps: a queued "stop" signal would sit behind the
running slot and arrive only after the run ended.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SamplerSettings:
    """The user's decoding choices; mirrors vmdcore.sampling.SamplerConfig without importing torch."""

    nfe: int = 8
    strategy: str = "margin"
    temperature: float = 0.0
    seed: int = 0
    latent_mode: str = "fixed"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LoadRequest:
    key: str
    path: str
    task: str
    kind: str | None = None
    bundled: bool = False


@dataclass(frozen=True)
class ModelSummary:
    key: str
    name: str
    kind: str
    task: str
    path: str
    parameters: int
    bundled: bool
    metrics: dict[str, Any] = field(default_factory=dict, compare=False)
    # Plain copies of the checkpoint's model config, vocabulary and recipe, so views can read
    # sequence length, block size and characters without importing torch.
    config: dict[str, Any] = field(default_factory=dict, compare=False)
    vocabulary: tuple[str, ...] = field(default=(), compare=False)
    recipe: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class EngineInfo:
    device: str
    strategies: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RunRequest:
    """Decode `initial` (B, L) with every model in `lanes`, stepping them in turn on one timeline.

    `lane_samplers` overrides `sampler` for some lanes (an AR lane takes one step per block;
    in the phrase demo the MDM samples its marginals while the VMD takes the argmax given z).
    """

    run_id: int
    lanes: tuple[str, ...]
    initial: np.ndarray
    fixed: np.ndarray
    sampler: SamplerSettings
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)
    lane_samplers: dict[str, SamplerSettings] = field(default_factory=dict, compare=False)

    def sampler_for(self, lane: str) -> SamplerSettings:
        return self.lane_samplers.get(lane, self.sampler)


@dataclass(frozen=True)
class RunResult:
    run_id: int
    traces: dict[str, Any]
    cancelled: bool
    seconds: float


THREADS_ENV = "VMD_ENGINE_THREADS"


def engine_threads() -> int:
    """CPU threads for the models: $VMD_ENGINE_THREADS, else every core but one (the GUI's)."""
    try:
        wanted = int(os.environ.get(THREADS_ENV, "0"))
    except ValueError:
        wanted = 0
    return wanted if wanted > 0 else max(1, (os.cpu_count() or 1) - 1)


class _RunSignals(QObject):
    """What the worker reports; the Engine re-emits each on the GUI side under the same name."""

    ready = Signal(object)
    engineFailed = Signal(str)
    modelLoaded = Signal(object)
    modelFailed = Signal(str, str)
    stepReady = Signal(int, str, object)
    runFinished = Signal(object)
    runFailed = Signal(int, str)


class Worker(_RunSignals):
    """Lives in the engine thread; never touches a widget; talks only through signals."""

    def __init__(self, cancel: threading.Event, device: str | None = None) -> None:
        super().__init__()
        self._cancel = cancel
        self._preferred_device = device
        self._device: Any = None
        self._models: dict[str, Any] = {}
        self._summaries: dict[str, ModelSummary] = {}

    def _ensure_device(self) -> Any:
        if self._device is None:
            from vmdcore.devices import pick_device

            self._device = pick_device(self._preferred_device)
        return self._device

    @Slot()
    def start(self) -> None:
        try:
            from vmdcore.devices import describe
            from vmdcore.sampling import DESCRIPTIONS

            device = self._ensure_device()
            import torch

            # torch's own default (every core) leaves the GUI thread none: measured on a 2-core
            # machine with one core busy, a batch-1 solve took 5.1 s on 2 threads, 0.54 s on 1
            # (docs/results/performance.md).
            torch.set_num_threads(engine_threads())
            info = EngineInfo(device=describe(device), strategies=tuple(DESCRIPTIONS.items()))
        except Exception as exc:
            log.exception("engine start failed")
            self.engineFailed.emit(f"The model engine could not start: {type(exc).__name__}: {exc}")
            return
        self.ready.emit(info)

    @Slot(object)
    def load(self, request: LoadRequest) -> None:
        try:
            from vmdcore.checkpoint import CheckpointError, load_checkpoint

            device = self._ensure_device()
            try:
                model, info = load_checkpoint(request.path, device=device, expect_task=request.task, expect_kind=request.kind)
            except CheckpointError as exc:
                self.modelFailed.emit(request.key, str(exc))
                return
            summary = ModelSummary(
                key=request.key,
                name=info.name or info.kind.upper(),
                kind=info.kind,
                task=info.task,
                path=str(request.path),
                parameters=model.parameter_count(),
                bundled=request.bundled,
                metrics=dict(info.metrics),
                config=model.config.to_dict(),
                vocabulary=tuple(info.vocabulary),
                recipe=dict(info.recipe),
            )
        except Exception as exc:
            log.exception("loading %s failed", request.path)
            self.modelFailed.emit(request.key, f"Could not load {request.path}: {type(exc).__name__}: {exc}")
            return
        self._models[request.key] = model
        self._summaries[request.key] = summary
        self.modelLoaded.emit(summary)

    @Slot(object)
    def run(self, request: RunRequest) -> None:
        started = time.perf_counter()
        try:
            result = self._run(request)
        except Exception as exc:
            log.exception("run %d failed", request.run_id)
            self.runFailed.emit(request.run_id, f"{type(exc).__name__}: {exc}")
            return
        cancelled = any(trace.cancelled for trace in result.values())
        self.runFinished.emit(RunResult(request.run_id, result, cancelled, time.perf_counter() - started))

    def _run(self, request: RunRequest) -> dict[str, Any]:
        import torch
        from vmdcore.sampling import SamplerConfig, Trace, sample

        missing = [lane for lane in request.lanes if lane not in self._models]
        if missing:
            raise RuntimeError(f"no model is loaded for {', '.join(missing)}")
        initial = np.asarray(request.initial, dtype=np.int64)
        fixed = np.asarray(request.fixed, dtype=bool)
        generators = {}
        traces = {}
        for lane in request.lanes:
            model = self._models[lane]
            summary = self._summaries[lane]
            config = SamplerConfig(**request.sampler_for(lane).as_dict())
            # The stop flag is checked here between rounds, not inside sample(), so that all
            # lanes of a stopped run end on the same step of the shared timeline.
            generators[lane] = sample(model, initial, config, fixed)
            traces[lane] = Trace(
                initial=initial.copy(),
                fixed=fixed.copy(),
                mask_id=model.config.mask_id,
                settings={
                    "sampler": config.to_dict(),
                    "model": {"kind": summary.kind, "name": summary.name, "path": summary.path},
                    **request.metadata,
                },
            )
        active = list(request.lanes)
        with torch.no_grad():
            while active and not self._cancel.is_set():
                for lane in list(active):
                    step = next(generators[lane], None)
                    if step is None:
                        active.remove(lane)
                        continue
                    traces[lane].steps.append(step)
                    self.stepReady.emit(request.run_id, lane, step)
        for lane, trace in traces.items():
            generators[lane].close()
            expected = trace.steps[-1].total if trace.steps else None
            trace.cancelled = (expected is None and bool((initial == trace.mask_id).any())) or (
                expected is not None and len(trace.steps) < expected
            )
        return traces


class Engine(_RunSignals):
    """GUI-side handle on the worker thread: requests go in by queued signals, results come out.

    Keep one Engine for the app's lifetime and call shutdown() before the window goes away
    (a QThread destroyed while running aborts the process).
    """

    busyChanged = Signal(bool)

    _startRequested = Signal()
    _loadRequested = Signal(object)
    _runRequested = Signal(object)

    def __init__(self, parent: QObject | None = None, device: str | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self._thread = QThread()
        self._thread.setObjectName("vmd-engine")
        self._worker = Worker(self._cancel, device)
        self._worker.moveToThread(self._thread)
        self._startRequested.connect(self._worker.start)
        self._loadRequested.connect(self._worker.load)
        self._runRequested.connect(self._worker.run)
        self._info: EngineInfo | None = None
        self._worker.ready.connect(self._remember_info)  # before self.ready, so listeners see it
        self._worker.ready.connect(self.ready)
        self._worker.engineFailed.connect(self.engineFailed)
        self._worker.modelLoaded.connect(self.modelLoaded)
        self._worker.modelFailed.connect(self.modelFailed)
        self._worker.stepReady.connect(self.stepReady)
        self._worker.runFinished.connect(self._on_finished)
        self._worker.runFailed.connect(self._on_failed)
        self._running: int | None = None
        self._next_run_id = 0
        self._shut_down = False
        self._thread.start()

    @property
    def thread(self) -> QThread:
        return self._thread

    @property
    def busy(self) -> bool:
        return self._running is not None

    @property
    def current_run(self) -> int | None:
        return self._running

    @property
    def info(self) -> EngineInfo | None:
        """What the engine reported when it started (None until then): a view created or
        shown later reads the strategies from here instead of waiting for `ready`."""
        return self._info

    def _remember_info(self, info: EngineInfo) -> None:
        self._info = info

    def start(self) -> None:
        self._startRequested.emit()

    def load(self, request: LoadRequest) -> None:
        self._loadRequested.emit(request)

    def new_run_id(self) -> int:
        self._next_run_id += 1
        return self._next_run_id

    def run(self, request: RunRequest) -> None:
        if self._shut_down:
            raise RuntimeError("the engine has been shut down")
        if self.busy:
            raise RuntimeError("a run is already in progress")
        self._cancel.clear()
        self._running = request.run_id
        self.busyChanged.emit(True)
        self._runRequested.emit(request)

    def stop(self) -> None:
        """Ask the running decode to stop after its current step (safe from any thread)."""
        self._cancel.set()

    def shutdown(self) -> None:
        """Stop any run, end the thread and wait for it. Safe to call twice."""
        if self._shut_down:
            return
        self._shut_down = True
        self._cancel.set()
        self._thread.quit()
        self._thread.wait()

    def _on_finished(self, result: RunResult) -> None:
        if result.run_id == self._running:
            self._running = None
            self.busyChanged.emit(False)
        self.runFinished.emit(result)

    def _on_failed(self, run_id: int, message: str) -> None:
        if run_id == self._running:
            self._running = None
            self.busyChanged.emit(False)
        self.runFailed.emit(run_id, message)
