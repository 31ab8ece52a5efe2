"""Writing a grid as text; every form here reads back with parse_puzzle."""

from __future__ import annotations

from .grids import as_grid
from .grid_text import BLANK_CHARS


def _check_blank(blank: str) -> None:
    if len(blank) != 1 or blank not in BLANK_CHARS:
        raise ValueError(f"blank must be one of {' '.join(BLANK_CHARS)}, got {blank!r}")


def _symbols(grid, blank: str) -> list[str]:
    _check_blank(blank)
    return [str(value) if value else blank for value in as_grid(grid).tolist()]


def format_line(grid, blank: str = ".") -> str:
    """81 characters, row by row: '53..7....6..195...'."""
    return "".join(_symbols(grid, blank))


def format_grid(grid, blank: str = ".") -> str:
    """9 lines of 9 characters, no borders, no trailing newline."""
    line = format_line(grid, blank)
    return "\n".join(line[row * 9 : row * 9 + 9] for row in range(9))


def format_bordered(grid, blank: str = ".") -> str:
    """A drawn grid:

    +-------+-------+-------+
    | 5 3 . | . 7 . | . . . |
    ...
    """
    symbols = _symbols(grid, blank)
    border = "+-------+-------+-------+"
    lines = [border]
    for row in range(9):
        cells = symbols[row * 9 : row * 9 + 9]
        stacks = [" ".join(cells[stack * 3 : stack * 3 + 3]) for stack in range(3)]
        lines.append("| " + " | ".join(stacks) + " |")
        if row % 3 == 2:
            lines.append(border)
    return "\n".join(lines)
