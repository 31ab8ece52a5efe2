"""Start the desktop app: `vmd` or `python -m app` [puzzle file] [--device cpu|cuda|mps].

`--self-test` checks this copy of the app offscreen and exits (app/self_test.py).
`--startup-trace` (for benchmarks/startup.py) prints when the window first painted and when
the models had loaded, as wall-clock times, then quits.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
import traceback
from types import TracebackType

from . import APP_ID, APP_NAME, ORGANIZATION
from .logs import close_logging, setup_logging

log = logging.getLogger("app")


def _install_excepthook() -> None:
    """An unexpected error in a slot is logged and shown, never silently swallowed."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        log.error("unhandled error\n%s", text)
        from PySide6.QtWidgets import QApplication

        if QApplication.instance() is not None:
            from . import messages

            messages.show_error(None, f"{APP_NAME}: unexpected error", f"{kind.__name__}: {value}", details=text)

    sys.excepthook = hook


def _quit_on_signals(app) -> None:
    """Ctrl+C or a termination signal closes the app cleanly (settings saved, worker stopped).
    Python only sees signals while it runs, so a timer wakes it regularly."""
    from PySide6.QtCore import QTimer

    def request_quit(*_: object) -> None:
        app.closeAllWindows()
        app.quit()

    for name in ("SIGINT", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), request_quit)
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)


def _startup_trace(app, window) -> None:
    """Print `vmd-startup: EVENT WALL_CLOCK_SECONDS [detail]` lines, read by benchmarks/startup.py.

    window_visible: the end of the main window's first paint (torch=0 / pyqtgraph=0 when that
    module was not yet imported); models_loaded: both Sudoku models loaded (or failed); the app then quits.
    Settings are neither saved nor changed (the window is built with persist=False)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    def emit(event: str, detail: str = "") -> None:
        print(f"vmd-startup: {event} {time.time():.6f} {detail}".rstrip(), flush=True)

    outcomes: dict[str, str] = {}

    class FirstPaint(QObject):
        def __init__(self, parent: QObject) -> None:
            super().__init__(parent)
            self.done = False

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
            if not self.done and event.type() == QEvent.Type.Paint:
                self.done = True
                torch_loaded = int("torch" in sys.modules)
                pyqtgraph_loaded = int("pyqtgraph" in sys.modules)
                # After this paint event (the whole window paints in one pass), not before it.
                # CPU seconds: the whole process, and the GUI thread alone (load-independent).
                QTimer.singleShot(0, lambda: emit(
                    "window_visible",
                    f"torch={torch_loaded} pyqtgraph={pyqtgraph_loaded} cpu={time.process_time():.3f} gui_cpu={time.thread_time():.3f}",
                ))
            return False

    def model_done(key: str, status: str) -> None:
        outcomes[key] = status
        if len(outcomes) == 2:
            states = " ".join(f"{k}={v}" for k, v in sorted(outcomes.items()))
            emit("models_loaded", f"{states} cpu={time.process_time():.3f}")
            QTimer.singleShot(0, lambda: (window.close(), app.quit()))

    window.installEventFilter(FirstPaint(window))
    window.engine.modelLoaded.connect(lambda summary: model_done(summary.key, "ok"))
    window.engine.modelFailed.connect(lambda key, message: model_done(key, "failed"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vmd", description="Watch MDM and VMD solve Sudoku step by step.")
    parser.add_argument("puzzle", nargs="?", help="a puzzle file to open (.txt, .sdk, .sdm, .csv)")
    parser.add_argument("--device", default=None, help="cpu, cuda, mps or auto (default: the fastest available)")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this copy offscreen (window, every bundled checkpoint, one Sudoku solve, one "
        "synthetic sample, image export), print what was done and exit 0, or 1 with the reasons",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--startup-trace", action="store_true", help=argparse.SUPPRESS)
    args, qt_args = parser.parse_known_args(sys.argv[1:] if argv is None else argv)

    if args.version:
        from .about import app_version

        print(f"{APP_NAME} {app_version()}")
        return 0
    if args.self_test:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        from .self_test import run_self_test

        return run_self_test(device=args.device)

    log_path = setup_logging()
    log.info("VMD starting; log file %s", log_path)
    _install_excepthook()

    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    # Wayland and X11 desktops match the window to vmd.desktop (its icon and name) by this.
    QGuiApplication.setDesktopFileName(APP_ID)

    from .about import app_icon, app_version
    from .main_window import MainWindow

    app.setApplicationVersion(app_version())
    app.setWindowIcon(app_icon())
    window = MainWindow(device=args.device, persist=not args.startup_trace)
    app.aboutToQuit.connect(window.shutdown)
    _quit_on_signals(app)
    if args.startup_trace:
        _startup_trace(app, window)
    window.show()
    if args.puzzle:
        window.sudoku.sources.open_file(args.puzzle)
    try:
        return app.exec()
    finally:
        close_logging()


if __name__ == "__main__":
    sys.exit(main())
