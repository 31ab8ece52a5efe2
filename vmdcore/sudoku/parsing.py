"""Puzzle text in, puzzle text out: the public face of grid_text, puzzle_files and formatting."""

from __future__ import annotations

from .errors import PuzzleFormatError
from .formatting import format_bordered, format_grid, format_line
from .grid_text import parse_puzzle
from .puzzle_files import PuzzleEntry, parse_puzzle_collection, read_puzzle_file

__all__ = [
    "PuzzleEntry",
    "PuzzleFormatError",
    "format_bordered",
    "format_grid",
    "format_line",
    "parse_puzzle",
    "parse_puzzle_collection",
    "read_puzzle_file",
]
