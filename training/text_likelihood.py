"""Per-character likelihood of held-out text for block MDM, Block VMD and the AR baseline.

All three use one quantity, the masked-diffusion bound of a block given clean history
(BD3-LM's NELBO with the linear schedule), with the t integral done analytically:

    NELBO_b = integral_0^1 (1/t) E_{M ~ Bernoulli(t)^n} [ sum_{i in M} -log p(x_i | x_b with M masked, x_<b) ] dt
            = sum_{m=1..n} E_{M uniform with |M| = m} [ mean_{i in M} -log p(x_i | ...) ]

(a mask M of size m has probability t^m (1-t)^(n-m), and the integral of t^(m-1) (1-t)^(n-m)
is 1 / (m * C(n, m))). For small blocks every mask is enumerated, so the bound is exact;
otherwise one random mask per masked-count stratum is drawn (unbiased, far less noisy than
sampling t with its 1/t weight). With block length 1 the bound is the exact autoregressive
log-likelihood, which is how the AR baseline (a block-1 model) is scored.

Block VMD: given its latents z the decoder is an ordinary MDM, so NELBO(z) bounds
-log p(x | z). Then p(x) = integral p(z) p(x | z) dz is estimated by importance sampling with
q(z | x0, block masked) over K joint draws for the whole window (one z per block):
    log p(x) >= E log (1/K) sum_k exp(-NELBO(z_k) + log p(z_k) - log q(z_k)).
The weights are over whole windows rather than block by block because a block's decoder also
reads the latents of earlier blocks (through the clean stream), so blocks are not independent
given their own z. The plain ELBO, E_q [NELBO(z) + log q(z) - log p(z)], from the same draws is reported beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from vmdcore.model import DiffusionModel

LOG_2PI = math.log(2 * math.pi)


@dataclass(frozen=True)
class LikelihoodSettings:
    """exact_masks: enumerate every mask when a block has at most this many (2^n - 1);
    strata: otherwise, masked counts per round (capped at n); rounds: repeats of the random
    mask draw; iw_samples: K latent draws per window (VMD)."""

    exact_masks: int = 15
    strata: int = 16
    rounds: int = 1
    iw_samples: int = 16
    batch_windows: int = 16
    seed: int = 0


@dataclass(frozen=True)
class MaskPlan:
    """One forward pass: which positions of each block are masked, and the weight each masked
    token's cross-entropy gets in the block's bound."""

    pattern: torch.Tensor  # (rows, n_blocks, n) bool
    token_weight: float


@dataclass(frozen=True)
class LikelihoodEstimate:
    nats_per_char: float
    chars: int
    windows: int
    estimate: str
    bound_nats_per_char: float | None = None

    @property
    def ppl(self) -> float:
        return math.exp(self.nats_per_char)

    @property
    def bound_ppl(self) -> float | None:
        return None if self.bound_nats_per_char is None else math.exp(self.bound_nats_per_char)


def block_length(model: DiffusionModel) -> int:
    mc = model.config
    return mc.block_size or mc.seq_len


def uses_exact_masks(n: int, settings: LikelihoodSettings) -> bool:
    return 2**n - 1 <= settings.exact_masks


def mask_plans(rows: int, n_blocks: int, n: int, settings: LikelihoodSettings, generator: torch.Generator) -> list[MaskPlan]:
    """The masks whose weighted cross-entropies add up to each block's NELBO (same count in
    every block of a pass; blocks do not see each other's noisy tokens, so that is harmless)."""
    if uses_exact_masks(n, settings):
        plans = []
        for m in range(1, n + 1):
            weight = math.factorial(m - 1) * math.factorial(n - m) / math.factorial(n)
            for subset in combinations(range(n), m):
                pattern = torch.zeros(rows, n_blocks, n, dtype=torch.bool)
                pattern[:, :, list(subset)] = True
                plans.append(MaskPlan(pattern, weight))
        return plans
    strata = min(settings.strata, n)
    plans = []
    for _ in range(settings.rounds):
        # Systematic draw of `strata` masked counts out of 1..n: each count is picked with
        # probability strata / n, so weighting by n / strata keeps the sum unbiased.
        offset = float(torch.rand((), generator=generator))
        for j in range(strata):
            m = int((j + offset) * n / strata) + 1
            ranks = torch.rand(rows, n_blocks, n, generator=generator).argsort(-1).argsort(-1)
            plans.append(MaskPlan(ranks < m, n / strata / m / settings.rounds))
    return plans


def nelbo_per_block(model: DiffusionModel, x0: torch.Tensor, z: torch.Tensor | None, plans: list[MaskPlan]) -> torch.Tensor:
    """(rows, n_blocks) masked-diffusion bound of each block given the clean earlier blocks."""
    mc = model.config
    n_blocks, n = mc.n_blocks, block_length(model)
    clean = x0 if mc.block_size else None
    total = torch.zeros(x0.shape[0], n_blocks, device=x0.device)
    for plan in plans:
        masked = plan.pattern.to(x0.device).reshape(x0.shape)
        xt = x0.masked_fill(masked, mc.mask_id)
        logits = model(xt, z, clean).float()
        ce = F.cross_entropy(logits.transpose(1, 2), x0, reduction="none") * masked
        total += plan.token_weight * ce.view(-1, n_blocks, n).sum(-1)
    return total


