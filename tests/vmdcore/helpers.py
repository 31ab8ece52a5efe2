"""Small models shared by the engine tests."""

from __future__ import annotations

from vmdcore.config import ModelConfig
from vmdcore.model import DiffusionModel, build_model


def tiny_model(latent_dim: int = 0, block_size: int = 0, seq_len: int = 12, vocab_size: int = 7, seed: int = 0) -> DiffusionModel:
    config = ModelConfig(
        vocab_size=vocab_size, seq_len=seq_len, d_model=32, n_layers=2, n_heads=2,
        latent_dim=latent_dim, encoder_layers=1, block_size=block_size,
    )
    return build_model(config, seed=seed)
