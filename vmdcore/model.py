"""The networks: a time-free bidirectional transformer denoiser, optionally conditioned on a
latent z through adaptive layer norm (VMD), and the training-time latent encoder q(z | x0, mask).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .config import ModelConfig
from .fastpath import inference_path
from .positions import PeerDigits, PositionEmbedding, RelationBias


@dataclass(frozen=True)
class DiagonalGaussian:
    """A diagonal Gaussian over z, one per block: mean and log-variance (B, n_blocks, D).
    The encoder's q(z | x0, mask)."""

    mean: torch.Tensor
    logvar: torch.Tensor

    def sample(self, generator: torch.Generator | None = None) -> torch.Tensor:
        noise = torch.randn(self.mean.shape, generator=generator, device=self.mean.device, dtype=self.mean.dtype)
        return self.mean + noise * torch.exp(0.5 * self.logvar)

    def kl_to_standard(self) -> torch.Tensor:
        """KL(self || N(0, I)) per latent dimension, shape (B, n_blocks, D)."""
        return 0.5 * (self.mean.pow(2) + self.logvar.exp() - 1.0 - self.logvar)


def block_ids(config: ModelConfig, device: torch.device | None = None) -> torch.Tensor:
    positions = torch.arange(config.seq_len, device=device)
    return positions // config.block_size if config.block_size else torch.zeros_like(positions)


def block_causal_mask(blocks: torch.Tensor) -> torch.Tensor:
    """Boolean (L, L) mask: a position may attend to its own block and every earlier block."""
    return blocks[:, None] >= blocks[None, :]


def two_stream_mask(blocks: torch.Tensor) -> torch.Tensor:
    """Attention mask over [noisy ; clean] (2L positions) for vectorised block-diffusion training.

    A noisy token of block b sees the noisy tokens of block b and the clean tokens of blocks
    before b; a clean token sees the clean tokens of its own and earlier blocks. This trains
    every block at once, each conditioned on clean history, exactly as blocks are sampled.
    """
    same = blocks[:, None] == blocks[None, :]
    earlier = blocks[:, None] > blocks[None, :]
    causal = blocks[:, None] >= blocks[None, :]
    none = torch.zeros_like(same)
    top = torch.cat([same, earlier], dim=1)
    bottom = torch.cat([none, causal], dim=1)
    return torch.cat([top, bottom], dim=0)


def _same_mask(a: torch.Tensor | None, b: torch.Tensor | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.shape == b.shape and bool(torch.equal(a, b))


class Attention(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.n_heads = config.n_heads
        self.qkv = nn.Linear(config.d_model, 3 * config.d_model)
        self.out = nn.Linear(config.d_model, config.d_model)
        self.relation_bias = RelationBias(config.n_heads) if config.layout == "sudoku" else None
        self._bias_cache: tuple[tuple, torch.Tensor | None, torch.Tensor | None] | None = None

    def _bias(self, allowed: torch.Tensor | None, prefix: int, dtype: torch.dtype, device: torch.device) -> torch.Tensor | None:
        """The additive attention bias (heads or 1, L, L), or None."""
        bias = None
        if self.relation_bias is not None:
            bias = self.relation_bias()
            if prefix:
                bias = F.pad(bias, (prefix, 0, prefix, 0))
            bias = bias.to(dtype)
        if allowed is not None:
            blocked = torch.zeros(allowed.shape, dtype=dtype, device=device).masked_fill(~allowed, float("-inf"))
            bias = blocked if bias is None else bias + blocked
        return bias

    def _cached_bias(self, allowed: torch.Tensor | None, prefix: int, dtype: torch.dtype, device: torch.device) -> torch.Tensor | None:
        """The same bias, built once while the weights and the mask stay the same: it only
        depends on learned per-relation scalars, and gathering it per call took about a tenth
        of a batch-1 forward on a CPU."""
        weight = self.relation_bias.bias if self.relation_bias is not None else None
        key = (prefix, dtype, device, None if weight is None else (weight.data_ptr(), weight._version))
        cache = self._bias_cache
        if cache is None or cache[0] != key or not _same_mask(cache[1], allowed):
            cache = self._bias_cache = (key, allowed, self._bias(allowed, prefix, dtype, device))
        return cache[2]

    def forward(self, x: torch.Tensor, allowed: torch.Tensor | None, prefix: int = 0) -> torch.Tensor:
        """`prefix` leading positions are latent tokens: no relation to any cell, so no bias."""
        batch, length, width = x.shape
        q, k, v = self.qkv(x).view(batch, length, 3, self.n_heads, width // self.n_heads).permute(2, 0, 3, 1, 4)
        if inference_path(self):
            return self.out(self._plain_attention(q, k, v, self._cached_bias(allowed, prefix, q.dtype, q.device)))
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=self._bias(allowed, prefix, q.dtype, q.device))
        return self.out(y.transpose(1, 2).reshape(batch, length, width))

    @staticmethod
    def _plain_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
        """softmax(q k^T / sqrt(d) + bias) v as three batched kernels, returned as (B, L, width).
        On a CPU, scaled_dot_product_attention with a float mask takes its unfused path and
        also scans the mask for fully blocked rows every call; no row here is fully blocked
        (a position always sees itself)."""
        batch, heads, length, head_dim = q.shape
        scores = torch.matmul(q, k.transpose(-1, -2)).mul_(1.0 / math.sqrt(head_dim))
        if bias is not None:
            scores.add_(bias)
        y = torch.matmul(scores.softmax(dim=-1), v)
        return y.transpose(1, 2).reshape(batch, length, heads * head_dim)


class DenoiserLayer(nn.Module):
    """Pre-norm transformer layer; when `modulated`, both norms are shifted and scaled by z
    (adaptive LN)."""

    def __init__(self, config: ModelConfig, modulated: bool = False) -> None:
        super().__init__()
        d = config.d_model
        self.norm1 = nn.LayerNorm(d)
        self.attn = Attention(config)
        self.norm2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, config.mlp_ratio * d), nn.GELU(), nn.Linear(config.mlp_ratio * d, d))
        self.modulation = None
        if modulated:
            self.modulation = nn.Linear(d, 4 * d)
            # Zero init: a fresh VMD starts as the MDM and learns how much to read z.
            nn.init.zeros_(self.modulation.weight)
            nn.init.zeros_(self.modulation.bias)

    def forward(
        self, x: torch.Tensor, cond: torch.Tensor | None, allowed: torch.Tensor | None, prefix: int = 0
    ) -> torch.Tensor:
        h1, h2 = self.norm1(x), None
        if self.modulation is not None and cond is not None:
            shift1, scale1, shift2, scale2 = self.modulation(cond).chunk(4, dim=-1)
            h1 = h1 * (1 + scale1) + shift1
            x = x + self.attn(h1, allowed, prefix)
            h2 = self.norm2(x) * (1 + scale2) + shift2
        else:
            x = x + self.attn(h1, allowed, prefix)
            h2 = self.norm2(x)
        return x + self.mlp(h2)


