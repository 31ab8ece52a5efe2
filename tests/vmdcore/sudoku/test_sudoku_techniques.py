"""Each technique on a hand-built candidate grid, checked cell by cell."""

from vmdcore.sudoku.techniques import (
    ALL_DIGITS,
    CandidateGrid,
    claiming,
    hidden_pairs,
    hidden_singles,
    naked_pairs,
    naked_singles,
    pointing,
    x_wings,
    xy_wings,
)


def cell(row: int, col: int) -> int:
    return 9 * row + col


def bits(*digits: int) -> int:
    mask = 0
    for digit in digits:
        mask |= 1 << (digit - 1)
    return mask


def empty_grid() -> CandidateGrid:
    return CandidateGrid([0] * 81)


def lacking(grid: CandidateGrid, digit: int) -> set[int]:
    return {c for c in range(81) if not grid.cand[c] & bits(digit)}


def test_hidden_single():
    grid = empty_grid()
    for col in range(1, 9):
        grid.cand[cell(4, col)] &= ~bits(6)  # 6 fits only (5, 1) in row 5
    assert hidden_singles(grid) >= 1
    assert grid.values[cell(4, 0)] == 6
    assert grid.placements[0] == (cell(4, 0), 6, "hidden single")


def test_naked_single():
    grid = empty_grid()
    grid.cand[cell(2, 3)] = bits(8)
    assert naked_singles(grid) == 1
    assert grid.values[cell(2, 3)] == 8
    assert all(not grid.cand[p] & bits(8) for p in (cell(2, 0), cell(8, 3), cell(1, 4)))


def test_pointing():
    grid = empty_grid()
    for row in (1, 2):
        for col in range(3):
            grid.cand[cell(row, col)] &= ~bits(1)  # in box 1, digit 1 only on row 1
    assert pointing(grid) == 1
    assert lacking(grid, 1) == {cell(r, c) for r in (1, 2) for c in range(3)} | {cell(0, c) for c in range(3, 9)}


def test_claiming():
    grid = empty_grid()
    for col in range(3, 9):
        grid.cand[cell(0, col)] &= ~bits(4)  # on row 1, digit 4 only inside box 1
    assert claiming(grid) == 1
    assert lacking(grid, 4) == {cell(0, c) for c in range(3, 9)} | {cell(r, c) for r in (1, 2) for c in range(3)}


def test_naked_pair():
    grid = empty_grid()
    grid.cand[cell(0, 0)] = grid.cand[cell(0, 1)] = bits(2, 7)
    assert naked_pairs(grid) >= 1
    pair = {cell(0, 0), cell(0, 1)}
    row_and_box = {cell(0, c) for c in range(9)} | {cell(r, c) for r in range(3) for c in range(3)}
    for c in range(81):
        if c in pair:
            assert grid.cand[c] == bits(2, 7)
        elif c in row_and_box:
            assert grid.cand[c] == ALL_DIGITS & ~bits(2, 7)
        else:
            assert grid.cand[c] == ALL_DIGITS


def test_hidden_pair():
    grid = empty_grid()
    for col in range(2, 9):
        grid.cand[cell(8, col)] &= ~bits(3, 5)  # 3 and 5 fit only the first two cells of row 9
    assert hidden_pairs(grid) >= 1
    assert grid.cand[cell(8, 0)] == grid.cand[cell(8, 1)] == bits(3, 5)


def test_x_wing():
    grid = empty_grid()
    for row in (0, 4):
        for col in range(9):
            if col not in (2, 6):
                grid.cand[cell(row, col)] &= ~bits(9)
    before = lacking(grid, 9)
    assert x_wings(grid) >= 1
    removed = lacking(grid, 9) - before
    assert removed == {cell(r, c) for r in range(9) if r not in (0, 4) for c in (2, 6)}


def test_xy_wing():
    grid = empty_grid()
    grid.cand[cell(0, 0)] = bits(1, 2)  # pivot
    grid.cand[cell(0, 5)] = bits(1, 3)  # pincer on the pivot's row
    grid.cand[cell(4, 0)] = bits(2, 3)  # pincer on the pivot's column
    before = lacking(grid, 3)
    assert xy_wings(grid) == 1
    assert lacking(grid, 3) - before == {cell(4, 5)}  # the one cell that sees both pincers
