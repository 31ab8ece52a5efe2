"""The scrolling side panel every Text page puts its controls in (fixed width, scrolls
instead of clipping in a short window)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

WIDTH = 360


class SideScroll(QScrollArea):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}_scroll")
        self.inner = QWidget(self)
        self.inner.setObjectName(name)
        self.body = QVBoxLayout(self.inner)
        self.body.setContentsMargins(0, 0, 6, 0)
        self.body.setSpacing(8)

    def finish(self) -> None:
        """Call once every box is in `body`."""
        self.body.addStretch(1)
        self.setWidget(self.inner)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFixedWidth(WIDTH + self.verticalScrollBar().sizeHint().width())
        self.setStyleSheet(f"QScrollArea#{self.objectName()}, QWidget#{self.inner.objectName()} {{ background: transparent; }}")
