"""Property tests over random and mutated puzzle text and files: every parser either returns
puzzles or raises PuzzleFormatError naming the problem and where it is, never anything else."""

from __future__ import annotations

import re
import resource

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vmdcore.sudoku import (PuzzleFormatError, format_bordered, format_grid, format_line, parse_puzzle,
                            parse_puzzle_collection, read_puzzle_file)
from vmdcore.sudoku.puzzle_files import MAX_FILE_BYTES

from sudoku_examples import INKALA, INKALA_SOLUTION, WIKIPEDIA, WIKIPEDIA_SOLUTION

MANY = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters a puzzle text is made of, the ones that draw or separate it, and a few that
# break naive parsers (line separators str.splitlines knows, a BOM, a NUL, wide characters).
PUZZLE_CHARS = "0123456789.-*_ "
LAYOUT_CHARS = "\n\r\t,;|+=:#\"'"
ODD_CHARS = "\x0b\x0c\x1c\x85\u2028\ufeff\x00é│─┼\U0001f600aZ"
ALPHABET = st.sampled_from(PUZZLE_CHARS * 4 + LAYOUT_CHARS * 2 + ODD_CHARS)
RANDOM_TEXT = st.text(ALPHABET, max_size=400)

GRID = np.array([int(c) if c != "." else 0 for c in WIKIPEDIA], dtype=np.int8)
GRID2 = np.array([int(c) if c != "." else 0 for c in INKALA], dtype=np.int8)
VALID_TEXTS = [
    format_line(GRID),
    format_line(GRID, "0"),
    format_grid(GRID),
    format_bordered(GRID),
    "\n".join(",".join(format_line(GRID)[r * 9 : r * 9 + 9]) for r in range(9)),
    f"#Cname\n#Dthe wikipedia puzzle\n{format_grid(GRID)}",
]
VALID_FILES = {
    "puzzles.sdm": f"{WIKIPEDIA} {WIKIPEDIA_SOLUTION}\n{INKALA} {INKALA_SOLUTION}\n",
    "plain.sdm": f"{WIKIPEDIA}\n{INKALA}\n",
    "kaggle.csv": f"quizzes,solutions\n{WIKIPEDIA.replace('.', '0')},{WIKIPEDIA_SOLUTION}\n{INKALA},{INKALA_SOLUTION}\n",
    "library.csv": f"id,puzzle,solution,clues,difficulty\n1,{WIKIPEDIA},{WIKIPEDIA_SOLUTION},30,easy\n2,{INKALA},,21,hard\n",
    "one.sdk": f"#Dthe wikipedia puzzle\n{format_grid(GRID)}",
    "one.txt": format_bordered(GRID2),
    "nameless": f"{WIKIPEDIA}\n{INKALA}\n",
}
WHOLE_TEXT_PROBLEM = re.compile(r"empty|found \d+|no cells|no puzzle found|no header row|needs 81|binary|UTF-8|at most|larger than|folder|cannot read")


@st.composite
def mutated(draw, texts: list[str]) -> str:
    """A valid text with a few random edits: characters replaced, inserted or deleted, lines
    dropped, repeated or swapped, the text cut short."""
    text = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        edit = draw(st.sampled_from(["replace", "insert", "delete", "drop", "repeat", "swap", "cut"]))
        if edit in ("replace", "insert", "delete") and text:
            at = draw(st.integers(0, len(text) - 1))
            char = draw(ALPHABET)
            text = {"replace": text[:at] + char + text[at + 1 :], "insert": text[:at] + char + text[at:],
                    "delete": text[:at] + text[at + 1 :]}[edit]
        elif edit in ("drop", "repeat", "swap") and lines:
            at = draw(st.integers(0, len(lines) - 1))
            other = draw(st.integers(0, len(lines) - 1))
            if edit == "drop":
                del lines[at]
            elif edit == "repeat":
                lines.insert(at, lines[other])
            else:
                lines[at], lines[other] = lines[other], lines[at]
            text = "\n".join(lines)
        elif edit == "cut":
            text = text[: draw(st.integers(0, len(text)))]
    return text


def check_error(error: PuzzleFormatError, text: str | None) -> None:
    """The message names the problem and, where one line is at fault, that line (and column)."""
    message = str(error)
    assert error.problem and error.problem in message
    if error.line is None:
        assert WHOLE_TEXT_PROBLEM.search(error.problem), message
        return
    assert f"line {error.line}" in message
    if text is None:
        return
    lines = text.lstrip("\ufeff").splitlines()
    assert 1 <= error.line <= max(1, len(lines)), message
    if error.column is not None and error.column_name is None:
        line = lines[error.line - 1]
        assert 1 <= error.column <= len(line) + 1, message
        shown = re.search(r"character '(.)'", message)
        if shown:
            assert line[error.column - 1] == shown.group(1), message


def check_grid(grid: np.ndarray) -> None:
    assert grid.shape == (81,) and grid.dtype == np.int8
    assert grid.min() >= 0 and grid.max() <= 9


