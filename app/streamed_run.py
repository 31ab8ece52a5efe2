"""A run streamed onto the timeline, task-neutral: one record per lane takes the engine's steps
as they arrive, the playback may go as far as every lane has come, and the run's end (or
failure) settles the records and the timeline. The Sudoku tab and the Text tab's Generate page
mix it in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from . import messages
from .plots import StepPlot
from .timeline import Playback
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
    """Mixed into the QWidget that shows a run. The host has the signals statusMessage(str, int)
    and stepTimeChanged(str), a `view` with refresh_plot(records), the attributes below, a
    `running` property, and the hooks that raise NotImplementedError here."""

    LANE_NAMES: Mapping[str, tuple[str, str]]  # lane -> (title, subtitle)
    RUN_NOUN: str  # "solve": "The solve failed."

    engine: Engine
    playback: Playback
    plot: StepPlot
    records: dict[str, Any]
    _run_id: int | None

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

    def _show_position(self, position: int) -> None:
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

    def _start_stream(self, request: RunRequest, total: int, title: str) -> bool:
        """Show the run live from step 0 and hand it to the engine; if the engine refuses it,
        say so under `title`, leave the run and return False."""
        self._run_id = request.run_id
        self.plot.set_total(total)
        self.playback.reset(total=total, live=True)
        self._show_position(0)
        try:
            self.engine.run(request)
        except RuntimeError as exc:
            self._run_id = None
            self._leave_run()
            messages.show_error(self, title, str(exc))
            self._update_actions()
            return False
        self.playback.play()
        return True

    def stop(self) -> None:
        if self.running:
            self.engine.stop()
            self.statusMessage.emit("Stopping after the current step…", 0)

    def _step_ready(self, run_id: int, key: str, step: Any) -> None:
        if run_id != self._run_id:
            return
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

    def _run_finished(self, result: RunResult) -> None:
        if result.run_id != self._run_id:
            return
        self._run_id = None
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
        self._update_actions()

    def _run_failed(self, run_id: int, message: str) -> None:
        if run_id != self._run_id:
            return
        self._run_id = None
        self.playback.finish()
        self._update_actions()
        self.statusMessage.emit(f"The {self.RUN_NOUN} failed.", 6000)
        messages.show_error(self, f"{self.RUN_NOUN.capitalize()} failed", f"The model run failed:\n{message}")

    def _plot_clicked(self, step: int) -> None:
        if self.viewing:
            self.playback.pause()
            self.playback.seek(step)
