"""The Results page of the Text tab: the figures `vmd-eval text --record` wrote into the loaded
checkpoints, read from their metadata (nothing is recomputed here): the word rate against steps
per block, the held-out perplexity of each text model and the phrase-pair rates."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem, QVBoxLayout

from ..settings import AppSettings
from ..theme import Theme
from .catalog import CORPUS_HINT, GENERATION_SLOTS, PHRASE_SLOTS
from .page import TextPage
from .word_chart import WordRateChart
from ..widgets import note_label

RECORD_COMMAND = f"vmd-eval text {CORPUS_HINT} --record"


def _evaluation(summary) -> dict:
    return dict((summary.metrics or {}).get("evaluation") or {}) if summary is not None else {}


def model_name(model: str, block: int | None) -> str:
    return "AR" if model == "ar" else f"{model.upper()} block {block}"


class ResultsPage(TextPage):
    NAME = "text_results_page"

    def _build(self, settings: AppSettings) -> None:
        host, layout = self._content("text_results_banner")
        self.heading = note_label(self, "", "text_results_heading", rich=True)
        layout.addWidget(self.heading)
        self.chart = WordRateChart(self.theme, host)
        layout.addWidget(self.chart, 3)
        self.table = QTableWidget(0, 4, host)
        self.table.setObjectName("text_results_table")
        self.table.setHorizontalHeaderLabels(["model", "held-out perplexity", "word rate by steps per block", "training steps"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.phrase_note = note_label(host, "", "text_results_phrases", rich=True)
        layout.addWidget(self.phrase_note)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.addWidget(host)

    def _connect_run(self) -> None:
        pass  # the page shows recorded figures and starts no run

    def _update_actions(self) -> None:
        pass

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        if hasattr(self, "chart"):
            self.chart.set_theme(theme)

    def store_settings(self, s: AppSettings) -> AppSettings:
        return s

    def stop(self) -> None:
        pass

    def shutdown(self) -> None:
        pass

    def refresh_models(self) -> None:
        words, rows = [], []
        for slot in GENERATION_SLOTS:
            evaluation = _evaluation(self.registry.get(slot.key))
            words += evaluation.get("words", [])
            rows += [(slot, r, evaluation.get("words", [])) for r in evaluation.get("rows", [])]
        self.chart.show_rows(words)
        self._fill_table(rows)
        self._show_phrases()
        if words or rows:
            self.heading.setText("Figures recorded in the loaded checkpoints by <code>" + html.escape(RECORD_COMMAND)
                                 + "</code> (docs/results/text.md has the same).")
            self.banner.hide()
        else:
            self.heading.setText("")
            self.banner.show_message(
                "No evaluation figures are recorded in the loaded text checkpoints yet. Run <code>"
                + html.escape(RECORD_COMMAND) + "</code> in the project folder, then reload the checkpoints.",
                "Reload checkpoints", f"Checkpoints are looked for in {self._folder()}")

    def _fill_table(self, rows: list) -> None:
        self.table.setRowCount(len(rows))
        for i, (slot, row, words) in enumerate(rows):
            ppl = f"{row['ppl']:.3f}" if row["relation"] == "=" else f"{row['relation']} {row['ppl']:.3f}"
            rates = "  ".join(f"{w['nfe']}: {100 * w['word_rate']:.0f} %" for w in sorted(words, key=lambda w: w["nfe"]))
            cells = (model_name(row["model"], row["block"]), ppl, rates or "-", str(row.get("steps_done") or "-"))
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(row.get("estimate", "") if j == 1 else slot.file)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()

    def _show_phrases(self) -> None:
        parts = []
        for slot in PHRASE_SLOTS:
            for r in _evaluation(self.registry.get(slot.key)).get("phrase", []):
                tv = f", answer TV {r['answer_tv']:.2f} (exact sampler {r['answer_tv_floor']:.2f})" if "answer_tv" in r else ""
                parts.append(f"{slot.title} NFE {r['nfe']}: {100 * r['valid_rate']:.1f} % valid{tv}")
        self.phrase_note.setText("<b>Phrase pairs:</b> " + "; ".join(parts) if parts else "")
        self.phrase_note.setVisible(bool(parts))
