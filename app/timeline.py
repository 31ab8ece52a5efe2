"""A task-neutral timeline: which step is shown, playback, and the bar of controls for it.

Position 0 is the starting state; position i shows the state after step i. Steps can keep
arriving while the user watches (`live`): playback then waits at the newest step instead of
stopping, so a solve animates at the chosen speed however fast the model runs.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPainter, QPixmap, QPolygonF
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QToolButton,
    QWidget,
)

SPEEDS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0)


class Playback(QObject):
    """The timeline state; every change is announced by a signal."""

    positionChanged = Signal(int)
    rangeChanged = Signal(int, int)
    playingChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._position = 0
        self._available = 0
        self._total = 0
        self._live = False
        self._playing = False
        self._speed = 4.0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self.set_speed(self._speed)

    @property
    def position(self) -> int:
        return self._position

    @property
    def available(self) -> int:
        return self._available

    @property
    def total(self) -> int:
        return self._total

    @property
    def live(self) -> bool:
        return self._live

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def at_end(self) -> bool:
        return self._position >= self._available

    def reset(self, total: int = 0, live: bool = False) -> None:
        self.pause()
        self._available = 0
        self._total = max(0, total)
        self._live = live
        self._position = 0
        self.rangeChanged.emit(self._available, self._total)
        self.positionChanged.emit(0)

    def set_available(self, available: int, total: int | None = None) -> None:
        """More steps have arrived (or the run's length became known)."""
        self._available = max(0, available)
        if total is not None:
            self._total = total
        self._total = max(self._total, self._available)
        self.rangeChanged.emit(self._available, self._total)
        if self._position > self._available:
            self.seek(self._available)

    def finish(self) -> None:
        """The run ended (completed or stopped): what is available is all there will be."""
        self._live = False
        self._total = self._available
        self.rangeChanged.emit(self._available, self._total)
        if self._playing and self.at_end:
            self.pause()

    def seek(self, position: int) -> None:
        position = max(0, min(int(position), self._available))
        if position != self._position:
            self._position = position
            self.positionChanged.emit(position)

    def step_forward(self) -> None:
        self.pause()
        self.seek(self._position + 1)

    def step_back(self) -> None:
        self.pause()
        self.seek(self._position - 1)

    def first(self) -> None:
        self.pause()
        self.seek(0)

    def last(self) -> None:
        self.pause()
        self.seek(self._available)

    def play(self) -> None:
        if self._playing:
            return
        if self.at_end and not self._live:
            if self._available == 0:
                return
            self.seek(0)
        self._playing = True
        self._timer.start()
        self.playingChanged.emit(True)

    def pause(self) -> None:
        if not self._playing:
            return
        self._playing = False
        self._timer.stop()
        self.playingChanged.emit(False)

    def toggle(self) -> None:
        self.pause() if self._playing else self.play()

    def set_speed(self, steps_per_second: float) -> None:
        self._speed = max(0.1, float(steps_per_second))
        self._timer.setInterval(max(1, round(1000.0 / self._speed)))

    def _tick(self) -> None:
        if self._position < self._available:
            self.seek(self._position + 1)
        if self.at_end and not self._live:
            self.pause()


def media_icon(kind: str, colour: str, size: int = 32) -> QIcon:
    """Transport icons drawn in the theme's text colour (the style's stock icons are black,
    invisible on a dark theme). kind: first, back, play, pause, forward, last."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(colour))
    u = size / 32.0

    def triangle(x0: float, x1: float) -> None:
        p.drawPolygon(QPolygonF([QPointF(x0 * u, 8 * u), QPointF(x0 * u, 24 * u), QPointF(x1 * u, 16 * u)]))

    def bar(x: float) -> None:
        p.drawRect(QRectF(x * u, 8 * u, 3.5 * u, 16 * u))

    if kind == "play":
        triangle(10, 24)
    elif kind == "pause":
        p.drawRect(QRectF(9 * u, 8 * u, 5 * u, 16 * u))
        p.drawRect(QRectF(18 * u, 8 * u, 5 * u, 16 * u))
    elif kind == "forward":
        triangle(11, 23)
    elif kind == "back":
        triangle(21, 9)
    elif kind == "last":
        triangle(8, 20)
        bar(21)
    elif kind == "first":
        bar(7.5)
        triangle(24, 12)
    p.end()
    return QIcon(pixmap)


class TimelineBar(QWidget):
    """First / back / play / forward / last, a scrubber, "Step i / N" and the playback speed.

    The buttons are driven by QActions (`self.actions_by_name`) so a window can list the same
    commands, with their shortcuts, in a menu and in its shortcut dialog.
    """

    speedChanged = Signal(float)

    def __init__(self, playback: Playback, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.playback = playback
        self._colour = "#202020"

        def make(name: str, text: str, kind: str, keys: str, slot) -> QAction:
            action = QAction(media_icon(kind, self._colour), text, self)
            action.setObjectName(f"timeline_{name}")
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{text} ({QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)})")
            action.triggered.connect(slot)
            return action

        self.first_action = make("first", "First step", "first", "Ctrl+Home", playback.first)
        self.back_action = make("back", "Step back", "back", "Ctrl+Left", playback.step_back)
        self.play_action = make("play", "Play / pause", "play", "Space", playback.toggle)
        self.forward_action = make("forward", "Step forward", "forward", "Ctrl+Right", playback.step_forward)
        self.last_action = make("last", "Last step", "last", "Ctrl+End", playback.last)
        self.actions_by_name = {
            "first": self.first_action,
            "back": self.back_action,
            "play": self.play_action,
            "forward": self.forward_action,
            "last": self.last_action,
        }

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.buttons: dict[str, QToolButton] = {}
        for name, action in self.actions_by_name.items():
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setObjectName(f"timeline_button_{name}")
            layout.addWidget(button)
            self.buttons[name] = button

        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("timeline_slider")
        self.slider.setRange(0, 0)
        self.slider.setPageStep(1)
        self.slider.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.slider.setToolTip("Scrub through the steps")
        self.slider.valueChanged.connect(self._slider_moved)
        layout.addWidget(self.slider, 1)

        self.label = QLabel(self)
        self.label.setObjectName("timeline_label")
        self.label.setMinimumWidth(self.fontMetrics().horizontalAdvance("Step 000 / 000") + 8)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.label)

        self.speed = QComboBox(self)
        self.speed.setObjectName("timeline_speed")
        self.speed.setToolTip("Playback speed")
        for value in SPEEDS:
            self.speed.addItem(f"{value:g} steps/s", value)
        self.speed.currentIndexChanged.connect(self._speed_picked)
        layout.addWidget(self.speed)

        playback.positionChanged.connect(self._sync)
        playback.rangeChanged.connect(lambda *_: self._sync())
        playback.playingChanged.connect(self._playing_changed)
        self.set_speed(playback.speed)
        self._sync()

    def set_colour(self, colour: str) -> None:
        """Redraw the transport icons in `colour` (the theme's text colour)."""
        self._colour = colour
        for name, action in self.actions_by_name.items():
            kind = "pause" if name == "play" and self.playback.playing else name
            action.setIcon(media_icon(kind, colour))

    def set_speed(self, steps_per_second: float) -> None:
        index = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - steps_per_second))
        self.speed.setCurrentIndex(index)
        self.playback.set_speed(SPEEDS[index])

    def _speed_picked(self, index: int) -> None:
        value = float(self.speed.itemData(index))
        self.playback.set_speed(value)
        self.speedChanged.emit(value)

    def _slider_moved(self, value: int) -> None:
        if value != self.playback.position:
            self.playback.pause()
            self.playback.seek(value)

    def _playing_changed(self, playing: bool) -> None:
        self.play_action.setIcon(media_icon("pause" if playing else "play", self._colour))
        self.play_action.setText("Pause" if playing else "Play")

    def _sync(self, *_: object) -> None:
        pb = self.playback
        self.slider.blockSignals(True)
        self.slider.setRange(0, pb.available)
        self.slider.setValue(pb.position)
        self.slider.blockSignals(False)
        self.label.setText(f"Step {pb.position} / {pb.total}")
        has_steps = pb.available > 0
        self.first_action.setEnabled(has_steps and pb.position > 0)
        self.back_action.setEnabled(has_steps and pb.position > 0)
        self.forward_action.setEnabled(pb.position < pb.available)
        self.last_action.setEnabled(pb.position < pb.available)
        self.play_action.setEnabled(has_steps or pb.live)
