"""The Text tab's plain-data parts: prompt layout, per-step frames, chart rows, pair histograms."""

from __future__ import annotations

import numpy as np
import pytest
from vmdcore.sampling import Step
from vmdcore.tasks import phrases
from vmdcore.tasks.text import MASK_CHAR, CharTokenizer

from app.text.catalog import GENERATION_SLOTS, describe_missing, generation_slot
from app.text.pairs import joint_histogram, on_support, support_mask
from app.text.phrase_stats import chart_rows, tally
from app.text.prompt import PromptError, layout_prompt, planned_steps
from app.text.record import Cell, TextRecord, shared_available, verdict

VOCAB = list(CharTokenizer.from_text("abc de\n").vocabulary)
MASK = len(VOCAB)


def test_prompt_layout_masks_the_requested_length_only():
    layout = layout_prompt(VOCAB, 12, "ab", 5)
    assert layout.tokens.shape == (1, 12) and layout.end == 7
    assert (layout.tokens[0, 2:] == MASK).all()
    assert layout.fixed[0].tolist() == [True] * 2 + [False] * 5 + [True] * 5
    # Blocks of 4 touched by positions 2..6: blocks 0 and 1.
    assert planned_steps(layout, 4, 3) == 6
    assert planned_steps(layout, 0, 3) == 3
    assert planned_steps(layout, 1, 1) == 5


@pytest.mark.parametrize(
    ("prompt", "length", "words"),
    [
        ("", 3, "empty"),
        ("abé€", 3, "'é' (U+00E9 LATIN SMALL LETTER E WITH ACUTE), '€'"),
        ("a" * 12, 1, "at most 11"),
        ("ab", 11, "Only 10 characters fit"),
    ],
)
def test_bad_prompts_say_what_is_wrong(prompt, length, words):
    with pytest.raises(PromptError) as caught:
        layout_prompt(VOCAB, 12, prompt, length)
    assert words in str(caught.value)


def _step(index: int, total: int, tokens: list[int], committed: list[bool], conf: float, block: int = 0) -> Step:
    n = len(tokens)
    return Step(
        index=index, total=total, tokens=np.array([tokens]), committed=np.array([committed]),
        predicted=np.array([[1] * n]),
        confidence=np.full((1, n), conf, dtype=np.float32), z=None, block=block,
    )


def test_record_frames_mark_prompt_masked_now_earlier_and_outside():
    layout = layout_prompt(VOCAB, 6, "a", 3)  # positions 1..3 generated, 4..5 unused
    record = TextRecord("mdm", VOCAB, layout.tokens[0], layout.fixed[0], MASK, 2)
    a, b = VOCAB.index("a"), VOCAB.index("b")
    record.append(_step(1, 2, [a, b, MASK, MASK, MASK, MASK], [False, True, False, False, False, False], 0.9, block=0))
    record.append(_step(2, 2, [a, b, b, b, MASK, MASK], [False, False, True, True, False, False], 0.4, block=1))
    start = record.frame_at(0)
    assert [Cell(k) for k in start.kinds] == [Cell.PROMPT, Cell.MASKED, Cell.MASKED, Cell.MASKED, Cell.OUTSIDE, Cell.OUTSIDE]
    assert start.text() == "a" + MASK_CHAR * 3 and start.ghosts[1] == VOCAB[1]
    one = record.frame_at(1)
    assert [Cell(k) for k in one.kinds[:4]] == [Cell.PROMPT, Cell.NOW, Cell.MASKED, Cell.MASKED]
    assert one.confidence[1] == pytest.approx(0.9) and one.active_block == 0
    two = record.frame_at(2)
    assert [Cell(k) for k in two.kinds[:4]] == [Cell.PROMPT, Cell.EARLIER, Cell.NOW, Cell.NOW]
    assert two.text() == "abbb" and two.active_block == 1
    assert record.masked_series().tolist() == [3, 2, 0]
    assert record.confidence_series() == pytest.approx([0.0, 0.9, 0.4])
    assert verdict(record, 2, final=True) == ("Done · 3 characters in 2 steps", "good")
    assert verdict(record, 0, final=False)[1] == "hint"
    # Past its last step a lane (an AR beside slower lanes) shows nothing as new.
    assert Cell.NOW not in [Cell(k) for k in record.frame_at(5).kinds]


def test_shared_timeline_waits_only_for_running_lanes():
    layout = layout_prompt(VOCAB, 6, "a", 2)
    short = TextRecord("ar", VOCAB, layout.tokens[0], layout.fixed[0], MASK, 1)
    long = TextRecord("mdm", VOCAB, layout.tokens[0], layout.fixed[0], MASK, 2)
    row = [0] * 6
    short.append(_step(1, 2, row, [False] * 6, 0.5))
    long.append(_step(1, 4, row, [False] * 6, 0.5))
    assert shared_available([short, long]) == 1
    short.append(_step(2, 2, row, [False] * 6, 0.5))
    long.append(_step(2, 4, row, [False] * 6, 0.5))
    long.append(_step(3, 4, row, [False] * 6, 0.5))
    assert shared_available([short, long]) == 3, "the finished AR lane no longer holds the timeline back"


def test_chart_rows_list_every_valid_answer_then_the_commonest_mixtures():
    prompt = "A poker hand:"
    mdm = tally(prompt, ["full house"] * 3 + ["full card"] * 5 + ["two flush"] * 2 + ["high pair"], nfe=1)
    vmd = tally(prompt, ["two pair"] * 6 + ["royal flush"] * 4 + ["full card"], nfe=1)
    assert mdm.total == 11 and mdm.valid == 3 and vmd.valid_rate == pytest.approx(10 / 11)
    rows = chart_rows(prompt, {"mdm": mdm, "vmd": vmd}, max_invalid=2)
    assert [r.label for r in rows[:6]] == [f"“{a}”" for a in phrases.POKER_HANDS]
    assert all(r.valid for r in rows[:6]) and not any(r.valid for r in rows[6:])
    assert rows[6].label == "“full card”" and rows[6].count("mdm") == 5 and rows[6].count("vmd") == 1
    assert rows[-1].label == "1 other invalid answers" and rows[-1].count("mdm") == 1
    for lane, t in (("mdm", mdm), ("vmd", vmd)):
        assert sum(r.count(lane) for r in rows) == t.total


def test_pair_histogram_counts_and_band_share():
    samples = np.array([[0, 1], [0, 1], [3, 4], [9, 0], [2, 7]])
    counts = joint_histogram(samples)
    assert counts.sum() == 5 and counts[0, 1] == 2 and counts[9, 0] == 1
    assert on_support(counts, "pair") == pytest.approx(0.8)
    assert support_mask("pair").sum() == 10 and support_mask("pair")[9, 0]
    with pytest.raises(ValueError):
        joint_histogram(np.array([[10, 1]]))


def test_catalog_names_what_is_missing(tmp_path):
    (tmp_path / "text-mdm-b4.safetensors").write_bytes(b"x")
    text = describe_missing(GENERATION_SLOTS, tmp_path, "text")
    assert "text-vmd-b4.safetensors" in text and "text-mdm-b4.safetensors" not in text and "text-ar.safetensors" in text
    assert generation_slot("ar", 8).key == "text/ar" and generation_slot("vmd", 8).file == "text-vmd-b8.safetensors"
