"""The step-by-step sampler: a generator that yields one Step per network evaluation."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Callable, Iterator

import numpy as np
import torch

from ..model import DiffusionModel, block_ids
from . import strategies
from .trace import Step, Trace


LATENT_MODES = ("fixed", "redraw")


@dataclass(frozen=True)
class SamplerConfig:
    """How to decode.

    nfe: network evaluations per block (for a model without blocks: for the whole sequence).
        Each step commits ceil(m / r) positions, m = positions still masked in the block,
        r = steps left in the block, so the count is spread evenly and the last step fills
        everything that is left.
    strategy: a name in strategies.STRATEGIES (random, top-prob, margin, entropy).
    temperature: 0 commits the argmax; > 0 samples the committed token from p^(1/T).
    latent_mode: "fixed" draws z once per trajectory (the paper); "redraw" draws it every step.
    latent_scale: multiplies the spread of the prior draw (1 = N(0, I); 0 = z = 0).
    """

    nfe: int = 10
    strategy: str = "margin"
    temperature: float = 0.0
    latent_mode: str = "fixed"
    latent_scale: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.nfe < 1:
            raise ValueError("nfe must be at least 1")
        if self.temperature < 0:
            raise ValueError("temperature must be >= 0")
        if self.latent_mode not in LATENT_MODES:
            raise ValueError(f"latent_mode must be one of {LATENT_MODES}")
        strategies.resolve(self.strategy)

    def to_dict(self) -> dict:
        return asdict(self)


def _as_tensor(tokens: np.ndarray | torch.Tensor, device: torch.device) -> torch.Tensor:
    if isinstance(tokens, np.ndarray):
        tokens = torch.from_numpy(np.ascontiguousarray(tokens))
    return tokens.to(device=device, dtype=torch.long)


def commit_counts(eligible: torch.Tensor, steps_left: int) -> torch.Tensor:
    """Per row, how many of the eligible positions this step commits: the open count spread
    evenly over the steps left (rounded up, so the last step leaves nothing open)."""
    return torch.div(eligible.sum(1) + steps_left - 1, steps_left, rounding_mode="floor")


def commit_mask(scores: torch.Tensor, eligible: torch.Tensor, counts: torch.Tensor) -> torch.Tensor:
    """Boolean (B, L): per row, the `counts[row]` eligible positions with the highest score."""
    scores = scores.masked_fill(~eligible, float("-inf"))
    order = scores.argsort(dim=1, descending=True, stable=True)
    ranks = torch.empty_like(order)
    ranks.scatter_(1, order, torch.arange(order.shape[1], device=order.device).expand_as(order))
    return (ranks < counts[:, None]) & eligible


@torch.no_grad()
def sample(
    model: DiffusionModel,
    initial: np.ndarray | torch.Tensor,
    config: SamplerConfig,
    fixed: np.ndarray | torch.Tensor | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[Step]:
    """Decode `initial` (B, L), mask_id at the positions to fill, yielding a Step per evaluation.

    Positions in `fixed` (default: those not masked initially) never change. The generator
    stops early, between steps, when `should_stop()` returns True.
    """
    model.eval()
    mc = model.config
    device = next(model.parameters()).device
    tokens = _as_tensor(initial, device).clone()
    if tokens.dim() != 2 or tokens.shape[1] != mc.seq_len:
        raise ValueError(f"expected tokens of shape (batch, {mc.seq_len}), got {tuple(tokens.shape)}")
    fixed_t = tokens != mc.mask_id if fixed is None else _as_tensor(fixed, device).bool()
    batch = tokens.shape[0]
    generator = torch.Generator(device=device).manual_seed(config.seed)
    strategy = strategies.resolve(config.strategy)
    blocks = block_ids(mc, device)
    masked0 = (tokens == mc.mask_id) & ~fixed_t
    active_blocks = [b for b in range(mc.n_blocks) if masked0[:, blocks == b].any()]
    total = config.nfe * len(active_blocks)
    z = model.prior_sample(batch, generator, config.latent_scale)

    index = 0
    for block in active_blocks:
        in_block = (blocks == block)[None, :].expand_as(tokens)
        for step_in_block in range(config.nfe):
            if should_stop is not None and should_stop():
                return
            started = time.perf_counter()
            steps_left = config.nfe - step_in_block
            if z is not None and config.latent_mode == "redraw" and index > 0:
                z = model.prior_sample(batch, generator, config.latent_scale)
            logits = model(tokens, z).float()
            probs = torch.softmax(logits, dim=-1)
            if config.temperature > 0:
                tempered = torch.softmax(logits / config.temperature, dim=-1)
                flat = torch.multinomial(tempered.view(-1, tempered.shape[-1]), 1, generator=generator)
                predicted = flat.view(tokens.shape)
            else:
                predicted = probs.argmax(dim=-1)
            confidence = probs.gather(-1, predicted[..., None]).squeeze(-1)

            eligible = (tokens == mc.mask_id) & in_block & ~fixed_t
            counts = commit_counts(eligible, steps_left)
            committed = commit_mask(strategies.score(strategy, probs, generator), eligible, counts)
            tokens = torch.where(committed, predicted, tokens)
            index += 1
            yield Step(
                index=index,
                total=total,
                tokens=tokens.cpu().numpy(),
                committed=committed.cpu().numpy(),
                predicted=predicted.cpu().numpy(),
                confidence=confidence.cpu().numpy().astype(np.float32),
                z=None if z is None else z.float().cpu().numpy(),
                block=block,
                seconds=time.perf_counter() - started,
            )


def run(
    model: DiffusionModel,
    initial: np.ndarray | torch.Tensor,
    config: SamplerConfig,
    fixed: np.ndarray | torch.Tensor | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_step: Callable[[Step], None] | None = None,
    settings: dict | None = None,
) -> Trace:
    """Run `sample` to the end (or until stopped) and return the whole Trace."""
    mc = model.config
    initial_np = initial.cpu().numpy() if isinstance(initial, torch.Tensor) else np.asarray(initial)
    fixed_np = (initial_np != mc.mask_id) if fixed is None else np.asarray(fixed, dtype=bool)
    trace = Trace(
        initial=initial_np.astype(np.int64),
        fixed=fixed_np,
        mask_id=mc.mask_id,
        settings={"sampler": config.to_dict(), **(settings or {})},
    )
    stopped = False

    def stop_requested() -> bool:
        nonlocal stopped
        stopped = stopped or (should_stop is not None and should_stop())
        return stopped

    for step in sample(model, initial_np, config, fixed_np, stop_requested):
        trace.steps.append(step)
        if on_step is not None:
            on_step(step)
    trace.cancelled = stopped
    return trace
