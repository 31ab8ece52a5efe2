"""Model configuration: one frozen dataclass that fully describes a network's shape."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

LAYOUTS = ("sequence", "sudoku")
ENCODER_POOLS = ("mean", "cells")
LATENT_PRIORS = ("standard", "conditional")


@dataclass(frozen=True)
class ModelConfig:
    """Shape of a Denoiser (and of its LatentEncoder when latent_dim > 0).

    vocab_size counts real tokens only; the mask token is id `vocab_size`.
    latent_dim = 0 is the baseline MDM; > 0 conditions every layer on z (VMD).
    block_size = 0 means one block over the whole sequence (bidirectional attention, one z);
    block_size > 0 makes attention block-causal with one z per block (Block VMD / BD3-LM).
    layout picks the positional scheme: "sequence" (learned absolute positions) or "sudoku"
    (row + column + box embeddings and a learned per-head attention bias for peer relations).
    latent_tokens > 0 (VMD with one block only) also turns z into that many extra tokens that
    every position attends to in every layer, so each position can read its own part of z;
    adaptive LN alone shifts every position the same way.
    encoder_pool: how q(z | x0, mask) summarises a block: "mean" over positions, or "cells",
    a few features per position concatenated in order (keeps which position said what).
    latent_cell_features > 0 also reads that many features per position out of z with one
    linear map and adds them to the position's input: a direct, position-addressed path from z
    to each cell, the mirror of the "cells" encoder.
    latent_prior: "standard" is the paper's fixed N(0, I). "conditional" (one-block VMD only)
    learns a diagonal Gaussian p(z | fixed tokens) with a second encoder-shaped network that
    sees only the positions fixed from the start (a Sudoku's clues). With one solution per
    puzzle, a draw from N(0, I) names some other grid's solution; a prior that reads the clues
    can put its mass where the encoder puts this puzzle's z. It departs from the paper.
    latent_components > 0 (one-block VMD only) makes the latent discrete instead: one of that
    many learned codes (each latent_dim wide), with a prior p(k | xt) read from the denoiser's
    own hidden states after its first n_layers - mixture_layers layers; only the last
    mixture_layers layers read the code. Training marginalises k exactly (a mixture of K
    products of marginals), so there is no encoder and no gap between what the decoder trains
    on and what sampling draws. It departs from the paper's Gaussian z.
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
    dropout: float = 0.0
    latent_tokens: int = 0
    encoder_pool: str = "mean"
    latent_cell_features: int = 0
    latent_prior: str = "standard"
    latent_components: int = 0
    mixture_layers: int = 1

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
        if self.latent_cell_features < 0 or (self.latent_cell_features and not self.is_latent):
            raise ValueError("latent_cell_features needs a latent (latent_dim > 0) and must be >= 0")
        if self.encoder_pool not in ENCODER_POOLS:
            raise ValueError(f"encoder_pool must be one of {ENCODER_POOLS}, not {self.encoder_pool!r}")
        if self.latent_prior not in LATENT_PRIORS:
            raise ValueError(f"latent_prior must be one of {LATENT_PRIORS}, not {self.latent_prior!r}")
        if self.latent_prior == "conditional" and (not self.is_latent or self.n_blocks != 1):
            raise ValueError("a conditional prior needs a latent (latent_dim > 0) and a single block")
        if self.latent_components < 0 or self.latent_components == 1:
            raise ValueError("latent_components must be 0 (a Gaussian latent or none) or at least 2")
        if self.is_mixture:
            if not self.is_latent or self.n_blocks != 1:
                raise ValueError("a discrete latent (latent_components) needs latent_dim > 0 for its codes and a single block")
            if self.latent_tokens or self.latent_cell_features or self.latent_prior != "standard":
                raise ValueError("a discrete latent reads its code through adaptive LN only: no latent_tokens, "
                                 "latent_cell_features or conditional prior")
            if not 1 <= self.mixture_layers < self.n_layers:
                raise ValueError(f"mixture_layers must be between 1 and n_layers - 1 ({self.n_layers - 1})")

    @property
    def mask_id(self) -> int:
        return self.vocab_size

    @property
    def is_latent(self) -> bool:
        return self.latent_dim > 0

    @property
    def is_mixture(self) -> bool:
        """A discrete latent, marginalised exactly: no encoder."""
        return self.latent_components > 0

    @property
    def uses_encoder(self) -> bool:
        """A Gaussian latent, trained with the encoder q(z | x0, mask)."""
        return self.is_latent and not self.is_mixture

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
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown model settings: {sorted(unknown)}")
        return cls(**data)
