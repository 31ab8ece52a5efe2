"""Start-up order: the window paints before torch and pyqtgraph load; the engine starts after
the first paint (app/startup.py); the plot builds its pyqtgraph widget lazily (app/plots.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel

from app.plots import SeriesStyle, StepPlot
from app.settings import AppSettings
from app.startup import AfterFirstPaint

ROOT = Path(__file__).resolve().parents[2]


class PaintLog(QObject):
    """Records, in order, the paint events of the widget it watches."""

    def __init__(self, widget, events: list[str]) -> None:
        super().__init__(widget)
        self.events = events
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.events.append("paint")
        return False


def test_callback_runs_once_after_the_first_paint(qtbot):
    events: list[str] = []
    label = QLabel("hello")
    qtbot.addWidget(label)
    watcher = AfterFirstPaint(label, lambda: events.append("callback"), fallback_ms=60_000)
    PaintLog(label, events)
    label.show()
    watcher.arm()
    assert events == [], "nothing runs before the event loop has painted the widget"
    qtbot.waitUntil(lambda: "callback" in events, timeout=10_000)
    assert events.index("paint") < events.index("callback")
    label.update()
    qtbot.wait(50)
    assert events.count("callback") == 1 and watcher.done


def test_callback_runs_after_the_fallback_without_a_paint(qtbot):
    called: list[int] = []
    label = QLabel("never shown")
    qtbot.addWidget(label)
    watcher = AfterFirstPaint(label, lambda: called.append(1), fallback_ms=50)
    watcher.arm()  # e.g. a window opened minimised: no paint comes
    qtbot.waitUntil(lambda: called == [1], timeout=5_000)
    qtbot.wait(100)
    assert called == [1]


def test_the_engine_starts_after_the_window_has_painted(qtbot, tiny_checkpoints, monkeypatch):
    from app.main_window import MainWindow

    events: list[str] = []
    window = MainWindow(settings=AppSettings(), checkpoints=tiny_checkpoints, persist=False)
    qtbot.addWidget(window)
    real_start = window.sudoku.start_engine
    monkeypatch.setattr(window.sudoku, "start_engine", lambda checkpoints=None: (events.append("engine"), real_start(checkpoints)))
    PaintLog(window, events)
    window.show()
    assert events == [], "showing the window starts no engine"
    # The visible loading state until the models are there.
    assert all(view.model_label.text() == "loading model…" for view in window.sudoku.lane_views.values())
    assert window.device_label.text() == "Device: starting…"
    qtbot.waitUntil(lambda: "engine" in events, timeout=10_000)
    assert events[0] == "paint" and events.count("engine") == 1
    qtbot.waitUntil(lambda: len(window.sudoku.models) == 2, timeout=30_000)
    window.close()


def test_the_plot_builds_its_graph_lazily(qtbot):
    plot = StepPlot(None, y_label="cells", empty_hint="nothing yet", right_label="other")
    qtbot.addWidget(plot)
    plot.add_series("a", SeriesStyle("Alpha", "#E69F00", width=3.0, fill_alpha=0.2, axis="right"))
    plot.add_series("b", SeriesStyle("Beta", "#0072B2", dashed=True))
    plot.set_total(40)
    plot.set_current(7)
    plot.set_visible("b", False)
    assert not plot.graph_ready, "state is kept without building the graph"
    assert plot.current == 7 and plot.series_keys() == ["a", "b"]
    assert "Alpha" in plot.legend.text() and "Beta" not in plot.legend.text()
    plot.set_series("b", [])
    assert not plot.graph_ready, "empty data needs no graph"

    plot.set_series("a", [3, 2, np.nan, 0])  # data to show: the graph is built now
    assert plot.graph_ready and "pyqtgraph" in sys.modules
    assert list(plot.series_data("a")) == [3.0, 2.0, 0.0, 0.0]
    xs, ys = plot._curves["a"].getData()
    assert list(ys) == [3.0, 2.0, 0.0, 0.0]
    assert plot._cursor.value() == 7
    assert not plot._curves["b"].isVisible() and plot._curves["a"].isVisible()
    assert not plot._hint.isVisible()
    plot.set_current(9)
    assert plot._cursor.value() == 9 and plot.current == 9


def test_a_shown_plot_builds_its_graph_after_painting(qtbot):
    plot = StepPlot(None, empty_hint="nothing yet")
    qtbot.addWidget(plot)
    plot.add_series("a", SeriesStyle("A", "#E69F00"))
    plot.show()
    qtbot.waitUntil(lambda: plot.graph_ready, timeout=10_000)
    assert plot._hint.isVisible()  # no data yet: the hint shows in the graph
    plot.grab()  # paints with pyqtgraph without error


def test_first_paint_comes_before_torch_and_pyqtgraph():
    """In a fresh process: at the main window's first paint neither torch nor pyqtgraph is
    imported (the engine thread and the plot load them afterwards)."""
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtCore import QEvent, QObject, QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from app.main_window import MainWindow\n"
        "from app.settings import AppSettings\n"
        "w = MainWindow(settings=AppSettings(), persist=False)\n"
        "class Watch(QObject):\n"
        "    def eventFilter(self, obj, event):\n"
        "        if event.type() == QEvent.Type.Paint:\n"
        "            print('AT-PAINT', 'torch' in sys.modules, 'pyqtgraph' in sys.modules, flush=True)\n"
        "            os._exit(0)\n"
        "        return False\n"
        "watch = Watch(w)\n"
        "w.installEventFilter(watch)\n"
        "w.show()\n"
        "QTimer.singleShot(60000, lambda: os._exit(3))\n"
        "app.exec()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "AT-PAINT False False" in result.stdout, result.stdout
