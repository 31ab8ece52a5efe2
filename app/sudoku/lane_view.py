"""One model's column in the solve view: a header (colour key, name, checkpoint), the board,
and a verdict line that turns loud when cells conflict."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..theme import Theme
from .board import SudokuBoard

TONES = ("neutral", "hint", "good", "bad", "warn")


class LaneView(QFrame):
    def __init__(self, lane: str, title: str, subtitle: str, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lane = lane
        self.setObjectName(f"lane_{lane}")
        self._theme = theme
        self._tone = "neutral"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)

        header = QHBoxLayout()
        header.setSpacing(8)
        self.chip = QLabel(self)
        self.chip.setFixedSize(14, 14)
        header.addWidget(self.chip)
        self.title = QLabel(title, self)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        header.addWidget(self.title)
        self.subtitle = QLabel(subtitle, self)
        self.subtitle.setProperty("muted", True)
        header.addWidget(self.subtitle)
        header.addStretch(1)
        layout.addLayout(header)
        self.model_label = QLabel("loading model…", self)
        self.model_label.setObjectName(f"lane_{lane}_model")
        self.model_label.setProperty("muted", True)
        self.model_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.model_label)

        self.board = SudokuBoard(theme, self)
        self.board.setObjectName(f"board_{lane}")
        layout.addWidget(self.board)

        self.verdict = QLabel(self)
        self.verdict.setObjectName(f"lane_{lane}_verdict")
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        vfont = QFont(self.verdict.font())
        vfont.setPointSizeF(vfont.pointSizeF() * 1.25)
        vfont.setBold(True)
        self.verdict.setFont(vfont)
        self.verdict.setMinimumHeight(self.verdict.fontMetrics().height() + 10)
        layout.addWidget(self.verdict)
        layout.addStretch(1)
        self._header = header
        self.set_theme(theme)

    def resizeEvent(self, event) -> None:
        """Keep the board square and the verdict right under it; spare height goes below."""
        super().resizeEvent(event)
        layout = self.layout()
        m = layout.contentsMargins()
        side = min(self.width() - m.left() - m.right(), self.height() - self.chrome_height())
        self.board.setMaximumHeight(max(self.board.minimumHeight(), side))

    def chrome_height(self) -> int:
        """Height of everything but the board (header, model line, verdict, spacing)."""
        layout = self.layout()
        m = layout.contentsMargins()
        return (
            m.top() + m.bottom() + self._header.sizeHint().height() + self.model_label.sizeHint().height()
            + self.verdict.minimumHeight() + 4 * layout.spacing()
        )

    def ideal_height(self, width: int) -> int:
        m = self.layout().contentsMargins()
        return self.chrome_height() + max(self.board.minimumHeight(), width - m.left() - m.right())

    def set_model_text(self, text: str, ok: bool) -> None:
        self.model_label.setText(text)
        colour = self._theme.muted if ok else self._theme.conflict
        self.model_label.setStyleSheet(f"color: {colour};")

    def set_verdict(self, text: str, tone: str = "neutral") -> None:
        if tone not in TONES:
            raise ValueError(tone)
        self._tone = tone
        self.verdict.setText(text)
        self._style_verdict()

    @property
    def tone(self) -> str:
        return self._tone

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.board.set_theme(theme)
        self.chip.setStyleSheet(f"background: {theme.lane_colour(self.lane)}; border-radius: 3px;")
        self._style_verdict()

    def _style_verdict(self) -> None:
        t = self._theme
        if self._tone == "bad":
            style = f"color: {'#0B0D10' if t.dark else '#FFFFFF'}; background: {t.conflict}; border-radius: 4px; padding: 2px 8px;"
        elif self._tone == "good":
            style = f"color: {'#0B0D10' if t.dark else '#FFFFFF'}; background: {t.ok}; border-radius: 4px; padding: 2px 8px;"
        elif self._tone == "warn":
            style = f"color: {t.conflict}; padding: 2px 8px;"
        else:
            style = f"color: {t.muted if self._tone == 'hint' else t.text}; padding: 2px 8px;"
        self.verdict.setStyleSheet(style)
