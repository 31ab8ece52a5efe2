"""Where things live: shipped resources (source tree or PyInstaller bundle) and user folders.

User folders come from platformdirs. Setting VMD_HOME puts all of them under one folder,
which is how tests (and portable installs) keep the real user profile untouched.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from . import APP_ID, ORGANIZATION

HOME_ENV = "VMD_HOME"
RESOURCES_ENV = "VMD_RESOURCES"


def resources_dir() -> Path:
    """The folder holding checkpoints/ and puzzles/.

    Order: $VMD_RESOURCES, the PyInstaller bundle (sys._MEIPASS/resources), then the source
    tree (resources/ beside the app package). The first that exists wins; if none does, the
    source-tree path is returned so messages name a sensible place.
    """
    candidates: list[Path] = []
    override = os.environ.get(RESOURCES_ENV)
    if override:
        candidates.append(Path(override))
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "resources")
    source = Path(__file__).resolve().parent.parent / "resources"
    candidates.append(source)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return source


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def checkpoint_dir() -> Path:
    """resources/checkpoints (looked up anew on every call, so $VMD_RESOURCES may change)."""
    return resource("checkpoints")


def bundled_checkpoint(kind: str, task: str = "sudoku") -> Path:
    """resources/checkpoints/<task>-<kind>.safetensors (it may not exist)."""
    return resource("checkpoints", f"{task}-{kind}.safetensors")


def puzzle_library() -> Path:
    return resource("puzzles", "library.csv")


def _user_dir(kind: str) -> Path:
    home = os.environ.get(HOME_ENV)
    if home:
        path = Path(home) / kind
    else:
        finders = {
            "config": platformdirs.user_config_path,
            "data": platformdirs.user_data_path,
            "cache": platformdirs.user_cache_path,
            "logs": platformdirs.user_log_path,
        }
        path = finders[kind](APP_ID, ORGANIZATION)
    return path


def config_dir() -> Path:
    return _user_dir("config")


def data_dir() -> Path:
    return _user_dir("data")


def cache_dir() -> Path:
    return _user_dir("cache")


def log_dir() -> Path:
    return _user_dir("logs")


def user_checkpoint_dir() -> Path:
    """Where a user puts checkpoints of their own; the app lists the valid ones."""
    return data_dir() / "checkpoints"
