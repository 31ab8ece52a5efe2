"""Validity-preserving symmetries of Sudoku: relabel digits, permute rows within a band,
bands, columns within a stack, stacks, and transpose. Applying the same symmetry to a
puzzle and its solution keeps the solution, its uniqueness and the rating."""

from __future__ import annotations

import numpy as np

from .grids import as_grid, as_grid_batch


def _line_orders(count: int, rng: np.random.Generator) -> np.ndarray:
    """(count, 9): for each new row (or column), the old one it comes from."""
    blocks = rng.permuted(np.tile(np.arange(3), (count, 1)), axis=1)
    within = rng.permuted(np.tile(np.arange(3), (count, 3, 1)), axis=2)
    return (blocks[:, :, None] * 3 + within).reshape(count, 9)


def random_cell_sources(count: int, rng: np.random.Generator) -> np.ndarray:
    """(count, 81) int: new cell k takes its value from old cell sources[:, k]."""
    rows = _line_orders(count, rng)
    cols = _line_orders(count, rng)
    sources = rows[:, :, None] * 9 + cols[:, None, :]
    flip = rng.random(count) < 0.5
    sources[flip] = sources[flip].transpose(0, 2, 1)
    return sources.reshape(count, 81)


def random_relabelling(count: int, rng: np.random.Generator) -> np.ndarray:
    """(count, 10): old digit d becomes relabel[:, d]; 0 (empty) stays 0."""
    relabel = np.zeros((count, 10), dtype=np.intp)
    relabel[:, 1:] = rng.permuted(np.tile(np.arange(1, 10), (count, 1)), axis=1)
    return relabel


def augment_batch(puzzles, solutions, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """An independent random symmetry for each row of (N, 81) puzzles and solutions
    (the same one for a puzzle and its solution). Dtypes are kept; inputs are unchanged."""
    puzzles, solutions = as_grid_batch(puzzles), as_grid_batch(solutions)
    if puzzles.shape != solutions.shape:
        raise ValueError(f"puzzles {puzzles.shape} and solutions {solutions.shape} differ in shape")
    count = puzzles.shape[0]
    sources = random_cell_sources(count, rng)
    relabel = random_relabelling(count, rng)

    def transform(grids: np.ndarray) -> np.ndarray:
        moved = np.take_along_axis(grids, sources, axis=1).astype(np.intp)
        return np.take_along_axis(relabel, moved, axis=1).astype(grids.dtype)

    return transform(puzzles), transform(solutions)


def augment(puzzle, solution, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One random symmetry applied to a puzzle (81,) and its solution (81,)."""
    puzzles, solutions = augment_batch(as_grid(puzzle)[None], as_grid(solution)[None], rng)
    return puzzles[0], solutions[0]
