"""One model's column in a side-by-side view, task-neutral: a header (colour key, name,
checkpoint line), the task's own content widget, and a verdict line that turns loud when
something is wrong. The Sudoku lanes put a board in it, the Text lanes a strip of characters.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from .theme import Theme
from .worker import ModelSummary

TONES = ("neutral", "hint", "good", "bad", "warn")
CONTENT_INDEX = 2  # header, model line, [content], verdict, stretch


def parameter_text(count: int) -> str:
    return f"{count / 1e6:.2f} M" if count >= 100_000 else f"{count / 1e3:.0f} k"


def model_line(summary: ModelSummary) -> str:
    """'name · 1.23 M parameters · bundled' (or the file name of a checkpoint the user opened)."""
    origin = "bundled" if summary.bundled else Path(summary.path).name
    return f"{summary.name} · {parameter_text(summary.parameters)} parameters · {origin}"


def model_tooltip(summary: ModelSummary, limit: int = 8) -> str:
    """Rich text: the checkpoint path and its first few metrics."""
    metrics = "".join(
        f"<br>{html.escape(str(k))}: {html.escape(str(v))}" for k, v in list(summary.metrics.items())[:limit]
    )
    return f"{html.escape(summary.path)}{metrics}"


def lane_title_row(title: str, parent: QWidget) -> tuple[QHBoxLayout, QLabel, QLabel]:
    """The start of a lane's header: its colour chip (styled by `chip_style`) and its name in
    large bold type. Returns the row, the chip and the title; the caller adds the rest."""
    header = QHBoxLayout()
    header.setSpacing(8)
    chip = QLabel(parent)
    chip.setFixedSize(14, 14)
    header.addWidget(chip)
    label = QLabel(title, parent)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    label.setFont(font)
    header.addWidget(label)
    return header, chip, label


def chip_style(theme: Theme, lane: str) -> str:
    return f"background: {theme.lane_colour(lane)}; border-radius: 3px;"


class LaneFrame(QFrame):
    def __init__(self, lane: str, title: str, subtitle: str, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lane = lane
        self.setObjectName(f"lane_{lane}")
        self._theme = theme
        self._tone = "neutral"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)

        header, self.chip, self.title = lane_title_row(title, self)
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
        self._style_lane()

    def set_content(self, widget: QWidget) -> None:
        """Place the task's view between the model line and the verdict."""
        self.layout().insertWidget(CONTENT_INDEX, widget)

    def chrome_height(self) -> int:
        """Height of everything but the content (header, model line, verdict, spacing)."""
        layout = self.layout()
        m = layout.contentsMargins()
        return (
            m.top() + m.bottom() + self._header.sizeHint().height() + self.model_label.sizeHint().height()
            + self.verdict.minimumHeight() + 4 * layout.spacing()
        )

    def set_model_text(self, text: str, ok: bool) -> None:
        self.model_label.setText(text)
        colour = self._theme.muted if ok else self._theme.conflict
        self.model_label.setStyleSheet(f"color: {colour};")

    def show_model(self, summary: ModelSummary | None, missing: str = "no model loaded", error: str = "") -> None:
        """The model line for a loaded model, or `missing` in the warning colour (`error` as tooltip)."""
        if summary is None:
            self.set_model_text(missing, False)
            self.model_label.setToolTip(error)
            return
        self.set_model_text(model_line(summary), True)
        self.model_label.setToolTip(model_tooltip(summary))

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
        self._style_lane()

    def _style_lane(self) -> None:
        self.chip.setStyleSheet(chip_style(self._theme, self.lane))
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
