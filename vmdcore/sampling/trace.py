"""What one sampling run produces: a Step per network evaluation, gathered in a Trace.

Everything here is plain numpy so a Step can cross a thread boundary, be painted by a view
that never imports torch, and be written to JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Step:
    """The state after one network evaluation, for a batch of B sequences of length L.

    tokens:      (B, L) int64, the sequence after this step; masked positions hold mask_id.
    committed:   (B, L) bool, positions that received their token in this step.
    predicted:   (B, L) int64, the model's current choice for every position (for a fixed
                 or already committed position: the model's own guess there, for display).
    confidence:  (B, L) float32, probability the model gives to `predicted`.
    z:           (B, n_latents, latent_dim) float32 latent used in this step, or None for MDM.
    index:       1-based step number; `total` is the number of steps of the whole run.
    block:       index of the block being decoded (0 when the model has no blocks).
    seconds:     wall time of this step (network evaluation + selection).
    """

    index: int
    total: int
    tokens: np.ndarray
    committed: np.ndarray
    predicted: np.ndarray
    confidence: np.ndarray
    z: np.ndarray | None
    block: int = 0
    seconds: float = 0.0

    @property
    def batch_size(self) -> int:
        return int(self.tokens.shape[0])

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "total": self.total,
            "block": self.block,
            "seconds": self.seconds,
            "tokens": self.tokens.tolist(),
            "committed": self.committed.astype(int).tolist(),
            "predicted": self.predicted.tolist(),
            "confidence": np.round(self.confidence.astype(float), 5).tolist(),
            "z": None if self.z is None else np.round(self.z.astype(float), 5).tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Step":
        return cls(
            index=int(data["index"]),
            total=int(data["total"]),
            block=int(data.get("block", 0)),
            seconds=float(data.get("seconds", 0.0)),
            tokens=np.asarray(data["tokens"], dtype=np.int64),
            committed=np.asarray(data["committed"], dtype=bool),
            predicted=np.asarray(data["predicted"], dtype=np.int64),
            confidence=np.asarray(data["confidence"], dtype=np.float32),
            z=None if data.get("z") is None else np.asarray(data["z"], dtype=np.float32),
        )


@dataclass
class Trace:
    """A whole run: the starting tokens, which positions were fixed, and every Step.

    `initial` is (B, L) with mask_id at the positions to fill; `fixed` marks positions the
    sampler never changes (Sudoku clues, a text prompt). `settings` records the sampler
    configuration and the model that produced the run, so an exported trace explains itself.
    """

    initial: np.ndarray
    fixed: np.ndarray
    mask_id: int
    settings: dict[str, Any] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    cancelled: bool = False

    @property
    def final(self) -> np.ndarray:
        return self.steps[-1].tokens if self.steps else self.initial

    @property
    def complete(self) -> bool:
        return bool(self.steps) and not self.cancelled and not (self.final == self.mask_id).any()

    @property
    def total_seconds(self) -> float:
        return float(sum(s.seconds for s in self.steps))

    def tokens_at(self, step: int) -> np.ndarray:
        """Tokens after `step` steps (0 = the initial state)."""
        return self.initial if step <= 0 else self.steps[step - 1].tokens

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "vmd-trace",
            "version": 1,
            "mask_id": self.mask_id,
            "settings": self.settings,
            "cancelled": self.cancelled,
            "initial": self.initial.tolist(),
            "fixed": self.fixed.astype(int).tolist(),
            "steps": [s.to_dict() for s in self.steps],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Trace":
        if data.get("format") != "vmd-trace":
            raise ValueError("not a VMD trace (missing format: vmd-trace)")
        return cls(
            initial=np.asarray(data["initial"], dtype=np.int64),
            fixed=np.asarray(data["fixed"], dtype=bool),
            mask_id=int(data["mask_id"]),
            settings=dict(data.get("settings", {})),
            steps=[Step.from_dict(s) for s in data["steps"]],
            cancelled=bool(data.get("cancelled", False)),
        )
