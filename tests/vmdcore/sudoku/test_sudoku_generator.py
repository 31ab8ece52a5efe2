import numpy as np
import pytest

from vmdcore.sudoku import (
    Difficulty,
    GeneratedPuzzle,
    GenerationError,
    count_solutions,
    generate,
    generate_many,
    is_complete_solution,
    is_solved,
    puzzle_seeds,
    random_solution,
    rate,
    remove_clues,
)


def assert_sound(generated: GeneratedPuzzle) -> None:
    assert generated.puzzle.dtype == np.int8 and generated.puzzle.shape == (81,)
    assert generated.solution.dtype == np.int8 and generated.solution.shape == (81,)
    assert count_solutions(generated.puzzle) == 1
    assert is_solved(generated.solution, generated.puzzle)
    assert generated.clues == np.count_nonzero(generated.puzzle)
    assert rate(generated.puzzle).difficulty == generated.difficulty


def assert_same(a: GeneratedPuzzle, b: GeneratedPuzzle) -> None:
    np.testing.assert_array_equal(a.puzzle, b.puzzle)
    np.testing.assert_array_equal(a.solution, b.solution)
    assert (a.clues, a.difficulty, a.seed) == (b.clues, b.difficulty, b.seed)


def test_random_solution_is_valid_and_seeded():
    first = random_solution(np.random.default_rng(5))
    assert first.dtype == np.int8 and is_complete_solution(first)
    np.testing.assert_array_equal(first, random_solution(np.random.default_rng(5)))
    others = {random_solution(np.random.default_rng(seed)).tobytes() for seed in range(20)}
    assert len(others) == 20


def test_same_seed_same_puzzle():
    assert_same(generate(42), generate(42))
    assert not np.array_equal(generate(42).puzzle, generate(43).puzzle)


def test_generated_puzzle_is_unique_valid_and_near_minimal():
    generated = generate(7)
    assert_sound(generated)
    assert generated.seed == 7
    assert 17 <= generated.clues <= 30
    # minimal: removing any clue makes the solution ambiguous
    for cell in np.flatnonzero(generated.puzzle)[:10]:
        fewer = generated.puzzle.copy()
        fewer[cell] = 0
        assert count_solutions(fewer) == 2


@pytest.mark.parametrize("level", list(Difficulty))
def test_asked_difficulty_is_honoured(level):
    generated = generate(2026, level)
    assert generated.difficulty == level
    assert_sound(generated)


def test_max_clues():
    generated = generate(3, max_clues=23)
    assert generated.clues <= 23
    assert_sound(generated)


def test_symmetric_clues():
    generated = generate(4, symmetric=True)
    filled = generated.puzzle > 0
    np.testing.assert_array_equal(filled, filled[::-1])
    assert_sound(generated)


def test_impossible_request_fails_clearly():
    expected = r"could not generate an Expert puzzle with at most 17 clues in 3 tries \(seed 1\)"
    with pytest.raises(GenerationError, match=expected):
        generate(1, Difficulty.EXPERT, max_clues=17, max_tries=3)


def test_generate_many_is_seeded_and_reproducible():
    batch = generate_many(3, seed=9, difficulty=Difficulty.EASY)
    again = generate_many(3, seed=9, difficulty=Difficulty.EASY)
    assert len(batch) == 3
    for a, b in zip(batch, again):
        assert_same(a, b)
        assert a.difficulty == Difficulty.EASY
        assert_same(a, generate(a.seed, Difficulty.EASY))
    assert len({p.puzzle.tobytes() for p in batch}) == 3
    # asking for more keeps the first ones
    assert_same(generate_many(4, seed=9, difficulty=Difficulty.EASY)[0], batch[0])


def test_remove_clues_on_a_given_grid():
    rng = np.random.default_rng(8)
    solution = random_solution(rng)
    order = rng.permutation(81)
    puzzle = remove_clues(solution, order)
    assert count_solutions(puzzle) == 1 and is_solved(solution, puzzle)
    easy = remove_clues(solution, order, within=Difficulty.BEGINNER)
    assert rate(easy).difficulty == Difficulty.BEGINNER
    assert is_solved(solution, easy)


def test_puzzle_seeds_are_prefix_stable():
    assert puzzle_seeds(5, 1)[:3] == puzzle_seeds(3, 1)
    assert len(set(puzzle_seeds(100, 1))) == 100
