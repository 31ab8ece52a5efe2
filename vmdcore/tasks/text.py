"""Character-level text: a tokenizer built from a corpus, and prompts as masked token rows.

The vocabulary is one single-character string per token id, so it is stored as the
checkpoint's vocabulary as is. Characters the corpus never showed map to the explicit
unknown token (U+FFFD, the Unicode replacement character), never silently to another letter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

TASK = "text"
UNKNOWN = "\ufffd"
MASK_CHAR = "\u2591"  # how a still-masked position is shown when decoding a partial sequence


@dataclass(frozen=True)
class CharTokenizer:
    """Token id i is the character vocabulary[i]; the mask id is len(vocabulary)."""

    vocabulary: tuple[str, ...]
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        vocabulary = tuple(self.vocabulary)
        bad = [v for v in vocabulary if not isinstance(v, str) or len(v) != 1]
        if bad:
            raise ValueError(f"every vocabulary entry must be one character, not {bad[:3]!r}")
        if len(set(vocabulary)) != len(vocabulary):
            raise ValueError("the vocabulary repeats a character")
        if UNKNOWN not in vocabulary:
            raise ValueError("the vocabulary lacks the unknown-character token U+FFFD")
        object.__setattr__(self, "vocabulary", vocabulary)
        object.__setattr__(self, "_index", {c: i for i, c in enumerate(vocabulary)})

    @classmethod
    def from_text(cls, text: str, extra: Iterable[str] = ()) -> "CharTokenizer":
        """The unknown token first, then every character of `text` (and `extra`) in code-point order."""
        chars = (set(text) | set("".join(extra))) - {UNKNOWN}
        return cls((UNKNOWN, *sorted(chars)))

    @classmethod
    def from_vocabulary(cls, vocabulary: Sequence[str]) -> "CharTokenizer":
        """Rebuild from a checkpoint's vocabulary list."""
        return cls(tuple(vocabulary))

    @property
    def vocab_size(self) -> int:
        return len(self.vocabulary)

    @property
    def mask_id(self) -> int:
        return len(self.vocabulary)

    @property
    def unknown_id(self) -> int:
        return self._index[UNKNOWN]

    def unknown_characters(self, text: str) -> set[str]:
        return {c for c in set(text) if c not in self._index}

    def encode(self, text: str) -> np.ndarray:
        """int64 ids, one per character; unseen characters become the unknown id."""
        unknown = self.unknown_id
        return np.fromiter((self._index.get(c, unknown) for c in text), dtype=np.int64, count=len(text))

    def decode(self, ids: Iterable[int], mask_char: str = MASK_CHAR) -> str:
        """Text for a row of ids; a masked position shows as `mask_char`."""
        out = []
        row = ids if isinstance(ids, np.ndarray) else np.fromiter(ids, dtype=np.int64)
        for i in row.ravel():
            i = int(i)
            if i == self.mask_id:
                out.append(mask_char)
            elif 0 <= i < self.mask_id:
                out.append(self.vocabulary[i])
            else:
                raise ValueError(f"token id {i} is outside this vocabulary (0-{self.mask_id})")
        return "".join(out)


def prompt_tokens(tokenizer: CharTokenizer, prompt: str, seq_len: int, batch: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(batch, seq_len) initial tokens with the prompt at the start and every later position masked,
    and the matching `fixed` mask (True on the prompt) for vmdcore.sampling.sample.

    A prompt that fills the whole sequence leaves nothing to generate, so it is refused.
    """
    if len(prompt) >= seq_len:
        raise ValueError(
            f"the prompt has {len(prompt)} characters; this model reads {seq_len}, so at most {seq_len - 1} fit"
        )
    tokens = np.full((batch, seq_len), tokenizer.mask_id, dtype=np.int64)
    tokens[:, : len(prompt)] = tokenizer.encode(prompt)
    fixed = np.zeros((batch, seq_len), dtype=bool)
    fixed[:, : len(prompt)] = True
    return tokens, fixed
