"""One model's generation as the Text view sees it: the Steps received so far, turned into
frames (what each position shows) and per-step series. Pure numpy, built as Steps stream in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
from vmdcore.tasks.text import MASK_CHAR


class Cell(IntEnum):
    PROMPT = 0
    MASKED = 1
    NOW = 2  # committed in the step shown
    EARLIER = 3  # committed in an earlier step
    OUTSIDE = 4  # past the requested length: never generated, not shown


@dataclass(frozen=True, eq=False)
class TextFrame:
    """chars: one string per position (MASK_CHAR where masked). kinds: a Cell per position.
    confidence: the probability each model character was committed with (0 elsewhere).
    ghosts: the model's current guess at masked positions ('' where none).
    active_block: the block the step shown worked on (None before the first step)."""

    chars: tuple[str, ...]
    kinds: np.ndarray
    confidence: np.ndarray
    ghosts: tuple[str, ...]
    block_size: int
    active_block: int | None = None

    def __len__(self) -> int:
        return len(self.chars)

    def text(self, kinds: Iterable[Cell] = (Cell.PROMPT, Cell.MASKED, Cell.NOW, Cell.EARLIER)) -> str:
        wanted = set(kinds)
        return "".join(c for c, k in zip(self.chars, self.kinds) if Cell(int(k)) in wanted)


@dataclass(frozen=True)
class TextOutcome:
    step: int
    masked: int
    generated: int
    committed_now: int
    mean_confidence: float  # of the characters committed in the step shown (0 when none)


class TextRecord:
    def __init__(self, lane: str, vocabulary: Sequence[str], initial: np.ndarray, fixed: np.ndarray, mask_id: int, block_size: int) -> None:
        self.lane = lane
        self.vocabulary = tuple(vocabulary)
        self.mask_id = int(mask_id)
        self.block_size = int(block_size)
        self.initial = np.asarray(initial, dtype=np.int64).reshape(-1).copy()
        fixed = np.asarray(fixed, dtype=bool).reshape(-1)
        self.prompt = fixed & (self.initial != self.mask_id)
        self.outside = fixed & (self.initial == self.mask_id)
        self.steps: list[Any] = []
        self.trace: Any = None
        self.cancelled = False
        self._tokens = [self.initial]
        self._confidence = [np.zeros(self.initial.shape, dtype=np.float32)]

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def total(self) -> int:
        return int(self.steps[-1].total) if self.steps else 0

    @property
    def complete(self) -> bool:
        return bool(self.steps) and len(self.steps) >= self.total

    def append(self, step: Any) -> None:
        tokens = np.asarray(step.tokens)[0].astype(np.int64)
        committed = np.asarray(step.committed, dtype=bool)[0]
        confidence = self._confidence[-1].copy()
        confidence[committed] = np.asarray(step.confidence, dtype=np.float32)[0][committed]
        self.steps.append(step)
        self._tokens.append(tokens)
        self._confidence.append(confidence)

    def finish(self, trace: Any, cancelled: bool) -> None:
        self.trace = trace
        self.cancelled = cancelled

    def _clamp(self, position: int) -> int:
        return max(0, min(int(position), len(self.steps)))

    def _char(self, token: int) -> str:
        return MASK_CHAR if token == self.mask_id else self.vocabulary[token] if 0 <= token < len(self.vocabulary) else "\ufffd"

    def frame_at(self, position: int) -> TextFrame:
        """What the strip shows after `position` steps. Ghosts are the model's guess from this
        state, i.e. the prediction of the next step (or of this one when none follows)."""
        i = self._clamp(position)
        tokens = self._tokens[i]
        # Past this lane's last step (a shorter lane on a shared timeline) nothing is new.
        shown = self.steps[i - 1] if 0 < i and position <= len(self.steps) else None
        guess = self.steps[i] if i < len(self.steps) else None
        masked = (tokens == self.mask_id) & ~self.outside
        kinds = np.full(tokens.shape, Cell.EARLIER, dtype=np.int8)
        kinds[masked] = Cell.MASKED
        if shown is not None:
            kinds[np.asarray(shown.committed, dtype=bool)[0] & ~masked] = Cell.NOW
        kinds[self.prompt] = Cell.PROMPT
        kinds[self.outside] = Cell.OUTSIDE
        ghosts = [""] * len(tokens)
        if guess is not None:
            predicted = np.asarray(guess.predicted)[0]
            for j in np.flatnonzero(masked):
                ghosts[j] = self._char(int(predicted[j]))
        return TextFrame(
            chars=tuple(self._char(int(t)) if k != Cell.OUTSIDE else "" for t, k in zip(tokens, kinds)),
            kinds=kinds,
            confidence=np.where((kinds == Cell.NOW) | (kinds == Cell.EARLIER), self._confidence[i], 0.0).astype(np.float32),
            ghosts=tuple(ghosts),
            block_size=self.block_size,
            active_block=None if shown is None else int(shown.block),
        )

    def text_at(self, position: int) -> str:
        """Prompt and generated characters (masked ones as MASK_CHAR), without the unused tail."""
        return self.frame_at(position).text()

    def outcome_at(self, position: int) -> TextOutcome:
        i = self._clamp(position)
        tokens = self._tokens[i]
        generated_positions = ~self.prompt & ~self.outside
        masked = int(np.count_nonzero((tokens == self.mask_id) & generated_positions))
        if 0 < i and position <= len(self.steps):
            now = np.asarray(self.steps[i - 1].committed, dtype=bool)[0]
        else:
            now = np.zeros(tokens.shape, dtype=bool)
        mean = float(self._confidence[i][now].mean()) if now.any() else 0.0
        return TextOutcome(i, masked, int(np.count_nonzero(generated_positions)) - masked, int(np.count_nonzero(now)), mean)

    def masked_series(self) -> np.ndarray:
        open_positions = ~self.prompt & ~self.outside
        return np.array([np.count_nonzero((t == self.mask_id) & open_positions) for t in self._tokens], dtype=float)

    def confidence_series(self) -> np.ndarray:
        """Mean confidence of the characters committed at each step (0 at the start)."""
        values = [0.0]
        for step, conf in zip(self.steps, self._confidence[1:]):
            now = np.asarray(step.committed, dtype=bool)[0]
            values.append(float(conf[now].mean()) if now.any() else 0.0)
        return np.array(values, dtype=float)

    def mean_step_seconds(self) -> float:
        return float(np.mean([s.seconds for s in self.steps])) if self.steps else 0.0


def shared_available(records: Iterable[TextRecord]) -> int:
    """Steps every lane can show: lanes of different lengths (an AR lane takes one step per
    character) share one timeline; a finished lane holds its last frame, so only lanes still
    running limit how far the timeline may go."""
    records = list(records)
    if not records:
        return 0
    running = [len(r) for r in records if not r.complete]
    return min(running) if running else max(len(r) for r in records)


def verdict(record: TextRecord, position: int, final: bool) -> tuple[str, str]:
    """The line under a lane and its tone."""
    o = record.outcome_at(position)
    if final and o.masked:
        return f"Stopped · {o.generated} generated · {o.masked} still masked", "warn"
    if final or (record.complete and position >= len(record)):
        return f"Done · {o.generated} characters in {len(record)} steps", "good"
    if o.step == 0:
        return f"start: {o.masked} masked characters", "hint"
    if o.committed_now:
        return f"{o.masked} masked · {o.committed_now} committed, mean confidence {o.mean_confidence:.2f}", "neutral"
    return f"{o.masked} masked", "neutral"
