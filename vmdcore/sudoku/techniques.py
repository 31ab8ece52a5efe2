"""Human solving techniques on a candidate grid, each a function that makes progress or
reports that it cannot.

Every technique is sound: it only places a digit or removes a candidate when no solution
can contradict it. None assumes the puzzle has a unique solution, so a grid completed
from these techniques is proof that the solution is unique.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations

from .layout import BOXES, COLS, PEERS, ROWS, UNITS

ALL_DIGITS = 0x1FF
_PEERS = tuple(tuple(row) for row in PEERS.tolist())
_PEER_SETS = tuple(frozenset(row) for row in _PEERS)
_UNITS = tuple(tuple(row) for row in UNITS.tolist())
_ROWS = tuple(tuple(row) for row in ROWS.tolist())
_COLS = tuple(tuple(col) for col in COLS.tolist())
_POPCOUNT = tuple(bin(mask).count("1") for mask in range(ALL_DIGITS + 1))
_DIGIT_OF_BIT = {1 << (d - 1): d for d in range(1, 10)}


def _intersections() -> tuple[tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]], ...]:
    """(shared cells, rest of box, rest of line) for each box and each row/column crossing it."""
    result = []
    for box in BOXES.tolist():
        for lines in (_ROWS, _COLS):
            for line in lines:
                shared = tuple(cell for cell in line if cell in box)
                if shared:
                    box_rest = tuple(cell for cell in box if cell not in shared)
                    line_rest = tuple(cell for cell in line if cell not in shared)
                    result.append((shared, box_rest, line_rest))
    return tuple(result)


_INTERSECTIONS = _intersections()


class Contradiction(Exception):
    """The clues admit no solution."""


class CandidateGrid:
    """Digits placed so far and, for each empty cell, the bitmask of digits still possible
    (bit d-1 = digit d). Filled cells hold candidate mask 0."""

    __slots__ = ("values", "cand", "placements")

    def __init__(self, values: list[int]) -> None:
        self.values = [0] * 81
        self.cand = [ALL_DIGITS] * 81
        self.placements: list[tuple[int, int, str]] = []
        for cell, digit in enumerate(values):
            if digit:
                self.place(cell, digit, "clue")

    def place(self, cell: int, digit: int, technique: str) -> None:
        bit = 1 << (digit - 1)
        if not self.cand[cell] & bit:
            raise Contradiction(f"{digit} cannot go in cell {cell}")
        self.values[cell] = digit
        self.cand[cell] = 0
        cand = self.cand
        for peer in _PEERS[cell]:
            cand[peer] &= ~bit
        if technique != "clue":
            self.placements.append((cell, digit, technique))

    def eliminate(self, cells, mask: int) -> bool:
        """Remove the digits of `mask` from the cells; True when anything was removed."""
        cand = self.cand
        changed = False
        for cell in cells:
            if cand[cell] & mask:
                cand[cell] &= ~mask
                changed = True
        return changed

    def solved(self) -> bool:
        return all(self.values)

    def check(self) -> None:
        """Raise Contradiction when an empty cell or a missing digit has nowhere to go."""
        values, cand = self.values, self.cand
        for unit in _UNITS:
            covered = 0
            for cell in unit:
                if values[cell]:
                    covered |= 1 << (values[cell] - 1)
                elif not cand[cell]:
                    raise Contradiction(f"cell {cell} has no candidate")
                else:
                    covered |= cand[cell]
            if covered != ALL_DIGITS:
                raise Contradiction("a digit has no place in a unit")


def hidden_singles(grid: CandidateGrid) -> int:
    """Place each digit that fits only one cell of a row, column or box."""
    placed = 0
    cand = grid.cand
    for unit in _UNITS:
        once = twice = 0
        for cell in unit:
            mask = cand[cell]
            twice |= once & mask
            once |= mask
        hidden = once & ~twice
        while hidden:
            bit = hidden & -hidden
            hidden ^= bit
            for cell in unit:
                if cand[cell] & bit:
                    grid.place(cell, _DIGIT_OF_BIT[bit], "hidden single")
                    placed += 1
                    break
    return placed


def naked_singles(grid: CandidateGrid) -> int:
    """Place the digit of each cell with only one candidate left."""
    placed = 0
    cand = grid.cand
    for cell in range(81):
        mask = cand[cell]
        if mask and not mask & (mask - 1):
            grid.place(cell, _DIGIT_OF_BIT[mask], "naked single")
            placed += 1
    return placed


def _locked_candidates(grid: CandidateGrid, pointing_side: bool) -> int:
    """Digits of a box/line intersection found nowhere else in one unit leave the other unit."""
    applied = 0
    cand = grid.cand
    for shared, box_rest, line_rest in _INTERSECTIONS:
        inside = cand[shared[0]] | cand[shared[1]] | cand[shared[2]]
        if not inside:
            continue
        checked, cleared = (box_rest, line_rest) if pointing_side else (line_rest, box_rest)
        elsewhere = 0
        for cell in checked:
            elsewhere |= cand[cell]
        locked = inside & ~elsewhere
        if locked and grid.eliminate(cleared, locked):
            applied += 1
    return applied


def pointing(grid: CandidateGrid) -> int:
    """A digit whose box candidates all lie on one line leaves the rest of that line."""
    return _locked_candidates(grid, pointing_side=True)


def claiming(grid: CandidateGrid) -> int:
    """A digit whose line candidates all lie in one box leaves the rest of that box."""
    return _locked_candidates(grid, pointing_side=False)


def _naked_subsets(grid: CandidateGrid, size: int) -> int:
    """`size` cells of a unit whose candidates together are exactly `size` digits: those
    digits leave the unit's other cells."""
    applied = 0
    cand, popcount = grid.cand, _POPCOUNT
    for unit in _UNITS:
        small = [cell for cell in unit if 2 <= popcount[cand[cell]] <= size]
        if len(small) < size:
            continue
        for group in combinations(small, size):
            union = 0
            for cell in group:
                union |= cand[cell]
            if popcount[union] == size:
                others = [cell for cell in unit if cell not in group]
                if grid.eliminate(others, union):
                    applied += 1
    return applied


