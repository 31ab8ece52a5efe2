"""A run streamed onto the timeline, task-neutral: one record per lane takes the steps of the
host's `ModelRun` as they arrive, the playback may go as far as every lane has come, and the
run's end (or failure) settles the records and the timeline. The Sudoku tab and the Text tab's
Generate page mix it in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractButton

from . import export
from .model_run import ModelRun
from .plots import StepPlot
from .timeline import Playback, TimelineBar
from .worker import Engine, RunRequest, RunResult


class StepRecord(Protocol):
    """What the mixin needs of a lane's record (SolveRecord, TextRecord)."""

    lane: str

    def __len__(self) -> int: ...
    def append(self, step: Any) -> None: ...
    def finish(self, trace: Any, cancelled: bool) -> None: ...
    def mean_step_seconds(self) -> float: ...


def step_times(records: Iterable[StepRecord], names: Mapping[str, tuple[str, str]]) -> str:
    """'MDM 1.2 ms/step · VMD 1.4 ms/step' for the lanes that have taken a step."""
    return " · ".join(f"{names[r.lane][0]} {1000 * r.mean_step_seconds():.1f} ms/step" for r in records if len(r))


class StreamedRun:
    """Mixed into the QWidget that shows a run. The host has the signals statusMessage(str, int),
    stepTimeChanged(str) and settingsChanged(), a `view` with `plot`, `timeline`, `lane_views` and
    refresh_plot(records), the attributes below (its `model_run` wired by `_connect_stream`), a
    `running` property, and the hooks that raise NotImplementedError here."""

    LANE_NAMES: Mapping[str, tuple[str, str]]  # lane -> (title, subtitle)
    RUN_NOUN: str  # "solve": "The solve failed."

    engine: Engine
    playback: Playback
    records: dict[str, Any]
    model_run: ModelRun

    # -- hooks -----------------------------------------------------------------------------
    def _lane_key(self, lane: str) -> str:
        """The engine key a lane's model runs under."""
        raise NotImplementedError

    def _key_lane(self, key: str) -> str | None:
        raise NotImplementedError

    def _extent(self, step: Any) -> tuple[int, int]:
        """After `step`: how many steps every lane can show, and how many the run will take."""
        raise NotImplementedError

    def _done_message(self, result: RunResult, total: int) -> tuple[str, int]:
        """The status line (and its timeout) for a run that ended by itself."""
        raise NotImplementedError

    def _show_lane(self, lane: str, record: Any, position: int, final: bool) -> None:
        """Show `lane`'s record at `position` in its lane view (`final`: the run's last step)."""
        raise NotImplementedError

    def _leave_run(self) -> None:
        """Forget the shown run and go back to the preview."""
        raise NotImplementedError

    def _update_actions(self) -> None:
        raise NotImplementedError

    # -- the run ---------------------------------------------------------------------------
    @property
    def viewing(self) -> bool:
        return bool(self.records)

    @property
    def plot(self) -> StepPlot:
        return self.view.plot

    @property
    def timeline(self) -> TimelineBar:
        return self.view.timeline

    @property
    def lane_views(self) -> dict[str, Any]:
        return self.view.lane_views

    def _connect_stream(self, run_button: QAbstractButton, stop_button: QAbstractButton, start: Callable[[], None]) -> None:
        """Wire the run, its buttons (`run_button` calls `start`), the playback, the plot and the
        timeline to the host."""
        run_button.clicked.connect(start)
        stop_button.clicked.connect(self.stop)
        run = self.model_run
        run.stepped.connect(self._step_ready)
        run.finished.connect(self._run_finished)
        run.failed.connect(self._run_failed)
        run.ended.connect(self._update_actions)
        self.playback.positionChanged.connect(self._show_position)
        self.plot.stepClicked.connect(self._plot_clicked)
        self.timeline.speedChanged.connect(lambda _: self.settingsChanged.emit())
        # Single keys (Space) act only while the focus is in the view, so they never steal
        # Space from a focused button.
        for action in self.timeline.actions_by_name.values():
            self.view.addAction(action)

    def _start_stream(self, request: RunRequest, total: int, title: str) -> bool:
        """Hand the run to the engine and show it live from step 0; if the engine refuses it,
        say so under `title`, leave the run and return False."""
        if not self.model_run.start(request, title, f"{self.RUN_NOUN.capitalize()} failed"):
            self._leave_run()
            self._update_actions()
            return False
        self.plot.set_total(total)
        self.playback.reset(total=total, live=True)
        self._show_position(0)
        self.playback.play()
        return True

    def stop(self) -> None:
        if self.running:
            self.engine.stop()
            self.statusMessage.emit("Stopping after the current step…", 0)

    def shutdown(self) -> None:
        """Before the window closes: stop the playback and any run."""
        self.playback.pause()
        if self.running:
            self.engine.stop()

    def _clear_stream(self) -> None:
        """Forget the records; the timeline and the plot go back to empty."""
        self.records = {}
        self.playback.reset(0, live=False)
        self.plot.clear_data()
        self.plot.set_current(0)

    def _show_position(self, position: int) -> None:
        """Every lane at `position` of the shown run (nothing while none is shown)."""
        if not self.viewing:
            return
        final = not self.playback.live and position >= self.playback.total
        for lane, record in self.records.items():
            self._show_lane(lane, record, position, final)
        self.plot.set_current(position)

    def _step_ready(self, key: str, step: Any) -> None:
        lane = self._key_lane(key)
        record = self.records.get(lane) if lane else None
        if record is None:
            return
        record.append(step)
        available, total = self._extent(step)
        self.playback.set_available(available, total=total)
        self.plot.set_total(total)
        self.view.refresh_plot(self.records)
        if self.playback.position >= available - 1:
            self._show_position(self.playback.position)
        self.stepTimeChanged.emit(step_times(self.records.values(), self.LANE_NAMES))

    # -- export ----------------------------------------------------------------------------
    def gif_frames(self, max_width: int = 1100) -> list[QImage]:
        """The view at every step of the shown run (the step shown is restored afterwards)."""
        if not self.viewing:
            raise export.ExportError(f"Run a {self.RUN_NOUN} first: there is nothing to animate.")
        keep = self.playback.position
        self.playback.pause()
        frames = []
        try:
            for position in range(self.playback.available + 1):
                self.playback.seek(position)
                self._show_position(position)
                image = self.view.grab().toImage()
                if image.width() > max_width:
                    image = image.scaledToWidth(max_width, Qt.TransformationMode.SmoothTransformation)
                frames.append(image)
        finally:
            self.playback.seek(keep)
            self._show_position(keep)
        return frames

    def export_png(self, path: str | Path) -> Path:
        return export.save_png(self.view, path)

    def export_gif(self, path: str | Path) -> Path:
        if self.running:
            raise export.ExportError(f"Wait for the {self.RUN_NOUN} to finish (or stop it) before exporting.")
        return export.save_gif(self.gif_frames(), path, frame_ms=int(1000 / self.playback.speed))

    def _run_finished(self, result: RunResult) -> None:
        for lane, record in self.records.items():
            record.finish(result.traces.get(self._lane_key(lane)), result.cancelled)
        self.playback.finish()
        self.plot.set_total(self.playback.total)
        self._show_position(self.playback.position)
        total = self.playback.total
        if result.cancelled:
            self.statusMessage.emit(f"Stopped after {total} step{'s' if total != 1 else ''}.", 6000)
        else:
            self.statusMessage.emit(*self._done_message(result, total))

    def _run_failed(self, message: str) -> None:
        """Before ModelRun shows `message` in a box."""
        self.playback.finish()
        self.statusMessage.emit(f"The {self.RUN_NOUN} failed.", 6000)

    def _plot_clicked(self, step: int) -> None:
        if self.viewing:
            self.playback.pause()
            self.playback.seek(step)
