"""The app's log: stderr plus a rotating file in the platformdirs user log folder
(app/paths.py; under $VMD_HOME/logs when that is set), so a user can send what went wrong.

Rotation keeps the folder small however long the app runs: `vmd.log` grows to MAX_BYTES, then
becomes vmd.log.1 (the oldest of BACKUPS is dropped).
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from . import paths

FILE_NAME = "vmd.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MARK = "_vmd_handler"  # set on the handlers added here, so a second call adds none


def log_file() -> Path:
    return paths.log_dir() / FILE_NAME


def setup_logging(level: int = logging.INFO, max_bytes: int = MAX_BYTES, backups: int = BACKUPS,
                  console: bool = True) -> Path | None:
    """Send the root logger to stderr and to the rotating log file; returns the file, or None
    when the log folder cannot be written (the app still starts, logging to stderr only).
    Calling it again replaces the handlers it added before."""
    close_logging()
    root = logging.getLogger()
    formatter = logging.Formatter(FORMAT)
    added: list[logging.Handler] = []
    if console:
        added.append(logging.StreamHandler(sys.stderr))
    path: Path | None = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        added.append(logging.handlers.RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"))
    except OSError as exc:
        print(f"VMD: cannot write the log file {path}: {exc}", file=sys.stderr)
        path = None
    for handler in added:
        handler.setFormatter(formatter)
        setattr(handler, _MARK, True)
        root.addHandler(handler)
    root.setLevel(level)
    return path


def close_logging() -> None:
    """Remove and close the handlers setup_logging added (tests; the end of the app)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(handler)
        handler.close()
