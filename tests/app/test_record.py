"""SolveRecord: Steps turned into board frames, counts, collisions and verdicts (no Qt)."""

from __future__ import annotations

import numpy as np
from vmdcore.sampling import Step
from vmdcore.sudoku import parse_puzzle, solve
from vmdcore.tasks.sudoku import MASK_ID, encode

from app.sudoku.record import Outcome, SolveRecord, verdict

PUZZLE = parse_puzzle("..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..")
SOLUTION = solve(PUZZLE)


def make_step(index: int, total: int, tokens: np.ndarray, committed: np.ndarray, predicted: np.ndarray, confidence: float) -> Step:
    return Step(
        index=index,
        total=total,
        tokens=tokens[None].copy(),
        committed=committed[None].copy(),
        predicted=predicted[None].copy(),
        confidence=np.full((1, 81), confidence, dtype=np.float32),
        z=None,
    )


def test_a_collision_is_two_peers_given_one_digit_in_one_step():
    tokens, _ = encode(PUZZLE)
    empty = np.flatnonzero(PUZZLE == 0)
    a, b = empty[0], empty[1]  # R1C1 and R1C2: same row
    assert a // 9 == b // 9
    step1 = tokens.copy()
    step1[a] = step1[b] = 4  # digit 5 in both
    committed = np.zeros(81, dtype=bool)
    committed[[a, b]] = True
    predicted = np.where(PUZZLE > 0, PUZZLE - 1, SOLUTION - 1).astype(np.int64)
    record = SolveRecord("mdm", PUZZLE, SOLUTION)
    record.append(make_step(1, 2, step1, committed, predicted, 0.4))
    final = np.where(PUZZLE > 0, PUZZLE - 1, SOLUTION - 1).astype(np.int64)
    record.append(make_step(2, 2, final, (step1 == MASK_ID), predicted, 0.9))

    frame = record.frame_at(1)
    assert frame.collisions == ((int(a), int(b)),)
    assert frame.conflicts[a] and frame.conflicts[b]
    assert np.allclose(frame.confidence[[a, b]], 0.4)
    assert frame.ghosts[empty[2]] == SOLUTION[empty[2]], "ghosts show the next step's guess"
    outcome = record.outcome_at(1)
    assert (outcome.collisions, outcome.masked) == (1, len(empty) - 2)
    assert outcome.conflicts >= 2 and outcome.wrong is not None
    text, tone = verdict(outcome, final=False)
    assert "1 new collision" in text and tone == "warn"

    end = record.outcome_at(2)
    assert end.solved and end.wrong == 0 and end.conflicts == 0
    assert verdict(end, final=True) == ("✓ Solved", "good")
    assert record.frame_at(2).collisions == ()
    assert np.allclose(record.frame_at(2).confidence[empty[2:]], 0.9)
    assert list(record.masked_series()) == [len(empty), len(empty) - 2, 0]
    assert record.frame_at(0).digits.tolist() == PUZZLE.tolist()


def test_verdicts():
    assert verdict(Outcome(0, 40, 0, None, False), final=False) == ("start: the puzzle", "hint")
    assert verdict(Outcome(3, 10, 0, None, False), final=False) == ("10 masked · 0 conflicting cells", "neutral")
    text, tone = verdict(Outcome(5, 0, 6, 9, False), final=True)
    assert text == "✗ 6 conflicting cells · 9 differ from the solution" and tone == "bad"
    text, tone = verdict(Outcome(5, 0, 1, None, False), final=True)
    assert text == "✗ 1 conflicting cell" and tone == "bad"
    text, tone = verdict(Outcome(2, 7, 0, None, False), final=True)
    assert text.startswith("Stopped · 7 still masked") and tone == "neutral"
