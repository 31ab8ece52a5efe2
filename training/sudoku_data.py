"""Training data for Sudoku: a pool of generated unique-solution puzzles, multiplied by the
Sudoku symmetry group (digit relabelling, row/column/band/stack permutations, transposition),
so a few thousand base puzzles give endless distinct training puzzles of the same difficulty."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from vmdcore.sudoku import augment_batch
from vmdcore.sudoku.generator import puzzle_seeds, random_grids, random_solution, remove_clues
from vmdcore.tasks import sudoku as sudoku_task


def minimal_puzzle(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A random grid with clues removed while the solution stays unique (~22-27 clues).
    Unlike vmdcore.sudoku.generate it skips the rating: the pool needs volume, not labels."""
    rng = np.random.default_rng(seed)
    solution = random_solution(rng)
    return remove_clues(solution, rng.permutation(81), None, False), solution


def build_pool(n: int, seed: int, out: Path, flush_every: int = 250) -> Path:
    """Generate n puzzles into out (.npz with puzzles, solutions); resumes a partial file."""
    puzzles, solutions = load_pool(out) if out.exists() else (np.zeros((0, 81), np.int8), np.zeros((0, 81), np.int8))
    seeds = puzzle_seeds(n, seed)
    new_p, new_s = list(puzzles), list(solutions)
    started = time.time()
    for index in range(len(new_p), n):
        p, s = minimal_puzzle(seeds[index])
        new_p.append(p)
        new_s.append(s)
        if (index + 1) % flush_every == 0 or index + 1 == n:
            _save(out, np.array(new_p), np.array(new_s), seed)
            rate = (index + 1 - len(puzzles)) / (time.time() - started)
            print(f"{index + 1}/{n} puzzles ({rate:.1f}/s)", flush=True)
    return out


def _save(out: Path, puzzles: np.ndarray, solutions: np.ndarray, seed: int) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, puzzles=puzzles.astype(np.int8), solutions=solutions.astype(np.int8), seed=seed)
    tmp.replace(out)


def load_pool(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return data["puzzles"].astype(np.int8), data["solutions"].astype(np.int8)


class PuzzleStream:
    """Callable batch source for the trainer: (solution tokens, clue mask).

    Each draw picks pool puzzles and applies a fresh random symmetry; the clues are fixed, the
    empty cells are what the model learns to fill.
    """

    def __init__(self, puzzles: np.ndarray, solutions: np.ndarray) -> None:
        self.puzzles, self.solutions = puzzles, solutions

    def __call__(self, n: int, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        rows = rng.integers(0, len(self.puzzles), size=n)
        puzzles, solutions = augment_batch(self.puzzles[rows], self.solutions[rows], rng)
        tokens, _ = sudoku_task.encode(solutions)
        return torch.from_numpy(tokens), torch.from_numpy(puzzles > 0)


def build_grid_pool(n: int, seed: int, out: Path, chunk: int = 1000) -> Path:
    """n random complete grids into out (.npz with `grids`); resumes a partial file. Chunk k is
    random_grids(chunk, seed + k), so a pool of n grids is a prefix of any longer one."""
    grids = load_grid_pool(out) if out.exists() else np.zeros((0, 81), np.int8)
    parts = [grids[: len(grids) // chunk * chunk]]
    started, have = time.time(), len(parts[0])
    for first in range(have, n, chunk):
        parts.append(random_grids(min(chunk, n - first), seed + first // chunk))
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".tmp.npz")
        np.savez_compressed(tmp, grids=np.concatenate(parts).astype(np.int8), seed=seed)
        tmp.replace(out)
        done = first + len(parts[-1])
        print(f"{done}/{n} grids ({(done - have) / (time.time() - started):.0f}/s)", flush=True)
    return out


def load_grid_pool(path: Path) -> np.ndarray:
    with np.load(path, allow_pickle=False) as data:
        return data["grids"].astype(np.int8)


class GridStream:
    """Callable batch source of complete grids with every cell maskable (no clues): pool grids
    under a fresh random symmetry, so each draw is a new grid. Trained on these, a model learns
    p(grid | any visible cells): generation from an empty board at full mask, completion of a
    few given cells below it."""

    def __init__(self, grids: np.ndarray) -> None:
        self.grids = grids

    def __call__(self, n: int, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        rows = rng.integers(0, len(self.grids), size=n)
        _, grids = augment_batch(self.grids[rows], self.grids[rows], rng)
        tokens, _ = sudoku_task.encode(grids)
        return torch.from_numpy(tokens), torch.zeros(tokens.shape, dtype=torch.bool)


def main() -> None:
    parser = argparse.ArgumentParser(description="generate the Sudoku training pool")
    parser.add_argument("--n", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--out", type=Path, default=Path("runs/sudoku-pool.npz"))
    args = parser.parse_args()
    build_pool(args.n, args.seed, args.out)


if __name__ == "__main__":
    main()
