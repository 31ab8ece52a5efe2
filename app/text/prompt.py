"""Turning the user's prompt into the sampler's input, with a plain message for every way it
can be wrong (empty, characters the model never saw, too long)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from vmdcore.tasks.text import CharTokenizer, prompt_tokens


class PromptError(ValueError):
    """The prompt cannot be used as it is; the message says why, for the user."""


@dataclass(frozen=True, eq=False)
class PromptLayout:
    """tokens / fixed: (1, L) for the sampler. Positions past `end` stay masked and fixed,
    so a shorter generation than the model's window simply leaves them out."""

    tokens: np.ndarray
    fixed: np.ndarray
    prompt_length: int
    length: int

    @property
    def end(self) -> int:
        return self.prompt_length + self.length


def describe_character(c: str) -> str:
    names = {" ": "space", "\t": "tab", "\n": "line break", "\r": "carriage return"}
    if c in names:
        return names[c]
    name = unicodedata.name(c, "")
    return f"'{c}' (U+{ord(c):04X}{' ' + name if name else ''})"


def max_length(seq_len: int, prompt: str) -> int:
    """How many characters fit after `prompt` in a window of `seq_len`."""
    return max(0, seq_len - len(prompt))


def layout_prompt(vocabulary: Sequence[str], seq_len: int, prompt: str, length: int) -> PromptLayout:
    if not prompt:
        raise PromptError("The prompt is empty: type the start of a text for the models to continue.")
    tokenizer = CharTokenizer.from_vocabulary(vocabulary)
    unknown = sorted(tokenizer.unknown_characters(prompt))
    if unknown:
        shown = ", ".join(describe_character(c) for c in unknown[:8])
        more = f" and {len(unknown) - 8} more" if len(unknown) > 8 else ""
        raise PromptError(
            f"The models never saw {'this character' if len(unknown) == 1 else 'these characters'} in training: "
            f"{shown}{more}. Remove or replace {'it' if len(unknown) == 1 else 'them'}."
        )
    room = max_length(seq_len, prompt)
    if room < 1:
        raise PromptError(
            f"The prompt has {len(prompt)} characters; the models read {seq_len} at a time, "
            f"so a prompt may have at most {seq_len - 1}."
        )
    if length < 1:
        raise PromptError("Ask for at least one character.")
    if length > room:
        raise PromptError(f"Only {room} characters fit after this prompt (the models read {seq_len} at a time).")
    tokens, fixed = prompt_tokens(tokenizer, prompt, seq_len)
    fixed[:, len(prompt) + length :] = True
    return PromptLayout(tokens, fixed, len(prompt), length)


def planned_steps(layout: PromptLayout, block_size: int, nfe: int) -> int:
    """Steps the sampler will take: `nfe` for each block holding a position to generate
    (a model without blocks is one block)."""
    if layout.length < 1:
        return 0
    if block_size <= 0:
        return nfe
    first = layout.prompt_length // block_size
    last = (layout.end - 1) // block_size
    return nfe * (last - first + 1)
