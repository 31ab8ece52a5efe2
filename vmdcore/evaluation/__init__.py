"""Evaluation that `vmd-eval` (training/) and the app's Evaluate tab share: how a run is split
into batches (each with its own seed), and the scoring of what the sampler hands back.

Plain numpy, no torch: the CLI samples each batch itself and the app's engine thread samples
it for the Evaluate tab, and both score it with these functions, so the same seed gives the
same figures on either path.

- `sudoku`: solving (paper Table 4) and generation (valid and distinct grids)
- `synthetic`: the Table 3 cells and the 2-token set, their decoding and scores
- `phrases`: the phrase-pair decoding and its row of figures
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Batch:
    """Items [start, stop) of a run, sampled with `seed`."""

    start: int
    stop: int
    seed: int

    def __len__(self) -> int:
        return self.stop - self.start


def batches(n: int, batch_size: int, seed: int) -> list[Batch]:
    """The batches of n items in order; each samples with seed + the index of its first item,
    so the figures depend on the seed and the batch size, never on when a batch runs."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    return [Batch(start, min(n, start + batch_size), seed + start) for start in range(0, n, batch_size)]


def spread(total: int, limit: int) -> np.ndarray:
    """Indices of `limit` of `total` items spread evenly over all of them (every index when
    limit is 0 or not below total). Files such as the test set are ordered by difficulty, so a
    spread subset keeps every level."""
    if limit and limit < total:
        return np.linspace(0, total - 1, limit).round().astype(int)
    return np.arange(total)
