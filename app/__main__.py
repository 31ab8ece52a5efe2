"""Start the desktop app: `vmd` or `python -m app` [puzzle file] [--device cpu|cuda|mps]."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import signal
import sys
import traceback
from types import TracebackType

from . import APP_ID, APP_NAME, ORGANIZATION, paths

log = logging.getLogger("app")


def _setup_logging() -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    try:
        folder = paths.log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.handlers.RotatingFileHandler(folder / "vmd.log", maxBytes=1_000_000, backupCount=2, encoding="utf-8"))
    except OSError:
        pass
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", handlers=handlers)


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vmd", description="Watch MDM and VMD solve Sudoku step by step.")
    parser.add_argument("puzzle", nargs="?", help="a puzzle file to open (.txt, .sdk, .sdm, .csv)")
    parser.add_argument("--device", default=None, help="cpu, cuda, mps or auto (default: the fastest available)")
    args, qt_args = parser.parse_known_args(sys.argv[1:] if argv is None else argv)

    _setup_logging()
    _install_excepthook()

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)

    from .main_window import MainWindow

    window = MainWindow(device=args.device)
    app.aboutToQuit.connect(window.shutdown)
    _quit_on_signals(app)
    window.show()
    if args.puzzle:
        window.sudoku.sources.open_file(args.puzzle)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
