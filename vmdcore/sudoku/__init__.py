"""Sudoku puzzles: reading and writing them, the rules, an exact solver, a human-style
difficulty rating and a seeded generator. Pure Python + numpy.

A grid is a numpy int8 array of shape (81,), row-major (cell = 9 * row + col), 0 = empty.

Modules: layout (cell geometry), grids (array checks), rules (conflicts, solved?),
grid_text / puzzle_files / formatting behind parsing (text in and out), errors
(PuzzleFormatError), solver (exact search), techniques + rating (human difficulty),
symmetry (augmentation), generator (seeded puzzles), benchmark (speed report).
"""

from .errors import PuzzleFormatError
from .generator import (
    GeneratedPuzzle,
    GenerationError,
    augment,
    augment_batch,
    generate,
    generate_many,
    puzzle_seeds,
    random_grids,
    random_solution,
    remove_clues,
)
from .grids import as_grid
from .parsing import (PuzzleEntry, format_bordered, format_grid, format_line, parse_puzzle, parse_puzzle_collection,
                      read_puzzle_file)
from .rating import Difficulty, LogicResult, Rating, rate, solve_logically
from .rules import (BOX_OF, COL_OF, PEERS, ROW_OF, UNITS, conflict_pairs, conflicting_cells, describe_conflicts,
                    is_complete_solution, is_solved, keeps_clues)
from .solver import count_solutions, solve, solve_many

__all__ = [
    "BOX_OF",
    "COL_OF",
    "PEERS",
    "ROW_OF",
    "UNITS",
    "Difficulty",
    "GeneratedPuzzle",
    "GenerationError",
    "LogicResult",
    "PuzzleEntry",
    "PuzzleFormatError",
    "Rating",
    "as_grid",
    "augment",
    "augment_batch",
    "conflict_pairs",
    "conflicting_cells",
    "count_solutions",
    "describe_conflicts",
    "format_bordered",
    "format_grid",
    "format_line",
    "generate",
    "generate_many",
    "is_complete_solution",
    "is_solved",
    "keeps_clues",
    "parse_puzzle",
    "parse_puzzle_collection",
    "puzzle_seeds",
    "random_grids",
    "random_solution",
    "rate",
    "read_puzzle_file",
    "remove_clues",
    "solve",
    "solve_logically",
    "solve_many",
]
