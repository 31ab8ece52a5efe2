"""Scoring Sudoku generation: many valid completions exist, so a sample is judged by validity
(complete, no rule broken, every given cell kept) and the samples by how many distinct grids
they hold. Starts from an empty board, from K random cells of held-out grids, or from the
grids of a file."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from vmdcore.model import DiffusionModel
from vmdcore.sampling import SamplerConfig
from vmdcore.sudoku import read_puzzle_file
from vmdcore.sudoku.generator import random_grids

from .sudoku_eval import conflict_counts, solve_batch, solved_mask

# Held-out grids for clues: a seed range no training pool uses (pools take seed + chunk index
# from small seeds such as 12345).
CLUE_GRID_SEED = 9_000_000


@dataclass(frozen=True)
class GenerationScore:
    model: str
    nfe: int
    strategy: str
    temperature: float
    clues: int
    n: int
    valid_rate: float
    mean_conflicts: float
    distinct_rate: float
    samples_per_s: float

    def to_dict(self) -> dict:
        return asdict(self)


def clue_boards(n: int, clues: int, seed: int, source: np.ndarray | None = None) -> np.ndarray:
    """n boards (n, 81), each keeping `clues` random cells of a complete grid, 0 elsewhere.
    Grids come from `source` (cycled) or, without one, from held-out random grids."""
    if clues == 0:
        return np.zeros((n, 81), np.int8)
    if not 0 < clues <= 81:
        raise ValueError("clues must be between 0 and 81")
    rng = np.random.default_rng([seed, clues])
    grids = source[np.arange(n) % len(source)] if source is not None else random_grids(n, CLUE_GRID_SEED + seed)
    keep = np.argsort(rng.random((n, 81)), axis=1) < clues
    return np.where(keep, grids, 0).astype(np.int8)


def read_grid_source(path: Path) -> np.ndarray:
    """Complete grids from any puzzle file the puzzle core reads: an entry's solution where it
    has one, or the entry itself when it is already a complete grid (81-digit lines)."""
    grids = []
    for entry in read_puzzle_file(path):
        if entry.solution is not None:
            grids.append(entry.solution)
        elif (entry.puzzle > 0).all():
            grids.append(entry.puzzle)
    if not grids:
        raise ValueError(f"{path} holds no solved grids (a file with solutions, or complete 81-digit grids)")
    grids = np.stack(grids).astype(np.int8)
    broken = np.flatnonzero(conflict_counts(grids) > 0)
    if len(broken):
        raise ValueError(f"{path}: grid {broken[0] + 1} breaks the rules; clue grids must be valid")
    return grids


def generate(
    model: DiffusionModel, boards: np.ndarray, nfe: int, strategy: str = "margin", temperature: float = 0.0,
    seed: int = 0, batch_size: int = 256,
) -> np.ndarray:
    """One sample per board: every empty cell filled by the model, in batches."""
    out = []
    for start in range(0, len(boards), batch_size):
        config = SamplerConfig(nfe=nfe, strategy=strategy, temperature=temperature, seed=seed + start)
        out.append(solve_batch(model, boards[start:start + batch_size], config))
    return np.concatenate(out).astype(np.int8)


def score_samples(grids: np.ndarray, boards: np.ndarray) -> tuple[float, float, float]:
    """(valid rate, mean conflicting cells, distinct valid grids / samples)."""
    valid = solved_mask(grids, boards)
    distinct = len({g.tobytes() for g in grids[valid]})
    return float(valid.mean()), float(conflict_counts(grids).mean()), distinct / len(grids)


def score_generation(
    model: DiffusionModel, name: str, boards: np.ndarray, clues: int, nfe: int, strategy: str, temperature: float,
    seed: int = 0, batch_size: int = 256,
) -> tuple[GenerationScore, np.ndarray]:
    started = time.perf_counter()
    grids = generate(model, boards, nfe, strategy, temperature, seed, batch_size)
    elapsed = time.perf_counter() - started
    valid, conflicts, distinct = score_samples(grids, boards)
    score = GenerationScore(name, nfe, strategy, temperature, clues, len(boards), round(valid, 4), round(conflicts, 3),
                            round(distinct, 4), round(len(boards) / elapsed, 1))
    return score, grids


def generation_probe(nfes=(5, 81), n: int = 64, temperature: float = 0.0):
    """A quick check during training: valid rate from an empty board at a few NFE."""

    def evaluate(model: DiffusionModel) -> dict[str, float]:
        boards = np.zeros((n, 81), np.int8)
        results = {}
        for nfe in nfes:
            valid, _, distinct = score_samples(generate(model, boards, nfe, "margin", temperature), boards)
            results[f"gen_valid_nfe{nfe}"] = round(valid, 3)
            results[f"gen_distinct_nfe{nfe}"] = round(distinct, 3)
        return results

    return evaluate
