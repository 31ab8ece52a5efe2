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
from .positions import PeerDigits, PositionEmbedding, RelationBias


@dataclass(frozen=True)
class DiagonalGaussian:
    """A diagonal Gaussian over z, one per block: mean and log-variance (B, n_blocks, D).
    The encoder's q(z | x0, mask), and the prior (N(0, I) or a conditional p(z | clues))."""

    mean: torch.Tensor
    logvar: torch.Tensor

    def sample(self, generator: torch.Generator | None = None) -> torch.Tensor:
        noise = torch.randn(self.mean.shape, generator=generator, device=self.mean.device, dtype=self.mean.dtype)
        return self.mean + noise * torch.exp(0.5 * self.logvar)

    def kl_to(self, other: "DiagonalGaussian") -> torch.Tensor:
        """KL(self || other) per latent dimension, shape (B, n_blocks, D)."""
        ratio = (self.logvar - other.logvar).exp()
        return 0.5 * ((self.mean - other.mean).pow(2) * (-other.logvar).exp() + ratio - 1.0 - (self.logvar - other.logvar))


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


class Attention(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.n_heads = config.n_heads
        self.qkv = nn.Linear(config.d_model, 3 * config.d_model)
        self.out = nn.Linear(config.d_model, config.d_model)
        self.relation_bias = RelationBias(config.n_heads) if config.layout == "sudoku" else None
        self.dropout = config.dropout

    def forward(self, x: torch.Tensor, allowed: torch.Tensor | None, prefix: int = 0) -> torch.Tensor:
        """`prefix` leading positions are latent tokens: no relation to any cell, so no bias."""
        batch, length, width = x.shape
        q, k, v = self.qkv(x).view(batch, length, 3, self.n_heads, width // self.n_heads).permute(2, 0, 3, 1, 4)
        bias = None
        if self.relation_bias is not None:
            bias = self.relation_bias()
            if prefix:
                bias = F.pad(bias, (prefix, 0, prefix, 0))
            bias = bias.to(q.dtype)
        if allowed is not None:
            blocked = torch.zeros(allowed.shape, dtype=q.dtype, device=q.device).masked_fill(~allowed, float("-inf"))
            bias = blocked if bias is None else bias + blocked
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=bias, dropout_p=self.dropout if self.training else 0.0)
        return self.out(y.transpose(1, 2).reshape(batch, length, width))


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
        # With a discrete latent the first `shared` layers do not read the code: they run once,
        # feed p(k | xt), and only the layers after them run once per code.
        self.shared = config.n_layers - config.mixture_layers if config.is_mixture else 0
        self.layers = nn.ModuleList(
            DenoiserLayer(config, modulated=config.is_latent and i >= self.shared) for i in range(config.n_layers))
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, config.vocab_size)
        self.codes = self.code_weights = None
        if config.is_mixture:
            self.codes = nn.Parameter(torch.randn(config.latent_components, config.latent_dim))
            self.code_weights = CellPooledHead(config, config.latent_components)
        self.latent_in = None
        if config.is_latent:
            self.latent_in = nn.Sequential(nn.Linear(config.latent_dim, d), nn.SiLU(), nn.Linear(d, d), nn.SiLU())
        self.latent_tokens = None
        if config.latent_tokens:
            self.latent_tokens = nn.Linear(config.latent_dim, config.latent_tokens * d)
            self.latent_slots = nn.Parameter(torch.zeros(config.latent_tokens, d))
        self.latent_cells = None
        if config.latent_cell_features:
            k = config.latent_cell_features
            self.latent_cells = nn.Linear(config.latent_dim, (config.seq_len // config.n_blocks) * k)
            self.latent_cell_proj = nn.Linear(k, d)
        self.register_buffer("blocks", block_ids(config), persistent=False)

    def _cell_codes(self, z: torch.Tensor, length: int) -> torch.Tensor:
        """(B, length, d): each position's own features read out of its block's z."""
        k = self.config.latent_cell_features
        codes = self.latent_cells(z).view(z.shape[0], -1, k)  # blocks in order, positions in order
        return self.latent_cell_proj(codes[:, :length])

    def _condition(self, z: torch.Tensor | None, blocks: torch.Tensor) -> torch.Tensor | None:
        if self.latent_in is None:
            return None
        if z is None:
            raise ValueError("a VMD denoiser needs z")
        return self.latent_in(z)[:, blocks]  # (B, L, d): every token reads its block's z

    def forward(
        self, xt: torch.Tensor, z: torch.Tensor | None = None, clean: torch.Tensor | None = None
    ) -> torch.Tensor:
        """xt: (B, L) tokens with mask_id where masked; z: (B, n_blocks, latent_dim) (for a
        discrete latent: the chosen code, see `code_logits`).

        `clean` (training only, block models): the clean sequence, run as a second stream so
        each noisy block is conditioned on clean history. Returns logits (B, L, vocab_size).
        """
        if self.codes is not None:
            return self.finish(self.start(xt), z)
        length = xt.shape[1]
        blocks = self.blocks[:length]
        h = self._embed(xt)
        if self.latent_cells is not None:
            h = h + self._cell_codes(z, length).to(h.dtype)
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

    # A discrete latent (config.latent_components): start -> code_logits -> finish.

    def _embed(self, xt: torch.Tensor) -> torch.Tensor:
        h = self.token(xt) + self.position(xt.shape[1])
        return h + self.peer_digits(xt) if self.peer_digits is not None else h

    def start(self, xt: torch.Tensor) -> torch.Tensor:
        """The hidden states (B, L, d) after the layers that do not read the code."""
        h = self._embed(xt)
        for layer in self.layers[:self.shared]:
            h = layer(h, None, None)
        return h

    def code_logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """Unnormalised log p(k | xt), (B, K), from `start`'s hidden states."""
        return self.code_weights(hidden)

    def finish(self, hidden: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """Logits (B, L, vocab) from `start`'s hidden states (B, L, d), given code vectors z
        (B, 1, latent_dim), one per row."""
        if z is None:
            raise ValueError("a VMD denoiser needs z (for a discrete latent: a code)")
        cond = self._condition(z, self.blocks[:hidden.shape[1]])
        for layer in self.layers[self.shared:]:
            hidden = layer(hidden, cond, None)
        return self.head(self.norm(hidden))


CELL_FEATURES = 4  # per position, for encoder_pool="cells"


class CellPooledHead(nn.Module):
    """A few features per position, concatenated in position order, then one linear map:
    keeps which position said what (a mean over positions would not)."""

    def __init__(self, config: ModelConfig, outputs: int) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(config.d_model)
        self.cell_features = nn.Linear(config.d_model, CELL_FEATURES)
        self.out = nn.Linear(CELL_FEATURES * config.seq_len, outputs)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.out(self.cell_features(self.norm(hidden)).flatten(1))


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
        plain = ModelConfig(**{**config.to_dict(), "latent_dim": 0, "latent_tokens": 0, "encoder_pool": "mean",
                               "latent_cell_features": 0, "latent_prior": "standard",
                               "latent_components": 0})
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
    """A denoiser plus, for VMD, its training-time encoder (and, with a conditional prior, the
    prior network, which sampling needs). The unit that is saved and loaded."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        self.denoiser = Denoiser(config)
        self.encoder = LatentEncoder(config) if config.uses_encoder else None
        # The prior reads the fixed tokens with the encoder's architecture: fixed positions carry
        # their token, free ones are flagged as masked (their token id is a placeholder).
        self.prior = LatentEncoder(config) if config.latent_prior == "conditional" else None

    def forward(self, xt: torch.Tensor, z: torch.Tensor | None = None, clean: torch.Tensor | None = None) -> torch.Tensor:
        return self.denoiser(xt, z, clean)

    def prior_distribution(
        self, tokens: torch.Tensor | None = None, fixed: torch.Tensor | None = None, batch: int | None = None
    ) -> DiagonalGaussian:
        """p(z): N(0, I), or for a conditional prior p(z | the fixed tokens): `tokens` (B, L) and
        `fixed` (B, L, bool; default: the positions that are not mask_id). The prior sees the
        fixed positions' tokens and nothing of the others."""
        if not self.config.is_latent:
            raise ValueError("an MDM has no latent")
        if self.config.is_mixture:
            raise ValueError("a discrete latent's prior p(k | xt) comes from the denoiser: use choose_code")
        if self.prior is not None:
            if tokens is None:
                raise ValueError("this VMD's prior reads the fixed tokens: pass the starting sequence (tokens, and which are fixed)")
            free = tokens == self.config.mask_id if fixed is None else ~fixed
            return self.prior(tokens.masked_fill(free, 0), free)
        batch = len(tokens) if tokens is not None else batch
        if batch is None:
            raise ValueError("give the batch size or the context")
        device = next(self.parameters()).device
        zeros = torch.zeros((batch, self.config.n_blocks, self.config.latent_dim), device=device)
        return DiagonalGaussian(zeros, zeros)

    def prior_sample(
        self,
        batch: int,
        generator: torch.Generator | None = None,
        scale: float = 1.0,
        tokens: torch.Tensor | None = None,
        fixed: torch.Tensor | None = None,
    ) -> torch.Tensor | None:
        """z from the prior (see prior_distribution), its spread multiplied by `scale` (0 gives
        the prior's mean)."""
        if not self.config.is_latent:
            return None
        prior = self.prior_distribution(tokens, fixed, batch)
        noise = torch.randn(prior.mean.shape, generator=generator, device=prior.mean.device)
        return prior.mean + scale * noise * torch.exp(0.5 * prior.logvar)

    def choose_code(
        self, tokens: torch.Tensor, generator: torch.Generator | None = None, scale: float = 1.0
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """For a discrete latent: k drawn from p(k | tokens) (scale 0: the most probable k).
        Returns the logits given that code and the code vectors (B, 1, latent_dim)."""
        denoiser = self.denoiser
        hidden = denoiser.start(tokens)
        weights = denoiser.code_logits(hidden).float()
        if scale > 0:
            k = torch.multinomial(torch.softmax(weights, dim=-1), 1, generator=generator).squeeze(1)
        else:
            k = weights.argmax(dim=-1)
        z = denoiser.codes[k][:, None, :]
        return denoiser.finish(hidden, z), z

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
    if config.is_mixture:
        _separate_codes(model)
    return model


def _separate_codes(model: DiffusionModel) -> None:
    """Start a discrete latent's codes apart. With every code read through zero-initialised
    modulations, all K components are the same network: each gets the same gradient, and
    measured on a fine-tune from an MDM they were still indistinguishable (1e-6 nats per
    cell apart) after 250 steps. Here the path from a code to the modulations starts at unit
    scale and the modulations themselves small but random, so the K components start as
    slightly different copies of the same denoiser and specialise from the first step."""
    denoiser = model.denoiser
    with torch.no_grad():
        for layer in (denoiser.latent_in[0], denoiser.latent_in[2]):
            nn.init.normal_(layer.weight, std=layer.in_features ** -0.5)
        for layer in denoiser.layers[denoiser.shared:]:
            nn.init.normal_(layer.modulation.weight, std=0.02)


def set_unit_latent_init(model: DiffusionModel) -> None:
    """Variance-preserving init for the layers z passes through, instead of GPT-2's 0.02.

    With 0.02 everywhere a fresh encoder's means differ between inputs by ~0.02 (noise of the
    posterior: ~0.1) and the decoder's readouts of z come out ~1e-3, so neither side gets a
    gradient worth following and z stays unused. Here the encoder's features and means start
    at unit scale and the decoder's first layer on z at 1/sqrt(latent_dim), as the prior's scale.
    """
    if model.encoder is None:
        return
    config = model.config
    denoiser = model.denoiser
    with torch.no_grad():
        for encoder in (model.encoder, model.prior):
            if encoder is None:
                continue
            if encoder.cell_features is not None:
                nn.init.normal_(encoder.cell_features.weight, std=config.d_model ** -0.5)
            nn.init.normal_(encoder.out.weight[: config.latent_dim], std=encoder.out.in_features ** -0.5)
        z_layers = [denoiser.latent_in[0], denoiser.latent_tokens, denoiser.latent_cells]
        for layer in z_layers:
            if layer is not None:
                nn.init.normal_(layer.weight, std=config.latent_dim ** -0.5)


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
