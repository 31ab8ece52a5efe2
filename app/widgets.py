"""Small widget factories the tabs share, so each panel states what a widget is, not how it is set up."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def note_label(parent: QWidget | None, text: str = "", name: str = "", *, muted: bool = False,
               rich: bool = False) -> QLabel:
    """A word-wrapped label: a caption, hint or heading. `muted` takes the theme's secondary colour."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    if muted:
        label.setProperty("muted", True)
    if rich:
        label.setTextFormat(Qt.TextFormat.RichText)
    return label
