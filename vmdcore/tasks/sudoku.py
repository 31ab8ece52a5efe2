"""Sudoku as a token sequence: 81 cells, digit d (1-9) is token d-1, an empty cell is masked."""

from __future__ import annotations

import numpy as np

from ..config import ModelConfig

TASK = "sudoku"
VOCABULARY = [str(d) for d in range(1, 10)]
VOCAB_SIZE = 9
MASK_ID = VOCAB_SIZE


def encode(grids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Grids (81,) or (B, 81) with 0 = empty -> (tokens int64, fixed bool) of the same shape."""
    grids = np.asarray(grids)
    fixed = grids > 0
    tokens = np.where(fixed, grids.astype(np.int64) - 1, MASK_ID)
    return tokens, fixed


def decode(tokens: np.ndarray) -> np.ndarray:
    """Tokens -> grids with digits 1-9 and 0 where still masked."""
    tokens = np.asarray(tokens)
    return np.where(tokens == MASK_ID, 0, tokens + 1).astype(np.int8)


def model_config(**overrides) -> ModelConfig:
    """The Sudoku backbone's defaults; pass overrides (d_model, n_layers, latent_dim, ...)."""
    settings = dict(vocab_size=VOCAB_SIZE, seq_len=81, layout="sudoku", d_model=128, n_layers=6, n_heads=8)
    settings.update(overrides)
    return ModelConfig(**settings)
