"""The 2-token dependency view's numbers: a 10x10 joint histogram of sampled pairs and how
much of it lies on the data's support (the diagonal band (k, k+1 mod 10))."""

from __future__ import annotations

import numpy as np
from vmdcore.tasks import synthetic

SIZE = synthetic.VOCAB_SIZE


def joint_histogram(samples: np.ndarray) -> np.ndarray:
    """(10, 10) int counts; row = first token, column = second token."""
    pairs = np.asarray(samples, dtype=np.int64).reshape(-1, 2)
    if pairs.size and (pairs.min() < 0 or pairs.max() >= SIZE):
        raise ValueError("a sampled token is outside 0-9 (still masked?)")
    counts = np.zeros((SIZE, SIZE), dtype=np.int64)
    np.add.at(counts, (pairs[:, 0], pairs[:, 1]), 1)
    return counts


def support_mask(dataset: str) -> np.ndarray:
    """(10, 10) bool: the pairs the data can contain."""
    mask = np.zeros((SIZE, SIZE), dtype=bool)
    support = synthetic.distribution(dataset).support
    mask[support[:, 0], support[:, 1]] = True
    return mask


def on_support(counts: np.ndarray, dataset: str) -> float:
    total = int(counts.sum())
    return float(counts[support_mask(dataset)].sum() / total) if total else 0.0


def independent_share(counts: np.ndarray, dataset: str) -> float:
    """The share of the support expected if the two tokens were drawn independently from the
    histogram's own marginals: what a one-step MDM can at best achieve."""
    total = counts.sum()
    if not total:
        return 0.0
    joint = np.outer(counts.sum(1), counts.sum(0)) / float(total) ** 2
    return float(joint[support_mask(dataset)].sum())
