"""Training objectives: the MDLM-weighted masked cross-entropy, and the VMD ELBO that adds a
KL from q(z | x0, mask) to the prior (N(0, I), or p(z | fixed tokens) for a conditional prior).
Both terms are reported separately."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .model import DiffusionModel


KL_WEIGHTINGS = ("none", "inverse_t")


@dataclass(frozen=True)
class LossConfig:
    """How the ELBO is weighted.

    t ~ U(eps, 1) per block (linear schedule alpha_t = 1 - t); each free token is masked with
    probability t and its cross-entropy weighted by 1/t (the MDLM continuous-time weight).
    kl_weighting: "none" (KL counted once per sequence, our default: the probes on the
    synthetic sets show it keeps the latent informative) or "inverse_t" (KL times 1/t, VADD).
    free_bits: per latent dimension, KL below this many nats is not penalised (0 = off).
    prior_share: this share of the rows (drawn at random per batch) is reconstructed from a z
    drawn from the prior instead of the encoder, and adds no KL: E_p[log p(x0 | xt, z)] is a
    looser bound, but it trains the decoder (and a conditional prior, through the draw) on the
    z's that sampling will give it, not only on the encoder's.
    """

    eps: float = 1e-3
    kl_weighting: str = "none"
    free_bits: float = 0.0
    prior_share: float = 0.0

    def __post_init__(self) -> None:
        if self.kl_weighting not in KL_WEIGHTINGS:
            raise ValueError(f"kl_weighting must be one of {KL_WEIGHTINGS}")
        if not 0.0 <= self.prior_share <= 1.0:
            raise ValueError("prior_share must be between 0 and 1")


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


def _noised(
    model: DiffusionModel, x0: torch.Tensor, fixed: torch.Tensor | None, config: LossConfig,
    generator: torch.Generator | None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(fixed, masked, t, xt): the forward process applied to x0."""
    mc = model.config
    fixed = torch.zeros_like(x0, dtype=torch.bool) if fixed is None else fixed
    masked, t = sample_mask(fixed, mc.n_blocks, config.eps, generator)
    return fixed, masked, t, torch.where(masked, torch.full_like(x0, mc.mask_id), x0)


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
    if mc.is_mixture:
        return mixture_loss(model, x0, fixed, config, generator)
    if mc.is_latent and model.encoder is None:
        raise ValueError("this VMD has no encoder (an inference-only copy): the ELBO needs q(z | x0, mask)")
    fixed, masked, t, xt = _noised(model, x0, fixed, config, generator)

    z, kl = None, torch.zeros((), device=x0.device)
    kl_for_loss = kl
    if model.encoder is not None:
        posterior = model.encoder(x0, masked)
        z = posterior.sample(generator)
        prior = model.prior_distribution(x0, fixed)
        kl_dims = posterior.kl_to(prior)  # (B, n_blocks, D)
        penalised = kl_dims.clamp(min=config.free_bits) if config.free_bits > 0 else kl_dims
        kl_blocks, pen_blocks = kl_dims.sum(-1), penalised.sum(-1)  # (B, n_blocks)
        if config.kl_weighting == "inverse_t":
            t_blocks = t.view(t.shape[0], mc.n_blocks, -1)[:, :, 0]
            kl_blocks, pen_blocks = kl_blocks / t_blocks, pen_blocks / t_blocks
        from_encoder = torch.ones(x0.shape[0], dtype=torch.bool, device=x0.device)
        if config.prior_share > 0:
            from_encoder = torch.rand(x0.shape[0], generator=generator, device=x0.device) >= config.prior_share
            z = torch.where(from_encoder[:, None, None], z, prior.sample(generator))
        rows = from_encoder.float()
        kl = (kl_blocks.sum(-1) * rows).sum() / rows.sum().clamp(min=1) / x0.shape[1]  # reported per encoder row
        kl_for_loss = (pen_blocks.sum(-1) * rows).mean() / x0.shape[1]

    clean = x0 if mc.block_size else None
    logits = model(xt, z, clean)
    ce = F.cross_entropy(logits.float().transpose(1, 2), x0, reduction="none")  # (B, L)
    reconstruction = (ce * masked / t).sum(-1).mean() / x0.shape[1]
    total = reconstruction + beta * kl_for_loss
    return LossTerms(total, reconstruction.detach(), kl.detach(), masked.float().mean().detach())


def mixture_loss(
    model: DiffusionModel,
    x0: torch.Tensor,
    fixed: torch.Tensor | None = None,
    config: LossConfig = LossConfig(),
    generator: torch.Generator | None = None,
) -> LossTerms:
    """Negative log-likelihood per token for a discrete latent, marginalised exactly:
    -log sum_k p(k | xt) prod_{i masked} p(x0_i | xt, k), weighted by 1/t as in the MDM loss.

    With the exact posterior r(k) = p(k | x0, xt) the ELBO is tight: -log p = E_r[-log p(x0 | xt, k)]
    + KL(r || p(k | xt)). `reconstruction` reports the first term (1/t-weighted) and `kl` the
    second (unweighted, as for a Gaussian latent): the nats per token the code carries. Near 0,
    the codes are not used.
    """
    _, masked, t, xt = _noised(model, x0, fixed, config, generator)
    denoiser = model.denoiser
    batch, length = x0.shape
    k = model.config.latent_components
    hidden = denoiser.start(xt)
    log_weights = F.log_softmax(denoiser.code_logits(hidden).float(), dim=-1)  # (B, K)
    codes = denoiser.codes[None, :, None, :].expand(batch, -1, -1, -1).reshape(batch * k, 1, -1)
    logits = denoiser.finish(hidden.repeat_interleave(k, dim=0), codes)  # (B * K, L, V)
    ce = F.cross_entropy(logits.float().transpose(1, 2), x0.repeat_interleave(k, dim=0), reduction="none")
    log_likelihood = -(ce.view(batch, k, length) * masked[:, None]).sum(-1)  # (B, K)
    joint = log_weights + log_likelihood
    log_marginal = torch.logsumexp(joint, dim=-1)
    t_row = t[:, 0]
    total = (-log_marginal / t_row).mean() / length
    posterior = torch.softmax(joint.detach(), dim=-1)
    reconstruction = ((posterior * -log_likelihood.detach()).sum(-1) / t_row).mean() / length
    kl = (posterior * (posterior.clamp_min(1e-12).log() - log_weights.detach())).sum(-1).mean() / length
    return LossTerms(total, reconstruction, kl, masked.float().mean().detach())


def linear_anneal(step: int, warmup_steps: int, start: float = 0.0, end: float = 1.0) -> float:
    """KL weight beta: from `start` to `end` linearly over `warmup_steps`, then held."""
    if warmup_steps <= 0:
        return end
    return start + (end - start) * min(1.0, step / warmup_steps)
