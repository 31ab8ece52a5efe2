"""The word rate: a readable measure of whether characters decided together belong together.

A word is a maximal run of letters and apostrophes. A continuation's words are scored against
the words of the corpus's training part; the last word is dropped when the continuation ends
inside it (it was cut off, not misspelt), and a first word that continues the prompt's last
word is scored whole (prompt tail + continuation head).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

WORD = re.compile(r"[A-Za-z']+")


def vocabulary(text: str) -> frozenset[str]:
    """Every word of `text`, lower-cased (a capitalised word at a line start is the same word)."""
    return frozenset(w.lower() for w in WORD.findall(text))


def continuation_words(prompt: str, text: str) -> list[str]:
    """The words the continuation wrote, as scored by the word rate."""
    head = WORD.match(text)
    tail = re.search(r"[A-Za-z']+$", prompt)
    words = WORD.findall(text)
    if head and tail and words:
        words[0] = tail.group(0) + words[0]
    if words and WORD.fullmatch(text[-1:] or " "):
        words.pop()
    return [w.lower() for w in words]


@dataclass(frozen=True)
class WordRate:
    words: int
    known: int

    @property
    def rate(self) -> float:
        return self.known / self.words if self.words else 0.0


def word_rate(samples: Iterable[tuple[str, str]], known: frozenset[str]) -> WordRate:
    """Share of the words in (prompt, continuation) pairs that occur in `known`."""
    words = [w for prompt, text in samples for w in continuation_words(prompt, text)]
    return WordRate(len(words), sum(w in known for w in words))
