"""Checking and normalising grid arrays: shape (81,), dtype int8, 0 = empty, 1-9 = digits."""

from __future__ import annotations

import numpy as np


def as_grid(values) -> np.ndarray:
    """Any 81 cells (sequence, (81,) or (9, 9) array) -> a fresh int8 array of shape (81,).

    Raises ValueError when the shape is wrong or a value is outside 0..9.
    """
    array = np.asarray(values)
    if array.shape == (9, 9):
        array = array.reshape(81)
    if array.shape != (81,):
        raise ValueError(f"a grid needs 81 cells, got an array of shape {array.shape}")
    if array.dtype.kind not in "iu":
        raise ValueError(f"a grid holds integers 0-9, got dtype {array.dtype}")
    if array.size and (array.min() < 0 or array.max() > 9):
        raise ValueError("a grid holds integers 0-9 (0 = empty)")
    return array.astype(np.int8, copy=True)


def as_grid_batch(values) -> np.ndarray:
    """(N, 81) integer grids, checked like as_grid; the dtype is kept."""
    array = np.asarray(values)
    if array.ndim != 2 or array.shape[1] != 81:
        raise ValueError(f"a batch of grids needs shape (N, 81), got {array.shape}")
    if array.dtype.kind not in "iu":
        raise ValueError(f"grids hold integers 0-9, got dtype {array.dtype}")
    if array.size and (array.min() < 0 or array.max() > 9):
        raise ValueError("grids hold integers 0-9 (0 = empty)")
    return array


def clue_count(grid: np.ndarray) -> int:
    """Number of filled cells."""
    return int(np.count_nonzero(np.asarray(grid)))
