"""The paper's synthetic sets, where the true joint distribution is known exactly.

pair:        (k, k+1 mod 10), k uniform                      (the 2-token set)
pair-skewed: (k, k+1 mod 10) with P(k) = (k+1)/55             (its non-uniform variant)
D1:          (k, k+1, k+2, k+3) mod 10, k uniform             (10 sequences)
D2:          (k, k+1, l, l+1) mod 10, k and l uniform          (100 sequences)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

TASK = "synthetic"
VOCAB_SIZE = 10
VOCABULARY = [str(d) for d in range(VOCAB_SIZE)]
DATASETS = ("pair", "pair-skewed", "D1", "D2")


@dataclass(frozen=True)
class Distribution:
    """The exact data distribution: its support (n, L) and the probability of each row."""

    name: str
    support: np.ndarray
    probs: np.ndarray

    @property
    def length(self) -> int:
        return int(self.support.shape[1])

    def codes(self, sequences: np.ndarray) -> np.ndarray:
        """Each sequence as one integer (its digits read in base 10)."""
        weights = VOCAB_SIZE ** np.arange(sequences.shape[1] - 1, -1, -1)
        return np.asarray(sequences, dtype=np.int64) @ weights

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        rows = rng.choice(len(self.support), size=n, p=self.probs)
        return self.support[rows]


@lru_cache(maxsize=None)
def distribution(name: str) -> Distribution:
    k = np.arange(VOCAB_SIZE)
    if name == "pair":
        support, probs = np.stack([k, (k + 1) % 10], 1), np.full(10, 0.1)
    elif name == "pair-skewed":
        support, probs = np.stack([k, (k + 1) % 10], 1), (k + 1) / 55.0
    elif name == "D1":
        support, probs = np.stack([(k + i) % 10 for i in range(4)], 1), np.full(10, 0.1)
    elif name == "D2":
        kk, ll = np.meshgrid(k, k, indexing="ij")
        kk, ll = kk.ravel(), ll.ravel()
        support, probs = np.stack([kk, (kk + 1) % 10, ll, (ll + 1) % 10], 1), np.full(100, 0.01)
    else:
        raise ValueError(f"unknown synthetic dataset {name!r}; choose from {', '.join(DATASETS)}")
    return Distribution(name, support.astype(np.int64), probs / probs.sum())


@dataclass(frozen=True)
class SampleScore:
    accuracy: float
    kl: float


def score_samples(dist: Distribution, samples: np.ndarray, pseudo_count: float = 0.01) -> SampleScore:
    """Accuracy = share of samples in the support. KL = KL(data || sampled), in nats.

    The sampled distribution is the empirical one smoothed with `pseudo_count` added to every
    one of the 10^L possible sequences, so a support sequence never sampled costs a finite
    (large) amount rather than infinity.
    """
    codes = dist.codes(samples)
    support_codes = dist.codes(dist.support)
    accuracy = float(np.isin(codes, support_codes).mean())
    space = VOCAB_SIZE**dist.length
    counts = np.array([(codes == c).sum() for c in support_codes], dtype=np.float64)
    sampled = (counts + pseudo_count) / (len(codes) + pseudo_count * space)
    kl = float(np.sum(dist.probs * np.log(dist.probs / sampled)))
    return SampleScore(accuracy, kl)
