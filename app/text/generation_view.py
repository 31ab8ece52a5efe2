"""The right-hand side of the Generate page: a banner for missing models, one lane per model
side by side (the shared lane frame around a strip of characters), the per-step plot and the
shared timeline bar."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from ..banner import Banner
from ..lane import LaneFrame
from ..plots import SeriesStyle, StepPlot, overlap_width
from ..theme import Theme
from ..timeline import Playback, TimelineBar
from .record import TextRecord
from .strip import TextStrip

PLOT_HINT = "Generate to see, step by step, how many characters are masked and how sure each step was"


class TextLane(LaneFrame):
    def __init__(self, lane: str, title: str, subtitle: str, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(lane, title, subtitle, theme, parent)
        self.strip = TextStrip(theme, self)
        self.strip.setObjectName(f"strip_{lane}")
        self.set_content(self.strip)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_theme(self, theme: Theme) -> None:
        super().set_theme(theme)
        self.strip.set_theme(theme)


class GenerationView(QWidget):
    def __init__(self, lanes: Mapping[str, tuple[str, str]], playback: Playback, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("generation_view")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.banner = Banner("text_banner", self)
        layout.addWidget(self.banner)

        # Lanes at their natural height (a few rows of characters); the plot takes the rest.
        self._lanes_host = QWidget(self)
        lanes_layout = QHBoxLayout(self._lanes_host)
        lanes_layout.setContentsMargins(0, 0, 0, 0)
        lanes_layout.setSpacing(12)
        self.lane_views: dict[str, TextLane] = {}
        for lane, (title, subtitle) in lanes.items():
            view = TextLane(lane, title, subtitle, theme, self._lanes_host)
            lanes_layout.addWidget(view, 1, Qt.AlignmentFlag.AlignTop)
            self.lane_views[lane] = view
        layout.addWidget(self._lanes_host)

        self.plot = StepPlot(self, y_label="masked characters", empty_hint=PLOT_HINT, right_label="confidence (%)")
        for index, (lane, (title, _)) in enumerate(lanes.items()):
            colour = theme.lane_colour(lane)
            self.plot.add_series(
                f"{lane}.confidence", SeriesStyle(f"{title} confidence of the step (right)", colour, width=3.0, fill_alpha=0.15, axis="right")
            )
            self.plot.add_series(f"{lane}.masked", SeriesStyle(f"{title} masked (left)", colour, width=overlap_width(index), dashed=True))
        layout.addWidget(self.plot, 1)

        self.timeline = TimelineBar(playback, self)
        layout.addWidget(self.timeline)

    def show_lanes(self, lanes: Iterable[str]) -> None:
        wanted = set(lanes)
        for lane, view in self.lane_views.items():
            view.setVisible(lane in wanted)

    def refresh_plot(self, records: Mapping[str, TextRecord]) -> None:
        self.plot.set_lane_series(
            self.lane_views, records, {"confidence": lambda r: 100.0 * r.confidence_series(), "masked": lambda r: r.masked_series()}
        )

    def set_show_ghosts(self, on: bool) -> None:
        for view in self.lane_views.values():
            view.strip.set_show_ghosts(on)

    def set_theme(self, theme: Theme) -> None:
        for view in self.lane_views.values():
            view.set_theme(theme)
        self.plot.apply_theme(theme)
        self.timeline.set_colour(theme.text)
        self.banner.set_theme(theme)
