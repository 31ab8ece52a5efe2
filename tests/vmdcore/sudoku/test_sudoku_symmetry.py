import numpy as np
import pytest

from vmdcore.sudoku import (
    augment,
    augment_batch,
    count_solutions,
    is_complete_solution,
    is_solved,
    parse_puzzle,
    rate,
    read_puzzle_file,
)

from sudoku_examples import INKALA, INKALA_SOLUTION, TESTSET, WIKIPEDIA, WIKIPEDIA_SOLUTION


def test_augment_keeps_validity_uniqueness_and_rating():
    puzzle, solution = parse_puzzle(INKALA), parse_puzzle(INKALA_SOLUTION)
    kept_puzzle, kept_solution = puzzle.copy(), solution.copy()
    rng = np.random.default_rng(0)
    seen = set()
    for _ in range(5):
        new_puzzle, new_solution = augment(puzzle, solution, rng)
        assert new_puzzle.dtype == np.int8
        assert is_solved(new_solution, new_puzzle)
        assert count_solutions(new_puzzle) == 1
        assert np.count_nonzero(new_puzzle) == np.count_nonzero(puzzle)
        assert rate(new_puzzle) == rate(puzzle)
        seen.add(new_puzzle.tobytes())
    assert len(seen) == 5
    np.testing.assert_array_equal(puzzle, kept_puzzle)
    np.testing.assert_array_equal(solution, kept_solution)


def test_augment_batch_transforms_each_row_independently():
    entries = read_puzzle_file(TESTSET)[:64]
    puzzles = np.stack([e.puzzle for e in entries])
    solutions = np.stack([e.solution for e in entries])
    new_puzzles, new_solutions = augment_batch(puzzles, solutions, np.random.default_rng(1))
    assert new_puzzles.shape == puzzles.shape and new_puzzles.dtype == np.int8
    for k in range(len(entries)):
        assert is_solved(new_solutions[k], new_puzzles[k])
        assert np.count_nonzero(new_puzzles[k]) == entries[k].puzzle.astype(bool).sum()
    for k in range(0, len(entries), 16):
        assert count_solutions(new_puzzles[k]) == 1
        assert rate(new_puzzles[k]).difficulty == rate(puzzles[k]).difficulty


def test_augment_batch_varies_over_rows_and_is_seeded():
    solution = parse_puzzle(WIKIPEDIA_SOLUTION)
    puzzle = parse_puzzle(WIKIPEDIA)
    puzzles = np.tile(puzzle.astype(np.int64), (256, 1))
    solutions = np.tile(solution.astype(np.int64), (256, 1))
    first = augment_batch(puzzles, solutions, np.random.default_rng(3))
    second = augment_batch(puzzles, solutions, np.random.default_rng(3))
    np.testing.assert_array_equal(first[0], second[0])
    assert first[0].dtype == np.int64
    assert len({row.tobytes() for row in first[0]}) == 256
    patterns = {(row > 0).tobytes() for row in first[0]}
    assert len(patterns) > 100  # cells move, not only digits
    assert all(is_complete_solution(row) for row in first[1])


def test_transposition_is_among_the_symmetries():
    solution = parse_puzzle(WIKIPEDIA_SOLUTION)
    # a clue pattern with a single full row: after augmenting it is a full row or a full column
    puzzle = np.zeros(81, dtype=np.int8)
    puzzle[:9] = solution[:9]
    outcomes = set()
    new, _ = augment_batch(np.tile(puzzle, (64, 1)), np.tile(solution, (64, 1)), np.random.default_rng(4))
    for row in new:
        grid = row.reshape(9, 9) > 0
        outcomes.add("row" if grid.all(axis=1).any() else "column" if grid.all(axis=0).any() else "other")
    assert outcomes == {"row", "column"}


def test_augment_batch_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="differ in shape"):
        augment_batch(np.zeros((2, 81), np.int8), np.zeros((3, 81), np.int8), np.random.default_rng(0))
