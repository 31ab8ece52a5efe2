"""One model's solve as the Sudoku view sees it: the Steps received so far, turned into
boards, counts and verdicts. Pure numpy; built incrementally as Steps stream in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from vmdcore.sudoku import conflict_pairs, conflicting_cells, is_solved
from vmdcore.tasks.sudoku import decode

from .frame import CELLS, BoardFrame


@dataclass(frozen=True)
class Outcome:
    """Counts at one step; `wrong` compares with the unique solution (None when unknown)."""

    step: int
    masked: int
    conflicts: int
    wrong: int | None
    solved: bool
    collisions: int = 0


class SolveRecord:
    def __init__(self, lane: str, puzzle: np.ndarray, solution: np.ndarray | None = None) -> None:
        self.lane = lane
        self.puzzle = np.asarray(puzzle, dtype=np.int8).reshape(CELLS).copy()
        self.solution = None if solution is None else np.asarray(solution, dtype=np.int8).reshape(CELLS)
        self.clues = self.puzzle > 0
        self.steps: list[Any] = []
        self.trace: Any = None
        self.cancelled = False
        self._digits = [self.puzzle]
        self._confidence = [np.zeros(CELLS, dtype=np.float32)]
        self._conflicts = [conflicting_cells(self.puzzle)]
        self._collisions: list[tuple[tuple[int, int], ...]] = [()]

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def total(self) -> int:
        return int(self.steps[-1].total) if self.steps else 0

    def append(self, step: Any) -> None:
        """Add the next Step (batch of one); arrays are copied out of it as numpy."""
        tokens = np.asarray(step.tokens)[0]
        committed = np.asarray(step.committed, dtype=bool)[0]
        digits = decode(tokens).astype(np.int8)
        confidence = self._confidence[-1].copy()
        confidence[committed] = np.asarray(step.confidence, dtype=np.float32)[0][committed]
        self.steps.append(step)
        self._digits.append(digits)
        self._confidence.append(confidence)
        conflicts = conflicting_cells(digits)
        self._conflicts.append(conflicts)
        self._collisions.append(_same_step_pairs(digits, conflicts, committed))

    def finish(self, trace: Any, cancelled: bool) -> None:
        self.trace = trace
        self.cancelled = cancelled

    def digits_at(self, position: int) -> np.ndarray:
        return self._digits[self._clamp(position)]

    def conflicts_at(self, position: int) -> np.ndarray:
        return self._conflicts[self._clamp(position)]

    def _clamp(self, position: int) -> int:
        return max(0, min(int(position), len(self.steps)))

    def frame_at(self, position: int) -> BoardFrame:
        """The board after `position` steps. Ghosts are the model's guess from this state,
        i.e. the prediction of the next step (or of this step when no next one exists)."""
        i = self._clamp(position)
        digits = self._digits[i]
        nothing = np.zeros(CELLS, dtype=bool)
        shown = self.steps[i - 1] if i > 0 else None
        guess = self.steps[i] if i < len(self.steps) else shown
        ghosts = np.zeros(CELLS, dtype=np.int8)
        ghost_conf = np.zeros(CELLS, dtype=np.float32)
        if guess is not None:
            open_cells = digits == 0
            predicted = decode(np.asarray(guess.predicted)[0]).astype(np.int8)
            ghosts[open_cells] = predicted[open_cells]
            ghost_conf[open_cells] = np.asarray(guess.confidence, dtype=np.float32)[0][open_cells]
        return BoardFrame(
            digits=digits,
            clues=self.clues,
            conflicts=self._conflicts[i],
            confidence=self._confidence[i],
            committed=nothing if shown is None else np.asarray(shown.committed, dtype=bool)[0],
            ghosts=ghosts,
            ghost_confidence=ghost_conf,
            model=True,
            collisions=self._collisions[i],
        )

    def outcome_at(self, position: int) -> Outcome:
        i = self._clamp(position)
        digits = self._digits[i]
        wrong = None
        if self.solution is not None:
            wrong = int(np.count_nonzero((digits > 0) & (digits != self.solution)))
        return Outcome(
            step=i,
            masked=int(np.count_nonzero(digits == 0)),
            conflicts=int(np.count_nonzero(self._conflicts[i])),
            wrong=wrong,
            solved=bool(is_solved(digits, self.puzzle)),
            collisions=len(self._collisions[i]),
        )

    def masked_series(self) -> np.ndarray:
        return np.array([np.count_nonzero(d == 0) for d in self._digits], dtype=float)

    def conflict_series(self) -> np.ndarray:
        return np.array([np.count_nonzero(c) for c in self._conflicts], dtype=float)

    def mean_step_seconds(self) -> float:
        return float(np.mean([s.seconds for s in self.steps])) if self.steps else 0.0


def _same_step_pairs(digits: np.ndarray, conflicts: np.ndarray, committed: np.ndarray) -> tuple[tuple[int, int], ...]:
    """Clashing pairs whose two cells were both committed in this step."""
    if not (conflicts & committed).any():
        return ()
    return tuple((i, j) for i, j in conflict_pairs(digits) if committed[i] and committed[j])


def verdict(outcome: Outcome, final: bool) -> tuple[str, str]:
    """The line under a board and its tone (neutral, good, bad, warn)."""
    o = outcome
    conflicts = f"{o.conflicts} conflicting cell{'s' if o.conflicts != 1 else ''}"
    if final and o.solved:
        return "✓ Solved", "good"
    if final and o.masked:
        return f"Stopped · {o.masked} still masked · {conflicts}", "bad" if o.conflicts else "neutral"
    if final:
        parts = [f"✗ {conflicts}"]
        if o.wrong is not None:
            parts.append(f"{o.wrong} differ from the solution")
        return " · ".join(parts), "bad"
    if o.step == 0:
        return "start: the puzzle", "hint"
    text = f"{o.masked} masked · {conflicts}"
    if o.collisions:
        text += f" · {o.collisions} new collision{'s' if o.collisions != 1 else ''}"
    return (f"⚠ {text}", "warn") if o.conflicts else (text, "neutral")
