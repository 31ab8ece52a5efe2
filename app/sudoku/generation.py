"""Generation on the Sudoku tab, plain numpy (no Qt): where a generation starts, how each model
decodes it, how a generated grid is judged, a gallery's counts, and a puzzle made from a valid
grid.

Many grids complete an empty or sparse board, so a generated grid is judged by validity (every
cell filled, no digit twice in a row, column or box), never against one solution.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from vmdcore.sudoku import Difficulty, GeneratedPuzzle, GenerationError, conflicting_cells, random_grids, rate, remove_clues

from .frame import CELLS
from .record import Outcome, verdict

START_CHOICES: dict[str, str] = {"empty": "Empty grid", "board": "Clues on the board", "random": "Random clues"}
# As the generation checkpoints are scored: at temperature 0 the MDM writes the same grid every
# time, so it samples; the VMD takes the argmax given z, and each new z gives another grid.
DEFAULT_TEMPERATURES: dict[str, float] = {"mdm": 1.0, "vmd": 0.0}
DEFAULT_CLUES = 17
GALLERY_SIZE = 8
MAKE_TRIES = 200


def checkpoint_kind(lane: str) -> str:
    """The bundled file's kind: resources/checkpoints/sudoku-gen-<lane>.safetensors."""
    return f"gen-{lane}"


@dataclass(frozen=True)
class GenerationStart:
    """What a generation starts from; `clue_seed` draws the random clues (not the sampler's
    seed, so that Redraw z keeps them)."""

    choice: str = "empty"
    clues: int = DEFAULT_CLUES
    clue_seed: int = 0

    def grid(self, board: np.ndarray) -> np.ndarray:
        if self.choice == "board":
            return np.asarray(board, dtype=np.int8).reshape(CELLS).copy()
        if self.choice == "random":
            return random_clues(self.clues, self.clue_seed)
        return np.zeros(CELLS, dtype=np.int8)


@lru_cache(maxsize=8)
def _complete_grid(seed: int) -> np.ndarray:
    return random_grids(1, seed)[0]


def random_clues(count: int, seed: int) -> np.ndarray:
    """`count` cells of a random complete grid, the rest empty; a larger count with the same
    seed keeps the smaller count's clues."""
    grid = _complete_grid(seed)
    keep = np.random.default_rng([seed, 1]).permutation(CELLS)[: max(0, min(CELLS, count))]
    out = np.zeros(CELLS, dtype=np.int8)
    out[keep] = grid[keep]
    return out


def clash_count(grid: np.ndarray) -> int:
    """Filled cells that share their digit with a peer."""
    return int(np.count_nonzero(conflicting_cells(grid)))


def clashes_text(count: int) -> str:
    return f"{count} clashing cell{'s' if count != 1 else ''}"


def grid_problem(grid: np.ndarray) -> str | None:
    """Why `grid` is not a valid complete Sudoku ('12 empty cells', '5 clashing cells'), or None."""
    grid = np.asarray(grid).reshape(CELLS)
    empty = int(np.count_nonzero(grid == 0))
    clashes = clash_count(grid)
    parts = ([f"{empty} empty cell{'s' if empty != 1 else ''}"] if empty else []) + ([clashes_text(clashes)] if clashes else [])
    return " and ".join(parts) or None


def grid_verdict(grid: np.ndarray) -> tuple[str, str]:
    """The line under a board that shows a finished sample, and its tone."""
    problem = grid_problem(grid)
    return ("✓ Valid grid", "good") if problem is None else (f"✗ {problem}", "bad")


def generation_verdict(outcome: Outcome, final: bool) -> tuple[str, str]:
    """A finished generation says whether its grid is valid; anything else reads as when solving."""
    if final and not outcome.masked:
        return ("✓ Valid grid", "good") if not outcome.conflicts else (f"✗ {clashes_text(outcome.conflicts)}", "bad")
    return verdict(outcome, final)


def badge(grid: np.ndarray) -> tuple[str, bool]:
    """A gallery sample's badge and whether the grid is valid."""
    problem = grid_problem(grid)
    if problem is None:
        return "✓ valid", True
    clashes = clash_count(grid)
    return (f"✗ {clashes} clash{'es' if clashes != 1 else ''}" if clashes else f"✗ {problem}"), False


@dataclass(frozen=True)
class GalleryCount:
    """One model's samples: how many are valid, and how many different valid grids they hold."""

    title: str
    valid: int
    total: int
    distinct: int

    @property
    def line(self) -> str:
        return f"{self.title} {self.valid}/{self.total} valid, {self.distinct} distinct"


def gallery_count(title: str, grids: np.ndarray) -> GalleryCount:
    valid = [g for g in grids if grid_problem(g) is None]
    distinct = len({np.asarray(g, dtype=np.int8).tobytes() for g in valid})
    return GalleryCount(title, len(valid), len(grids), distinct)


def make_puzzle(
    grid: np.ndarray, difficulty: Difficulty | None, symmetric: bool = False, seed: int = 0, tries: int = MAKE_TRIES
) -> GeneratedPuzzle:
    """A puzzle whose unique solution is `grid`, rated `difficulty` (None: any minimal puzzle).

    As vmdcore.sudoku.generate does from a random grid, but the grid is given, so a try that
    comes out too easy is retried with another removal order instead of another grid."""
    problem = grid_problem(grid)
    if problem is not None:
        raise ValueError(f"the grid is not a valid Sudoku ({problem})")
    solution = np.asarray(grid, dtype=np.int8).reshape(CELLS)
    rng = np.random.default_rng(seed)
    # Below Expert, removal keeps the puzzle within the level, so a try can only fall short.
    within = difficulty if difficulty is not None and difficulty < Difficulty.EXPERT else None
    for _ in range(tries):
        puzzle = remove_clues(solution, rng.permutation(CELLS), within, symmetric)
        level = rate(puzzle).difficulty
        if difficulty in (None, level):
            clues = int(np.count_nonzero(puzzle))
            return GeneratedPuzzle(puzzle=puzzle, solution=solution.copy(), clues=clues, difficulty=level, seed=seed)
    raise GenerationError(f"no puzzle rated {difficulty.label} came out of this grid in {tries} tries: pick another level or grid")
