"""Start-up order: the window paints first; only then does the engine thread start.

The engine thread imports torch (a second or more) and loads the models. Started from
showEvent, it competed with the window's first paint for the GIL (on X11 the first expose
comes after show() returns). `AfterFirstPaint` runs a callback once the watched widget has
painted for the first time, from the event loop, after that paint has finished; if no paint
comes (a window opened minimised or on a hidden workspace) it runs after `fallback_ms` anyway.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

# Should no paint come after show (minimised, hidden workspace), start anyway after this.
ENGINE_FALLBACK_MS = 3000


class AfterFirstPaint(QObject):
    """Call `callback` once: after `widget`'s first paint event, or `fallback_ms` after arm().

    Install it before anything else watches the widget's paint events (in the widget's
    __init__): event filters run last-installed first, so the zero timers of later watchers
    (benchmarks/startup.py's trace, the self-test) are queued ahead of this callback."""

    def __init__(self, widget: QWidget, callback: Callable[[], None], fallback_ms: int = ENGINE_FALLBACK_MS) -> None:
        super().__init__(widget)
        self._widget = widget
        self._callback = callback
        self._fallback_ms = fallback_ms
        self._scheduled = False
        self._done = False
        widget.installEventFilter(self)

    @property
    def done(self) -> bool:
        return self._done

    def arm(self) -> None:
        """The widget is being shown: start the fallback timer."""
        if not self._done:
            QTimer.singleShot(self._fallback_ms, self, self._fire)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if not self._scheduled and obj is self._widget and event.type() == QEvent.Type.Paint:
            self._scheduled = True
            # Queued: runs once this paint (the whole window paints in one pass) is on screen.
            QTimer.singleShot(0, self, self._fire)
        return False

    def _fire(self) -> None:
        if self._done:
            return
        self._done = True
        self._widget.removeEventFilter(self)
        self._callback()
