import time

import numpy as np
import pytest

from vmdcore.sudoku import count_solutions, format_line, is_solved, parse_puzzle, solve, solve_many

from sudoku_examples import (
    ESCARGOT,
    INKALA,
    INKALA_SOLUTION,
    ROYLE_17,
    ROYLE_17_SOLUTION,
    WIKIPEDIA,
    WIKIPEDIA_SOLUTION,
)

KNOWN = [(WIKIPEDIA, WIKIPEDIA_SOLUTION), (ROYLE_17, ROYLE_17_SOLUTION), (INKALA, INKALA_SOLUTION)]


@pytest.mark.parametrize("puzzle, solution", KNOWN)
def test_solves_known_puzzles(puzzle, solution):
    grid = parse_puzzle(puzzle)
    before = grid.copy()
    result = solve(grid)
    assert result.dtype == np.int8 and result.shape == (81,)
    assert format_line(result) == solution
    np.testing.assert_array_equal(grid, before)  # the input is untouched
    assert count_solutions(grid) == 1


def test_the_17_clue_puzzle_has_17_clues():
    assert np.count_nonzero(parse_puzzle(ROYLE_17)) == 17


def test_hard_puzzle_escargot():
    puzzle = parse_puzzle(ESCARGOT)
    assert count_solutions(puzzle) == 1
    assert is_solved(solve(puzzle), puzzle)


def test_empty_grid_has_many_solutions():
    empty = np.zeros(81, dtype=np.int8)
    assert count_solutions(empty) == 2
    assert count_solutions(empty, limit=10) == 10
    assert count_solutions(empty, limit=1) == 1
    full = solve(empty)
    assert is_solved(full, empty)


def test_ambiguous_puzzle_has_exactly_two_solutions():
    solution = parse_puzzle(WIKIPEDIA_SOLUTION)
    # Rows 4-5 x columns 6 and 9 hold 1 3 / 3 1 (a rectangle over two boxes): emptying it
    # lets the two digits swap, so the grid has exactly two completions.
    rectangle = [9 * 3 + 5, 9 * 3 + 8, 9 * 4 + 5, 9 * 4 + 8]
    assert solution[rectangle].tolist() == [1, 3, 3, 1]
    puzzle = solution.copy()
    puzzle[rectangle] = 0
    assert count_solutions(puzzle, limit=10) == 2
    assert count_solutions(puzzle) == 2
    assert count_solutions(puzzle, limit=1) == 1
    assert is_solved(solve(puzzle), puzzle)


def test_clashing_clues_have_no_solution():
    puzzle = parse_puzzle(WIKIPEDIA)
    puzzle[2] = 5  # a second 5 in row 1
    assert count_solutions(puzzle) == 0
    assert solve(puzzle) is None


def test_contradiction_without_a_visible_clash():
    # row 1 holds 1-8 in columns 2-9, so (1, 1) must be 9, but column 1 already has a 9
    puzzle = np.zeros(81, dtype=np.int8)
    puzzle[1:9] = np.arange(1, 9)
    puzzle[9 * 4] = 9
    assert count_solutions(puzzle) == 0
    assert solve(puzzle) is None


def test_solve_many_mixes_results():
    grids = np.stack([parse_puzzle(WIKIPEDIA), parse_puzzle(WIKIPEDIA_SOLUTION)])
    bad = parse_puzzle(WIKIPEDIA)
    bad[1] = 5
    results = solve_many(list(grids) + [bad])
    assert format_line(results[0]) == WIKIPEDIA_SOLUTION
    assert format_line(results[1]) == WIKIPEDIA_SOLUTION
    assert results[2] is None


def test_limit_must_be_positive():
    with pytest.raises(ValueError):
        count_solutions(np.zeros(81, dtype=np.int8), limit=0)


def test_rejects_malformed_grids():
    with pytest.raises(ValueError, match="81 cells"):
        solve(np.zeros(80, dtype=np.int8))
    with pytest.raises(ValueError, match="0-9"):
        solve(np.full(81, 10))


def test_fast_enough_on_hard_puzzles():
    puzzles = [parse_puzzle(p) for p in (ROYLE_17, INKALA, ESCARGOT)]
    start = time.perf_counter()
    for puzzle in puzzles:
        count_solutions(puzzle)
    # ~30 ms in total on one core; a generous bound so a loaded machine does not flake
    assert time.perf_counter() - start < 2.0
