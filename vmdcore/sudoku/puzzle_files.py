"""Reading whole puzzle files: .sdm (one puzzle per line), CSV with puzzle and solution
columns (Kaggle's quizzes,solutions and the like), and .sdk/.txt single puzzles."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import PuzzleFormatError
from .grid_text import BLANKS_TO_ZERO, CELL_CHARS, EXPECTED, fast_line, is_comment, parse_puzzle
from .layout import UNITS

PUZZLE_COLUMNS = ("quizzes", "quiz", "puzzle", "puzzles", "question", "questions", "grid", "board")
SOLUTION_COLUMNS = ("solutions", "solution", "answer", "answers")
NAME_COLUMNS = ("id", "name", "title")
_VALIDATION_CHUNK = 65536


@dataclass(frozen=True, eq=False)  # holds arrays: == is identity, instances stay hashable
class PuzzleEntry:
    """One puzzle of a file: clues (81,) int8, its solution when the file gives one, a name."""

    puzzle: np.ndarray
    solution: np.ndarray | None
    name: str


def parse_puzzle_collection(text: str, filename: str = "") -> list[PuzzleEntry]:
    """Every puzzle in a file's text. The layout follows the filename's extension (.csv,
    .sdm, .sdk) when there is one, and the content otherwise. Solutions given by the file
    are checked against their puzzles. Raises PuzzleFormatError naming the line."""
    source = Path(filename).name if filename else ""
    text = text.lstrip("\ufeff")
    try:
        if not text.strip():
            raise PuzzleFormatError("the text is empty, no puzzle found")
        if not any(line.strip() and not is_comment(line) for line in text.splitlines()):
            raise PuzzleFormatError("the text holds only comments, no puzzle found")
        kind = _kind_of(text, Path(filename).suffix.lower())
        if kind == "csv":
            return _parse_csv(text)
        if kind == "lines":
            return _parse_lines(text)
        return [_parse_single(text, Path(filename).stem)]
    except PuzzleFormatError as error:
        raise error.moved(source=source) if source else error


# Kaggle's million-puzzle CSV is about 170 MB; anything far beyond is not a puzzle file
# someone means to open, and reading it whole would take gigabytes of memory.
MAX_FILE_BYTES = 512 * 1024 * 1024
_SNIFF_BYTES = 65536


def _size_text(size: int) -> str:
    return f"{size / 1024 ** 3:.1f} GB" if size >= 1024 ** 3 else f"{size / 1024 ** 2:.0f} MB"


def _decode(data: bytes, source: str, whole: bool) -> str:
    """The text of `data`; binary or non-UTF-8 bytes raise, naming the line. `whole` is False
    for a first chunk, whose last character may be cut in the middle."""
    if b"\x00" in data:
        raise PuzzleFormatError("this is a binary file, not puzzle text", source=source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if not whole and error.reason == "unexpected end of data":
            return ""
        line = data[: error.start].count(b"\n") + 1
        raise PuzzleFormatError(
            f"not UTF-8 text (byte 0x{data[error.start]:02x} cannot be decoded)", line, source=source
        ) from error


def read_puzzle_file(path, max_bytes: int = MAX_FILE_BYTES) -> list[PuzzleEntry]:
    """parse_puzzle_collection on a file read as UTF-8; unreadable, binary or oversized files
    raise PuzzleFormatError too, so callers handle one error type. The size and the first
    chunk are checked before the file is read whole."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise PuzzleFormatError("this is a folder, not a puzzle file", source=path.name)
        if size > max_bytes:
            raise PuzzleFormatError(
                f"the file is {_size_text(size)}; puzzle files may be at most {_size_text(max_bytes)}",
                source=path.name,
            )
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
            _decode(head, path.name, whole=len(head) < _SNIFF_BYTES)
            data = head + handle.read(max_bytes + 1 - len(head))
    except OSError as error:
        reason = error.strerror or str(error)
        raise PuzzleFormatError(f"cannot read the file: {reason}", source=path.name) from error
    if len(data) > max_bytes:  # grew while being read
        raise PuzzleFormatError(f"the file is larger than {_size_text(max_bytes)}", source=path.name)
    return parse_puzzle_collection(_decode(data, path.name, whole=True), filename=str(path))


