"""The phrase-pair set: prompts whose answers are two or three words that depend on each other.

For every prompt, each word position alone is ambiguous (several words can stand there) and
every word can be paired with a partner that makes the answer wrong, while the valid answers
are a small part of all combinations. A model that draws the words (here: the characters) of
an answer independently, from its per-position marginals, mixes valid answers into invalid
ones ("full card", "San Vegas"); a model that commits the answer jointly does not. That is
the failure VMD exists to fix, in a form anyone can read.

Layout, character level: the prompt padded to PROMPT_WIDTH, then the answer padded to
ANSWER_WIDTH, which is exactly one block, so a block model generates the whole answer as one
block conditioned on the clean prompt blocks. The real city names are public facts; every
other name is invented for this set.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np

from .text import CharTokenizer

TASK = "phrases"
PAD = "_"
PROMPT_WIDTH = 32
ANSWER_WIDTH = 16
BLOCK_SIZE = ANSWER_WIDTH
SEQ_LEN = PROMPT_WIDTH + ANSWER_WIDTH


@dataclass(frozen=True)
class PhrasePrompt:
    category: str
    prompt: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Example:
    prompt: str
    answer: str


def _ring(firsts: Sequence[str], seconds: Sequence[str]) -> tuple[str, ...]:
    """first[i] goes with second[i] and second[i+1]: every word has exactly two partners,
    and half or fewer of all combinations are valid."""
    n = len(firsts)
    return tuple(f"{firsts[i]} {seconds[(i + k) % n]}" for i in range(n) for k in (0, 1))


POKER_HANDS = ("full house", "high card", "two pair", "one pair", "royal flush", "straight flush")
TWO_WORD_CITIES = (
    "New York", "New Delhi", "New Orleans", "San Diego", "San Jose", "San Juan",
    "Los Angeles", "Las Vegas", "Hong Kong", "Tel Aviv", "Buenos Aires", "Sao Paulo",
)
CALIFORNIA_CITIES = (
    "San Diego", "San Jose", "San Francisco", "Los Angeles", "Santa Ana", "Santa Clara", "Santa Cruz", "Santa Monica",
)
# Three dependent words: the title agrees with the first name, the family name with the first name.
ELDMOOR_RULERS = (
    "Queen Ysa Marr", "Queen Ysa Dunn", "Queen Lio Dunn", "Queen Lio Vale",
    "King Bram Vale", "King Bram Kerr", "King Oto Kerr", "King Oto Marr",
)

PROMPTS: tuple[PhrasePrompt, ...] = (
    PhrasePrompt("poker hand", "A poker hand:", POKER_HANDS),
    PhrasePrompt("poker hand", "A two-word poker hand:", POKER_HANDS),
    PhrasePrompt("city", "A two-word city:", TWO_WORD_CITIES),
    PhrasePrompt("city", "A city in California:", CALIFORNIA_CITIES),
    PhrasePrompt("character", "A knight of Varrow:", _ring(("Aldric", "Brann", "Cora"), ("Thorne", "Vey", "Holt"))),
    PhrasePrompt("character", "A witch of Ember Hollow:", _ring(("Isolde", "Maeve", "Nim"), ("Fenn", "Marr", "Quill"))),
    PhrasePrompt(
        "character", "A captain of the Salt Fleet:",
        _ring(("Oska", "Tove", "Wren", "Jory"), ("Brine", "Gale", "Reef", "Skerry")),
    ),
    PhrasePrompt("character", "A ruler of Eldmoor:", ELDMOOR_RULERS),
    PhrasePrompt("colour pair", "The banner of Tessary:", _ring(("green", "blue", "red"), ("white", "gold", "black"))),
    PhrasePrompt(
        "colour pair", "The robes of the Lantern Order:",
        _ring(("grey", "violet", "amber", "teal"), ("silver", "ash", "rust", "ivory")),
    ),
)
VALID: dict[str, frozenset[str]] = {p.prompt: frozenset(p.answers) for p in PROMPTS}


def _check_layout() -> None:
    for p in PROMPTS:
        if len(p.prompt) >= PROMPT_WIDTH:
            raise ValueError(f"prompt {p.prompt!r} is longer than {PROMPT_WIDTH - 1} characters")
        for answer in p.answers:
            if len(answer) > ANSWER_WIDTH or PAD in answer:
                raise ValueError(f"answer {answer!r} does not fit the {ANSWER_WIDTH}-character answer block")


_check_layout()


@lru_cache(maxsize=1)
def tokenizer() -> CharTokenizer:
    """Every character of the prompts and answers, the padding character and the unknown token."""
    text = "".join(p.prompt + "".join(p.answers) for p in PROMPTS)
    return CharTokenizer.from_text(text, extra=PAD)


def sample_examples(n: int, seed: int | np.random.Generator = 0) -> list[Example]:
    """n (prompt, answer) pairs: a prompt uniformly at random, then one of its answers uniformly."""
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    prompts = rng.integers(0, len(PROMPTS), n)
    out = []
    for index in prompts:
        entry = PROMPTS[index]
        out.append(Example(entry.prompt, entry.answers[rng.integers(0, len(entry.answers))]))
    return out


def sample_prompts(n: int, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    return [PROMPTS[i].prompt for i in rng.integers(0, len(PROMPTS), n)]


def layout(prompt: str, answer: str = "") -> str:
    """The fixed-width text of one example (the answer may be empty). A prompt or answer
    that does not fit its block raises ValueError: cut, it would be read as another prompt."""
    if len(prompt) >= PROMPT_WIDTH:
        raise ValueError(f"the prompt {prompt[:40]!r} has {len(prompt)} characters; at most {PROMPT_WIDTH - 1} fit")
    if len(answer) > ANSWER_WIDTH:
        raise ValueError(f"the answer {answer[:40]!r} has {len(answer)} characters; at most {ANSWER_WIDTH} fit")
    return prompt.ljust(PROMPT_WIDTH, PAD) + answer.ljust(ANSWER_WIDTH, PAD)


def encode_examples(examples: Sequence[Example]) -> tuple[np.ndarray, np.ndarray]:
    """(tokens (n, SEQ_LEN), fixed (n, SEQ_LEN)): fixed is True on the prompt block(s)."""
    if not examples:
        raise ValueError("there are no examples to encode")
    tok = tokenizer()
    tokens = np.stack([tok.encode(layout(e.prompt, e.answer)) for e in examples])
    fixed = np.zeros(tokens.shape, dtype=bool)
    fixed[:, :PROMPT_WIDTH] = True
    return tokens, fixed


def prompt_rows(prompts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The sampler's input: prompts fixed, the answer block masked."""
    tokens, fixed = encode_examples([Example(p, "") for p in prompts])
    tokens[:, PROMPT_WIDTH:] = tokenizer().mask_id
    return tokens, fixed


