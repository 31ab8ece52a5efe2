import numpy as np
import pytest

from vmdcore.sudoku import (
    PuzzleFormatError,
    format_grid,
    parse_puzzle,
    parse_puzzle_collection,
    read_puzzle_file,
)

from sudoku_examples import INKALA, INKALA_SOLUTION, ROYLE_17, ROYLE_17_SOLUTION, WIKIPEDIA, WIKIPEDIA_SOLUTION

PUZZLES = [WIKIPEDIA, ROYLE_17, INKALA]
SOLUTIONS = [WIKIPEDIA_SOLUTION, ROYLE_17_SOLUTION, INKALA_SOLUTION]


def assert_entries(entries, puzzles, solutions=None):
    assert len(entries) == len(puzzles)
    for index, entry in enumerate(entries):
        np.testing.assert_array_equal(entry.puzzle, parse_puzzle(puzzles[index]))
        assert entry.puzzle.dtype == np.int8
        if solutions is None:
            assert entry.solution is None
        else:
            np.testing.assert_array_equal(entry.solution, parse_puzzle(solutions[index]))


def test_sdm_one_puzzle_per_line():
    text = "\n".join(PUZZLES) + "\n\n"
    entries = parse_puzzle_collection(text, "collection.sdm")
    assert_entries(entries, PUZZLES)
    assert [entry.name for entry in entries] == ["puzzle 1", "puzzle 2", "puzzle 3"]


def test_several_81_character_lines_are_recognised_without_extension():
    text = "# my puzzles\n" + "\n".join(p.replace(".", "0") for p in PUZZLES)
    assert_entries(parse_puzzle_collection(text), PUZZLES)
    assert_entries(parse_puzzle_collection(text, "mine.txt"), PUZZLES)


def test_lines_may_carry_their_solution():
    text = "\n".join(f"{p} {s}" for p, s in zip(PUZZLES, SOLUTIONS))
    assert_entries(parse_puzzle_collection(text, "with_solutions.sdm"), PUZZLES, SOLUTIONS)


def test_kaggle_csv_layout():
    rows = [f"{p.replace('.', '0')},{s}" for p, s in zip(PUZZLES, SOLUTIONS)]
    text = "quizzes,solutions\n" + "\n".join(rows) + "\n"
    entries = parse_puzzle_collection(text, "sudoku.csv")
    assert_entries(entries, PUZZLES, SOLUTIONS)
    assert entries[2].name == "puzzle 3"


def test_csv_with_extra_columns_detected_by_content():
    rows = [f"{k},{p},{s},{81 - p.count('.')},hard" for k, (p, s) in enumerate(zip(PUZZLES, SOLUTIONS), 11)]
    text = "id,puzzle,solution,clues,difficulty\n" + "\n".join(rows)
    entries = parse_puzzle_collection(text)
    assert_entries(entries, PUZZLES, SOLUTIONS)
    assert [entry.name for entry in entries] == ["puzzle 11", "puzzle 12", "puzzle 13"]


def test_csv_columns_in_any_order_and_without_solutions():
    text = "difficulty,name,puzzle\neasy,Wikipedia example," + WIKIPEDIA + "\n"
    [entry] = parse_puzzle_collection(text, "named.csv")
    assert entry.name == "Wikipedia example"
    assert entry.solution is None
    np.testing.assert_array_equal(entry.puzzle, parse_puzzle(WIKIPEDIA))


def test_sdk_file_takes_its_name_from_the_description():
    text = "#AArto Inkala\n#DWorld's hardest\n" + format_grid(parse_puzzle(INKALA)) + "\n"
    [entry] = parse_puzzle_collection(text, "inkala.sdk")
    assert entry.name == "World's hardest"
    np.testing.assert_array_equal(entry.puzzle, parse_puzzle(INKALA))


def test_single_grid_in_a_text_file_is_named_after_the_file():
    [entry] = parse_puzzle_collection(format_grid(parse_puzzle(ROYLE_17)), "royle.txt")
    assert entry.name == "royle"
    [unnamed] = parse_puzzle_collection(ROYLE_17)
    assert unnamed.name == "puzzle 1"


def test_read_puzzle_file(tmp_path):
    path = tmp_path / "set.csv"
    path.write_text("quizzes,solutions\n" + f"{WIKIPEDIA},{WIKIPEDIA_SOLUTION}\n", encoding="utf-8")
    assert_entries(read_puzzle_file(path), [WIKIPEDIA], [WIKIPEDIA_SOLUTION])
    assert_entries(read_puzzle_file(str(path)), [WIKIPEDIA], [WIKIPEDIA_SOLUTION])


def test_read_puzzle_file_with_byte_order_mark(tmp_path):
    path = tmp_path / "bom.sdm"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(PUZZLES).encode())
    assert_entries(read_puzzle_file(path), PUZZLES)


# --- malformed files --------------------------------------------------------------------


