"""Model configuration: one frozen dataclass that fully describes a network's shape."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

LAYOUTS = ("sequence", "sudoku")
ENCODER_POOLS = ("mean", "cells")

# The last commit whose code still had the retired settings below.
RETIRED_IN = "e2ec51e"
RETIRED_ON = "2026-12-07"
RETIRED_NOTES = "docs/results/sudoku-training.md"

# Settings that checkpoints written before RETIRED_ON may record, each with the value at which
# it did nothing. A checkpoint holding that value loads as if the key were absent; any other
# value needs the retired code, so loading refuses it (RetiredSettingError).
RETIRED_SETTINGS: dict[str, tuple[Any, str]] = {
    "latent_cell_features": (0, "the per-cell readout of z (latent_cell_features)"),
    "latent_prior": ("standard", "the conditional prior p(z | clues) (latent_prior)"),
    "latent_components": (0, "the discrete latent (latent_components)"),
}
# Retired settings that never change what a checkpoint's weights compute when sampling, so any
# value is ignored: mixture_layers only acted with latent_components > 0 (refused above), and
# dropout only while training.
IGNORED_SETTINGS = ("mixture_layers", "dropout")


class RetiredSettingError(ValueError):
    """A saved configuration uses a model option that VMD no longer has."""


@dataclass(frozen=True)
class ModelConfig:
    """Shape of a DiffusionModel: its Denoiser and, when latent_dim > 0, its LatentEncoder.

    vocab_size: real tokens; the mask token is id vocab_size (the embedding has one more row).
    seq_len: positions per sequence.
    d_model, n_layers, n_heads, mlp_ratio: the transformer's width, depth, attention heads and
        MLP expansion (the hidden layer is mlp_ratio * d_model wide).
    latent_dim: 0 is the MDM; > 0 is the VMD, with a Gaussian z of that many dimensions per
        block, prior N(0, I), that shifts and scales both layer norms of every denoiser layer
        (adaptive LN).
    encoder_layers: depth of the training-time encoder q(z | x0, mask) (VMD only).
    block_size: 0 is one block over the whole sequence (bidirectional attention, one z);
        > 0 makes attention block-causal with one z per block (Block VMD / BD3-LM); it must
        divide seq_len.
    layout: the positional scheme. "sequence": learned absolute positions. "sudoku" (seq_len
        81): row + column + box embeddings, a learned per-head attention bias for how two
        cells relate (same row, column, box, itself, none), and a per-cell input of the digits
        already among its peers.
    latent_tokens: > 0 (one-block VMD only) also turns z into that many extra tokens that every
        position attends to in every layer, so each position can read its own part of z.
    encoder_pool: how the encoder summarises a block into q(z): "mean" over its positions, or
        "cells", a few features per position concatenated in order, which keeps which
        position held what.
    """

    vocab_size: int
    seq_len: int
    d_model: int = 128
    n_layers: int = 4
    n_heads: int = 4
    mlp_ratio: int = 4
    latent_dim: int = 0
    encoder_layers: int = 2
    block_size: int = 0
    layout: str = "sequence"
    latent_tokens: int = 0
    encoder_pool: str = "mean"

    def __post_init__(self) -> None:
        if self.vocab_size < 2 or self.seq_len < 1:
            raise ValueError("vocab_size must be >= 2 and seq_len >= 1")
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model {self.d_model} is not divisible by n_heads {self.n_heads}")
        if self.layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}, not {self.layout!r}")
        if self.layout == "sudoku" and self.seq_len != 81:
            raise ValueError("the sudoku layout needs seq_len 81")
        if self.block_size and self.seq_len % self.block_size:
            raise ValueError(f"seq_len {self.seq_len} is not a multiple of block_size {self.block_size}")
        if self.latent_dim < 0 or self.block_size < 0 or self.latent_tokens < 0:
            raise ValueError("latent_dim, block_size and latent_tokens must be >= 0")
        if self.latent_tokens and (not self.is_latent or self.n_blocks != 1):
            raise ValueError("latent_tokens needs a latent (latent_dim > 0) and a single block")
        if self.encoder_pool not in ENCODER_POOLS:
            raise ValueError(f"encoder_pool must be one of {ENCODER_POOLS}, not {self.encoder_pool!r}")

    @property
    def mask_id(self) -> int:
        return self.vocab_size

    @property
    def is_latent(self) -> bool:
        return self.latent_dim > 0

    @property
    def n_blocks(self) -> int:
        return self.seq_len // self.block_size if self.block_size else 1

    @property
    def kind(self) -> str:
        return "vmd" if self.is_latent else "mdm"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ModelConfig":
        """The inverse of to_dict. Settings a configuration saved before 2026-12-07 may carry
        are dropped where they did nothing (RETIRED_SETTINGS, IGNORED_SETTINGS); one that did
        raises RetiredSettingError."""
        data = dict(data)
        for name, (unused, what) in RETIRED_SETTINGS.items():
            if name in data and data.pop(name) != unused:
                raise RetiredSettingError(
                    f"it uses {what}, an experiment removed from VMD on {RETIRED_ON} (see {RETIRED_NOTES}); "
                    f"VMD as of commit {RETIRED_IN} can still load it")
        for name in IGNORED_SETTINGS:
            data.pop(name, None)
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown model settings: {sorted(unknown)}")
        return cls(**data)