def _kind_of(text: str, suffix: str) -> str:
    if suffix == ".csv":
        return "csv"
    if suffix == ".sdm":
        return "lines"
    if suffix == ".sdk":
        return "single"
    data_lines = [line for line in text.splitlines() if line.strip() and not is_comment(line)]
    first = data_lines[0]
    if "," in first and _find_column(_split_header(first), PUZZLE_COLUMNS) is not None:
        return "csv"
    if len(data_lines) > 1 and len(first.split()[0]) == 81:
        return "lines"
    return "single"


def _split_header(line: str) -> list[str]:
    return next(csv.reader([line]))


def _find_column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [field.strip().lower() for field in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def _parse_81(token: str, line_no: int, column: int, column_name: str | None = None) -> np.ndarray:
    """An 81-character puzzle string. Without `column_name`, `column` is the character where
    the token starts; for a CSV field it is the field number and `column_name` its header."""
    grid = fast_line(token)
    if grid is not None:
        return grid
    for offset, char in enumerate(token):
        if char not in CELL_CHARS:
            problem = f"unexpected character {char!r}"
            if column_name is None:
                raise PuzzleFormatError(f"{problem} ({EXPECTED})", line_no, column + offset)
            raise PuzzleFormatError(
                f"{problem} at position {offset + 1} ({EXPECTED})", line_no, column, column_name=column_name
            )
    field = None if column_name is None else column
    raise PuzzleFormatError(f"found {len(token)} cells, a puzzle needs 81", line_no, field, column_name=column_name)


def _parse_single(text: str, stem: str) -> PuzzleEntry:
    puzzle = parse_puzzle(text)
    name = _sdk_description(text) or stem or "puzzle 1"
    return PuzzleEntry(puzzle=puzzle, solution=None, name=name)


def _sdk_description(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#D") and stripped[2:].strip():
            return stripped[2:].strip()
    return ""


Token = tuple[str, int, int]  # (81-character text, line, column or CSV field number)


def _grids_of(tokens: list[Token], column_name: str | None = None) -> np.ndarray:
    """(N, 81) int8 grids of the tokens, converted in one go; a bad token is found and
    reported only when the fast path fails, since files with a million rows are common."""
    texts = [text for text, _, _ in tokens]
    if all(len(text) == 81 for text in texts):
        codes = np.frombuffer("".join(texts).translate(BLANKS_TO_ZERO).encode("utf-8"), dtype=np.uint8)
        if codes.size == 81 * len(texts) and not ((codes < 48) | (codes > 57)).any():
            return (codes - 48).astype(np.int8).reshape(len(texts), 81)
    return np.stack([_parse_81(text, line, column, column_name) for text, line, column in tokens])


def _entries(
    puzzle_tokens: list[Token],
    solution_tokens: dict[int, Token],
    names: list[str],
    column_name: str | None = None,
    solution_column_name: str | None = None,
) -> list[PuzzleEntry]:
    puzzles = _grids_of(puzzle_tokens, column_name)
    with_solution = sorted(solution_tokens)
    solutions = _grids_of([solution_tokens[k] for k in with_solution], solution_column_name)
    if with_solution:
        where = [solution_tokens[k][1:] for k in with_solution]
        _check_solutions(puzzles[with_solution], solutions, where, solution_column_name)
    solution_of = dict(zip(with_solution, solutions))
    return [
        PuzzleEntry(puzzle=puzzles[k], solution=solution_of.get(k), name=name) for k, name in enumerate(names)
    ]


def _parse_lines(text: str) -> list[PuzzleEntry]:
    """One puzzle per line, optionally followed by its solution; other trailing text is ignored."""
    puzzles: list[Token] = []
    solutions: dict[int, Token] = {}
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or is_comment(line):
            continue
        tokens = line.split()
        start = line.index(tokens[0]) + 1
        if len(tokens) > 1 and len(tokens[1]) == 81:
            solutions[len(puzzles)] = (tokens[1], line_no, line.index(tokens[1], start + len(tokens[0]) - 1) + 1)
        puzzles.append((tokens[0], line_no, start))
    return _entries(puzzles, solutions, [f"puzzle {k}" for k in range(1, len(puzzles) + 1)])


def _parse_csv(text: str) -> list[PuzzleEntry]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _parse_csv_rows(reader)
    except csv.Error as error:  # e.g. a quote left open, or a NUL character
        raise PuzzleFormatError(f"this is not valid CSV ({error})", max(1, reader.line_num)) from error


def _parse_csv_rows(reader) -> list[PuzzleEntry]:
    header = None
    for row in reader:
        if any(field.strip() for field in row) and not row[0].lstrip().startswith("#"):
            header = row
            break
    if header is None:
        raise PuzzleFormatError("the CSV file has no header row naming its columns")
    header_line = reader.line_num
    puzzle_col = _find_column(header, PUZZLE_COLUMNS)
    if puzzle_col is None:
        found = ", ".join(repr(field.strip()) for field in header)
        raise PuzzleFormatError(
            f"the CSV header has no puzzle column (found {found}; expected one of {', '.join(PUZZLE_COLUMNS)})",
            header_line,
        )
    solution_col = _find_column(header, SOLUTION_COLUMNS)
    name_col = _find_column(header, NAME_COLUMNS)
    needed = max(col for col in (puzzle_col, solution_col, name_col) if col is not None) + 1

    puzzles: list[Token] = []
    solutions: dict[int, Token] = {}
    names: list[str] = []
    for row in reader:
        line_no = reader.line_num
        if not any(field.strip() for field in row):
            continue
        if len(row) < needed:
            raise PuzzleFormatError(f"this row has {len(row)} fields, the header has {len(header)}", line_no)
        if solution_col is not None and row[solution_col].strip():
            solutions[len(puzzles)] = (row[solution_col].strip(), line_no, solution_col + 1)
        puzzles.append((row[puzzle_col].strip(), line_no, puzzle_col + 1))
        names.append(_entry_name(row[name_col].strip() if name_col is not None else "", len(puzzles)))
    if not puzzles:
        raise PuzzleFormatError("the CSV file has a header but no puzzles", header_line)
    solution_name = header[solution_col].strip() if solution_col is not None else None
    return _entries(puzzles, solutions, names, header[puzzle_col].strip(), solution_name)


def _entry_name(given: str, number: int) -> str:
    if not given:
        return f"puzzle {number}"
    return f"puzzle {given}" if given.isdigit() else given


def _check_solutions(
    puzzles: np.ndarray, solutions: np.ndarray, where: list[tuple[int, int]], column_name: str | None
) -> None:
    """Every given solution must be a complete valid grid keeping its puzzle's clues;
    `where` holds each row's (line, column). Vectorised in chunks to bound memory."""
    for start in range(0, len(solutions), _VALIDATION_CHUNK):
        sols = solutions[start : start + _VALIDATION_CHUNK]
        puzs = puzzles[start : start + _VALIDATION_CHUNK]
        complete = (np.sort(sols[:, UNITS], axis=2) == np.arange(1, 10, dtype=np.int8)).all(axis=(1, 2))
        kept = ((puzs == 0) | (puzs == sols)).all(axis=1)
        bad = np.flatnonzero(~(complete & kept))
        if bad.size:
            k = start + int(bad[0])
            line, column = where[k]
            if column_name is None:
                column = None  # in a plain text file the whole line is at fault
            problem = _solution_problem(puzzles[k], solutions[k])
            raise PuzzleFormatError(problem, line, column, column_name=column_name)


def _solution_problem(puzzle: np.ndarray, solution: np.ndarray) -> str:
    if not solution.all():
        return f"the solution has {int((solution == 0).sum())} blank cells"
    differs = np.flatnonzero((puzzle != 0) & (puzzle != solution))
    if differs.size:
        cell = int(differs[0])
        return (
            f"the solution does not keep the clue at row {cell // 9 + 1}, column {cell % 9 + 1} "
            f"(puzzle {puzzle[cell]}, solution {solution[cell]})"
        )
    return "the solution breaks the rules (a digit repeats in a row, column or box)"
