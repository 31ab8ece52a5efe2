"""The board widget on its own: keyboard entry and navigation, mouse selection, painting."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from app.sudoku.board import SudokuBoard, cell_name, peers_mask
from app.sudoku.frame import BoardFrame
from app.theme import DARK, LIGHT


@pytest.fixture
def board(qtbot):
    host = QWidget()
    layout = QVBoxLayout(host)
    board = SudokuBoard(LIGHT, host)
    after = QLineEdit(host)
    after.setObjectName("after")
    layout.addWidget(board)
    layout.addWidget(after)
    qtbot.addWidget(host)
    host.resize(420, 480)
    host.show()
    qtbot.waitExposed(host)
    board.setFocus()
    qtbot.waitUntil(board.hasFocus)
    edits: list[tuple[int, int]] = []
    board.cellEdited.connect(lambda cell, digit: edits.append((cell, digit)))
    board.edits = edits
    board.host = host  # keep the parent alive for the test
    return board


def test_arrows_move_the_selection_and_stop_at_the_edges(qtbot, board):
    board.select(0)
    qtbot.keyClick(board, Qt.Key.Key_Right)
    qtbot.keyClick(board, Qt.Key.Key_Down)
    assert board.selected == 10
    qtbot.keyClick(board, Qt.Key.Key_Up)
    qtbot.keyClick(board, Qt.Key.Key_Up)
    qtbot.keyClick(board, Qt.Key.Key_Left)
    qtbot.keyClick(board, Qt.Key.Key_Left)
    assert board.selected == 0
    assert board.hasFocus(), "arrow keys must never move the focus off the grid"
    qtbot.keyClick(board, Qt.Key.Key_End)
    assert board.selected == 8
    qtbot.keyClick(board, Qt.Key.Key_Home)
    assert board.selected == 0


def test_tab_walks_the_cells_and_leaves_only_after_the_last(qtbot, board):
    board.select(79)
    qtbot.keyClick(board, Qt.Key.Key_Tab)
    assert board.selected == 80 and board.hasFocus()
    qtbot.keyClick(board, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert board.selected == 79
    qtbot.keyClick(board, Qt.Key.Key_Tab)
    qtbot.keyClick(board, Qt.Key.Key_Tab)
    assert not board.hasFocus(), "Tab past the last cell lets keyboard users leave the board"


def test_digits_and_clear_keys_report_edits(qtbot, board):
    board.select(12)
    qtbot.keyClick(board, Qt.Key.Key_7)
    qtbot.keyClick(board, Qt.Key.Key_3, Qt.KeyboardModifier.KeypadModifier)
    for key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_0):
        qtbot.keyClick(board, key)
    qtbot.keyClick(board, Qt.Key.Key_A)
    assert board.edits == [(12, 7), (12, 3), (12, 0), (12, 0), (12, 0)]


def test_ctrl_digit_is_not_an_edit(qtbot, board):
    qtbot.keyClick(board, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert board.edits == []


def test_click_selects_the_cell_under_the_mouse(qtbot, board):
    rect = board.cell_rect(33)
    qtbot.mouseClick(board, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert board.selected == 33
    outside = QPoint(1, 1) if board.board_rect().left() > 2 else None
    if outside is not None:
        qtbot.mouseClick(board, Qt.MouseButton.LeftButton, pos=outside)
        assert board.selected == 33


def test_helpers():
    assert cell_name(0) == "R1C1" and cell_name(80) == "R9C9"
    peers = peers_mask(40)
    assert peers.sum() == 21 and peers[36] and peers[4] and peers[30] and not peers[0]


def _pixel(board: SudokuBoard, cell: int, dx: float, dy: float) -> QColor:
    image = board.grab().toImage()
    rect = board.cell_rect(cell)
    ratio = image.width() / board.width()
    return image.pixelColor(int((rect.left() + dx * rect.width()) * ratio), int((rect.top() + dy * rect.height()) * ratio))


def _close(a: QColor, b: QColor, tolerance: int = 40) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) <= tolerance


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_paint_distinguishes_clues_conflicts_and_committed_cells(qtbot, board, theme):
    board.set_theme(theme)
    board.highlight_peers = False
    board.highlight_same_digit = False
    board.select(80)
    digits = np.zeros(81, dtype=np.int8)
    digits[0] = 5  # clue
    digits[1] = 5  # model digit clashing with the clue
    digits[40] = 3  # model digit committed in this step
    clues = np.zeros(81, dtype=bool)
    clues[0] = True
    conflicts = np.zeros(81, dtype=bool)
    conflicts[[0, 1]] = True
    committed = np.zeros(81, dtype=bool)
    committed[40] = True
    frame = BoardFrame(
        digits=digits,
        clues=clues,
        conflicts=conflicts,
        confidence=np.full(81, 0.9, dtype=np.float32),
        committed=committed,
        ghosts=np.zeros(81, dtype=np.int8),
        ghost_confidence=np.zeros(81, dtype=np.float32),
        model=True,
    )
    board.set_frame(frame)
    conflict = QColor(theme.conflict)
    # The conflict outline runs along the inside of the cell border.
    assert _close(_pixel(board, 1, 0.5, 0.06), conflict)
    assert not _close(_pixel(board, 40, 0.5, 0.06), conflict)
    # A clue sits on the clue ground; a cell committed now on the highlight.
    board.set_option("show_conflicts", False)
    assert not _close(_pixel(board, 1, 0.5, 0.06), conflict)
    clue_ground = _pixel(board, 0, 0.15, 0.85)
    empty_ground = _pixel(board, 9, 0.15, 0.85)
    assert clue_ground != empty_ground
    now = _pixel(board, 40, 0.15, 0.85)
    assert now.red() > now.blue(), "the committed-now highlight is yellow"


def test_ghost_toggle_changes_the_painting(qtbot, board):
    frame = BoardFrame.from_puzzle(np.zeros(81, dtype=np.int8))
    ghosts = np.full(81, 8, dtype=np.int8)
    frame = BoardFrame(
        digits=frame.digits, clues=frame.clues, conflicts=frame.conflicts, confidence=frame.confidence,
        committed=frame.committed, ghosts=ghosts, ghost_confidence=np.ones(81, dtype=np.float32),
        model=True,
    )
    board.set_frame(frame)
    with_ghosts = board.grab().toImage()
    board.set_option("show_ghosts", False)
    without = board.grab().toImage()
    assert with_ghosts != without
    with pytest.raises(ValueError):
        board.set_option("nonsense", True)
