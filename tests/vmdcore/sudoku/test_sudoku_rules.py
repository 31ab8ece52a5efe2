import numpy as np

from vmdcore.sudoku import (BOX_OF, COL_OF, PEERS, ROW_OF, UNITS, conflict_pairs, conflicting_cells, describe_conflicts,
                            is_complete_solution, is_solved, keeps_clues, parse_puzzle)

from sudoku_examples import WIKIPEDIA, WIKIPEDIA_SOLUTION


def cell(row: int, col: int) -> int:
    return 9 * row + col


def test_layout_tables():
    assert PEERS.shape == (81, 20) and UNITS.shape == (27, 9)
    assert ROW_OF[cell(3, 5)] == 3 and COL_OF[cell(3, 5)] == 5 and BOX_OF[cell(3, 5)] == 4
    assert BOX_OF[cell(8, 8)] == 8 and BOX_OF[cell(2, 6)] == 2 and BOX_OF[cell(6, 2)] == 6
    # every cell lies in exactly one row, one column and one box
    np.testing.assert_array_equal(np.bincount(UNITS.ravel(), minlength=81), np.full(81, 3))
    assert set(UNITS[18].tolist()) == {0, 1, 2, 9, 10, 11, 18, 19, 20}
    for index in range(81):
        peers = set(PEERS[index].tolist())
        assert len(peers) == 20 and index not in peers
        for other in peers:
            assert index in PEERS[other]
            shares = ROW_OF[index] == ROW_OF[other] or COL_OF[index] == COL_OF[other] or BOX_OF[index] == BOX_OF[other]
            assert shares


def hand_made_grid() -> np.ndarray:
    grid = np.zeros(81, dtype=np.int8)
    grid[cell(0, 0)] = grid[cell(0, 8)] = 5  # same row
    grid[cell(1, 1)] = grid[cell(8, 1)] = 3  # same column
    grid[cell(3, 3)] = grid[cell(4, 4)] = 7  # same box
    grid[cell(2, 2)] = 5  # same box as (0, 0): a second clash for that cell
    grid[cell(6, 6)] = 7  # no clash: 7s at (3, 3) and (4, 4) are elsewhere
    grid[cell(5, 0)] = 4
    return grid


def test_conflicting_cells_on_a_hand_made_grid():
    clashing = conflicting_cells(hand_made_grid())
    assert clashing.dtype == bool and clashing.shape == (81,)
    expected = {cell(0, 0), cell(0, 8), cell(1, 1), cell(8, 1), cell(3, 3), cell(4, 4), cell(2, 2)}
    assert set(np.flatnonzero(clashing).tolist()) == expected


def test_conflict_pairs_on_a_hand_made_grid():
    assert conflict_pairs(hand_made_grid()) == [
        (cell(0, 0), cell(0, 8)),
        (cell(0, 0), cell(2, 2)),
        (cell(1, 1), cell(8, 1)),
        (cell(3, 3), cell(4, 4)),
    ]


def test_conflicts_are_described_one_based():
    sentences = describe_conflicts(hand_made_grid())
    assert sentences[0] == "row 1, column 1 and row 1, column 9 both hold 5 (same row)"
    assert "row 2, column 2 and row 9, column 2 both hold 3 (same column)" in sentences
    assert "row 4, column 4 and row 5, column 5 both hold 7 (same box)" in sentences


def test_no_conflicts_in_a_valid_puzzle_and_solution():
    for text in (WIKIPEDIA, WIKIPEDIA_SOLUTION, "." * 81):
        grid = parse_puzzle(text)
        assert not conflicting_cells(grid).any()
        assert conflict_pairs(grid) == []


def test_solution_checks():
    puzzle, solution = parse_puzzle(WIKIPEDIA), parse_puzzle(WIKIPEDIA_SOLUTION)
    assert is_complete_solution(solution)
    assert keeps_clues(solution, puzzle)
    assert is_solved(solution, puzzle)
    assert not is_complete_solution(puzzle)
    assert not is_solved(puzzle, puzzle)

    swapped = solution.copy()
    swapped[[0, 1]] = swapped[[1, 0]]  # rows stay full, columns break
    assert not is_complete_solution(swapped)
    assert not is_solved(swapped, puzzle)

    relabel = np.array([0, 2, 1, 3, 4, 5, 6, 7, 8, 9], dtype=np.int8)
    other = relabel[solution]  # 1 and 2 swapped: still a valid grid, but not this puzzle's
    assert is_complete_solution(other)
    assert not keeps_clues(other, puzzle)
    assert not is_solved(other, puzzle)


def test_rules_accept_nine_by_nine_arrays_and_lists():
    solution = parse_puzzle(WIKIPEDIA_SOLUTION)
    assert is_complete_solution(solution.reshape(9, 9))
    assert is_complete_solution(solution.tolist())
