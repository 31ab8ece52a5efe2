import numpy as np
import pytest

from vmdcore.sudoku import PuzzleFormatError, format_bordered, format_grid, format_line, parse_puzzle

from sudoku_examples import WIKIPEDIA, WIKIPEDIA_SOLUTION

EXPECTED = np.array([0 if c == "." else int(c) for c in WIKIPEDIA], dtype=np.int8)

NINE_LINES = """\
53..7....
6..195...
.98....6.
8...6...3
4..8.3..1
7...2...6
.6....28.
...419..5
....8..79
"""


def assert_expected(grid: np.ndarray) -> None:
    assert grid.dtype == np.int8
    assert grid.shape == (81,)
    np.testing.assert_array_equal(grid, EXPECTED)


@pytest.mark.parametrize("blank", [".", "0", "-", "*", "_"])
def test_81_characters_with_each_blank(blank):
    assert_expected(parse_puzzle(WIKIPEDIA.replace(".", blank)))


def test_81_characters_wrapped_with_spaces_and_newlines():
    text = "  " + " ".join(WIKIPEDIA[:40]) + "\n\n" + WIKIPEDIA[40:60] + "\n" + WIKIPEDIA[60:] + "\n"
    assert_expected(parse_puzzle(text))


def test_nine_line_grid():
    assert_expected(parse_puzzle(NINE_LINES))


def test_nine_line_grid_separated_by_spaces_and_tabs():
    spaced = "\n".join(" ".join(row) for row in NINE_LINES.split())
    tabbed = "\n".join("\t".join(row.replace(".", "0")) for row in NINE_LINES.split())
    assert_expected(parse_puzzle(spaced))
    assert_expected(parse_puzzle(tabbed))


def test_comma_separated_grid_with_empty_fields_as_blanks():
    rows = [",".join("" if c == "." else c for c in row) for row in NINE_LINES.split()]
    assert_expected(parse_puzzle("\n".join(rows)))
    # a trailing comma closes the row instead of opening a tenth cell
    assert_expected(parse_puzzle("\n".join(row + "," for row in rows)))


def test_semicolon_separated_grid_with_zeros():
    rows = [";".join(row.replace(".", "0")) for row in NINE_LINES.split()]
    assert_expected(parse_puzzle("\n".join(rows)))


def test_bordered_grid_with_plus_minus_pipe():
    text = """
    +-------+-------+-------+
    | 5 3 . | . 7 . | . . . |
    | 6 . . | 1 9 5 | . . . |
    | . 9 8 | . . . | . 6 . |
    +-------+-------+-------+
    | 8 . . | . 6 . | . . 3 |
    | 4 . . | 8 . 3 | . . 1 |
    | 7 . . | . 2 . | . . 6 |
    +-------+-------+-------+
    | . 6 . | . . . | 2 8 . |
    | . . . | 4 1 9 | . . 5 |
    | . . . | . 8 . | . 7 9 |
    +-------+-------+-------+
    """
    assert_expected(parse_puzzle(text))


def test_bordered_grid_with_equals_and_colon_borders_and_dash_blanks():
    text = """
    53- : -7- : ---
    6-- : 195 : ---
    -98 : --- : -6-
    ====+=====+====
    8-- : -6- : --3
    4-- : 8-3 : --1
    7-- : -2- : --6
    ---------------
    -6- : --- : 28-
    --- : 419 : --5
    --- : -8- : -79
    """
    assert_expected(parse_puzzle(text))


def test_grid_drawn_with_box_drawing_characters():
    rows = NINE_LINES.split()
    drawn = ["┌───────┬───────┬───────┐"]
    for index, row in enumerate(rows):
        drawn.append("│ " + " │ ".join(" ".join(row[s * 3 : s * 3 + 3]) for s in range(3)) + " │")
        if index in (2, 5):
            drawn.append("├───────┼───────┼───────┤")
    drawn.append("└───────┴───────┴───────┘")
    assert_expected(parse_puzzle("\n".join(drawn)))


def test_sdk_content_ignores_metadata_lines():
    text = "#AArto Inkala\n#DA classic\n#B12-03-2006\n" + NINE_LINES + "# trailing comment\n"
    assert_expected(parse_puzzle(text))


def test_byte_order_mark_is_ignored():
    assert_expected(parse_puzzle("\ufeff" + NINE_LINES))


