"""Small widget factories the tabs share, so each panel states what a widget is, not how it is set up."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget


def note_label(parent: QWidget | None, text: str = "", name: str = "", *, muted: bool = False,
               rich: bool = False, scale: float = 1.0) -> QLabel:
    """A word-wrapped label: a caption, hint or heading. `muted` takes the theme's secondary colour;
    `scale` enlarges the font (a heading, an answer shown large)."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    if muted:
        label.setProperty("muted", True)
    if rich:
        label.setTextFormat(Qt.TextFormat.RichText)
    if scale != 1.0:
        font = QFont(label.font())
        font.setPointSizeF(font.pointSizeF() * scale)
        label.setFont(font)
    return label


def titled_box(title: str, content: QWidget, parent: QWidget | None = None) -> QGroupBox:
    """`content` alone in a group box headed `title` (a panel's Legend box)."""
    box = QGroupBox(title, parent)
    QVBoxLayout(box).addWidget(content)
    return box
