"""What a board shows at one moment: plain numpy arrays, built from the puzzle or a Step."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CELLS = 81


def _none_bool() -> np.ndarray:
    return np.zeros(CELLS, dtype=bool)


@dataclass(frozen=True, eq=False)
class BoardFrame:
    """digits: 0-9 per cell (0 = empty/masked). clues: cells given by the puzzle.
    confidence: for model digits, the probability they were committed with (0 elsewhere).
    committed: cells committed in the step shown. ghosts / ghost_confidence: the model's
    current guess for masked cells (0 = none). conflicts: filled cells clashing with a peer.
    model: whether digits that are not clues come from a model (view) or from the user (edit). collisions: pairs of peers
    that received the same digit in the step shown -- the failure of committing several
    cells at once from independent guesses, drawn as a link between the two cells.
    """

    digits: np.ndarray
    clues: np.ndarray
    conflicts: np.ndarray
    confidence: np.ndarray
    committed: np.ndarray = field(default_factory=_none_bool)
    ghosts: np.ndarray = field(default_factory=lambda: np.zeros(CELLS, dtype=np.int8))
    ghost_confidence: np.ndarray = field(default_factory=lambda: np.zeros(CELLS, dtype=np.float32))
    model: bool = False
    collisions: tuple[tuple[int, int], ...] = ()

    @classmethod
    def from_puzzle(cls, grid: np.ndarray, conflicts: np.ndarray | None = None) -> "BoardFrame":
        grid = np.asarray(grid, dtype=np.int8).reshape(CELLS)
        return cls(
            digits=grid,
            clues=grid > 0,
            conflicts=_none_bool() if conflicts is None else np.asarray(conflicts, dtype=bool),
            confidence=np.zeros(CELLS, dtype=np.float32),
            model=False,
        )

    @classmethod
    def generated(cls, start: np.ndarray, grid: np.ndarray, conflicts: np.ndarray) -> "BoardFrame":
        """A finished sample (a gallery grid): the start's clues, the rest written by a model."""
        start = np.asarray(start, dtype=np.int8).reshape(CELLS)
        grid = np.asarray(grid, dtype=np.int8).reshape(CELLS)
        written = (grid > 0) & (start == 0)
        return cls(
            digits=grid,
            clues=start > 0,
            conflicts=np.asarray(conflicts, dtype=bool),
            confidence=np.where(written, 1.0, 0.0).astype(np.float32),
            model=True,
        )

    @classmethod
    def empty(cls) -> "BoardFrame":
        return cls.from_puzzle(np.zeros(CELLS, dtype=np.int8))
