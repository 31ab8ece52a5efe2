"""The user's own checkpoints folder: which files there can be used, and why the rest cannot.

Only each file's safetensors header is read (vmdcore.checkpoint.read_info), never its
weights, so listing a folder of large files stays instant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from vmdcore.checkpoint import CheckpointInfo

SUFFIX = ".safetensors"


@dataclass(frozen=True)
class FolderEntry:
    """One file of the folder: `info` when it can be used here, else `problem` says why not."""

    path: Path
    info: CheckpointInfo | None
    problem: str = ""

    @property
    def usable(self) -> bool:
        return self.info is not None


def _problem(path: Path, task: str | None) -> tuple[CheckpointInfo | None, str]:
    # vmdcore.checkpoint imports torch: only when the folder is listed, long after start-up
    # (by then the engine thread has imported it anyway).
    from vmdcore.checkpoint import CheckpointError, read_info

    if path.suffix.lower() != SUFFIX:
        return None, f"{path.name} is not a {SUFFIX} file"
    try:
        info = read_info(path)
    except CheckpointError as exc:
        return None, str(exc)
    except OSError as exc:
        return None, f"{path.name} cannot be read: {exc.strerror or exc}"
    if task is not None and info.task != task:
        return None, f"{path.name} is a '{info.task}' model, but a '{task}' model is needed here"
    return info, ""


def scan(folder: Path, task: str | None = None) -> list[FolderEntry]:
    """Every file in `folder` (not its subfolders), by name; a missing folder is empty."""
    if not folder.is_dir():
        return []
    entries = []
    for path in sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")), key=lambda p: p.name.lower()):
        info, problem = _problem(path, task)
        entries.append(FolderEntry(path, info, problem))
    return entries


def fill_menu(menu: QMenu, folder: Path, task: str, choose: Callable[[FolderEntry], None]) -> list[FolderEntry]:
    """Replace `menu`'s items with the folder's checkpoints: usable ones to choose, the rest
    greyed out with the reason as their tooltip and status tip."""
    menu.clear()
    menu.setToolTipsVisible(True)
    entries = scan(folder, task)
    for entry in entries:
        if entry.usable:
            label = f"{entry.path.name} ({entry.info.kind.upper()})"
            action = menu.addAction(label, lambda e=entry: choose(e))
            action.setStatusTip(f"Load {entry.path}")
        else:
            action = menu.addAction(f"{entry.path.name}: cannot be used")
            action.setEnabled(False)
            action.setToolTip(entry.problem)
            action.setStatusTip(entry.problem)
    if not entries:
        menu.addAction(f"No checkpoints in {folder}").setEnabled(False)
    menu.addSeparator()
    menu.addAction("Open the checkpoints folder", lambda: _open_folder(folder))
    return entries


def _open_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
