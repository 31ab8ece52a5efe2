"""One way to run a model in the app, task-neutral: which models a view has asked the engine for
(`ModelRegistry`) and the runs it starts on them (`ModelRun`). A view keeps a registry for its
models and a ModelRun for each kind of run it shows (a solve, a gallery, a sampling run), and
hears only its own traffic on the shared engine.

    run = ModelRun(engine, view)
    run.stepped.connect(view.show_step)       # (engine key, Step), as they arrive
    run.finished.connect(view.show_result)    # RunResult; .cancelled after Stop
    run.ended.connect(view.update_buttons)
    run.start(request, "Evaluate")            # a refusal or a failure reaches the user in a box

Streaming a run onto the timeline, one record per lane, is `streamed_run.StreamedRun`, built on
this.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from . import messages
from .worker import Engine, LoadRequest, ModelSummary, RunRequest, RunResult


class ModelRegistry(QObject):
    """Which models a view has asked the engine for, and how each load went: loaded (with its
    summary), loading, or failed (with the reason). The view owns the keys that start with its
    prefixes and ignores the rest of the engine's traffic."""

    changed = Signal()
    loaded = Signal(object)  # ModelSummary
    failed = Signal(str, str)  # key, message

    def __init__(self, engine: Engine, prefixes: tuple[str, ...], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self._prefixes = prefixes
        self.summaries: dict[str, ModelSummary] = {}
        self.errors: dict[str, str] = {}
        self.pending: set[str] = set()
        self.paths: dict[str, str] = {}
        self._picked: set[str] = set()
        engine.modelLoaded.connect(self._loaded)
        engine.modelFailed.connect(self._failed)

    def owns(self, key: str) -> bool:
        return key.startswith(self._prefixes)

    def load(self, key: str, path: str, task: str, kind: str | None = None, bundled: bool = True, interactive: bool = False) -> None:
        """Ask the engine for `path` under `key`. `interactive`: the user picked it, so a failure
        is theirs to see (`interactive(key)` says so while the load's signals go out)."""
        if not self.owns(key):
            raise ValueError(f"{key} is not one of this view's models")
        self.pending.add(key)
        self.paths[key] = str(path)
        if interactive:
            self._picked.add(key)
        self.engine.load(LoadRequest(key, str(path), task, kind, bundled))
        self.changed.emit()

    def interactive(self, key: str) -> bool:
        """Whether the user asked for the load of `key` now being reported."""
        return key in self._picked

    def get(self, key: str) -> ModelSummary | None:
        return self.summaries.get(key)

    def state(self, key: str) -> str:
        """'loading', 'loaded', 'failed' or 'absent' (never asked for)."""
        if key in self.pending:
            return "loading"
        if key in self.summaries:
            return "loaded"
        if key in self.errors:
            return "failed"
        return "absent"

    def by_name(self, keys: dict[str, str]) -> dict[str, ModelSummary]:
        """{name: summary} for those of `keys` (name -> engine key) that are loaded."""
        return {name: self.summaries[key] for name, key in keys.items() if key in self.summaries}

    def errors_by_name(self, keys: dict[str, str]) -> dict[str, str]:
        return {name: self.errors[key] for name, key in keys.items() if key in self.errors}

    def _loaded(self, summary: ModelSummary) -> None:
        if not self.owns(summary.key):
            return
        self.pending.discard(summary.key)
        self.errors.pop(summary.key, None)
        self.summaries[summary.key] = summary
        self.loaded.emit(summary)
        self.changed.emit()
        self._picked.discard(summary.key)

    def _failed(self, key: str, message: str) -> None:
        if not self.owns(key):
            return
        self.pending.discard(key)
        self.errors[key] = message
        self.failed.emit(key, message)
        self.changed.emit()
        self._picked.discard(key)


class ModelRun(QObject):
    """One kind of run a view starts on the shared engine, one at a time. It hears only the run it
    started last: a new start replaces the earlier run, whose late steps and end are ignored. A
    refusal (another run holds the engine) and a failure reach the user in a message box over the
    view; `failed` goes out first, so the view has settled before the box shows."""

    stepped = Signal(str, object)  # engine key, Step
    finished = Signal(object)  # RunResult, stopped (.cancelled) or not
    failed = Signal(str)  # what went wrong
    ended = Signal()  # after `finished` or `failed`: the view updates its buttons

    def __init__(self, engine: Engine, view: QWidget) -> None:
        super().__init__(view)
        self.engine = engine
        self._view = view
        self._run_id: int | None = None
        self._failure_title = ""
        engine.stepReady.connect(self._step)
        engine.runFinished.connect(self._finished)
        engine.runFailed.connect(self._failed)

    @property
    def running(self) -> bool:
        return self._run_id is not None

    def start(self, request: RunRequest, title: str, failure_title: str = "") -> bool:
        """Hand `request` to the engine thread. If the engine refuses it, say why in a box titled
        `title` and return False (a run of this one still going goes on being heard); a failure
        later is shown under `failure_title` (`title`)."""
        earlier, self._run_id = self._run_id, request.run_id
        try:
            self.engine.run(request)
        except RuntimeError as exc:
            self._run_id = earlier
            messages.show_error(self._view, title, str(exc))
            return False
        self._failure_title = failure_title or title
        return True

    def stop(self) -> bool:
        """Ask the run to stop after its current step (it ends as `finished`, cancelled); False
        when none goes."""
        if not self.running:
            return False
        self.engine.stop()
        return True

    def _step(self, run_id: int, key: str, step: Any) -> None:
        if run_id == self._run_id:
            self.stepped.emit(key, step)

    def _finished(self, result: RunResult) -> None:
        if result.run_id != self._run_id:
            return
        self._run_id = None
        self.finished.emit(result)
        self.ended.emit()

    def _failed(self, run_id: int, message: str) -> None:
        if run_id != self._run_id:
            return
        self._run_id = None
        self.failed.emit(message)
        self.ended.emit()
        messages.show_error(self._view, self._failure_title, f"The model run failed:\n{message}")
