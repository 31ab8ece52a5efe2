"""The bundled puzzle library: resources/puzzles/library.csv (id,puzzle,solution,clues,difficulty,seed)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from vmdcore.sudoku import Difficulty, PuzzleFormatError, parse_puzzle


@dataclass(frozen=True, eq=False)
class LibraryPuzzle:
    id: str
    puzzle: np.ndarray
    solution: np.ndarray | None
    difficulty: Difficulty | None

    @property
    def clues(self) -> int:
        return int(np.count_nonzero(self.puzzle))


class LibraryError(Exception):
    pass


def load_library(path: Path) -> list[LibraryPuzzle]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LibraryError(f"The puzzle library is missing: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LibraryError(f"The puzzle library {path} cannot be read: {exc}") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return _read_rows(reader, path)
    except csv.Error as exc:
        raise LibraryError(f"{path.name}, line {reader.line_num}: not valid CSV ({exc})") from exc


def _read_rows(reader: csv.DictReader, path: Path) -> list[LibraryPuzzle]:
    if not reader.fieldnames or "puzzle" not in reader.fieldnames:
        raise LibraryError(f"{path.name} has no 'puzzle' column")
    puzzles: list[LibraryPuzzle] = []
    for number, row in enumerate(reader, start=2):
        try:
            # A short row leaves its missing fields None.
            puzzle = parse_puzzle(row.get("puzzle") or "")
            solution = parse_puzzle(row["solution"]) if row.get("solution") else None
        except PuzzleFormatError as exc:
            raise LibraryError(f"{path.name}, line {number}: {exc}") from exc
        difficulty = None
        if isinstance(row.get("difficulty"), str) and row["difficulty"]:
            try:
                difficulty = Difficulty.parse(row["difficulty"])
            except ValueError:
                difficulty = None
        puzzles.append(LibraryPuzzle(row.get("id") or str(number - 1), puzzle, solution, difficulty))
    if not puzzles:
        raise LibraryError(f"{path.name} holds no puzzles")
    return puzzles