def _hidden_subsets(grid: CandidateGrid, size: int) -> int:
    """`size` digits that together fit only `size` cells of a unit: those cells lose every
    other candidate."""
    applied = 0
    cand, popcount = grid.cand, _POPCOUNT
    for unit in _UNITS:
        places = {}
        for digit in range(9):
            bit = 1 << digit
            where = 0
            for index, cell in enumerate(unit):
                if cand[cell] & bit:
                    where |= 1 << index
            if 2 <= popcount[where] <= size:
                places[bit] = where
        if len(places) < size:
            continue
        for group in combinations(places, size):
            where = 0
            digits = 0
            for bit in group:
                where |= places[bit]
                digits |= bit
            if popcount[where] == size:
                cells = [unit[index] for index in range(9) if where >> index & 1]
                if grid.eliminate(cells, ALL_DIGITS & ~digits):
                    applied += 1
    return applied


def naked_pairs(grid: CandidateGrid) -> int:
    return _naked_subsets(grid, 2)


def hidden_pairs(grid: CandidateGrid) -> int:
    return _hidden_subsets(grid, 2)


def naked_triples(grid: CandidateGrid) -> int:
    return _naked_subsets(grid, 3)


def hidden_triples(grid: CandidateGrid) -> int:
    return _hidden_subsets(grid, 3)


def _fish(grid: CandidateGrid, size: int) -> int:
    """A digit whose candidates in `size` rows lie in only `size` columns leaves the rest of
    those columns (and the same with rows and columns swapped)."""
    applied = 0
    cand, popcount = grid.cand, _POPCOUNT
    for bit in (1 << d for d in range(9)):
        for bases, covers in ((_ROWS, _COLS), (_COLS, _ROWS)):
            spots = {}
            for base_index, base in enumerate(bases):
                where = 0
                for index, cell in enumerate(base):
                    if cand[cell] & bit:
                        where |= 1 << index
                if 2 <= popcount[where] <= size:
                    spots[base_index] = where
            if len(spots) < size:
                continue
            for group in combinations(spots, size):
                where = 0
                for base_index in group:
                    where |= spots[base_index]
                if popcount[where] != size:
                    continue
                victims = [
                    cell
                    for cover_index in range(9)
                    if where >> cover_index & 1
                    for base_index, cell in enumerate(covers[cover_index])
                    if base_index not in group
                ]
                if grid.eliminate(victims, bit):
                    applied += 1
    return applied


def x_wings(grid: CandidateGrid) -> int:
    return _fish(grid, 2)


def swordfish(grid: CandidateGrid) -> int:
    return _fish(grid, 3)


def xy_wings(grid: CandidateGrid) -> int:
    """Pivot {x,y} sees pincers {x,z} and {y,z}: whichever the pivot holds, one pincer is z,
    so z leaves every cell that sees both pincers."""
    applied = 0
    cand, popcount = grid.cand, _POPCOUNT
    pairs = [cell for cell in range(81) if popcount[cand[cell]] == 2]
    for pivot in pairs:
        pivot_mask = cand[pivot]
        wings = [cell for cell in pairs if cell in _PEER_SETS[pivot] and popcount[cand[cell] & pivot_mask] == 1]
        for first, second in combinations(wings, 2):
            a, b = cand[first], cand[second]
            if a == b or (a & b & pivot_mask) or (a | b) & pivot_mask != pivot_mask:
                continue
            z = a & b
            if popcount[z] != 1:
                continue
            seen_by_both = (_PEER_SETS[first] & _PEER_SETS[second]) - {pivot}
            if grid.eliminate(seen_by_both, z):
                applied += 1
    return applied


Technique = Callable[[CandidateGrid], int]

TECHNIQUES: tuple[tuple[str, Technique], ...] = (
    ("hidden single", hidden_singles),
    ("naked single", naked_singles),
    ("pointing", pointing),
    ("claiming", claiming),
    ("naked pair", naked_pairs),
    ("hidden pair", hidden_pairs),
    ("naked triple", naked_triples),
    ("hidden triple", hidden_triples),
    ("x-wing", x_wings),
    ("swordfish", swordfish),
    ("xy-wing", xy_wings),
)
"""Simplest first; the solver always falls back to the first one that makes progress."""


def run_techniques(grid: CandidateGrid, techniques: tuple[tuple[str, Technique], ...]) -> dict[str, int]:
    """Apply the simplest technique that makes progress until the grid is solved or none
    does; returns how often each technique made progress. Raises Contradiction."""
    counts: dict[str, int] = {}
    while not grid.solved():
        for name, technique in techniques:
            progress = technique(grid)
            if progress:
                counts[name] = counts.get(name, 0) + progress
                break
        else:
            grid.check()
            return counts
    return counts