@pytest.mark.parametrize("blank", [".", "0", "-", "*", "_"])
@pytest.mark.parametrize("writer", [format_line, format_grid, format_bordered])
def test_every_written_form_reads_back(writer, blank):
    for text in (WIKIPEDIA, WIKIPEDIA_SOLUTION, "." * 81):
        grid = parse_puzzle(text)
        np.testing.assert_array_equal(parse_puzzle(writer(grid, blank)), grid)


def test_written_forms_look_as_documented():
    grid = parse_puzzle(WIKIPEDIA)
    assert format_line(grid) == WIKIPEDIA
    assert format_line(grid, "0") == WIKIPEDIA.replace(".", "0")
    assert format_grid(grid) == NINE_LINES.rstrip("\n")
    bordered = format_bordered(grid).splitlines()
    assert len(bordered) == 13
    assert bordered[0] == "+-------+-------+-------+"
    assert bordered[1] == "| 5 3 . | . 7 . | . . . |"


def test_format_rejects_an_unreadable_blank():
    with pytest.raises(ValueError, match="blank"):
        format_line(parse_puzzle(WIKIPEDIA), blank="x")


def test_parse_returns_a_fresh_array():
    first = parse_puzzle(WIKIPEDIA)
    first[0] = 9
    assert parse_puzzle(WIKIPEDIA)[0] == 5


# --- malformed text ---------------------------------------------------------------------


def test_unexpected_character_names_line_and_column():
    rows = NINE_LINES.splitlines()
    rows[2] = ".98..x.6."
    with pytest.raises(PuzzleFormatError) as info:
        parse_puzzle("\n".join(rows))
    error = info.value
    assert (error.line, error.column) == (3, 6)
    assert str(error) == "line 3, column 6: unexpected character 'x' (expected a digit 1-9 or a blank . 0 - *)"


def test_unexpected_character_in_a_single_line():
    with pytest.raises(PuzzleFormatError) as info:
        parse_puzzle(WIKIPEDIA[:10] + "a" + WIKIPEDIA[11:])
    assert (info.value.line, info.value.column) == (1, 11)
    assert "unexpected character 'a'" in str(info.value)


def test_metadata_lines_still_count_for_line_numbers():
    with pytest.raises(PuzzleFormatError) as info:
        parse_puzzle("#Dcomment\n" + NINE_LINES.replace("8...6...3", "8...6..?3"))
    assert (info.value.line, info.value.column) == (5, 8)


@pytest.mark.parametrize("text", ["", "   \n\n\t"])
def test_empty_text(text):
    with pytest.raises(PuzzleFormatError, match="empty") as info:
        parse_puzzle(text)
    assert info.value.line is None


def test_too_few_cells():
    with pytest.raises(PuzzleFormatError) as info:
        parse_puzzle(WIKIPEDIA[:80])
    assert str(info.value) == "found 80 cells, a puzzle needs 81"


def test_too_many_cells():
    with pytest.raises(PuzzleFormatError, match="found 83 cells, a puzzle needs 81"):
        parse_puzzle(WIKIPEDIA + "12")


def test_a_row_with_too_many_cells_is_named():
    rows = NINE_LINES.splitlines()
    rows[3] += "1"
    with pytest.raises(PuzzleFormatError) as info:
        parse_puzzle("\n".join(rows))
    assert info.value.line == 4
    assert "row 4 has 10 cells" in str(info.value)


def test_rows_of_wrong_length_are_caught_even_when_the_total_is_81():
    rows = NINE_LINES.splitlines()
    rows[3], rows[4] = rows[3] + "1", rows[4][:-1]
    with pytest.raises(PuzzleFormatError, match="row 4 has 10 cells"):
        parse_puzzle("\n".join(rows))


def test_ten_rows():
    with pytest.raises(PuzzleFormatError, match="found 10 rows of 9 cells, a puzzle needs 9 rows"):
        parse_puzzle(NINE_LINES + "123456789\n")


def test_several_puzzles_point_to_the_collection_reader():
    with pytest.raises(PuzzleFormatError, match="parse_puzzle_collection"):
        parse_puzzle(WIKIPEDIA + "\n" + WIKIPEDIA)


def test_comma_field_with_two_characters():
    rows = [",".join(row) for row in NINE_LINES.split()]
    rows[1] = "6,,,19,5,,,,"
    with pytest.raises(PuzzleFormatError) as info:
        parse_puzzle("\n".join(rows))
    assert info.value.line == 2
    assert info.value.column == 5
    assert "'19'" in str(info.value)


def test_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_puzzle("hello")
