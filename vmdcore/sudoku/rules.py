"""The rules of Sudoku: which filled cells clash, and whether a grid solves a puzzle."""

from __future__ import annotations

import numpy as np

from .grids import as_grid
from .layout import BOX_OF, COL_OF, PEERS, ROW_OF, UNITS

def conflicting_cells(grid) -> np.ndarray:
    """bool (81,): True for each filled cell whose digit also sits in one of its peers."""
    grid = as_grid(grid)
    peer_digits = grid[PEERS]  # (81, 20)
    clash = (peer_digits == grid[:, None]).any(axis=1)
    return clash & (grid > 0)


def conflict_pairs(grid) -> list[tuple[int, int]]:
    """Every pair (i, j), i < j, of peers holding the same digit, in ascending order."""
    grid = as_grid(grid)
    pairs: list[tuple[int, int]] = []
    for cell in np.flatnonzero(conflicting_cells(grid)):
        for peer in PEERS[cell]:
            if peer > cell and grid[peer] == grid[cell]:
                pairs.append((int(cell), int(peer)))
    return pairs


def is_complete_solution(grid) -> bool:
    """Every cell filled and every row, column and box holds 1-9 exactly once."""
    grid = as_grid(grid)
    if not grid.all():
        return False
    return bool((np.sort(grid[UNITS], axis=1) == np.arange(1, 10)).all())


def keeps_clues(grid, puzzle) -> bool:
    """The grid has the puzzle's digit in every cell the puzzle fills."""
    grid, puzzle = as_grid(grid), as_grid(puzzle)
    given = puzzle > 0
    return bool((grid[given] == puzzle[given]).all())


def is_solved(grid, puzzle) -> bool:
    """The grid is a complete valid Sudoku that keeps every clue of the puzzle."""
    return is_complete_solution(grid) and keeps_clues(grid, puzzle)


def describe_conflicts(grid) -> list[str]:
    """Human sentences for each clash, 1-based: 'row 1, column 2 and row 1, column 7 both hold 5'."""
    grid = as_grid(grid)
    return [
        f"row {ROW_OF[i] + 1}, column {COL_OF[i] + 1} and row {ROW_OF[j] + 1}, column {COL_OF[j] + 1} "
        f"both hold {grid[i]} (same {_shared_unit(i, j)})"
        for i, j in conflict_pairs(grid)
    ]


def _shared_unit(i: int, j: int) -> str:
    if ROW_OF[i] == ROW_OF[j]:
        return "row"
    if COL_OF[i] == COL_OF[j]:
        return "column"
    assert BOX_OF[i] == BOX_OF[j]
    return "box"
