"""The bundled puzzle files: the fixed test set and the app's library."""

import collections
import csv

import numpy as np
import pytest

from vmdcore.sudoku import Difficulty, count_solutions, format_line, generate, rate, read_puzzle_file

from sudoku_examples import LIBRARY, TESTSET

HEADER = ["id", "puzzle", "solution", "clues", "difficulty", "seed"]


@pytest.mark.parametrize("path, per_level", [(TESTSET, 200), (LIBRARY, 20)])
def test_puzzle_set_layout(path, per_level):
    assert path.stat().st_size < 1_000_000
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == HEADER
    rows = rows[1:]
    assert [int(row[0]) for row in rows] == list(range(1, len(rows) + 1))
    levels = collections.Counter(Difficulty.parse(row[4]) for row in rows)
    assert levels == {level: per_level for level in Difficulty}
    assert all("." in row[1] and "0" not in row[1] for row in rows)

    entries = read_puzzle_file(path)  # also checks every solution against its puzzle
    assert len({entry.puzzle.tobytes() for entry in entries}) == len(rows)
    clues = np.array([int(row[3]) for row in rows])
    np.testing.assert_array_equal(clues, [np.count_nonzero(entry.puzzle) for entry in entries])
    assert ((clues >= 17) & (clues <= 30)).mean() > 0.95


@pytest.mark.parametrize("path", [TESTSET, LIBRARY])
def test_sampled_rows_are_unique_and_rated_as_labelled(path):
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    entries = read_puzzle_file(path)
    for index in range(0, len(rows), len(rows) // 25):
        assert count_solutions(entries[index].puzzle) == 1
        assert rate(entries[index].puzzle).difficulty == Difficulty.parse(rows[index]["difficulty"])


def test_library_and_testset_do_not_overlap():
    library = {entry.puzzle.tobytes() for entry in read_puzzle_file(LIBRARY)}
    testset = {entry.puzzle.tobytes() for entry in read_puzzle_file(TESTSET)}
    assert not library & testset


def test_rows_are_recreated_by_their_seed():
    with TESTSET.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows[::200]:  # the first row of each level
        generated = generate(int(row["seed"]), Difficulty.parse(row["difficulty"]))
        assert format_line(generated.puzzle) == row["puzzle"]
        assert format_line(generated.solution) == row["solution"]
