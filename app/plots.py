"""A task-neutral per-step plot (pyqtgraph): named series over steps 0..N, a cursor at the
current step, and a legend row above the plot so no curve is ever hidden behind it.
Clicking the plot asks to jump to the step under the mouse.

pyqtgraph is imported lazily: until the plot is first painted (or given data), a plain label
with the empty-plot hint stands in for the graph, so building and first painting the window
import no pyqtgraph (about a third of the GUI thread's work before the first paint). Series,
styles, the step range, the cursor and the theme are kept here and applied when the graph is
built (`ensure_graph`).
"""

from __future__ import annotations

import math
import sys
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .theme import LIGHT, Theme
from .widgets import note_label

MIN_GRAPH_HEIGHT = 120
R = TypeVar("R")
_pg: Any = None  # the pyqtgraph module, once imported


def import_pyqtgraph() -> Any:
    """pyqtgraph, imported on first use.

    pyqtgraph imports PySide6.QtOpenGL when it loads, but uses it only to draw with OpenGL,
    which these plots never enable. The packaged app leaves that 9 MB module out
    (scripts/bundle_rules.py); an empty stand-in then satisfies the import."""
    global _pg
    if _pg is None:
        try:
            import PySide6.QtOpenGL  # noqa: F401
        except ImportError:
            sys.modules.setdefault("PySide6.QtOpenGL", types.ModuleType("PySide6.QtOpenGL"))
        import pyqtgraph as pg

        pg.setConfigOptions(antialias=True)
        _pg = pg
    return _pg


def fixed_plot(parent: QWidget, min_height: int) -> Any:
    """A pyqtgraph PlotWidget that reads as a figure: no context menu, no panning or zooming,
    no auto-range button."""
    graph = import_pyqtgraph().PlotWidget(parent)
    graph.setMenuEnabled(False)
    graph.setMouseEnabled(x=False, y=False)
    graph.hideButtons()
    graph.setMinimumHeight(min_height)
    return graph


def percent_by_steps_plot(parent: QWidget, min_height: int, x_label: str,
                          y_range: tuple[float, float] = (-3, 105)) -> Any:
    """A fixed_plot of a percentage (ticks 0-100, light horizontal grid) against a step count on a
    log axis: the figure of a rate against NFE."""
    graph = fixed_plot(parent, min_height)
    item = graph.getPlotItem()
    item.setLogMode(x=True, y=False)
    item.setLabel("bottom", x_label)
    item.setYRange(*y_range, padding=0)
    item.getAxis("left").setTicks([[(v, str(v)) for v in range(0, 101, 20)]])
    item.showGrid(x=False, y=True, alpha=0.15)
    return graph


class RateFigure(QWidget):
    """A caption above a percentage-against-steps plot: the Evaluate chart, the word-rate chart."""

    def __init__(self, name: str, caption: str, min_height: int, x_label: str, theme: Theme,
                 parent: QWidget | None = None, y_range: tuple[float, float] = (-3, 105), **label: bool) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.theme = theme
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.caption = note_label(self, caption, f"{name}_caption", **label)
        layout.addWidget(self.caption)
        self.graph = percent_by_steps_plot(self, min_height, x_label, y_range)
        layout.addWidget(self.graph, 1)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.graph.setBackground(theme.base)
        for axis in ("left", "bottom"):
            self.graph.getPlotItem().getAxis(axis).setTextPen(theme.text)
        self._redraw()

    def _redraw(self) -> None:
        """Draw the figure again in the current theme."""
        raise NotImplementedError



@dataclass(frozen=True)
class SeriesStyle:
    label: str
    colour: str
    width: float = 2.0
    dashed: bool = False
    fill_alpha: float = 0.0
    axis: str = "left"


def overlap_width(lane_index: int) -> float:
    """Pen width for the lane_index-th of several lines that often coincide (each lane's masked
    count): every later line is thinner, so where two are equal the earlier one still shows as a
    band around the later one instead of vanishing under it."""
    return max(1.5, 4.5 - 3.0 * lane_index)


