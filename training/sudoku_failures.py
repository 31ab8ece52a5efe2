"""Why Sudoku solves fail, step by step.

For every failed run: the step at which the sampler first commits a digit that differs from the
unique solution, how many wrong digits that step commits and how confident the model was in
them, and two tests of whether committing cells together caused the error:
- a clash: the step gave the same digit to two peers committed together;
- the conditional test: each wrong cell is asked again with the step's other commits in place
  (same z). If the model now names the right digit, deciding that cell alone, after the others,
  would have avoided the error: the parallel-decoding failure that VMD exists to remove. If it
  still names the wrong digit, the error is a wrong belief that a one-cell-per-step sampler
  would meet too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch

from vmdcore.model import DiffusionModel
from vmdcore.sampling import SamplerConfig, run, strategies
from vmdcore.sampling.sampler import commit_counts, commit_mask
from vmdcore.sudoku import PEERS
from vmdcore.tasks import sudoku as sudoku_task

from .sudoku_eval import solved_mask


@dataclass(frozen=True)
class FailureModes:
    """Counts over n puzzles for one (strategy, NFE).

    first_wrong_step[k]: failed runs whose first wrong commit came at step k + 1.
    same_step_clash: failed runs whose first wrong step gave one digit to two peers.
    mean_wrong_at_first: mean number of wrong digits committed at that step.
    wrong_commits: all wrong digits committed at first wrong steps; right_given_step: how many
    of them the model gets right when asked again with the step's other commits in place.
    parallel_only: failed runs whose every first-step error is right when asked that way.
    median_wrong_confidence: the model's probability for the wrong digits it committed.
    """

    strategy: str
    nfe: int
    n: int
    solved: int
    first_wrong_step: tuple[int, ...]
    same_step_clash: int
    mean_wrong_at_first: float
    wrong_commits: int
    right_given_step: int
    parallel_only: int
    median_wrong_confidence: float

    @property
    def failed(self) -> int:
        return self.n - self.solved

    def to_dict(self) -> dict:
        return {**asdict(self), "first_wrong_step": list(self.first_wrong_step), "failed": self.failed}


def clashing_commits(grids: np.ndarray, committed: np.ndarray) -> np.ndarray:
    """Per grid, whether two peers committed in the same step hold the same digit."""
    same_digit = grids[:, PEERS] == grids[:, :, None]  # (B, 81, 20)
    both_committed = committed[:, PEERS] & committed[:, :, None]
    return (same_digit & both_committed).any(axis=(1, 2))


def failure_modes(
    model: DiffusionModel, puzzles: np.ndarray, solutions: np.ndarray, strategy: str, nfe: int, seed: int = 0,
    batch_size: int = 256, latent_mode: str = "fixed", latent_scale: float = 1.0,
) -> FailureModes:
    """Solve every puzzle once (as `sudoku_eval.score` does) and sort the failures."""
    puzzles, solutions = np.asarray(puzzles), np.asarray(solutions)
    solved_total, clashes, wrong_counts, confidences = 0, 0, [], []
    first_steps = np.zeros(nfe, dtype=int)
    queries: list[tuple[int, np.ndarray, int, int, np.ndarray | None]] = []  # (run, tokens, cell, truth, z)
    for start in range(0, len(puzzles), batch_size):
        chunk, truth = puzzles[start:start + batch_size], solutions[start:start + batch_size]
        tokens, fixed = sudoku_task.encode(chunk)
        config = SamplerConfig(nfe=nfe, strategy=strategy, latent_mode=latent_mode, latent_scale=latent_scale,
                               seed=seed + start)
        trace = run(model, tokens, config, fixed)
        failed = ~solved_mask(sudoku_task.decode(trace.final), chunk)
        solved_total += int((~failed).sum())
        pending = failed.copy()  # failed runs whose first wrong step is still ahead
        for step in trace.steps:
            grids = sudoku_task.decode(step.tokens)
            wrong = step.committed & (grids != truth)
            first = pending & wrong.any(axis=1)
            if not first.any():
                continue
            first_steps[step.index - 1] += int(first.sum())
            clashes += int(clashing_commits(grids[first], step.committed[first]).sum())
            wrong_counts.extend(wrong[first].sum(axis=1).tolist())
            for run_index, cell in zip(*np.nonzero(wrong & first[:, None])):
                confidences.append(float(step.confidence[run_index, cell]))
                z = None if step.z is None else step.z[run_index]
                queries.append((start + run_index, step.tokens[run_index], cell, truth[run_index, cell], z))
            pending &= ~first
    right = _right_given_step(model, queries, batch_size)
    runs = np.array([q[0] for q in queries], dtype=int)
    parallel_only = len(set(runs.tolist()) - set(runs[~right].tolist()))
    return FailureModes(
        strategy, nfe, len(puzzles), solved_total, tuple(int(c) for c in first_steps), clashes,
        float(np.mean(wrong_counts)) if wrong_counts else 0.0, len(queries), int(right.sum()), parallel_only,
        float(np.median(confidences)) if confidences else 0.0,
    )


@torch.no_grad()
def _right_given_step(model: DiffusionModel, queries: list, batch_size: int) -> np.ndarray:
    """For each (run, tokens after the step, wrong cell, true digit, z): reopen that one cell and
    ask the model again; True where its most likely digit is now the true one."""
    device = next(model.parameters()).device
    right = []
    for start in range(0, len(queries), batch_size):
        chunk = queries[start:start + batch_size]
        tokens = torch.as_tensor(np.stack([q[1] for q in chunk]), device=device)
        cells = torch.as_tensor([q[2] for q in chunk], device=device)
        rows = torch.arange(len(chunk), device=device)
        tokens[rows, cells] = model.config.mask_id
        z = None if chunk[0][4] is None else torch.as_tensor(np.stack([q[4] for q in chunk]), device=device)
        guess = model(tokens, z)[rows, cells].argmax(-1).cpu().numpy()
        right.append(guess == sudoku_task.encode(np.array([[q[3]] for q in chunk]))[0][:, 0])
    return np.concatenate(right) if right else np.zeros(0, dtype=bool)


def format_failure_modes(label: str, modes: FailureModes) -> str:
    """One readable line per (strategy, NFE)."""
    if modes.failed == 0:
        return f"{label} {modes.strategy} NFE {modes.nfe}: no failures in {modes.n} puzzles"
    steps = ", ".join(f"step {k + 1}: {c}" for k, c in enumerate(modes.first_wrong_step) if c)
    return (f"{label} {modes.strategy} NFE {modes.nfe}: {modes.failed}/{modes.n} failed; first wrong commit at {steps}; "
            f"{modes.same_step_clash} ({modes.same_step_clash / modes.failed:.0%}) gave one digit to two peers in that step; "
            f"{modes.wrong_commits} wrong digits (median confidence {modes.median_wrong_confidence:.2f}), "
            f"{modes.right_given_step} ({modes.right_given_step / max(modes.wrong_commits, 1):.0%}) right when asked after "
            f"the step's other commits; {modes.parallel_only} failures ({modes.parallel_only / modes.failed:.0%}) "
            f"caused only by deciding cells together")


@torch.no_grad()
def one_by_one_accuracy(
    model: DiffusionModel, puzzles: np.ndarray, strategy: str, nfe: int, seed: int = 0, batch_size: int = 256,
    latent_scale: float = 1.0,
) -> float:
    """Share solved when every step picks its cells as the sampler does (same strategy, same
    count) but then decides them one after another, each with the earlier ones in place.

    This is the sampler with the independence between cells of one step taken away: the most
    that any way of deciding a step's cells jointly (a latent, for one) could give this denoiser
    at this NFE. It costs one network evaluation per cell instead of one per step.
    """
    device = next(model.parameters()).device
    mask_id = model.config.mask_id
    solved = []
    for start in range(0, len(puzzles), batch_size):
        chunk = np.asarray(puzzles[start:start + batch_size])
        tokens, _ = sudoku_task.encode(chunk)
        tokens = torch.as_tensor(tokens, device=device)
        generator = torch.Generator(device=device).manual_seed(seed + start)
        z = model.prior_sample(len(chunk), generator, latent_scale)

        def predict() -> torch.Tensor:
            return torch.softmax(model(tokens, z).float(), dim=-1)

        for step in range(nfe):
            open_cells = tokens == mask_id
            probs = predict()
            scores = strategies.score(strategy, probs, generator)
            chosen = commit_mask(scores, open_cells, commit_counts(open_cells, nfe - step))
            while chosen.any():
                rows = torch.nonzero(chosen.any(1)).squeeze(1)
                cells = scores.masked_fill(~chosen, float("-inf"))[rows].argmax(1)
                tokens[rows, cells] = probs[rows, cells].argmax(-1)
                chosen[rows, cells] = False
                if chosen.any():
                    probs = predict()
                    scores = strategies.score(strategy, probs, generator)
        solved.append(solved_mask(sudoku_task.decode(tokens.cpu().numpy()), chunk))
    return float(np.concatenate(solved).mean()) if solved else 0.0