def check_parse(text: str) -> None:
    try:
        grid = parse_puzzle(text)
    except PuzzleFormatError as error:
        check_error(error, text)
    else:
        check_grid(grid)


def check_collection(text: str, filename: str) -> None:
    try:
        entries = parse_puzzle_collection(text, filename)
    except PuzzleFormatError as error:
        check_error(error, text)
        if filename:
            assert str(error).startswith(filename)
    else:
        assert entries
        for entry in entries:
            check_grid(entry.puzzle)
            if entry.solution is not None:
                check_grid(entry.solution)
                kept = entry.puzzle != 0
                assert (entry.puzzle[kept] == entry.solution[kept]).all(), "a given solution keeps its clues"


def test_the_valid_texts_parse():
    """The seeds of the mutations are puzzles, so a mutated text starts from a real one."""
    for text in VALID_TEXTS:
        assert np.array_equal(parse_puzzle(text), GRID)
    for name, text in VALID_FILES.items():
        assert len(parse_puzzle_collection(text, name)) in (1, 2)


@MANY
@given(RANDOM_TEXT)
def test_parse_puzzle_on_random_text(text):
    check_parse(text)


@MANY
@given(mutated(VALID_TEXTS))
def test_parse_puzzle_on_mutated_puzzles(text):
    check_parse(text)


@MANY
@given(RANDOM_TEXT, st.sampled_from(["", "p.csv", "p.sdm", "p.sdk", "p.txt"]))
def test_collections_of_random_text(text, filename):
    check_collection(text, filename)


@MANY
@given(st.sampled_from(sorted(VALID_FILES)), st.data())
def test_collections_of_mutated_files(name, data):
    text = data.draw(mutated([VALID_FILES[name]]))
    check_collection(text, name)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.binary(max_size=300), st.sampled_from(["p.csv", "p.sdm", "p.sdk", "p.txt", "p"]))
def test_files_of_random_bytes(tmp_path, data, filename):
    path = tmp_path / filename
    path.write_bytes(data)
    try:
        entries = read_puzzle_file(path)
    except PuzzleFormatError as error:
        check_error(error, None)
        assert str(error).startswith(filename)
    else:
        assert entries and all(entry.puzzle.shape == (81,) for entry in entries)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from(sorted(VALID_FILES)), st.data())
def test_files_of_mutated_bytes(tmp_path, name, data):
    """Valid files with random bytes put in: broken UTF-8, NULs and all."""
    raw = bytearray(VALID_FILES[name].encode())
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(raw)))
        raw[at:at] = data.draw(st.binary(min_size=1, max_size=3))
    path = tmp_path / name
    path.write_bytes(bytes(raw))
    try:
        read_puzzle_file(path)
    except PuzzleFormatError as error:
        check_error(error, None)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_huge_file_is_refused_by_its_size_without_reading_it(tmp_path):
    path = tmp_path / "huge.sdm"
    with path.open("wb") as handle:
        handle.write((WIKIPEDIA + "\n").encode())
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used, no bytes to read
    before = _peak_rss_mb()
    with pytest.raises(PuzzleFormatError, match=r"huge.sdm: the file is 512 MB; puzzle files may be at most 512 MB"):
        read_puzzle_file(path)
    with pytest.raises(PuzzleFormatError, match="at most 1 MB"):
        read_puzzle_file(tmp_path / "huge.sdm", max_bytes=1024 * 1024)
    assert _peak_rss_mb() - before < 50


def test_a_large_binary_file_is_refused_from_its_first_chunk(tmp_path):
    path = tmp_path / "disk.img"
    with path.open("wb") as handle:
        handle.truncate(400 * 1024 * 1024)  # 400 MB of NUL bytes, under the size limit
    before = _peak_rss_mb()
    with pytest.raises(PuzzleFormatError, match="disk.img: this is a binary file"):
        read_puzzle_file(path)
    assert _peak_rss_mb() - before < 50, "only the first chunk is read"


def test_bad_utf8_in_the_first_chunk_is_refused_with_its_line(tmp_path):
    path = tmp_path / "latin.sdm"
    path.write_bytes(f"{WIKIPEDIA}\n# caf\xe9\n".encode("latin-1") + b"0" * 200_000)
    with pytest.raises(PuzzleFormatError, match=r"latin.sdm, line 2: not UTF-8 text \(byte 0xe9") as info:
        read_puzzle_file(path)
    assert info.value.line == 2


def test_a_character_cut_by_the_first_chunk_is_not_an_error(tmp_path):
    from vmdcore.sudoku.puzzle_files import _SNIFF_BYTES

    comment = "#" + "é" * _SNIFF_BYTES  # two bytes each: the chunk ends inside one
    path = tmp_path / "comment.sdm"
    path.write_text(f"{comment}\n{WIKIPEDIA}\n{INKALA}\n", encoding="utf-8")
    assert len(read_puzzle_file(path)) == 2


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(PuzzleFormatError, match="folder"):
        read_puzzle_file(tmp_path)
