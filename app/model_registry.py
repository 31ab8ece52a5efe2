"""Which models a view has asked the engine for, and how each load went: loaded (with its
summary), loading, or failed (with the reason). Task-neutral; a view owns the keys that start
with its prefixes and ignores the rest of the engine's traffic."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from .worker import Engine, LoadRequest, ModelSummary


class ModelRegistry(QObject):
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
        engine.modelLoaded.connect(self._loaded)
        engine.modelFailed.connect(self._failed)

    def owns(self, key: str) -> bool:
        return key.startswith(self._prefixes)

    def load(self, key: str, path: str, task: str, kind: str | None = None, bundled: bool = True) -> None:
        if not self.owns(key):
            raise ValueError(f"{key} is not one of this view's models")
        self.pending.add(key)
        self.paths[key] = str(path)
        self.engine.load(LoadRequest(key, str(path), task, kind, bundled))
        self.changed.emit()

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

    def _loaded(self, summary: ModelSummary) -> None:
        if not self.owns(summary.key):
            return
        self.pending.discard(summary.key)
        self.errors.pop(summary.key, None)
        self.summaries[summary.key] = summary
        self.loaded.emit(summary)
        self.changed.emit()

    def _failed(self, key: str, message: str) -> None:
        if not self.owns(key):
            return
        self.pending.discard(key)
        self.errors[key] = message
        self.failed.emit(key, message)
        self.changed.emit()
