"""A framed notice above a view (missing or broken models), with an optional action button."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from .theme import Theme


class Banner(QFrame):
    clicked = Signal()

    def __init__(self, name: str = "model_banner", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.text = QLabel(self)
        self.text.setObjectName(f"{name}_text")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.text, 1)
        self.button = QPushButton(self)
        self.button.setObjectName(f"{name}_button")
        self.button.clicked.connect(self.clicked)
        layout.addWidget(self.button)
        self.hide()

    def show_message(self, html: str, button: str | None = None, tooltip: str = "") -> None:
        self.text.setText(html)
        self.text.setToolTip(tooltip)
        self.button.setVisible(button is not None)
        if button:
            self.button.setText(button)
        self.show()

    def set_theme(self, theme: Theme) -> None:
        self.setStyleSheet(
            f"QFrame#{self.objectName()} {{ background: {theme.panel}; border: 2px solid {theme.conflict}; border-radius: 6px; }}"
        )
