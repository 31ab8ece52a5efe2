"""Property tests over what a user can type, paste or open in the app: the Text tab's prompt,
the Sudoku tab's paste and file-open paths. Each either gives the model its input (a puzzle,
a prompt layout) or shows one message that says what is wrong; nothing raises."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget
from vmdcore.sudoku import format_bordered, format_grid, format_line, parse_puzzle
from vmdcore.tasks.text import CharTokenizer

from app.background import BackgroundRunner
from app.sudoku.sources import PuzzleSources
from app.text.prompt import PromptError, PromptLayout, layout_prompt
from app.theme import theme_named

from conftest import PUZZLE, TEXT_ALPHABET

FUZZ = settings(max_examples=1000, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
VOCABULARY = list(CharTokenizer.from_text(TEXT_ALPHABET).vocabulary)
TYPED = st.text(st.one_of(st.sampled_from(TEXT_ALPHABET), st.characters(exclude_categories=["Cs"])), max_size=40)

GRID = parse_puzzle(PUZZLE)
SOLUTION = "".join(str(d) for d in __import__("vmdcore.sudoku", fromlist=["solve"]).solve(GRID))
PASTES = [format_line(GRID), format_grid(GRID), format_bordered(GRID), f"{PUZZLE}\n{PUZZLE}\n",
          f"quizzes,solutions\n{PUZZLE},{SOLUTION}\n"]
CHARS = st.sampled_from("0123456789.-*_ \n\r\t,;|+=:#\"'é─\x0c\ufeffaZ")


@st.composite
def edited(draw, texts: list[str]) -> str:
    text = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "delete", "replace", "cut"]))
        char = draw(CHARS)
        if edit == "insert":
            text = text[:at] + char + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + 1 :]
        elif edit == "replace":
            text = text[:at] + char + text[at + 1 :]
        else:
            text = text[:at]
    return text


@FUZZ
@given(TYPED, st.integers(2, 40), st.integers(-2, 45))
def test_any_typed_prompt_gives_a_layout_or_a_message(prompt, seq_len, length):
    try:
        layout = layout_prompt(VOCABULARY, seq_len, prompt, length)
    except PromptError as error:
        text = str(error)
        assert text.endswith(".") and len(text) > 20, "a sentence for the user"
        unknown = {c for c in prompt if c not in VOCABULARY}
        if not prompt:
            assert "empty" in text
        elif unknown:
            assert "never saw" in text
        return
    assert isinstance(layout, PromptLayout)
    assert layout.tokens.shape == layout.fixed.shape == (1, seq_len)
    assert layout.prompt_length == len(prompt) and 1 <= layout.length and layout.end <= seq_len
    free = ~layout.fixed[0]
    assert free.sum() == length and free[len(prompt) : len(prompt) + length].all()


class Sources:
    """A PuzzleSources on a plain widget, recording what reaches the board."""

    def __init__(self, qtbot) -> None:
        self.widget = QWidget()
        qtbot.addWidget(self.widget)
        self.applied: list[np.ndarray] = []
        self.background = BackgroundRunner(self.widget)
        self.sources = PuzzleSources(self.widget, self.apply, lambda: GRID, lambda: theme_named("light"), self.background)
        self.sources.choose = lambda title, choices: choices[0]  # the list dialog would block

    def apply(self, grid: np.ndarray, title: str, name: str) -> bool:
        self.applied.append(np.array(grid))
        return True


def _one_outcome(sources: Sources, captured_messages, title: str) -> None:
    if sources.applied:
        assert len(sources.applied) == 1 and not captured_messages.errors
        grid = sources.applied[0]
        assert grid.shape == (81,) and grid.min() >= 0 and grid.max() <= 9
    else:
        assert len(captured_messages.errors) == 1, "a refusal is said once"
        shown_title, text = captured_messages.errors[0]
        assert shown_title == title and len(text) > 20


@pytest.mark.parametrize("kind", ["random", "edited"])
def test_any_pasted_text_reaches_the_board_or_gives_a_message(qtbot, captured_messages, kind):
    sources = Sources(qtbot)
    clipboard = QGuiApplication.clipboard()
    texts = st.text(CHARS, max_size=300) if kind == "random" else edited(PASTES)

    @FUZZ
    @given(texts)
    def paste(text):
        sources.applied.clear()
        captured_messages.errors.clear()
        clipboard.setText(text)
        sources.sources.paste()
        _one_outcome(sources, captured_messages, "Paste puzzle")
        if not sources.applied and clipboard.text().strip():
            assert "The clipboard does not hold a puzzle" in captured_messages.errors[0][1]

    paste()


@pytest.mark.parametrize("name", ["pasted.csv", "pasted.sdm", "pasted.txt", "pasted.sdk"])
def test_any_opened_file_reaches_the_board_or_gives_a_message(qtbot, tmp_path, captured_messages, name):
    sources = Sources(qtbot)
    path = tmp_path / name
    seeds = [text.encode() for text in PASTES] + [f"id,puzzle,solution,difficulty\n1,{PUZZLE},{SOLUTION},hard\n".encode()]

    @settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(seeds), st.lists(st.tuples(st.integers(0, 400), st.binary(max_size=3)), max_size=3))
    def open_file(seed, edits):
        sources.applied.clear()
        captured_messages.errors.clear()
        data = bytearray(seed)
        for at, chunk in edits:
            data[at:at] = chunk
        path.write_bytes(bytes(data))
        opened = sources.sources.open_file(path)
        assert opened == bool(sources.applied)
        _one_outcome(sources, captured_messages, "Open puzzle")
        if not opened:
            assert f"Could not read a puzzle from {name}" in captured_messages.errors[0][1]

    open_file()


def test_a_short_row_in_a_library_style_csv_opens_without_a_crash(qtbot, tmp_path, captured_messages):
    """'quizzes' is the puzzle column for the reader; the difficulty lookup's 'puzzle' column is
    missing on the short row: it used to end in parse_puzzle(None)."""
    sources = Sources(qtbot)
    path = tmp_path / "short.csv"
    path.write_text(f"quizzes,puzzle\n{PUZZLE}\n", encoding="utf-8")
    assert sources.sources.open_file(path)
    assert np.array_equal(sources.applied[0], GRID) and not captured_messages.errors
