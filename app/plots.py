"""A task-neutral per-step plot (pyqtgraph): named series over steps 0..N, a cursor at the
current step, and a legend row above the plot so no curve is ever hidden behind it.
Clicking the plot asks to jump to the step under the mouse.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .theme import LIGHT, Theme


@dataclass(frozen=True)
class SeriesStyle:
    label: str
    colour: str
    width: float = 2.0
    dashed: bool = False
    fill_alpha: float = 0.0
    axis: str = "left"


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

        pg.setConfigOptions(antialias=True)
        self.graph = pg.PlotWidget(self)
        self.graph.setMenuEnabled(False)
        self.graph.setMouseEnabled(x=False, y=False)
        self.graph.hideButtons()
        self.graph.setMinimumHeight(120)
        layout.addWidget(self.graph, 1)
        item = self.graph.getPlotItem()
        item.setLabel("bottom", "step")
        item.setLabel("left", y_label)
        item.showGrid(x=False, y=True, alpha=0.15)
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._styles: dict[str, SeriesStyle] = {}
        self._data: dict[str, np.ndarray] = {}
        self._visible: dict[str, bool] = {}
        self._right: pg.ViewBox | None = None
        if right_label is not None:
            # A second scale on the right, so a small series is not flattened by a large one.
            self._right = pg.ViewBox()
            self._right.setMouseEnabled(x=False, y=False)
            self._right.setMenuEnabled(False)
            item.showAxis("right")
            item.scene().addItem(self._right)
            item.getAxis("right").linkToView(self._right)
            item.getAxis("right").setLabel(right_label)
            self._right.setXLink(item)
            item.vb.sigResized.connect(self._sync_right)
        self._cursor = pg.InfiniteLine(pos=0, angle=90, movable=False)
        self._cursor.setZValue(10)
        item.addItem(self._cursor, ignoreBounds=True)
        self._hint = pg.TextItem(empty_hint, anchor=(0.5, 0.5))
        item.addItem(self._hint, ignoreBounds=True)
        self._total = 1
        self._theme = LIGHT
        self.graph.scene().sigMouseClicked.connect(self._clicked)
        self.set_total(1)

    def add_series(self, key: str, style: SeriesStyle) -> None:
        self._styles[key] = style
        if style.axis == "right":
            if self._right is None:
                raise ValueError("this plot has no right axis")
            curve = pg.PlotDataItem([], [])
            self._right.addItem(curve)
            self._curves[key] = curve
        else:
            self._curves[key] = self.graph.getPlotItem().plot([], [])
        self._visible[key] = True
        self._restyle(key)
        self._update_legend()

    def series_keys(self) -> list[str]:
        return list(self._curves)

    def series_data(self, key: str) -> np.ndarray:
        return self._data.get(key, np.zeros(0))

    def set_series(self, key: str, values: Sequence[float]) -> None:
        ys = np.nan_to_num(np.asarray(values, dtype=float))
        self._data[key] = ys
        self._curves[key].setData(np.arange(len(ys)), ys)
        self._update_hint()

    def set_visible(self, key: str, visible: bool) -> None:
        if self._visible.get(key) == visible:
            return
        self._visible[key] = visible
        self._curves[key].setVisible(visible)
        self._update_legend()
        self._update_hint()

    def is_visible(self, key: str) -> bool:
        return self._visible.get(key, False)

    def clear_data(self) -> None:
        for key in self._curves:
            self.set_series(key, [])

    def set_total(self, total: int) -> None:
        self._total = max(1, int(total))
        item = self.graph.getPlotItem()
        item.setXRange(0, self._total, padding=0.02)
        step = max(1, math.ceil(self._total / 12))
        item.getAxis("bottom").setTickSpacing(major=step, minor=step)
        self._place_hint()

    def set_current(self, step: int) -> None:
        self._cursor.setValue(step)

    @property
    def current(self) -> int:
        return int(round(self._cursor.value()))

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
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
        self._hint.setPos(self._total / 2.0, 0.5)

    def _clicked(self, event) -> None:
        item = self.graph.getPlotItem()
        pos = event.scenePos()
        if not item.vb.sceneBoundingRect().contains(pos):
            return
        point: QPointF = item.vb.mapSceneToView(pos)
        self.stepClicked.emit(int(round(max(0.0, point.x()))))