def answer_text(row: np.ndarray) -> str:
    """The answer block of one token row as text, trailing padding removed."""
    return tokenizer().decode(np.asarray(row)[PROMPT_WIDTH:SEQ_LEN]).rstrip(PAD)


def is_valid(prompt: str, answer: str) -> bool:
    """Padding may follow the answer, nothing else; an unknown prompt has no valid answer."""
    return answer.rstrip(PAD) in VALID.get(prompt, frozenset())


def valid_rate(samples: Iterable[tuple[str, str]]) -> float:
    """Share of (prompt, generated answer) pairs whose answer is valid for its prompt."""
    flags = [is_valid(prompt, answer) for prompt, answer in samples]
    if not flags:
        raise ValueError("valid_rate needs at least one sample")
    return float(np.mean(flags))


def independent_valid_probability(answer_probs: np.ndarray, prompt: str) -> float:
    """Probability that drawing every answer character independently from `answer_probs`
    (ANSWER_WIDTH, vocab) gives a valid answer: sum over valid answers of the product of
    their characters' probabilities. This is what a one-step MDM sampling its marginals
    should score."""
    tok = tokenizer()
    answers = sorted(VALID[prompt])
    ids = np.stack([tok.encode(a.ljust(ANSWER_WIDTH, PAD)) for a in answers])  # (n_answers, W)
    probs = np.asarray(answer_probs, dtype=np.float64)
    per_char = probs[np.arange(ANSWER_WIDTH)[None, :], ids]
    return float(np.prod(per_char, axis=1).sum())


def word_options(prompt: str) -> list[set[str]]:
    """For each word position of the prompt's answers, the words that occur there."""
    answers = [a.split(" ") for a in VALID[prompt]]
    return [{words[i] for words in answers} for i in range(len(answers[0]))]


def balanced_prompts(per_prompt: int) -> list[str]:
    """Every prompt `per_prompt` times, so each prompt's answer histogram has the same footing."""
    if per_prompt < 1:
        raise ValueError("per_prompt must be >= 1")
    return [p.prompt for p in PROMPTS for _ in range(per_prompt)]


def answer_counts(samples: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """Per prompt, how often each of its valid answers was generated (invalid ones are left out)."""
    counts: dict[str, dict[str, int]] = {}
    for prompt, answer in samples:
        if prompt not in VALID:
            continue
        bins = counts.setdefault(prompt, dict.fromkeys(sorted(VALID[prompt]), 0))
        answer = answer.rstrip(PAD)
        if answer in bins:
            bins[answer] += 1
    return counts


def _tv_from_uniform(bins: Sequence[int]) -> float:
    total = sum(bins)
    if total == 0:
        return 1.0  # no valid answer at all: as far from the data as a histogram can be
    share = np.asarray(bins, dtype=np.float64) / total
    return float(0.5 * np.abs(share - 1.0 / len(bins)).sum())


def answer_tv(counts: dict[str, dict[str, int]]) -> float:
    """Mean over prompts of the total-variation distance between the histogram of a prompt's valid
    generated answers and the data's answer distribution (uniform over the prompt's answers).
    0 is a perfect spread; 1 - 1/n is a model that always gives the same one of n answers."""
    if not counts:
        raise ValueError("answer_tv needs at least one prompt")
    return float(np.mean([_tv_from_uniform(list(bins.values())) for bins in counts.values()]))


def answer_tv_floor(counts: dict[str, dict[str, int]], rounds: int = 400, seed: int = 0) -> float:
    """The answer_tv an exact sampler would score with the same number of valid answers per prompt:
    finite samples alone put a histogram this far from uniform, so a model's figure reads against it."""
    rng = np.random.default_rng(seed)
    per_prompt = []
    for bins in counts.values():
        n, k = sum(bins.values()), len(bins)
        if n == 0:
            continue
        draws = rng.multinomial(n, np.full(k, 1.0 / k), size=rounds)
        per_prompt.append(np.mean([_tv_from_uniform(row) for row in draws]))
    return float(np.mean(per_prompt)) if per_prompt else 1.0
