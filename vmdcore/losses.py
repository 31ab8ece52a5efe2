"""Training objectives: the MDLM-weighted masked cross-entropy, and the VMD ELBO that adds a
KL from q(z | x0, mask) to the prior N(0, I). Both terms are reported separately."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .model import DiffusionModel


@dataclass(frozen=True)
class LossConfig:
    """How the ELBO is weighted.

    t ~ U(eps, 1) per block (linear schedule alpha_t = 1 - t); each free token is masked with
    probability t and its cross-entropy weighted by 1/t (the MDLM continuous-time weight).
    The KL is counted once per sequence (not weighted by 1/t).
    free_bits: per latent dimension, KL below this many nats is not penalised (0 = off).
    """

    eps: float = 1e-3
    free_bits: float = 0.0

    def __post_init__(self) -> None:
        if not 0 < self.eps <= 1 or self.free_bits < 0:
            raise ValueError("eps must be in (0, 1] and free_bits >= 0")


@dataclass(frozen=True)
class LossTerms:
    total: torch.Tensor
    reconstruction: torch.Tensor
    kl: torch.Tensor
    masked_fraction: torch.Tensor


def sample_mask(
    fixed: torch.Tensor, n_blocks: int, eps: float, generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw t per block and mask each non-fixed token with probability t.

    Returns (masked (B, L) bool, t per token (B, L)). Fixed tokens are never masked.
    """
    batch, length = fixed.shape
    device = fixed.device
    # Low-discrepancy draw (as in MDLM): one uniform offset, then evenly spaced over the
    # batch, so every batch covers the whole noise range and the 1/t-weighted loss varies less.
    count = batch * n_blocks
    offset = torch.rand((), generator=generator, device=device)
    spread = (offset + torch.arange(count, device=device) / count) % 1.0
    spread = spread[torch.randperm(count, generator=generator, device=device)]
    t_block = (eps + (1 - eps) * spread).view(batch, n_blocks)
    t = t_block.repeat_interleave(length // n_blocks, dim=1)
    masked = (torch.rand((batch, length), generator=generator, device=device) < t) & ~fixed
    return masked, t


def elbo_loss(
    model: DiffusionModel,
    x0: torch.Tensor,
    fixed: torch.Tensor | None = None,
    beta: float = 1.0,
    config: LossConfig = LossConfig(),
    generator: torch.Generator | None = None,
) -> LossTerms:
    """Negative ELBO per token for a batch of clean sequences x0 (B, L).

    For the MDM (latent_dim = 0) the KL term is exactly zero.
    """
    mc = model.config
    if mc.is_latent and model.encoder is None:
        raise ValueError("this VMD has no encoder (an inference-only copy): the ELBO needs q(z | x0, mask)")
    fixed = torch.zeros_like(x0, dtype=torch.bool) if fixed is None else fixed
    masked, t = sample_mask(fixed, mc.n_blocks, config.eps, generator)
    xt = torch.where(masked, torch.full_like(x0, mc.mask_id), x0)

    z, kl = None, torch.zeros((), device=x0.device)
    kl_for_loss = kl
    if model.encoder is not None:
        posterior = model.encoder(x0, masked)
        z = posterior.sample(generator)
        kl_dims = posterior.kl_to_standard()  # (B, n_blocks, D)
        penalised = kl_dims.clamp(min=config.free_bits) if config.free_bits > 0 else kl_dims
        kl_blocks, pen_blocks = kl_dims.sum(-1), penalised.sum(-1)  # (B, n_blocks)
        kl = kl_blocks.sum(-1).mean() / x0.shape[1]
        kl_for_loss = pen_blocks.sum(-1).mean() / x0.shape[1]

    clean = x0 if mc.block_size else None
    logits = model(xt, z, clean)
    ce = F.cross_entropy(logits.float().transpose(1, 2), x0, reduction="none")  # (B, L)
    reconstruction = (ce * masked / t).sum(-1).mean() / x0.shape[1]
    total = reconstruction + beta * kl_for_loss
    return LossTerms(total, reconstruction.detach(), kl.detach(), masked.float().mean().detach())


def linear_anneal(step: int, warmup_steps: int, start: float = 0.0, end: float = 1.0) -> float:
    """KL weight beta: from `start` to `end` linearly over `warmup_steps`, then held."""
    if warmup_steps <= 0:
        return end
    return start + (end - start) * min(1.0, step / warmup_steps)