class Denoiser(nn.Module):
    """p(x0 | xt, z): logits for every position. Time-free, as in MDLM."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        d = config.d_model
        self.token = nn.Embedding(config.vocab_size + 1, d)
        self.position = PositionEmbedding(config)
        self.peer_digits = PeerDigits(config.vocab_size, d) if config.layout == "sudoku" else None
        self.layers = nn.ModuleList(DenoiserLayer(config, modulated=config.is_latent) for _ in range(config.n_layers))
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, config.vocab_size)
        self.latent_in = None
        if config.is_latent:
            self.latent_in = nn.Sequential(nn.Linear(config.latent_dim, d), nn.SiLU(), nn.Linear(d, d), nn.SiLU())
        self.latent_tokens = None
        if config.latent_tokens:
            self.latent_tokens = nn.Linear(config.latent_dim, config.latent_tokens * d)
            self.latent_slots = nn.Parameter(torch.zeros(config.latent_tokens, d))
        self.register_buffer("blocks", block_ids(config), persistent=False)

    def _condition(self, z: torch.Tensor | None, blocks: torch.Tensor) -> torch.Tensor | None:
        if self.latent_in is None:
            return None
        if z is None:
            raise ValueError("a VMD denoiser needs z")
        return self.latent_in(z)[:, blocks]  # (B, L, d): every token reads its block's z

    def forward(
        self, xt: torch.Tensor, z: torch.Tensor | None = None, clean: torch.Tensor | None = None
    ) -> torch.Tensor:
        """xt: (B, L) tokens with mask_id where masked; z: (B, n_blocks, latent_dim) (VMD).

        `clean` (training only, block models): the clean sequence, run as a second stream so
        each noisy block is conditioned on clean history. Returns logits (B, L, vocab_size).
        """
        length = xt.shape[1]
        blocks = self.blocks[:length]
        h = self.token(xt) + self.position(length)
        if self.peer_digits is not None:
            h = h + self.peer_digits(xt)
        allowed = None
        if self.config.block_size:
            allowed = block_causal_mask(blocks)
            if clean is not None:
                h = torch.cat([h, self.token(clean) + self.position(length)], dim=1)
                allowed = two_stream_mask(blocks)
                blocks = torch.cat([blocks, blocks])
        cond = self._condition(z, blocks)
        prefix = 0
        if self.latent_tokens is not None:
            prefix = self.config.latent_tokens
            extra = self.latent_tokens(z[:, 0]).view(z.shape[0], prefix, -1) + self.latent_slots
            h = torch.cat([extra.to(h.dtype), h], dim=1)
            cond = torch.cat([cond[:, :1].expand(-1, prefix, -1), cond], dim=1)
        for layer in self.layers:
            h = layer(h, cond, allowed, prefix)
        return self.head(self.norm(h[:, prefix:prefix + length]))


CELL_FEATURES = 4  # per position, for encoder_pool="cells"


class LatentEncoder(nn.Module):
    """q(z | x0, mask): reads the clean tokens AND which of them are masked in xt.

    Seeing the mask pattern matters: z has to carry what the denoiser cannot infer from the
    visible tokens, and that depends on which tokens are hidden (VADD reports collapse without it).
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        d = config.d_model
        self.token = nn.Embedding(config.vocab_size, d)
        self.masked_flag = nn.Embedding(2, d)
        self.position = PositionEmbedding(config)
        plain = ModelConfig(**{**config.to_dict(), "latent_dim": 0, "latent_tokens": 0, "encoder_pool": "mean"})
        self.layers = nn.ModuleList(DenoiserLayer(plain) for _ in range(config.encoder_layers))
        self.norm = nn.LayerNorm(d)
        self.cell_features = None
        if config.encoder_pool == "cells":
            self.cell_features = nn.Linear(d, CELL_FEATURES)
            self.out = nn.Linear(CELL_FEATURES * (config.seq_len // config.n_blocks), 2 * config.latent_dim)
        else:
            self.out = nn.Linear(d, 2 * config.latent_dim)
        self.register_buffer("blocks", block_ids(config), persistent=False)

    def forward(self, x0: torch.Tensor, masked: torch.Tensor) -> DiagonalGaussian:
        length = x0.shape[1]
        blocks = self.blocks[:length]
        h = self.token(x0) + self.masked_flag(masked.long()) + self.position(length)
        allowed = block_causal_mask(blocks) if self.config.block_size else None
        for layer in self.layers:
            h = layer(h, None, allowed)
        h = self.norm(h)
        n_blocks = self.config.n_blocks
        if self.cell_features is not None:
            pooled = self.cell_features(h).reshape(h.shape[0], n_blocks, -1)
        else:
            pooled = h.view(h.shape[0], n_blocks, length // n_blocks, -1).mean(dim=2)
        mean, logvar = self.out(pooled).chunk(2, dim=-1)
        return DiagonalGaussian(mean, logvar.clamp(-12.0, 6.0))


class DiffusionModel(nn.Module):
    """A denoiser plus, for VMD, its training-time encoder. The unit that is saved and loaded."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        self.denoiser = Denoiser(config)
        self.encoder = LatentEncoder(config) if config.is_latent else None

    def forward(self, xt: torch.Tensor, z: torch.Tensor | None = None, clean: torch.Tensor | None = None) -> torch.Tensor:
        return self.denoiser(xt, z, clean)

    def prior_sample(self, batch: int, generator: torch.Generator | None = None, scale: float = 1.0) -> torch.Tensor | None:
        """z (batch, n_blocks, latent_dim) drawn from the prior N(0, I), its spread multiplied
        by `scale` (0 gives z = 0); None for an MDM."""
        if not self.config.is_latent:
            return None
        device = next(self.parameters()).device
        shape = (batch, self.config.n_blocks, self.config.latent_dim)
        return scale * torch.randn(shape, generator=generator, device=device)

    def parameter_count(self, include_encoder: bool = False) -> int:
        params = self.parameters() if include_encoder else self.denoiser.parameters()
        return sum(p.numel() for p in params)


def init_weights(model: nn.Module) -> None:
    """Small normal init for linear/embedding weights (GPT-2 style); keeps zero-init modulations."""
    for name, module in model.named_modules():
        if isinstance(module, (nn.Linear, nn.Embedding)) and not name.endswith("modulation"):
            nn.init.normal_(module.weight, std=0.02)
            if isinstance(module, nn.Linear) and module.bias is not None:
                nn.init.zeros_(module.bias)
        if name.endswith("attn.out") or name.endswith("mlp.2"):
            n_layers = max(1, getattr(getattr(model, "config", None), "n_layers", 1))
            nn.init.normal_(module.weight, std=0.02 / math.sqrt(2 * n_layers))


def build_model(config: ModelConfig, seed: int | None = None) -> DiffusionModel:
    if seed is not None:
        torch.manual_seed(seed)
    model = DiffusionModel(config)
    init_weights(model)
    return model


def set_posterior_init(model: DiffusionModel, logvar: float) -> None:
    """Start q(z | x0, mask) with variance exp(logvar) instead of ~1.

    With a fresh encoder, z ~ q is almost pure noise, so the denoiser gets no signal that z
    is worth reading and the latent can collapse before it is ever used. A narrower initial
    posterior makes z informative from the first step; the annealed KL then prices it.
    """
    if model.encoder is None:
        return
    with torch.no_grad():
        model.encoder.out.bias[model.config.latent_dim:] = logvar
