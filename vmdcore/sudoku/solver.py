"""An exact Sudoku solver: bitmask candidates, naked and hidden single propagation, then
depth-first search on the cell with the fewest candidates.

The hot loop works on plain Python lists of ints (bit d-1 set = digit d still possible);
numpy only appears at the edges because per-element numpy access is ~10x slower than list
indexing.

Measured with `python -m vmdcore.sudoku.benchmark` on one core of a shared 2-core machine:
~1450 puzzles/s for solve() and ~1300-1500/s for count_solutions() (which must exhaust the
search to prove uniqueness) on the 1000 21-28-clue test-set puzzles; ~2000/s on Royle's
first 17-clue puzzle; the notorious hard ones are slower: AI Escargot ~180/s, Inkala's
2012 puzzle ~55/s (solve) and ~25/s (count).
"""

from __future__ import annotations

import random
from collections.abc import Iterable

import numpy as np

from .grids import as_grid
from .layout import PEERS, UNITS

__all__ = ["count_solutions", "solve", "solve_many"]

ALL_DIGITS = 0x1FF
_PEERS: tuple[tuple[int, ...], ...] = tuple(tuple(row) for row in PEERS.tolist())
_UNITS: tuple[tuple[int, ...], ...] = tuple(tuple(row) for row in UNITS.tolist())
_POPCOUNT: tuple[int, ...] = tuple(bin(mask).count("1") for mask in range(ALL_DIGITS + 1))
_DIGIT_OF_BIT: dict[int, int] = {1 << (d - 1): d for d in range(1, 10)}


def _propagate(cand: list[int], queue: list[int]) -> bool:
    """Apply naked and hidden singles until nothing changes; False on a contradiction.

    `queue` holds cells that became single-valued and whose digit still has to be removed
    from their peers.
    """
    peers, units = _PEERS, _UNITS
    while True:
        while queue:
            cell = queue.pop()
            bit = cand[cell]
            for peer in peers[cell]:
                mask = cand[peer]
                if mask & bit:
                    mask ^= bit
                    if not mask:
                        return False
                    cand[peer] = mask
                    if not mask & (mask - 1):
                        queue.append(peer)
        for unit in units:
            seen_once = seen_twice = 0
            for cell in unit:
                mask = cand[cell]
                seen_twice |= seen_once & mask
                seen_once |= mask
            if seen_once != ALL_DIGITS:
                return False
            hidden = seen_once & ~seen_twice
            if hidden:
                for cell in unit:
                    mask = cand[cell]
                    forced = mask & hidden
                    if forced and forced != mask:
                        if forced & (forced - 1):
                            return False  # two digits can only go in this one cell
                        cand[cell] = forced
                        queue.append(cell)
        if not queue:
            return True


def _most_constrained(cand: list[int], first_pair: bool) -> int:
    """The open cell with the fewest candidates (-1 when none is open); with `first_pair`, the
    first cell with two, which is as good and quicker to find."""
    popcount = _POPCOUNT
    best, best_count = -1, 10
    for cell in range(81):
        count = popcount[cand[cell]]
        if 1 < count < best_count:
            best, best_count = cell, count
            if first_pair and count == 2:
                break
    return best


def _search(cand: list[int], limit: int, found: list[list[int]]) -> None:
    """Depth-first search from a propagated state; appends up to `limit` solutions to `found`."""
    best = _most_constrained(cand, first_pair=True)
    if best < 0:
        found.append(cand)
        return
    options = cand[best]
    while options:
        bit = options & -options
        options ^= bit
        child = cand[:]
        child[best] = bit
        if _propagate(child, [best]):
            _search(child, limit, found)
            if len(found) >= limit:
                return


def _search_shuffled(cand: list[int], rng: random.Random) -> list[int] | None:
    """Like _search for one solution, but tries each cell's digits in a random order."""
    best = _most_constrained(cand, first_pair=False)
    if best < 0:
        return cand
    bits = [1 << d for d in range(9) if cand[best] >> d & 1]
    rng.shuffle(bits)
    for bit in bits:
        child = cand[:]
        child[best] = bit
        if _propagate(child, [best]):
            solution = _search_shuffled(child, rng)
            if solution is not None:
                return solution
    return None


def initial_candidates(values: list[int], excluded: tuple[int, int] | None = None) -> list[int] | None:
    """Propagated candidates for a puzzle given as a list of 81 ints, or None if it has no
    solution. `excluded=(cell, digit)` forbids one digit in one empty cell, which lets the
    generator ask "is there a solution other than the known one?" directly."""
    cand = [ALL_DIGITS] * 81
    queue = []
    for cell, digit in enumerate(values):
        if digit:
            cand[cell] = 1 << (digit - 1)
            queue.append(cell)
    if excluded is not None:
        cell, digit = excluded
        cand[cell] &= ~(1 << (digit - 1))
    if not _propagate(cand, queue):
        return None
    return cand


def count_solutions_of_values(values: list[int], limit: int = 2, excluded: tuple[int, int] | None = None) -> int:
    """count_solutions for a plain list of 81 ints (no numpy conversion; for hot callers)."""
    cand = initial_candidates(values, excluded)
    if cand is None:
        return 0
    found: list[list[int]] = []
    _search(cand, limit, found)
    return len(found)


def _to_grid(cand: list[int]) -> np.ndarray:
    return np.array([_DIGIT_OF_BIT[mask] for mask in cand], dtype=np.int8)


def count_solutions(grid, limit: int = 2) -> int:
    """Number of solutions of the puzzle, counting no further than `limit` (so 2 means
    "two or more"). Clashing clues give 0."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    return count_solutions_of_values(as_grid(grid).tolist(), limit)


def solve(grid) -> np.ndarray | None:
    """A solution of the puzzle (the first one found when it has several), or None when it
    has none. The input is left unchanged."""
    cand = initial_candidates(as_grid(grid).tolist())
    if cand is None:
        return None
    found: list[list[int]] = []
    _search(cand, 1, found)
    return _to_grid(found[0]) if found else None


def solve_many(grids: Iterable) -> list[np.ndarray | None]:
    """solve() for each grid of an (N, 81) array or any iterable of grids."""
    return [solve(grid) for grid in grids]


def random_completion(values: list[int], rng: random.Random) -> list[int] | None:
    """A solution of the puzzle chosen by search with randomised digit order, or None."""
    cand = initial_candidates(values)
    if cand is None:
        return None
    solution = _search_shuffled(cand, rng)
    return None if solution is None else [_DIGIT_OF_BIT[mask] for mask in solution]
