"""Scoring Sudoku: solving (accuracy per model, strategy and NFE, paper Table 4) and generation
(many grids are valid, so a sample is judged by validity and the samples by how many distinct
grids they hold)."""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..sudoku import PEERS, read_puzzle_file
from ..sudoku.generator import random_grids
from . import Batch

STRATEGIES = ("random", "top-prob", "margin", "entropy")
# Paper Table 4 (accuracy, %): strategy -> nfe -> model -> value
PAPER_TABLE4 = {
    "top-prob": {5: {"mdm": 10.6, "vmd": 67.7}, 10: {"mdm": 14.7, "vmd": 76.4}, 20: {"mdm": 20.4, "vmd": 80.9}},
    "margin": {5: {"mdm": 36.2, "vmd": 96.9}, 10: {"mdm": 78.4, "vmd": 99.0}, 20: {"mdm": 91.1, "vmd": 99.7}},
}
# Held-out grids for generation clues: a seed range no training pool uses (pools take seed +
# chunk index from small seeds such as 12345).
CLUE_GRID_SEED = 9_000_000


def batch_settings(strategy: str, nfe: int, batch: Batch, temperature: float = 0.0, latent_mode: str = "fixed") -> dict:
    """The sampler settings of one batch (vmdcore.sampling.SamplerConfig's fields; the app's
    SamplerSettings takes the same)."""
    return {"nfe": nfe, "strategy": strategy, "temperature": temperature, "latent_mode": latent_mode, "seed": batch.seed}


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


# -- solving ------------------------------------------------------------------------------------
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


class SolveTally:
    """One (model, strategy, NFE) cell scored batch by batch, in order: which puzzles were
    solved, the conflicting cells and the time taken so far."""

    def __init__(self, strategy: str, nfe: int) -> None:
        self.strategy, self.nfe = strategy, nfe
        self._solved: list[np.ndarray] = []
        self.conflicts = 0
        self.seconds = 0.0

    def add(self, grids: np.ndarray, puzzles: np.ndarray, seconds: float = 0.0) -> np.ndarray:
        """Score one batch (final grids against their puzzles); returns which were solved."""
        solved = solved_mask(grids, puzzles)
        self._solved.append(solved)
        self.conflicts += int(conflict_counts(grids).sum())
        self.seconds += seconds
        return solved

    @property
    def n(self) -> int:
        return sum(len(s) for s in self._solved)

    @property
    def outcome(self) -> np.ndarray:
        """Solved or not, per puzzle scored so far."""
        return np.concatenate(self._solved) if self._solved else np.zeros(0, bool)

    def score(self) -> SolveScore:
        n = self.n
        accuracy = float(self.outcome.mean()) if n else 0.0
        return SolveScore(self.strategy, self.nfe, accuracy, self.conflicts / n if n else 0.0,
                          n / self.seconds if self.seconds > 0 else 0.0, n)

    def row(self, levels: list[str] | None = None) -> dict:
        """The cell as `vmd-eval sudoku --json` writes it (`levels`: the puzzles' difficulty)."""
        row = self.score().to_dict()
        row.pop("n")
        if levels:
            row["by_difficulty"] = by_level(self.outcome, levels[: self.n])
        return row


def by_level(solved: np.ndarray, levels: list[str]) -> dict[str, float]:
    """Accuracy per difficulty level, in the order the levels first occur."""
    levels_arr = np.asarray(levels)
    return {str(level): round(float(solved[levels_arr == level].mean()), 4) for level in dict.fromkeys(levels)}


def file_levels(path: Path, n: int) -> list[str] | None:
    """The difficulty column of a CSV puzzle file (its first n rows), or None without one."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        return None
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [r.get("difficulty", "") for r in rows[:n]] if rows and "difficulty" in rows[0] else None


def table4(reports: list[dict], strategies: list[str], nfes: list[int]) -> tuple[list[str], list[list[str]]]:
    """(header, rows) in the paper's Table 4 layout: a row per model (its `vmd-eval sudoku`
    report), then the paper's MDM and VMD where it has figures; '-' where a cell is missing."""
    header = ["model"] + [f"{s} NFE{n}" for s in strategies for n in nfes]
    rows = []
    for report in reports:
        cells = {(r["strategy"], r["nfe"]): r for r in report["results"]}
        row = [f"{cells[(s, n)]['accuracy']:.1%}" if (s, n) in cells else "-" for s in strategies for n in nfes]
        rows.append([f"{report['kind'].upper()} ({report['checkpoint']})"] + row)
    for kind in ("mdm", "vmd"):
        paper = [PAPER_TABLE4.get(s, {}).get(n, {}).get(kind) for s in strategies for n in nfes]
        if any(v is not None for v in paper):
            rows.append([f"paper {kind.upper()}"] + ["-" if v is None else f"{v:.1f}%" for v in paper])
    return header, rows


# -- generation ---------------------------------------------------------------------------------
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


def score_samples(grids: np.ndarray, boards: np.ndarray) -> tuple[float, float, float]:
    """(valid rate, mean conflicting cells, distinct valid grids / samples)."""
    valid = solved_mask(grids, boards)
    distinct = len({g.tobytes() for g in grids[valid]})
    return float(valid.mean()), float(conflict_counts(grids).mean()), distinct / len(grids)


def generation_score(
    model: str, grids: np.ndarray, boards: np.ndarray, clues: int, nfe: int, strategy: str, temperature: float,
    seconds: float,
) -> GenerationScore:
    """The figures of one (model, clues, strategy, temperature, NFE) cell, as
    `vmd-eval sudoku-generate` rounds them."""
    valid, conflicts, distinct = score_samples(grids, boards)
    return GenerationScore(model, nfe, strategy, temperature, clues, len(boards), round(valid, 4), round(conflicts, 3),
                           round(distinct, 4), round(len(boards) / seconds, 1) if seconds > 0 else 0.0)
