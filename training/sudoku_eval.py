"""Scoring Sudoku solves in batches: accuracy per (strategy, NFE), conflicts, speed."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn.functional as F

from vmdcore.model import DiffusionModel
from vmdcore.sampling import SamplerConfig, run
from vmdcore.sudoku import PEERS
from vmdcore.tasks import sudoku as sudoku_task

# Paper Table 4 (accuracy, %): strategy -> nfe -> model -> value
PAPER_TABLE4 = {
    "top-prob": {5: {"mdm": 10.6, "vmd": 67.7}, 10: {"mdm": 14.7, "vmd": 76.4}, 20: {"mdm": 20.4, "vmd": 80.9}},
    "margin": {5: {"mdm": 36.2, "vmd": 96.9}, 10: {"mdm": 78.4, "vmd": 99.0}, 20: {"mdm": 91.1, "vmd": 99.7}},
}


@dataclass(frozen=True)
class SolveScore:
    strategy: str
    nfe: int
    accuracy: float
    mean_conflicts: float
    puzzles_per_s: float
    n: int

    def to_dict(self) -> dict:
        return asdict(self)


def conflict_counts(grids: np.ndarray) -> np.ndarray:
    """Per grid, how many filled cells share their digit with a peer."""
    grids = np.asarray(grids)
    same = grids[:, PEERS] == grids[:, :, None]
    return ((same.any(axis=2)) & (grids > 0)).sum(axis=1)


def solved_mask(grids: np.ndarray, puzzles: np.ndarray) -> np.ndarray:
    """A grid is solved when it is complete, has no conflict and keeps every clue."""
    complete = (grids > 0).all(axis=1)
    keeps = ((puzzles == 0) | (grids == puzzles)).all(axis=1)
    return complete & keeps & (conflict_counts(grids) == 0)


def solve_batch(model: DiffusionModel, puzzles: np.ndarray, config: SamplerConfig) -> np.ndarray:
    tokens, fixed = sudoku_task.encode(puzzles)
    trace = run(model, tokens, config, fixed)
    return sudoku_task.decode(trace.final)


def score(
    model: DiffusionModel, puzzles: np.ndarray, strategy: str, nfe: int, seed: int = 0, batch_size: int = 256,
    temperature: float = 0.0, solved_out: list[np.ndarray] | None = None, latent_mode: str = "fixed",
    latent_scale: float = 1.0,
) -> SolveScore:
    """Solve every puzzle once; `solved_out`, when given, receives the per-puzzle outcome."""
    puzzles = np.asarray(puzzles)
    solved, conflicts = [], 0
    started = time.perf_counter()
    for start in range(0, len(puzzles), batch_size):
        chunk = puzzles[start:start + batch_size]
        config = SamplerConfig(nfe=nfe, strategy=strategy, temperature=temperature, latent_mode=latent_mode,
                               latent_scale=latent_scale, seed=seed + start)
        grids = solve_batch(model, chunk, config)
        solved.append(solved_mask(grids, chunk))
        conflicts += int(conflict_counts(grids).sum())
    elapsed = time.perf_counter() - started
    outcome = np.concatenate(solved)
    if solved_out is not None:
        solved_out.append(outcome)
    n = len(puzzles)
    return SolveScore(strategy, nfe, float(outcome.mean()), conflicts / n, n / elapsed, n)


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
