"""The Evaluate tab: reproduce the paper's tables and watch them form.

The chosen evaluation (plans.py) runs on the engine thread one batch at a time through the
shared `ModelRun`: each batch is a RunRequest of one model, its final tokens are scored on the
GUI thread with vmdcore.evaluation (the scoring `vmd-eval` uses), and the chart, the table in
the paper's layout and the list of failed puzzles grow as the batches come back. Stop drops
the batch that is running and keeps the rest, shown and exported as partial. A failed puzzle
opens on the Sudoku tab with the same model and settings (`openPuzzle`).

Built the first time the tab is shown (pyqtgraph loads then, not at start-up).
"""

from __future__ import annotations

import html
import json
import logging
import time
from dataclasses import asdict
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import export, messages, paths
from ..model_run import ModelRegistry, ModelRun
from ..settings import AppSettings
from ..theme import Theme
from ..worker import Engine, RunRequest, RunResult, SamplerSettings
from .plans import (PREFIX, Evaluation, Failure, Job, PlanError, cli_command, csv_text, make_evaluation,
                    spec_from_json)
from ..widgets import note_label

log = logging.getLogger(__name__)

TITLE = "Evaluate"
BUSY_MESSAGE = "Another run is in progress (on this or another tab): wait for it or stop it first."


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


