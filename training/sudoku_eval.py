"""Scoring Sudoku solves in batches: accuracy per (strategy, NFE), conflicts, speed (the scoring
itself is vmdcore.evaluation.sudoku, shared with the app's Evaluate tab)."""

from __future__ import annotations

import time

import numpy as np
import torch
import torch.nn.functional as F

from vmdcore.evaluation import batches
from vmdcore.evaluation.sudoku import PAPER_TABLE4, SolveScore, SolveTally, batch_settings, conflict_counts, solved_mask
from vmdcore.model import DiffusionModel
from vmdcore.sampling import SamplerConfig, run
from vmdcore.tasks import sudoku as sudoku_task

# PAPER_TABLE4, SolveScore, conflict_counts and solved_mask live in vmdcore.evaluation.sudoku
# (the app scores with them too) and are imported from here as before.


def solve_batch(model: DiffusionModel, puzzles: np.ndarray, config: SamplerConfig) -> np.ndarray:
    tokens, fixed = sudoku_task.encode(puzzles)
    trace = run(model, tokens, config, fixed)
    return sudoku_task.decode(trace.final)


def score(
    model: DiffusionModel, puzzles: np.ndarray, strategy: str, nfe: int, seed: int = 0, batch_size: int = 256,
    temperature: float = 0.0, solved_out: list[np.ndarray] | None = None, latent_mode: str = "fixed",
    latent_scale: float = 1.0,
) -> SolveScore:
    """Solve every puzzle once, in the batches the app's Evaluate tab runs too
    (vmdcore.evaluation); `solved_out`, when given, receives the per-puzzle outcome."""
    puzzles = np.asarray(puzzles)
    tally = SolveTally(strategy, nfe)
    for batch in batches(len(puzzles), batch_size, seed):
        started = time.perf_counter()
        config = SamplerConfig(**batch_settings(strategy, nfe, batch, temperature, latent_mode), latent_scale=latent_scale)
        chunk = puzzles[batch.start:batch.stop]
        tally.add(solve_batch(model, chunk, config), chunk, time.perf_counter() - started)
    if solved_out is not None:
        solved_out.append(tally.outcome)
    return tally.score()


def score_grid(
    model: DiffusionModel, puzzles: np.ndarray, strategies: list[str], nfes: list[int], seed: int = 0, batch_size: int = 256
) -> list[SolveScore]:
    return [score(model, puzzles, s, n, seed, batch_size) for s in strategies for n in nfes]


LATENT_SOURCES = ("posterior", "prior", "zero")


@torch.no_grad()
def latent_usage(
    model: DiffusionModel, puzzles: np.ndarray, solutions: np.ndarray, ts=(0.6, 0.9, 1.0), seed: int = 0
) -> list[dict]:
    """Does the decoder read z? Reconstruction (nats per puzzle over the masked cells) with z
    from the encoder q(z | x0, mask), from the prior N(0, I), and z = 0, at a few masking rates t.
    A decoder that uses z does clearly better with the posterior; one that ignores it does not."""
    if model.encoder is None:
        raise ValueError("latent_usage needs a VMD (a model with a latent)")
    device = next(model.parameters()).device
    x0 = torch.as_tensor(sudoku_task.encode(solutions)[0], device=device)
    fixed = torch.as_tensor(np.asarray(puzzles) > 0, device=device)
    rows = []
    for t in ts:
        generator = torch.Generator(device=device).manual_seed(seed)
        masked = (torch.rand(x0.shape, generator=generator, device=device) < t) & ~fixed
        xt = torch.where(masked, torch.full_like(x0, model.config.mask_id), x0)
        posterior = model.encoder(x0, masked)
        draws = {"posterior": posterior.sample(generator), "prior": model.prior_sample(len(x0), generator),
                 "zero": torch.zeros_like(posterior.mean)}
        row = {"t": t, "kl": round(float(posterior.kl_to_standard().sum(-1).mean()), 3)}
        for source in LATENT_SOURCES:
            ce = F.cross_entropy(model(xt, draws[source]).float().transpose(1, 2), x0, reduction="none")
            row[source] = round(float((ce * masked).sum() / len(x0)), 3)
        rows.append(row)
    return rows
