"""How hard a puzzle is for a person: the hardest technique a logical solver needs when it
always uses the simplest technique that makes progress.

Levels (each allows everything of the levels below it):

    BEGINNER  hidden singles only (a digit has one place left in a row, column or box)
    EASY      + naked singles (a cell has one digit left)
    MEDIUM    + locked candidates: pointing and claiming (box/line reduction)
    HARD      + naked and hidden pairs and triples
    EXPERT    anything beyond: X-wing, swordfish, XY-wing, or, when even those stall,
              search (trial and error); hardest_technique then says "search"

Because every technique only ever helps the others, "the puzzle is solvable with the
techniques of level L" does not depend on the order they are tried in, so the level is
well defined: the lowest level whose techniques finish the puzzle.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

from .grids import as_grid
from .solver import count_solutions_of_values
from .techniques import TECHNIQUES, CandidateGrid, Contradiction, run_techniques

SEARCH = "search"


class Difficulty(enum.IntEnum):
    """Levels from 1 (Beginner) to 5 (Expert); see the module docstring for what each allows.
    Numbered from 1 so that no level is falsy."""

    BEGINNER = 1
    EASY = 2
    MEDIUM = 3
    HARD = 4
    EXPERT = 5

    @property
    def label(self) -> str:
        """The name to show people: 'Beginner', 'Easy', ..."""
        return self.name.capitalize()

    @classmethod
    def parse(cls, text: str | int) -> Difficulty:
        """'hard', 'Hard', 'HARD' or '4' -> Difficulty.HARD; ValueError otherwise."""
        if isinstance(text, int) or str(text).strip().isdigit():
            return cls(int(text))
        try:
            return cls[str(text).strip().upper()]
        except KeyError:
            names = ", ".join(level.name.lower() for level in cls)
            raise ValueError(f"unknown difficulty {text!r} (expected one of {names})") from None


TECHNIQUE_DIFFICULTY: dict[str, Difficulty] = {
    "hidden single": Difficulty.BEGINNER,
    "naked single": Difficulty.EASY,
    "pointing": Difficulty.MEDIUM,
    "claiming": Difficulty.MEDIUM,
    "naked pair": Difficulty.HARD,
    "hidden pair": Difficulty.HARD,
    "naked triple": Difficulty.HARD,
    "hidden triple": Difficulty.HARD,
    "x-wing": Difficulty.EXPERT,
    "swordfish": Difficulty.EXPERT,
    "xy-wing": Difficulty.EXPERT,
    SEARCH: Difficulty.EXPERT,
}
_TECHNIQUE_RANK = {name: rank for rank, name in enumerate(TECHNIQUE_DIFFICULTY)}


@dataclass(frozen=True)
class Rating:
    """difficulty: the level; hardest_technique: the hardest technique used ('none' for a
    full grid); technique_counts: technique name -> how often it made progress."""

    difficulty: Difficulty
    hardest_technique: str
    technique_counts: dict[str, int]


@dataclass(frozen=True, eq=False)  # holds arrays: == is identity, instances stay hashable
class LogicResult:
    """What the logical solver reached. grid: (81,) int8, 0 where it got stuck;
    placements: (cell, digit, technique) in the order they were made."""

    grid: np.ndarray
    solved: bool
    placements: tuple[tuple[int, int, str], ...]
    technique_counts: dict[str, int]


def techniques_up_to(difficulty: Difficulty) -> tuple:
    return tuple((name, fn) for name, fn in TECHNIQUES if TECHNIQUE_DIFFICULTY[name] <= difficulty)


def solve_logically(puzzle, max_difficulty: Difficulty = Difficulty.EXPERT) -> LogicResult:
    """Solve with the techniques of `max_difficulty` and below, no guessing. Raises
    ValueError when the clues contradict each other."""
    grid = _candidate_grid(as_grid(puzzle).tolist())
    try:
        counts = run_techniques(grid, techniques_up_to(max_difficulty))
    except Contradiction as error:
        raise ValueError("the puzzle has no solution") from error
    return LogicResult(
        grid=np.array(grid.values, dtype=np.int8),
        solved=grid.solved(),
        placements=tuple(grid.placements),
        technique_counts=counts,
    )


def solvable_with(values: list[int], difficulty: Difficulty) -> bool:
    """True when the techniques up to `difficulty` finish the puzzle (which also proves its
    solution is unique). For hot callers: takes a plain list, returns False on contradiction."""
    try:
        grid = CandidateGrid(values)
        run_techniques(grid, techniques_up_to(difficulty))
    except Contradiction:
        return False
    return grid.solved()


def rate(puzzle) -> Rating:
    """The difficulty of a puzzle with exactly one solution. Raises ValueError for a puzzle
    with no solution or several (a person could not finish it by logic)."""
    values = as_grid(puzzle).tolist()
    grid = _candidate_grid(values)
    try:
        counts = run_techniques(grid, TECHNIQUES)
    except Contradiction as error:
        raise ValueError("the puzzle has no solution") from error
    if not grid.solved():
        found = count_solutions_of_values(grid.values, limit=2)
        if found == 0:
            raise ValueError("the puzzle has no solution")
        if found > 1:
            raise ValueError("the puzzle has more than one solution, so it cannot be rated")
        counts[SEARCH] = 1
    if not counts:
        return Rating(Difficulty.BEGINNER, "none", {})
    hardest = max(counts, key=_TECHNIQUE_RANK.__getitem__)
    return Rating(TECHNIQUE_DIFFICULTY[hardest], hardest, counts)


def _candidate_grid(values: list[int]) -> CandidateGrid:
    try:
        return CandidateGrid(values)
    except Contradiction as error:
        raise ValueError("the clues clash: a digit repeats in a row, column or box") from error


__all__ = ["Difficulty", "LogicResult", "Rating", "TECHNIQUE_DIFFICULTY", "rate", "solvable_with", "solve_logically"]
