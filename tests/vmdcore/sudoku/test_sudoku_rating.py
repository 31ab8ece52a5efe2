import numpy as np
import pytest

from vmdcore.sudoku import Difficulty, Rating, generate, parse_puzzle, rate, read_puzzle_file, solve_logically
from vmdcore.sudoku.rating import TECHNIQUE_DIFFICULTY, solvable_with
from vmdcore.sudoku.techniques import TECHNIQUES, CandidateGrid, run_techniques

from sudoku_examples import ESCARGOT, INKALA, ROYLE_17, ROYLE_17_SOLUTION, TESTSET, WIKIPEDIA, WIKIPEDIA_SOLUTION


def test_levels_and_labels():
    assert [level.label for level in Difficulty] == ["Beginner", "Easy", "Medium", "Hard", "Expert"]
    assert list(Difficulty) == sorted(Difficulty)
    assert Difficulty.parse("hard") is Difficulty.HARD
    assert Difficulty.parse("Expert") is Difficulty.EXPERT
    assert Difficulty.parse("2") is Difficulty.EASY
    with pytest.raises(ValueError, match="unknown difficulty"):
        Difficulty.parse("nightmare")
    assert set(TECHNIQUE_DIFFICULTY) == {name for name, _ in TECHNIQUES} | {"search"}


def test_singles_only_puzzle_is_beginner():
    rating = rate(parse_puzzle(WIKIPEDIA))
    assert isinstance(rating, Rating)
    assert rating.difficulty == Difficulty.BEGINNER
    assert rating.hardest_technique == "hidden single"
    assert rating.technique_counts == {"hidden single": 51}  # one per empty cell


def test_17_clue_puzzle_falls_to_hidden_singles():
    result = solve_logically(parse_puzzle(ROYLE_17), Difficulty.BEGINNER)
    assert result.solved  # logic alone: so this solution is the only one
    np.testing.assert_array_equal(result.grid, parse_puzzle(ROYLE_17_SOLUTION))
    assert rate(parse_puzzle(ROYLE_17)).difficulty == Difficulty.BEGINNER


@pytest.mark.parametrize("text", [INKALA, ESCARGOT])
def test_famous_hard_puzzles_need_search(text):
    rating = rate(parse_puzzle(text))
    assert rating.difficulty == Difficulty.EXPERT
    assert rating.hardest_technique == "search"
    assert rating.technique_counts["search"] == 1


def test_logic_alone_stalls_on_a_search_puzzle():
    result = solve_logically(parse_puzzle(INKALA))
    assert not result.solved
    assert (result.grid == 0).any()


@pytest.mark.parametrize("level", list(Difficulty)[1:4])
def test_each_level_needs_its_techniques(level):
    puzzle = generate(11, level).puzzle
    rating = rate(puzzle)
    assert rating.difficulty == level
    assert TECHNIQUE_DIFFICULTY[rating.hardest_technique] == level
    values = puzzle.tolist()
    assert solvable_with(values, level)
    assert not solvable_with(values, Difficulty(level - 1))
    assert not solve_logically(puzzle, Difficulty(level - 1)).solved


def test_easy_puzzle_needs_a_naked_single_but_nothing_more():
    puzzle = generate(3, Difficulty.EASY).puzzle
    counts = rate(puzzle).technique_counts
    assert counts["naked single"] >= 1
    assert set(counts) <= {"hidden single", "naked single"}


def test_rating_rejects_puzzles_without_a_unique_solution():
    with pytest.raises(ValueError, match="more than one solution"):
        rate(np.zeros(81, dtype=np.int8))
    clash = parse_puzzle(WIKIPEDIA)
    clash[1] = 5
    with pytest.raises(ValueError, match="clash"):
        rate(clash)
    hidden_contradiction = np.zeros(81, dtype=np.int8)
    hidden_contradiction[1:9] = np.arange(1, 9)
    hidden_contradiction[36] = 9
    with pytest.raises(ValueError, match="no solution"):
        rate(hidden_contradiction)


def test_full_grid_needs_nothing():
    rating = rate(parse_puzzle(WIKIPEDIA_SOLUTION))
    assert (rating.difficulty, rating.hardest_technique, rating.technique_counts) == (Difficulty.BEGINNER, "none", {})


def test_logical_solver_never_places_a_wrong_digit_nor_drops_a_right_candidate():
    entries = read_puzzle_file(TESTSET)[::5]  # 200 puzzles, every level
    for entry in entries:
        solution = entry.solution.tolist()
        grid = CandidateGrid(entry.puzzle.tolist())
        run_techniques(grid, TECHNIQUES)
        for cell, digit, _ in grid.placements:
            assert digit == solution[cell]
        for cell in range(81):
            if grid.values[cell]:
                assert grid.values[cell] == solution[cell]
            else:
                assert grid.cand[cell] >> (solution[cell] - 1) & 1


def test_placements_are_reported_in_order_with_their_technique():
    result = solve_logically(parse_puzzle(WIKIPEDIA))
    assert result.solved
    assert len(result.placements) == 51
    assert {technique for _, _, technique in result.placements} == {"hidden single"}
    np.testing.assert_array_equal(result.grid, parse_puzzle(WIKIPEDIA_SOLUTION))
