"""Where every cell sits: its row, column and box, the 27 units and each cell's 20 peers.

Cells are numbered row-major, 0..80 (cell = 9 * row + col); rows, columns and boxes are
0-based here. Boxes are numbered left to right, top to bottom.
"""

from __future__ import annotations

import numpy as np

CELLS = 81
DIGITS = 9

ROW_OF: np.ndarray = np.arange(CELLS) // 9
COL_OF: np.ndarray = np.arange(CELLS) % 9
BOX_OF: np.ndarray = (ROW_OF // 3) * 3 + COL_OF // 3

ROWS: np.ndarray = np.arange(CELLS).reshape(9, 9)
COLS: np.ndarray = ROWS.T.copy()
BOXES: np.ndarray = np.stack([np.flatnonzero(BOX_OF == b) for b in range(9)])

UNITS: np.ndarray = np.concatenate([ROWS, COLS, BOXES])
"""(27, 9): rows 0-8, then columns 9-17, then boxes 18-26."""


def _peers_of(cell: int) -> np.ndarray:
    same_unit = (ROW_OF == ROW_OF[cell]) | (COL_OF == COL_OF[cell]) | (BOX_OF == BOX_OF[cell])
    same_unit[cell] = False
    return np.flatnonzero(same_unit)


PEERS: np.ndarray = np.stack([_peers_of(cell) for cell in range(CELLS)])
"""(81, 20): the cells that share a row, column or box with each cell, ascending."""

UNITS_OF: np.ndarray = np.stack([ROW_OF, 9 + COL_OF, 18 + BOX_OF], axis=1)
"""(81, 3): the indices into UNITS of each cell's row, column and box."""

for _name in ("ROW_OF", "COL_OF", "BOX_OF", "ROWS", "COLS", "BOXES", "UNITS", "PEERS", "UNITS_OF"):
    globals()[_name].flags.writeable = False
del _name


def cell_name(cell: int) -> str:
    """A cell as people say it: 'row 3, column 5' (1-based)."""
    return f"row {cell // 9 + 1}, column {cell % 9 + 1}"