class EvaluateTab(QWidget):
    statusMessage = Signal(str, int)
    openPuzzle = Signal(object, str)  # Failure, checkpoint path

    def __init__(self, engine: Engine, theme: Theme, parent: QWidget | None = None, settings: AppSettings | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evaluate_tab")
        self.engine = engine
        self._saved_spec = (settings or AppSettings()).evaluate_spec
        self.theme = theme
        self.registry = ModelRegistry(engine, (PREFIX,), self)
        self.model_run = ModelRun(engine, self)
        self.evaluation: Evaluation | None = None
        self.state = "idle"  # idle, loading, running, done, stopped
        self._job = 0
        self._done_units = 0
        self._started = 0.0
        self._stop_asked = False
        self._closed = False
        self.panel = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._placeholder = QLabel("The Evaluate tab is prepared when it is first shown.", self)
        self._layout.addWidget(self._placeholder)
        self.registry.changed.connect(self._models_changed)
        self.model_run.stepped.connect(self._stepped)
        self.model_run.finished.connect(self._batch_finished)
        self.model_run.failed.connect(self._batch_failed)

    # ------------------------------------------------------------------------------------------
    @property
    def built(self) -> bool:
        return self.panel is not None

    def store_settings(self, s: AppSettings) -> AppSettings:
        """The panel's choices, once the tab has been built (until then: what was saved before)."""
        if self.built:
            try:
                self._saved_spec = json.dumps(asdict(self.panel.spec()))
            except ValueError:  # a half-typed NFE list: keep the last good choices
                pass
        return s.with_(evaluate_spec=self._saved_spec)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.ensure_built()

    def ensure_built(self) -> None:
        if self.built:
            return
        from .chart import EvalChart  # pyqtgraph: only once the tab is first shown
        from .panel import EvalPanel

        self._placeholder.hide()
        body = QHBoxLayout()
        body.setContentsMargins(8, 8, 8, 8)
        body.setSpacing(10)
        self.panel = EvalPanel(self)
        body.addWidget(self.panel)
        content = QWidget(self)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        self.heading = note_label(content, "", "eval_heading", rich=True)
        column.addWidget(self.heading)
        splitter = QSplitter(Qt.Orientation.Vertical, content)
        splitter.setObjectName("eval_splitter")
        self.chart = EvalChart(self.theme, splitter)
        self.table = QTableWidget(0, 0, splitter)
        self.table.setObjectName("eval_table")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        failures = QWidget(splitter)
        failure_column = QVBoxLayout(failures)
        failure_column.setContentsMargins(0, 0, 0, 0)
        failure_column.setSpacing(2)
        self.failure_label = QLabel(failures)
        self.failure_label.setObjectName("eval_failures_label")
        self.failure_label.setProperty("muted", True)
        failure_column.addWidget(self.failure_label)
        self.failure_list = QListWidget(failures)
        self.failure_list.setObjectName("eval_failures")
        self.failure_list.setToolTip("Click a puzzle to open it on the Sudoku tab with the same model and settings")
        failure_column.addWidget(self.failure_list, 1)
        for widget, stretch in ((self.chart, 5), (self.table, 3), (failures, 2)):
            splitter.setStretchFactor(splitter.indexOf(widget), stretch)
        splitter.setSizes([420, 220, 160])
        column.addWidget(splitter, 1)
        body.addWidget(content, 1)
        self._layout.addLayout(body)
        panel = self.panel
        panel.run_button.clicked.connect(self.start)
        panel.stop_button.clicked.connect(self.stop)
        panel.csv_button.clicked.connect(self.export_csv_dialog)
        panel.json_button.clicked.connect(self.export_json_dialog)
        panel.changed.connect(self._settings_changed)
        self.failure_list.itemClicked.connect(self._failure_clicked)
        self.failure_list.itemActivated.connect(self._failure_clicked)
        self.engine.busyChanged.connect(lambda _: self._update_actions())
        restored = spec_from_json(self._saved_spec)
        if restored is not None:
            panel.apply_spec(restored)
        self._settings_changed()
        self._show_results()

    # ------------------------------------------------------------------------------------------
    # running
    @property
    def running(self) -> bool:
        return self.state in ("loading", "running")

    def start(self) -> bool:
        """Set up the chosen evaluation, load the models it needs and run it batch by batch."""
        self.ensure_built()
        if self.running or self._closed:
            return False
        if self.engine.busy:
            messages.show_error(self, TITLE, BUSY_MESSAGE)
            return False
        try:
            spec = self.panel.spec()
            evaluation = make_evaluation(spec, paths.checkpoint_dir(), paths.resource("puzzles", "testset.csv"))
        except (ValueError, PlanError) as exc:
            messages.show_error(self, TITLE, str(exc))
            return False
        self.evaluation = evaluation
        self._job, self._done_units, self._stop_asked = 0, 0, False
        self._command = cli_command(spec, paths.checkpoint_dir())
        self.failure_list.clear()
        self.state = "loading"
        for slot in evaluation.slots:
            path = str(evaluation.path(slot))
            if self.registry.state(slot.key) == "loaded" and self.registry.paths.get(slot.key) == path:
                continue
            if self.registry.state(slot.key) != "loading":
                self.registry.load(slot.key, path, slot.task, slot.kind, bundled=True)
        self._show_results()
        self._update_actions()
        self._models_changed()
        return True

    def _models_changed(self) -> None:
        if self.state != "loading" or self.evaluation is None:
            return
        keys = [slot.key for slot in self.evaluation.slots]
        if any(self.registry.state(key) == "loading" for key in keys):
            self.panel.eta.setText("Loading the models…")
            return
        errors = [f"{slot.file}: {self.registry.errors[slot.key]}" for slot in self.evaluation.slots
                  if self.registry.state(slot.key) == "failed"]
        if errors:
            self.evaluation = None
            self._end("idle")
            messages.show_error(self, TITLE, "Could not load the models:\n" + "\n".join(errors))
            return
        if self._stop_asked:
            self._end("stopped")
            return
        self.state = "running"
        self._started = time.perf_counter()
        self._next()

    def _next(self) -> None:
        evaluation = self.evaluation
        if self._closed or evaluation is None:
            return
        if self._stop_asked:
            self._end("stopped")
            return
        if self._job >= len(evaluation.jobs):
            self._end("done")
            return
        job = evaluation.jobs[self._job]
        request = RunRequest(self.engine.new_run_id(), (job.slot.key,), job.initial, job.fixed, SamplerSettings(**job.sampler),
                             metadata={"task": "evaluate", "evaluation": evaluation.spec.task})
        if not self.model_run.start(request, TITLE):
            self._end("stopped")

    def _current(self) -> Job | None:
        if self.evaluation is None or self._job >= len(self.evaluation.jobs):
            return None
        return self.evaluation.jobs[self._job]

    def _stepped(self, key: str, step) -> None:
        job = self._current()
        if job is not None and step.total:
            self._show_progress(self._done_units + job.units * step.index / step.total)

    def _batch_finished(self, result: RunResult) -> None:
        job = self._current()
        if self._closed or job is None:
            return
        if result.cancelled:
            self._end("stopped")
            return
        trace = result.traces[job.slot.key]
        self.evaluation.add(job, trace.final, result.seconds)
        self._done_units += job.units
        self._job += 1
        self._show_results()
        self._show_progress(self._done_units)
        self._next()

    def _batch_failed(self, message: str) -> None:
        self._end("stopped")  # ModelRun shows the message

    def stop(self) -> None:
        """Stop after the running batch (which is dropped); the figures so far stay."""
        if not self.running:
            return
        self._stop_asked = True
        if self.state == "running":
            self.model_run.stop()
        self.panel.eta.setText("Stopping…")

    def _end(self, state: str) -> None:
        self.state = state
        evaluation = self.evaluation
        if evaluation is not None and state == "stopped":
            message = f"Evaluation stopped after {evaluation.batches_done} of {len(evaluation.jobs)} batches."
        elif evaluation is not None and state == "done":
            message = f"Evaluation done: {len(evaluation.jobs)} batches in {_duration(time.perf_counter() - self._started)}."
        else:
            message = ""
        if self.built:
            self.panel.eta.setText(message)
            self._show_results()
            self._update_actions()
        if message:
            self.statusMessage.emit(message, 8000)

    @property
    def partial(self) -> bool:
        return self.evaluation is not None and self.evaluation.batches_done < len(self.evaluation.jobs)

    # ------------------------------------------------------------------------------------------
    # display
    def _show_progress(self, units: float) -> None:
        evaluation = self.evaluation
        total = max(1, evaluation.total_units)
        share = min(1.0, units / total)
        self.panel.progress.setValue(int(1000 * share))
        elapsed = time.perf_counter() - self._started
        batch = min(self._job + 1, len(evaluation.jobs))
        eta = f", about {_duration(elapsed * (1 - share) / share)} left" if share > 0.02 else ""
        self.panel.eta.setText(f"Batch {batch} of {len(evaluation.jobs)} · {share:.0%} done{eta}")

    def _show_results(self) -> None:
        evaluation = self.evaluation
        if evaluation is None:
            self.heading.setText("<b>Evaluate</b>: choose what to measure on the left and press Evaluate. The figures "
                                 "use the code of <code>vmd-eval</code>; the paper's figures stand beside them.")
            self.chart.show_series([], "accuracy")
            self._fill_table([], [])
            self.failure_label.setText("")
            self.failure_list.parentWidget().setVisible(False)
            return
        done, total = evaluation.batches_done, len(evaluation.jobs)
        if self.state in ("stopped", "idle") and self.partial:
            status = f"<span style='color:{self.theme.conflict}'><b>Partial</b>: stopped after {done} of {total} batches</span>"
        elif self.running:
            status = f"{done} of {total} batches"
        else:
            status = f"all {total} batches done"
        note = f"<br><span style='color:{self.theme.muted}'>{evaluation.NOTE}</span>" if evaluation.NOTE else ""
        self.heading.setText(f"<b>{evaluation.TITLE}</b> · {html.escape(evaluation.subject())} · {status}{note}")
        self.chart.show_series(evaluation.series(), evaluation.Y_LABEL)
        self._fill_table(*evaluation.table())
        solving = evaluation.spec.task == "solve"
        self.failure_list.parentWidget().setVisible(solving)
        if solving:
            for failure in evaluation.failures[self.failure_list.count():]:
                item = QListWidgetItem(failure.text())
                item.setData(Qt.ItemDataRole.UserRole, failure)
                self.failure_list.addItem(item)
            count = len(evaluation.failures)
            self.failure_label.setText(f"Failed puzzles ({count}): click one to open it on the Sudoku tab with the same "
                                       "model, strategy, NFE and seed" if count else "No failed puzzle so far.")

    def _fill_table(self, header: list[str], rows: list[list[str]]) -> None:
        self.table.clear()
        self.table.setColumnCount(len(header))
        self.table.setRowCount(len(rows))
        self.table.setHorizontalHeaderLabels(header)
        for i, row in enumerate(rows):
            paper = row and row[0].startswith("paper")
            for j, text in enumerate(row):
                item = QTableWidgetItem(text)
                if j:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if paper:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()

    def _settings_changed(self) -> None:
        if not self.built:
            return
        try:
            spec = self.panel.spec()
        except ValueError:
            self.panel.command.setText("")
            return
        command = cli_command(spec, Path("resources/checkpoints"))
        self.panel.command.setText(f"The same figures from the command line:<br><code>{command}</code>" if command else
                                   "The command line has no difficulty filter: choose all levels to compare with vmd-eval.")
        self._update_actions()

    def _update_actions(self) -> None:
        if not self.built:
            return
        self.panel.set_running(self.running)
        self.panel.run_button.setEnabled(not self.running and not self._closed)
        has = self.evaluation is not None and self.evaluation.batches_done > 0 and not self.running
        self.panel.csv_button.setEnabled(has)
        self.panel.json_button.setEnabled(has)

    def _failure_clicked(self, item: QListWidgetItem) -> None:
        failure: Failure = item.data(Qt.ItemDataRole.UserRole)
        self.openPuzzle.emit(failure, str(self.evaluation.path(failure.slot)))

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        if self.built:
            self.chart.set_theme(theme)
            self._show_results()

    # ------------------------------------------------------------------------------------------
    # export
    def payload(self) -> dict:
        if self.evaluation is None or self.evaluation.batches_done == 0:
            raise export.ExportError("Run an evaluation first: there are no figures to export.")
        if self.running:
            raise export.ExportError("Wait for the evaluation to finish (or stop it) before exporting.")
        info = self.engine.info
        payload = self.evaluation.payload(info.device if info else "", self.partial)
        return {**payload, "settings": asdict(self.evaluation.spec), "command": self._command}

    def export_json(self, path: str | Path) -> Path:
        return export.write_json(self.payload(), path)

    def export_csv(self, path: str | Path) -> Path:
        self.payload()  # the same checks
        return export.write_text(path, csv_text(self.evaluation.csv_rows()))

    def _export_dialog(self, title: str, default: str, file_filter: str, writer) -> None:
        written = export.ask_and_write(self, title, default, file_filter, writer, self.panel.last_dir,
                                       lambda folder: setattr(self.panel, "last_dir", folder))
        if written:
            self.statusMessage.emit(f"Wrote {written}", 5000)

    def export_csv_dialog(self) -> None:
        self._export_dialog("Export figures", f"evaluation-{self.evaluation.spec.task}.csv", "CSV (*.csv)", self.export_csv)

    def export_json_dialog(self) -> None:
        self._export_dialog("Export figures", f"evaluation-{self.evaluation.spec.task}.json", "JSON (*.json)",
                            self.export_json)

    # ------------------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Before the window closes: no new batch starts; the running one is stopped (the engine
        waits for it)."""
        self._closed = True
        if self.state == "running":
            self.model_run.stop()
        self.state = "stopped" if self.running else self.state
