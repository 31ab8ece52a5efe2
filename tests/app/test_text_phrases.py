"""The Text tab's phrase-pair and 2-token dependency pages, with tiny untrained models."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from PySide6.QtGui import QColor
from vmdcore.sampling import Trace
from vmdcore.tasks import phrases

from app.text.pairs import on_support
from app.worker import RunResult


def phrase_page(window):
    window.text.show_page("phrases")
    return window.text.phrases


def sample(qtbot, page, count: int, nfe: int = 1) -> None:
    page.samples.setValue(count)
    page.nfe.setValue(nfe)
    assert page.sample_button.isEnabled()
    with qtbot.waitSignal(page.engine.runFinished, timeout=60_000):
        page.sample_button.click()
    assert not page.running


def test_the_bar_chart_fills_with_the_sampled_counts(qtbot, text_window):
    page = phrase_page(text_window)
    prompt = "A two-word city:"
    page.prompt.setCurrentIndex(page.prompt.findData(prompt))
    sample(qtbot, page, 40, nfe=2)
    for lane in ("mdm", "vmd"):
        chart = page.charts[lane]
        answers = page.answers[lane]
        assert len(answers) == 40
        expected = Counter(answers)
        assert sum(chart.counts) == 40
        assert list(chart.bars.opts["width"]) == chart.counts
        # Rows: every valid city first (sampled or not), then the commonest invalid answers.
        labels = [row.label for row in chart.rows]
        assert labels[: len(phrases.TWO_WORD_CITIES)] == [f"“{c}”" for c in phrases.TWO_WORD_CITIES]
        for row, n in zip(chart.rows, chart.counts):
            if not row.label.endswith("other invalid answers"):
                assert n == expected[row.label.strip("“”")]
        tally = page.tallies[lane]
        assert tally.valid == sum(n for a, n in expected.items() if phrases.is_valid(prompt, a))
        assert chart.rate.text() == f"{tally.valid_rate:.0%} valid"
        assert "of 40 answers are valid at NFE 2" in chart.note.text()


def test_valid_and_invalid_answers_get_their_own_colours(qtbot, text_window):
    """The counting and colouring path with answers an untrained model would not give."""
    page = phrase_page(text_window)
    prompt = "A poker hand:"
    page.prompt.setCurrentIndex(page.prompt.findData(prompt))
    answers = {"mdm": ["full house"] * 3 + ["full card"] * 5 + ["two flush"] * 2, "vmd": ["two pair"] * 7 + ["royal flush"] * 3}
    traces = {}
    for lane, got in answers.items():
        tokens, fixed = phrases.encode_examples([phrases.Example(prompt, a) for a in got])
        trace = Trace(initial=tokens, fixed=fixed, mask_id=phrases.tokenizer().mask_id)
        trace.steps.append(type("S", (), {"tokens": tokens})())
        traces[f"phrases/{lane}"] = trace
    page._run_id, page._run_kind, page._run_prompt, page._run_nfe = 999, "sample", prompt, 1
    page._run_finished(RunResult(999, traces, False, 0.1))
    mdm, vmd = page.charts["mdm"], page.charts["vmd"]
    assert mdm.rate.text() == "30% valid" and vmd.rate.text() == "100% valid"
    row = [r.label for r in mdm.rows].index("“full card”")
    assert mdm.counts[row] == 5 and not mdm.valid_flags[row] and vmd.counts[row] == 0
    brushes = mdm.bars.opts["brushes"]
    assert brushes[row].color() == QColor(text_window.theme.conflict)
    assert brushes[0].color() == QColor(text_window.theme.ok) and mdm.counts[0] == 3
    assert sum(vmd.counts) == 10 and vmd.counts[[r.label for r in vmd.rows].index("“two pair”")] == 7


def test_redraw_z_samples_one_vmd_answer_per_latent(qtbot, text_window):
    page = phrase_page(text_window)
    prompt = page.prompt_text()
    for seed in (5, 5, 6):
        with qtbot.waitSignal(page.engine.runFinished, timeout=30_000):
            page.redraw_z(seed)
    assert [s for s, _, _ in page.redraws] == [6, 5, 5]
    assert page.redraws[1][1] == page.redraws[2][1], "the same z gives the same answer"
    for _, answer, valid in page.redraws:
        assert valid == phrases.is_valid(prompt, answer)
    assert page.redraw_list.count() == 3
    assert page.redraws[0][1] in page.redraw_answer.text() or page.redraws[0][1].strip() == ""
    assert text_window.text.actions_by_name["redraw_z"].isEnabled()


def test_the_dependency_histograms_sum_to_n(qtbot, text_window):
    text_window.text.show_page("pairs")
    page = text_window.text.dependency
    page.samples.setValue(300)
    for nfe in (1, 2):
        page.nfe.setCurrentIndex(page.nfe.findData(nfe))
        with qtbot.waitSignal(page.engine.runFinished, timeout=30_000):
            page.sample_button.click()
        for lane in ("mdm", "vmd"):
            counts = page.histograms[lane]
            assert counts.shape == (10, 10) and int(counts.sum()) == 300
            assert np.array_equal(page.maps[lane].counts, counts)
            assert f"{on_support(counts, 'pair'):.0%} on the band" in page.titles[lane].text()
            assert f"300 pairs at NFE {nfe}" in page.notes[lane].text()
    assert int(page.maps["vmd"].support.sum()) == 10


@pytest.mark.parametrize("name", ["sample_phrases", "sample_pairs"])
def test_menu_commands_bring_the_text_tab_forward(qtbot, text_window, name):
    text_window.tabs.setCurrentWidget(text_window.sudoku)
    with qtbot.waitSignal(text_window.engine.runFinished, timeout=30_000):
        text_window.text.actions_by_name[name].trigger()
    assert text_window.tabs.currentWidget() is text_window.text
    page = text_window.text.phrases if name == "sample_phrases" else text_window.text.dependency
    assert text_window.text.pages.currentWidget() is page
