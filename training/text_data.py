"""A character corpus read from a path: the first 90% trains, the last 10% is held out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from vmdcore.tasks.text import CharTokenizer

HELD_OUT_FRACTION = 0.1


class CorpusError(Exception):
    """The corpus cannot be used; the message says why."""


@dataclass(frozen=True)
class Corpus:
    name: str
    sha256: str
    train_text: str
    held_out_text: str

    def tokenizer(self) -> CharTokenizer:
        # Built from the training part only, so characters first seen in the held-out text
        # are scored as the unknown token rather than leaking into the vocabulary.
        return CharTokenizer.from_text(self.train_text)

    def describe(self) -> dict:
        return {"corpus": self.name, "corpus_sha256": self.sha256, "train_chars": len(self.train_text),
                "held_out_chars": len(self.held_out_text), "split": "first 90% train, last 10% held out"}


def load_corpus(path: str | Path) -> Corpus:
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"corpus not found: {path} (give a plain-text file with --corpus)")
    if path.is_dir():
        raise CorpusError(f"{path} is a folder; --corpus needs a plain-text file")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path} is not UTF-8 text ({exc})") from exc
    if len(text) < 100:
        raise CorpusError(f"{path} holds {len(text)} characters; a corpus needs at least 100")
    cut = len(text) - max(1, int(round(len(text) * HELD_OUT_FRACTION)))
    return Corpus(path.name, hashlib.sha256(raw).hexdigest(), text[:cut], text[cut:])


class WindowStream:
    """Random windows of seq_len characters from the training text, as the trainer's next_batch."""

    def __init__(self, ids: np.ndarray, seq_len: int) -> None:
        if len(ids) <= seq_len:
            raise CorpusError(f"the training text has {len(ids)} characters; windows of {seq_len} need more")
        self.ids = ids
        self.seq_len = seq_len
        self.offsets = np.arange(seq_len)

    def __call__(self, n: int, rng: np.random.Generator) -> tuple[torch.Tensor, None]:
        starts = rng.integers(0, len(self.ids) - self.seq_len + 1, n)
        return torch.from_numpy(self.ids[starts[:, None] + self.offsets]), None


def held_out_windows(ids: np.ndarray, seq_len: int, limit_chars: int = 0) -> np.ndarray:
    """Consecutive non-overlapping windows (n, seq_len) covering the held-out ids; the last
    partial window is dropped. `limit_chars` > 0 keeps only the first windows covering that many."""
    usable = len(ids) if limit_chars <= 0 else min(len(ids), limit_chars)
    n = usable // seq_len
    if n == 0:
        raise CorpusError(f"the held-out text has {len(ids)} characters, fewer than one window of {seq_len}")
    return ids[: n * seq_len].reshape(n, seq_len)
