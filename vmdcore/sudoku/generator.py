"""Making puzzles: a random full grid, then clues removed in random order for as long as
the solution stays unique (and, when a difficulty is asked, the puzzle stays within it),
retried until the rating is the one asked for. Everything follows from the seed."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from .grids import as_grid
from .rating import Difficulty, rate, solvable_with
from .solver import count_solutions_of_values, random_completion
from .symmetry import augment, augment_batch

__all__ = [
    "GeneratedPuzzle",
    "GenerationError",
    "augment",
    "augment_batch",
    "generate",
    "generate_many",
    "puzzle_seeds",
    "random_grids",
    "random_solution",
    "remove_clues",
]

DEFAULT_MAX_TRIES = 400


class GenerationError(RuntimeError):
    """No puzzle with the asked properties was found within the allowed tries."""


@dataclass(frozen=True, eq=False)  # holds arrays: == is identity, instances stay hashable
class GeneratedPuzzle:
    """puzzle and solution: (81,) int8; generate(seed, difficulty) recreates it exactly."""

    puzzle: np.ndarray
    solution: np.ndarray
    clues: int
    difficulty: Difficulty
    seed: int


def random_solution(rng: np.random.Generator) -> np.ndarray:
    """A random complete grid: randomised backtracking from an empty grid, then a random
    symmetry so that no cell order is favoured."""
    search_rng = random.Random(int(rng.integers(2**63)))
    values = random_completion([0] * 81, search_rng)
    assert values is not None  # an empty grid always has a completion
    grid = np.array(values, dtype=np.int8)
    return augment(grid, grid, rng)[0]


def random_grids(n: int, seed: int) -> np.ndarray:
    """n random complete grids, (n, 81) int8, the same for the same seed.

    Randomised backtracking is not exactly uniform over the 6.67e21 grids (a grid whose
    search tree has fewer dead ends is reached a little more often), but the random symmetry
    after it makes every grid of a symmetry class equally likely, so what is left is a bias
    between the 5.47e9 essentially different grids, never between relabellings or
    permutations of one.
    """
    rng = np.random.default_rng(seed)
    return np.stack([random_solution(rng) for _ in range(n)]) if n else np.zeros((0, 81), np.int8)


def _keeps_unique(values: list[int], removed: list[tuple[int, int]]) -> bool:
    if len(removed) == 1:
        # The solution stays unique exactly when no solution puts another digit there.
        return count_solutions_of_values(values, limit=1, excluded=removed[0]) == 0
    return count_solutions_of_values(values, limit=2) == 1


def remove_clues(
    solution: np.ndarray, order: np.ndarray, within: Difficulty | None = None, symmetric: bool = False
) -> np.ndarray:
    """Empty the cells of a full grid in `order` (81 cell indices) one by one, with their
    mirror cell when symmetric, undoing each removal that would make the solution ambiguous
    or the puzzle harder than `within`. With within=None the result is a minimal puzzle."""
    values = as_grid(solution).tolist()
    for cell in np.asarray(order).tolist():
        group = sorted({cell, 80 - cell}) if symmetric else [cell]
        if not values[cell]:
            continue
        removed = [(c, values[c]) for c in group]
        for c, _ in removed:
            values[c] = 0
        if within is None:
            allowed = _keeps_unique(values, removed)
        else:
            allowed = solvable_with(values, within)
        if not allowed:
            for c, digit in removed:
                values[c] = digit
    return np.array(values, dtype=np.int8)


_remove_clues = remove_clues  # the name training/sudoku_data.py first imported


def generate(
    seed: int,
    difficulty: Difficulty | None = None,
    max_clues: int | None = None,
    symmetric: bool = False,
    max_tries: int = DEFAULT_MAX_TRIES,
) -> GeneratedPuzzle:
    """A puzzle with a unique solution, the same for the same arguments.

    difficulty: the rating the puzzle must have (None: whatever minimal puzzle comes out);
                a Difficulty, its number or its name.
    max_clues:  reject puzzles with more clues than this.
    symmetric:  clues placed with 180-degree rotational symmetry.
    Raises GenerationError when no try out of max_tries fits.
    """
    if difficulty is not None:
        difficulty = Difficulty.parse(difficulty)
    rng = np.random.default_rng(seed)
    # Below EXPERT, removal keeps the puzzle within the level, so a try can only fall short
    # (too easy), never overshoot. EXPERT has no ceiling: plain uniqueness-keeping removal.
    within = difficulty if difficulty is not None and difficulty < Difficulty.EXPERT else None
    for _ in range(max_tries):
        solution = random_solution(rng)
        puzzle = remove_clues(solution, rng.permutation(81), within, symmetric)
        clues = int(np.count_nonzero(puzzle))
        if max_clues is not None and clues > max_clues:
            continue
        level = rate(puzzle).difficulty
        if difficulty is None or level == difficulty:
            return GeneratedPuzzle(puzzle=puzzle, solution=solution, clues=clues, difficulty=level, seed=seed)
    if difficulty is None:
        wanted = "a puzzle"
    else:
        wanted = f"{'an' if difficulty.label[0] in 'AEIOU' else 'a'} {difficulty.label} puzzle"
    limit = f" with at most {max_clues} clues" if max_clues is not None else ""
    raise GenerationError(f"could not generate {wanted}{limit} in {max_tries} tries (seed {seed})")


def puzzle_seeds(count: int, seed: int) -> list[int]:
    """`count` well-spread seeds derived from one; the first k do not depend on count."""
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(count, dtype=np.uint32)]


def generate_many(n: int, seed: int, difficulty: Difficulty | None = None) -> list[GeneratedPuzzle]:
    """n puzzles from seeds derived from `seed`; each one's own seed is in its .seed."""
    return [generate(s, difficulty) for s in puzzle_seeds(n, seed)]
