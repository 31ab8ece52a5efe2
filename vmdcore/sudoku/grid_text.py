"""Reading one puzzle from text in any common layout.

Accepted: 81 cells on one line or wrapped over several; a 9-line grid, optionally separated
by spaces, tabs, commas or semicolons (an empty comma field is a blank); a grid drawn with
+ - = | : borders (or Unicode box-drawing lines); .sdk content, whose '#' lines are metadata.
Blanks: 0 . - * _ ; digits 1-9.
"""

from __future__ import annotations

import numpy as np

from .errors import PuzzleFormatError

BLANK_CHARS = "0.-*_"
DIGIT_CHARS = "123456789"
CELL_CHARS = frozenset(BLANK_CHARS + DIGIT_CHARS)
EXPECTED = "expected a digit 1-9 or a blank . 0 - *"

_BOX_DRAWING = frozenset(chr(code) for code in range(0x2500, 0x2580))
_BORDER_CHARS = frozenset("-=+|:") | _BOX_DRAWING
# Inside a row, these only draw the grid and carry no cell.
_ROW_DECORATION = frozenset("|:") | _BOX_DRAWING
BLANKS_TO_ZERO = str.maketrans({blank: "0" for blank in BLANK_CHARS})

Cells = list[tuple[int, int]]  # (value 0-9, 1-based column) per cell


def is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def is_border(line: str) -> bool:
    """A line that only draws the grid, e.g. '+-------+-------+' or '------+------+------'.

    A line of exactly 9 (or 81) dashes is a row of blanks, since '-' is also a blank."""
    visible = [char for char in line if not char.isspace()]
    if not visible or not set(visible) <= _BORDER_CHARS:
        return False
    dashes_only = [char for char in visible if char not in _ROW_DECORATION]
    if dashes_only and set(dashes_only) == {"-"}:
        return len(dashes_only) not in (9, 81)
    return True


def fast_line(text: str) -> np.ndarray | None:
    """The grid of an exact 81-character line of digits and blanks, else None (no errors)."""
    if len(text) != 81 or not set(text) <= CELL_CHARS:
        return None
    codes = np.frombuffer(text.translate(BLANKS_TO_ZERO).encode("ascii"), dtype=np.uint8)
    return (codes - 48).astype(np.int8)


def _cell_value(char: str, line_no: int, column: int) -> int:
    if char in DIGIT_CHARS:
        return ord(char) - 48
    if char in BLANK_CHARS:
        return 0
    raise PuzzleFormatError(f"unexpected character {char!r} ({EXPECTED})", line_no, column)


def _uses_fields(line: str) -> str | None:
    """The field separator when the line is a delimited row (',' ';' or tab), else None."""
    for separator in ",;":
        if separator in line:
            return separator
    if "\t" in line:
        fields = line.strip(" \r\n").split("\t")
        if len(fields) - 1 in (9, 81) and fields[-1].strip() == "":
            fields = fields[:-1]
        # Tabs only delimit when every field is a single cell; otherwise they are spacing.
        if len(fields) in (9, 81) and all(len(field.strip()) <= 1 for field in fields):
            return "\t"
    return None


def _field_cells(line: str, separator: str, line_no: int) -> Cells:
    cells: Cells = []
    start = 0
    fields = line.split(separator)
    if len(fields) - 1 in (9, 81) and fields[-1].strip() == "":
        fields = fields[:-1]  # a trailing separator ends the row, it opens no cell
    for field in fields:
        offset = start
        start += len(field) + 1
        content = [(i, char) for i, char in enumerate(field) if not char.isspace() and char not in _ROW_DECORATION]
        if not content:
            cells.append((0, offset + 1))
            continue
        if len(content) > 1:
            position = offset + content[0][0] + 1
            text = "".join(char for _, char in content)
            raise PuzzleFormatError(f"field {text!r} holds more than one cell ({EXPECTED})", line_no, position)
        i, char = content[0]
        cells.append((_cell_value(char, line_no, offset + i + 1), offset + i + 1))
    return cells


def line_cells(line: str, line_no: int) -> Cells:
    """The cells written on one line (which is neither a comment nor a border)."""
    separator = _uses_fields(line)
    if separator is not None:
        return _field_cells(line, separator, line_no)
    return [
        (_cell_value(char, line_no, column), column)
        for column, char in enumerate(line, start=1)
        if not char.isspace() and char not in _ROW_DECORATION
    ]


def content_rows(text: str) -> list[tuple[int, Cells]]:
    """(line number, cells) for each line that holds cells."""
    rows = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if line_no == 1:
            line = line.lstrip("\ufeff")
        if not line.strip() or is_comment(line) or is_border(line):
            continue
        rows.append((line_no, line_cells(line, line_no)))
    return [(line_no, cells) for line_no, cells in rows if cells]


def parse_puzzle(text: str) -> np.ndarray:
    """One puzzle from text in any common layout -> int8 array (81,), 0 = empty.

    Raises PuzzleFormatError naming the line and column of the problem.
    """
    if not text.strip():
        raise PuzzleFormatError("the text is empty, a puzzle needs 81 cells")
    stripped = text.strip()
    quick = fast_line(stripped)
    if quick is not None:
        return quick
    rows = content_rows(text)
    if not rows:
        raise PuzzleFormatError("found no cells, a puzzle needs 81")
    total = sum(len(cells) for _, cells in rows)
    if len(rows) == 9 and any(len(cells) != 9 for _, cells in rows):
        number, (line_no, cells) = next((k, row) for k, row in enumerate(rows, 1) if len(row[1]) != 9)
        raise PuzzleFormatError(f"row {number} has {len(cells)} cells, a row needs 9", line_no)
    if total != 81:
        raise PuzzleFormatError(_count_problem(rows, total))
    return np.array([value for _, cells in rows for value, _ in cells], dtype=np.int8)


def _count_problem(rows: list[tuple[int, Cells]], total: int) -> str:
    lengths = {len(cells) for _, cells in rows}
    if lengths == {9}:
        return f"found {len(rows)} rows of 9 cells, a puzzle needs 9 rows"
    if lengths == {81} and len(rows) > 1:
        return (
            f"found {len(rows)} lines of 81 cells, a single puzzle needs 81 cells "
            "(read several with parse_puzzle_collection)"
        )
    return f"found {total} cells, a puzzle needs 81"