class StepPlot(QWidget):
    stepClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None, y_label: str = "cells", empty_hint: str = "", right_label: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("step_plot")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        legend_row = QHBoxLayout()
        legend_row.setContentsMargins(8, 0, 8, 0)
        self.legend = QLabel(self)
        self.legend.setObjectName("step_plot_legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        legend_row.addWidget(self.legend, 1)
        layout.addLayout(legend_row)

        self._y_label = y_label
        self._right_label = right_label
        self._empty_hint = empty_hint
        # Stands in for the graph until pyqtgraph is loaded (after the first paint).
        self._placeholder: QLabel | None = QLabel(empty_hint, self)
        self._placeholder.setObjectName("step_plot_placeholder")
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setWordWrap(True)
        self._placeholder.setMinimumHeight(MIN_GRAPH_HEIGHT)
        self._placeholder.installEventFilter(self)
        layout.addWidget(self._placeholder, 1)
        self._build_scheduled = False

        self.graph: Any = None  # pg.PlotWidget once built
        self._curves: dict[str, Any] = {}
        self._styles: dict[str, SeriesStyle] = {}
        self._data: dict[str, np.ndarray] = {}
        self._visible: dict[str, bool] = {}
        self._right: Any = None
        self._cursor: Any = None
        self._hint: Any = None
        self._current = 0.0
        self._total = 1
        self._theme = LIGHT
        self.set_total(1)

    # -- the graph, built lazily ---------------------------------------------------------------
    @property
    def graph_ready(self) -> bool:
        return self.graph is not None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # The placeholder has painted: the window is on screen, so build the real graph as soon
        # as the event loop is idle again.
        if obj is self._placeholder and event.type() == QEvent.Type.Paint and not self._build_scheduled:
            self._build_scheduled = True
            QTimer.singleShot(0, self, self.ensure_graph)
        return False

    def ensure_graph(self) -> Any:
        """Build the pyqtgraph widget (importing pyqtgraph) if not yet built; return it."""
        if self.graph is not None:
            return self.graph
        pg = import_pyqtgraph()
        graph = fixed_plot(self, MIN_GRAPH_HEIGHT)
        item = graph.getPlotItem()
        item.setLabel("bottom", "step")
        item.setLabel("left", self._y_label)
        item.showGrid(x=False, y=True, alpha=0.15)
        if self._right_label is not None:
            # A second scale on the right, so a small series is not flattened by a large one.
            self._right = pg.ViewBox()
            self._right.setMouseEnabled(x=False, y=False)
            self._right.setMenuEnabled(False)
            item.showAxis("right")
            item.scene().addItem(self._right)
            item.getAxis("right").linkToView(self._right)
            item.getAxis("right").setLabel(self._right_label)
            self._right.setXLink(item)
            item.vb.sigResized.connect(self._sync_right)
        self._cursor = pg.InfiniteLine(pos=self._current, angle=90, movable=False)
        self._cursor.setZValue(10)
        item.addItem(self._cursor, ignoreBounds=True)
        self._hint = pg.TextItem(self._empty_hint, anchor=(0.5, 0.5))
        item.addItem(self._hint, ignoreBounds=True)
        graph.scene().sigMouseClicked.connect(self._clicked)
        self.graph = graph
        for key in self._styles:
            self._make_curve(key)
        placeholder, self._placeholder = self._placeholder, None
        if placeholder is not None:
            placeholder.removeEventFilter(self)
            self.layout().replaceWidget(placeholder, graph)
            placeholder.hide()
            placeholder.deleteLater()
        self.set_total(self._total)
        self.apply_theme(self._theme)
        self._update_hint()
        return graph

    def _make_curve(self, key: str) -> None:
        style = self._styles[key]
        if style.axis == "right":
            curve = import_pyqtgraph().PlotDataItem([], [])
            self._right.addItem(curve)
        else:
            curve = self.graph.getPlotItem().plot([], [])
        self._curves[key] = curve
        ys = self._data.get(key)
        if ys is not None and len(ys):
            curve.setData(np.arange(len(ys)), ys)
        curve.setVisible(self._visible.get(key, True))
        self._restyle(key)

    # -- series --------------------------------------------------------------------------------
    def add_series(self, key: str, style: SeriesStyle) -> None:
        if style.axis == "right" and self._right_label is None:
            raise ValueError("this plot has no right axis")
        self._styles[key] = style
        self._visible[key] = True
        if self.graph is not None:
            self._make_curve(key)
        self._update_legend()

    def series_keys(self) -> list[str]:
        return list(self._styles)

    def series_data(self, key: str) -> np.ndarray:
        return self._data.get(key, np.zeros(0))

    def set_series(self, key: str, values: Sequence[float]) -> None:
        if key not in self._styles:
            raise KeyError(key)
        ys = np.nan_to_num(np.asarray(values, dtype=float))
        self._data[key] = ys
        if self.graph is None:
            if len(ys):
                self.ensure_graph()  # data to show (a solve, an export): the graph is needed now
            return
        self._curves[key].setData(np.arange(len(ys)), ys)
        self._update_hint()

    def set_lane_series(self, lanes: Iterable[str], records: Mapping[str, R], series: Mapping[str, Callable[[R], Sequence[float]]]) -> None:
        """Series `{lane}.{metric}` from each lane's record; those of a lane without one are
        emptied and hidden."""
        for lane in lanes:
            record = records.get(lane)
            for metric, values in series.items():
                key = f"{lane}.{metric}"
                self.set_visible(key, record is not None)
                self.set_series(key, [] if record is None else values(record))

    def set_visible(self, key: str, visible: bool) -> None:
        if self._visible.get(key) == visible:
            return
        self._visible[key] = visible
        if key in self._curves:
            self._curves[key].setVisible(visible)
        self._update_legend()
        self._update_hint()

    def is_visible(self, key: str) -> bool:
        return self._visible.get(key, False)

    def clear_data(self) -> None:
        for key in self._styles:
            self.set_series(key, [])

    def set_total(self, total: int) -> None:
        self._total = max(1, int(total))
        if self.graph is None:
            return
        item = self.graph.getPlotItem()
        item.setXRange(0, self._total, padding=0.02)
        step = max(1, math.ceil(self._total / 12))
        item.getAxis("bottom").setTickSpacing(major=step, minor=step)
        self._place_hint()

    def set_current(self, step: int) -> None:
        self._current = float(step)
        if self._cursor is not None:
            self._cursor.setValue(step)

    @property
    def current(self) -> int:
        return int(round(self._current))

    # -- looks ---------------------------------------------------------------------------------
    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        if self._placeholder is not None:
            self._placeholder.setStyleSheet(f"QLabel {{ background: {theme.base}; color: {theme.muted}; }}")
        if self.graph is not None:
            pg = import_pyqtgraph()
            self.graph.setBackground(theme.base)
            item = self.graph.getPlotItem()
            for name in ("left", "bottom", "right"):
                axis = item.getAxis(name)
                axis.setPen(pg.mkPen(theme.muted))
                axis.setTextPen(pg.mkPen(theme.text))
            self._cursor.setPen(pg.mkPen(theme.text, width=1.5, style=Qt.PenStyle.DashLine))
            self._hint.setColor(QColor(theme.muted))
            for key in self._curves:
                self._restyle(key)
        self._update_legend()

    def _restyle(self, key: str) -> None:
        pg = import_pyqtgraph()
        style = self._styles[key]
        pen = pg.mkPen(style.colour, width=style.width, style=Qt.PenStyle.DashLine if style.dashed else Qt.PenStyle.SolidLine)
        curve = self._curves[key]
        curve.setPen(pen)
        if style.fill_alpha > 0:
            fill = QColor(style.colour)
            fill.setAlphaF(style.fill_alpha)
            curve.setFillLevel(0)
            curve.setBrush(pg.mkBrush(fill))

    def _update_legend(self) -> None:
        parts = []
        for key, style in self._styles.items():
            if not self._visible.get(key, True):
                continue
            sample = "╍╍" if style.dashed else "━━"
            weight = "font-weight:700;" if style.width >= 2.5 else ""
            parts.append(
                f"<span style='color:{style.colour}; {weight}'>{sample}</span>"
                f"&nbsp;<span style='color:{self._theme.text}'>{style.label}</span>"
            )
        self.legend.setText("&nbsp;&nbsp;&nbsp;&nbsp;".join(parts))

    def _update_hint(self) -> None:
        if self.graph is None:
            return
        shown = {k: v for k, v in self._data.items() if len(v) and self._visible.get(k, True)}
        self._hint.setVisible(not shown)
        boxes = [("left", self.graph.getPlotItem().getViewBox(), 1.0)]
        if self._right is not None:
            boxes.append(("right", self._right, 4.0))
        for axis, box, least in boxes:
            top = max((float(v.max()) for k, v in shown.items() if self._styles[k].axis == axis), default=least)
            top = max(top, least)
            # A little room below zero keeps a series that stays at 0 visible above the axis;
            # the same fraction on both scales puts their zeros at the same height.
            upper = top * 1.08 + 0.5
            box.setYRange(-0.05 * upper, upper, padding=0)

    def _sync_right(self) -> None:
        vb = self.graph.getPlotItem().getViewBox()
        self._right.setGeometry(vb.sceneBoundingRect())
        self._right.linkedViewChanged(vb, self._right.XAxis)

    def _place_hint(self) -> None:
        if self._hint is not None:
            self._hint.setPos(self._total / 2.0, 0.5)

    def _clicked(self, event) -> None:
        item = self.graph.getPlotItem()
        pos = event.scenePos()
        if not item.vb.sceneBoundingRect().contains(pos):
            return
        point: QPointF = item.vb.mapSceneToView(pos)
        self.stepClicked.emit(int(round(max(0.0, point.x()))))