def _gaussian_log_density(z: torch.Tensor, mean: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """Per block: sum over dimensions of log N(z; mean, exp(logvar)); shape (rows, n_blocks)."""
    return -0.5 * ((z - mean).pow(2) / logvar.exp() + logvar + LOG_2PI).sum(-1)


@torch.no_grad()
def window_nats(
    model: DiffusionModel, x0: torch.Tensor, settings: LikelihoodSettings, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Estimated -log p(window) in nats for each row of x0 (B, L); for VMD also the ELBO bound."""
    mc = model.config
    n = block_length(model)
    if model.encoder is None:
        plans = mask_plans(x0.shape[0], mc.n_blocks, n, settings, generator)
        return nelbo_per_block(model, x0, None, plans).sum(-1), None
    k = settings.iw_samples
    rows = x0.repeat_interleave(k, dim=0)
    posterior = model.encoder(rows, torch.ones_like(rows, dtype=torch.bool))
    noise = torch.randn(posterior.mean.shape, generator=generator).to(posterior.mean.device)
    z = posterior.mean + noise * torch.exp(0.5 * posterior.logvar)
    # The same masks for every draw of z (common random numbers): the weights then differ
    # only through z, which is what importance sampling compares.
    plans = mask_plans(x0.shape[0], mc.n_blocks, n, settings, generator)
    plans = [MaskPlan(p.pattern.repeat_interleave(k, dim=0), p.token_weight) for p in plans]
    nelbo = nelbo_per_block(model, rows, z, plans)  # (B*K, n_blocks)
    log_prior = -0.5 * (z.pow(2) + LOG_2PI).sum(-1)
    log_q = _gaussian_log_density(z, posterior.mean, posterior.logvar)
    log_w = (-nelbo + log_prior - log_q).sum(-1).view(-1, k)
    iw = -(torch.logsumexp(log_w, dim=1) - math.log(k))
    # The ELBO from the same draws (KL as log q - log p), so the IW figure never exceeds it.
    bound = -log_w.mean(1)
    return iw, bound


def describe(model: DiffusionModel, label: str, settings: LikelihoodSettings, windows: int) -> str:
    """The 'estimate' string: exactly what the number is."""
    n = block_length(model)
    if uses_exact_masks(n, settings):
        masks = f"exact over all {2**n - 1} masks of each block"
    else:
        strata = min(settings.strata, n)
        masks = (f"Monte-Carlo: {strata} masked-count strata x {settings.rounds} round(s) of random masks per block, "
                 f"seed {settings.seed}")
    where = f"{windows} held-out windows of {model.config.seq_len} characters, context restarting at each window"
    if label == "ar":
        return f"exact: sum of -log p(x_i | x_<i) (a block-1 model, whose masked-diffusion bound is exact); {where}"
    if model.encoder is None:
        blocks = f"block {n}" if model.config.block_size else f"one block of {n} (MDLM)"
        return (f"upper bound: BD3-LM NELBO, {blocks}, each block given the clean earlier blocks, "
                f"t integrated analytically ({masks}); {where}")
    return (f"importance-weighted estimate: K={settings.iw_samples} joint draws per window of z ~ q(z | x0, block masked), "
            f"one z per block of {n}; log p(x | z) replaced by its masked-diffusion bound ({masks}); "
            "an upper bound on -log p(x) in expectation when the masks are enumerated, an estimate otherwise; "
            f"the plain ELBO from the same draws is given as bound_ppl; {where}")


def estimate_nll(
    model: DiffusionModel,
    windows: np.ndarray,
    label: str,
    settings: LikelihoodSettings = LikelihoodSettings(),
    device: torch.device | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> LikelihoodEstimate:
    """Nats per character over held-out windows (n, seq_len) of token ids."""
    device = device or next(model.parameters()).device
    model.eval()
    generator = torch.Generator().manual_seed(settings.seed)
    total, bound_total, has_bound = 0.0, 0.0, False
    for start in range(0, len(windows), settings.batch_windows):
        x0 = torch.from_numpy(np.ascontiguousarray(windows[start : start + settings.batch_windows])).to(device)
        nats, bound = window_nats(model, x0, settings, generator)
        total += float(nats.sum())
        if bound is not None:
            bound_total, has_bound = bound_total + float(bound.sum()), True
        if on_progress is not None:
            on_progress(min(start + settings.batch_windows, len(windows)), len(windows))
    chars = int(windows.size)
    return LikelihoodEstimate(
        nats_per_char=total / chars, chars=chars, windows=len(windows),
        estimate=describe(model, label, settings, len(windows)),
        bound_nats_per_char=bound_total / chars if has_bound else None,
    )
