"""The right-hand side of the Sudoku tab: a banner for missing models, one LaneView per model
side by side, the per-step plot under them (in Generate mode, beside the gallery on a second
page), and the timeline bar. Everything the PNG and GIF exports show."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QTabWidget, QVBoxLayout, QWidget

from ..banner import Banner
from ..plots import SeriesStyle, StepPlot, overlap_width
from ..theme import Theme
from ..timeline import Playback, TimelineBar
from .gallery import Gallery
from .lane_view import LaneView
from .record import SolveRecord

PLOT_HINT = "Solve to see, step by step, how many cells are masked and how many conflict"


class SolveView(QWidget):
    cellEdited = Signal(int, int)
    openCheckpointRequested = Signal()

    def __init__(self, lanes: Mapping[str, tuple[str, str]], playback: Playback, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("solve_view")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

        self.banner = Banner("model_banner", self)
        self.banner_text = self.banner.text
        self.banner_button = self.banner.button
        self.banner.clicked.connect(self.openCheckpointRequested)
        layout.addWidget(self.banner)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("view_splitter")
        self.splitter.setChildrenCollapsible(False)
        self._lanes_host = QWidget(self.splitter)
        lanes_layout = QHBoxLayout(self._lanes_host)
        lanes_layout.setContentsMargins(0, 0, 0, 0)
        lanes_layout.setSpacing(16)
        self.lane_views: dict[str, LaneView] = {}
        for lane, (title, subtitle) in lanes.items():
            view = LaneView(lane, title, subtitle, theme, self._lanes_host)
            view.board.cellEdited.connect(self.cellEdited)
            view.board.selectionChanged.connect(self._sync_selection)
            lanes_layout.addWidget(view, 1)
            self.lane_views[lane] = view
        self.splitter.addWidget(self._lanes_host)

        self.plot = StepPlot(self.splitter, y_label="masked cells", empty_hint=PLOT_HINT, right_label="conflicting cells")
        for index, (lane, (title, _)) in enumerate(lanes.items()):
            colour = theme.lane_colour(lane)
            self.plot.add_series(
                f"{lane}.conflicts", SeriesStyle(f"{title} conflicting cells (right)", colour, width=3.0, fill_alpha=0.18, axis="right")
            )
            self.plot.add_series(f"{lane}.masked", SeriesStyle(f"{title} masked cells (left)", colour, width=overlap_width(index), dashed=True))
        self.bottom = QTabWidget(self.splitter)
        self.bottom.setObjectName("view_bottom")
        self.bottom.setDocumentMode(True)
        self.bottom.addTab(self.plot, "Steps")
        self.gallery = Gallery(lanes, theme, self.bottom)
        self.bottom.addTab(self.gallery, "Gallery")
        self.bottom.currentChanged.connect(lambda _: self.fit_splitter())
        self.splitter.addWidget(self.bottom)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self._splitter_user_set = False
        self.splitter.splitterMoved.connect(self._splitter_moved)
        layout.addWidget(self.splitter, 1)

        self.timeline = TimelineBar(playback, self)
        layout.addWidget(self.timeline)
        self.set_mode(False)

    # -- lanes -------------------------------------------------------------------------------
    def show_lanes(self, lanes: Iterable[str]) -> None:
        wanted = set(lanes)
        had_focus = any(v.board.hasFocus() for v in self.lane_views.values())
        for lane, view in self.lane_views.items():
            view.setVisible(lane in wanted)
        if had_focus and not any(v.board.hasFocus() for v in self.lane_views.values()):
            self.focus_board()
        self.fit_splitter()

    def focus_board(self) -> None:
        """Give the keyboard to the first visible board (so typing works at once)."""
        for view in self.lane_views.values():
            if not view.isHidden():
                view.board.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def _sync_selection(self, cell: int) -> None:
        for view in self.lane_views.values():
            view.board.select(cell)

    # -- mode and gallery --------------------------------------------------------------------
    def set_mode(self, generating: bool) -> None:
        """The gallery's page (and the page tabs) only in Generate mode."""
        self.bottom.tabBar().setVisible(generating)
        self.bottom.setTabVisible(1, generating)
        if not generating:
            self.bottom.setCurrentIndex(0)
        self.fit_splitter()

    def show_page(self, gallery: bool) -> None:
        self.bottom.setCurrentIndex(1 if gallery else 0)

    # -- plot --------------------------------------------------------------------------------
    def refresh_plot(self, records: Mapping[str, SolveRecord]) -> None:
        self.plot.set_lane_series(self.lane_views, records, {"conflicts": lambda r: r.conflict_series(), "masked": lambda r: r.masked_series()})

    # -- banner ------------------------------------------------------------------------------
    def show_banner(self, html: str, button: str | None) -> None:
        self.banner.show_message(html, button)

    def hide_banner(self) -> None:
        self.banner.hide()

    # -- splitter ----------------------------------------------------------------------------
    def restore_splitter(self, state_hex: str) -> None:
        try:
            self._splitter_user_set = self.splitter.restoreState(bytes.fromhex(state_hex))
        except ValueError:
            pass

    def splitter_state(self) -> str:
        return bytes(self.splitter.saveState().data()).hex() if self._splitter_user_set else ""

    def _splitter_moved(self, *_: object) -> None:
        self._splitter_user_set = True

    def fit_splitter(self) -> None:
        """Until the user drags the splitter, give the boards what they need and the plot the rest."""
        if self._splitter_user_set:
            return
        visible = [v for v in self.lane_views.values() if not v.isHidden()] or list(self.lane_views.values())
        spacing = self._lanes_host.layout().spacing()
        lane_width = (self._lanes_host.width() - spacing * (len(visible) - 1)) // len(visible)
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        plot_min = self.plot.minimumSizeHint().height() + 40
        if self.bottom.currentWidget() is self.gallery:
            plot_min = self.gallery.ideal_height() + self.bottom.tabBar().sizeHint().height()
        lanes = min(visible[0].ideal_height(lane_width), max(total - plot_min, total // 2))
        self.splitter.setSizes([lanes, total - lanes])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_splitter()

    # -- theme -------------------------------------------------------------------------------
    def set_theme(self, theme: Theme) -> None:
        for view in self.lane_views.values():
            view.set_theme(theme)
        self.plot.apply_theme(theme)
        self.gallery.set_theme(theme)
        self.timeline.set_colour(theme.text)
        self.banner.set_theme(theme)
