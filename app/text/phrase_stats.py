"""Counting phrase answers: which answers each model gave for one prompt, which of them are
valid, and the rows of the bar chart (every valid answer, then the commonest invalid mixtures).
Pure Python on top of vmdcore.tasks.phrases."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from vmdcore.tasks import phrases


@dataclass(frozen=True)
class PhraseTally:
    prompt: str
    counts: tuple[tuple[str, int], ...]  # (answer, count), commonest first
    nfe: int = 1

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    @property
    def valid(self) -> int:
        return sum(n for answer, n in self.counts if phrases.is_valid(self.prompt, answer))

    @property
    def valid_rate(self) -> float:
        return self.valid / self.total if self.total else 0.0

    def count(self, answer: str) -> int:
        return dict(self.counts).get(answer, 0)


def tally(prompt: str, answers: Iterable[str], nfe: int = 1) -> PhraseTally:
    counter = Counter(answers)
    ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return PhraseTally(prompt, tuple(ordered), nfe)


@dataclass(frozen=True)
class ChartRow:
    label: str
    valid: bool
    counts: tuple[tuple[str, int], ...]  # (lane, count)

    def count(self, lane: str) -> int:
        return dict(self.counts).get(lane, 0)


def answer_label(answer: str) -> str:
    return f"“{answer}”" if answer.strip() else "(empty answer)"


def chart_rows(prompt: str, tallies: Mapping[str, PhraseTally], max_invalid: int = 10) -> list[ChartRow]:
    """Every valid answer of `prompt` (also those never sampled, so missing coverage shows),
    then the `max_invalid` commonest invalid answers over all lanes, then one row that sums
    the rest of the invalid ones."""
    lanes = list(tallies)
    rows = []
    valid_answers = next(p.answers for p in phrases.PROMPTS if p.prompt == prompt) if prompt in phrases.VALID else ()
    for answer in valid_answers:
        rows.append(ChartRow(answer_label(answer), True, tuple((lane, tallies[lane].count(answer)) for lane in lanes)))
    invalid: Counter[str] = Counter()
    for t in tallies.values():
        for answer, n in t.counts:
            if not phrases.is_valid(prompt, answer):
                invalid[answer] += n
    ranked = sorted(invalid.items(), key=lambda item: (-item[1], item[0]))
    for answer, _ in ranked[:max_invalid]:
        rows.append(ChartRow(answer_label(answer), False, tuple((lane, tallies[lane].count(answer)) for lane in lanes)))
    rest = [answer for answer, _ in ranked[max_invalid:]]
    if rest:
        counts = tuple((lane, sum(tallies[lane].count(a) for a in rest)) for lane in lanes)
        rows.append(ChartRow(f"{len(rest)} other invalid answers", False, counts))
    return rows
