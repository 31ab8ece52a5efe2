"""Run short pure-Python jobs (puzzle analysis, generation) off the GUI thread.

Results come back as queued signals on a QObject that lives in the GUI thread, so callbacks
run in the GUI thread and may touch widgets.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives in the GUI thread; its slots are reached by queued connections from the pool."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, owner: "BackgroundRunner", on_done: Callable[[Any], None], on_error: Callable[[Exception], None]) -> None:
        super().__init__(owner)
        self._owner = owner
        self._on_done = on_done
        self._on_error = on_error
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_error)

    @Slot(object)
    def _deliver_done(self, value: Any) -> None:
        self._owner._forget(self)
        self._on_done(value)

    @Slot(object)
    def _deliver_error(self, exc: Exception) -> None:
        self._owner._forget(self)
        self._on_error(exc)


def _job(fn: Callable[[], Any], relay: _Relay) -> Callable[[], None]:
    def run() -> None:
        try:
            result = fn()
        except Exception as exc:  # reported to the caller, who shows it
            log.debug("background job failed", exc_info=True)
            relay.failed.emit(exc)
        else:
            relay.done.emit(result)

    return run


class BackgroundRunner(QObject):
    """A small private thread pool; `wait()` before the owner is destroyed."""

    def __init__(self, parent: QObject | None = None, threads: int = 1) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._relays: set[_Relay] = set()

    def submit(self, fn: Callable[[], Any], on_done: Callable[[Any], None], on_error: Callable[[Exception], None]) -> None:
        relay = _Relay(self, on_done, on_error)
        self._relays.add(relay)
        self._pool.start(_job(fn, relay))

    def _forget(self, relay: _Relay) -> None:
        self._relays.discard(relay)
        relay.deleteLater()

    @property
    def idle(self) -> bool:
        return self._pool.activeThreadCount() == 0 and not self._relays

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)