def test_sdm_bad_line_is_named():
    lines = [WIKIPEDIA, INKALA[:80], ROYLE_17]
    with pytest.raises(PuzzleFormatError) as info:
        parse_puzzle_collection("\n".join(lines), "bad.sdm")
    assert info.value.line == 2
    assert str(info.value) == "bad.sdm, line 2: found 80 cells, a puzzle needs 81"


def test_sdm_bad_character_has_line_and_column():
    lines = [WIKIPEDIA, "  " + INKALA[:5] + "x" + INKALA[6:]]
    with pytest.raises(PuzzleFormatError) as info:
        parse_puzzle_collection("\n".join(lines), "bad.sdm")
    assert (info.value.line, info.value.column) == (2, 8)
    assert "unexpected character 'x'" in str(info.value)


def test_csv_bad_puzzle_names_row_and_column():
    text = "quizzes,solutions\n" + f"{WIKIPEDIA},{WIKIPEDIA_SOLUTION}\n" + f"{INKALA[:80]},{INKALA_SOLUTION}\n"
    with pytest.raises(PuzzleFormatError) as info:
        parse_puzzle_collection(text, "sudoku.csv")
    error = info.value
    assert error.line == 3
    assert error.column_name == "quizzes"
    assert error.column == 1
    assert str(error) == "sudoku.csv, line 3, column 'quizzes': found 80 cells, a puzzle needs 81"


def test_csv_bad_character_position_is_given():
    text = "puzzle,solution\n" + f"{WIKIPEDIA},{WIKIPEDIA_SOLUTION[:3]}?{WIKIPEDIA_SOLUTION[4:]}\n"
    with pytest.raises(PuzzleFormatError) as info:
        parse_puzzle_collection(text, "x.csv")
    assert info.value.line == 2
    assert info.value.column == 2
    assert "column 'solution': unexpected character '?' at position 4" in str(info.value)


def test_csv_solution_that_does_not_fit_its_puzzle():
    text = "quizzes,solutions\n" + f"{WIKIPEDIA},{INKALA_SOLUTION}\n"
    with pytest.raises(PuzzleFormatError) as info:
        parse_puzzle_collection(text, "sudoku.csv")
    assert info.value.line == 2
    assert "column 'solutions': the solution does not keep the clue at row 1, column 1 (puzzle 5, solution 8)" in str(
        info.value
    )


def test_csv_solution_that_breaks_the_rules():
    broken = "1" + WIKIPEDIA_SOLUTION[1:]
    text = "quizzes,solutions\n" + f"{'.' * 81},{broken}\n"
    with pytest.raises(PuzzleFormatError, match="breaks the rules") as info:
        parse_puzzle_collection(text, "sudoku.csv")
    assert info.value.line == 2


def test_csv_without_puzzle_column():
    with pytest.raises(PuzzleFormatError) as info:
        parse_puzzle_collection("a,b\n1,2\n", "odd.csv")
    assert info.value.line == 1
    assert "no puzzle column" in str(info.value)
    assert "'a', 'b'" in str(info.value)


def test_csv_short_row():
    text = "id,puzzle,solution\n1," + WIKIPEDIA + "," + WIKIPEDIA_SOLUTION + "\n2\n"
    with pytest.raises(PuzzleFormatError, match="this row has 1 fields, the header has 3") as info:
        parse_puzzle_collection(text, "short.csv")
    assert info.value.line == 3


def test_empty_collection():
    with pytest.raises(PuzzleFormatError, match="empty"):
        parse_puzzle_collection("\n  \n", "nothing.sdm")


def test_unreadable_files(tmp_path):
    with pytest.raises(PuzzleFormatError, match="cannot read the file"):
        read_puzzle_file(tmp_path / "missing.sdm")
    binary = tmp_path / "image.sdm"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(PuzzleFormatError, match="image.sdm: this is a binary file"):
        read_puzzle_file(binary)
    latin = tmp_path / "latin.txt"
    latin.write_bytes(WIKIPEDIA.encode() + b"\n# caf\xe9\n")
    with pytest.raises(PuzzleFormatError, match="not UTF-8 text") as info:
        read_puzzle_file(latin)
    assert info.value.line == 2


def test_sdm_solution_that_does_not_fit_names_the_line():
    text = f"{WIKIPEDIA} {WIKIPEDIA_SOLUTION}\n{INKALA} {WIKIPEDIA_SOLUTION}\n"
    with pytest.raises(PuzzleFormatError) as info:
        parse_puzzle_collection(text, "pairs.sdm")
    assert (info.value.line, info.value.column) == (2, None)
    assert str(info.value).startswith("pairs.sdm, line 2: the solution does not keep the clue at row 1, column 1")


def test_entries_are_plain_int8_grids_even_for_large_files():
    text = "quizzes,solutions\n" + f"{WIKIPEDIA},{WIKIPEDIA_SOLUTION}\n" * 2000
    entries = parse_puzzle_collection(text, "big.csv")
    assert len(entries) == 2000
    assert entries[-1].puzzle.shape == (81,) and entries[-1].solution.dtype == np.int8
    np.testing.assert_array_equal(entries[-1].solution, parse_puzzle(WIKIPEDIA_SOLUTION))
