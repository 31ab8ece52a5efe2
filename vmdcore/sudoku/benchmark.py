"""Speed of the solver, rating, generator and augmentation on this machine, one core.

    python -m vmdcore.sudoku.benchmark [--testset resources/puzzles/testset.csv]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .generator import augment_batch, generate
from .grid_text import parse_puzzle
from .puzzle_files import read_puzzle_file
from .rating import Difficulty, rate
from .solver import count_solutions, solve

HARD_CLASSICS = {
    "Royle 17-clue #1": "000000010400000000020000000000050407008000300001090000300400200050100000000806000",
    "Inkala 2012": "8..........36......7..9.2...5...7.......457.....1...3...1....68..85...1..9....4..",
    "AI Escargot": "1....7.9..3..2...8..96..5....53..9...1..8...26....4...3......1..4......7..7...3..",
}


def per_second(work: Callable[[object], object], items: list) -> float:
    start = time.perf_counter()
    for item in items:
        work(item)
    return len(items) / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--testset", type=Path, default=Path("resources/puzzles/testset.csv"))
    parser.add_argument("--generate", type=int, default=10, help="puzzles generated per difficulty")
    args = parser.parse_args(argv)

    entries = read_puzzle_file(args.testset)
    puzzles = [entry.puzzle for entry in entries]
    clues = [int(np.count_nonzero(p)) for p in puzzles]
    print(f"test set: {len(puzzles)} puzzles, {min(clues)}-{max(clues)} clues")
    print(f"  solve            {per_second(solve, puzzles):8.0f} puzzles/s")
    print(f"  count_solutions  {per_second(count_solutions, puzzles):8.0f} puzzles/s (proves uniqueness)")
    print(f"  rate             {per_second(rate, puzzles):8.0f} puzzles/s")

    rng = np.random.default_rng(0)
    for name, text in HARD_CLASSICS.items():
        puzzle = parse_puzzle(text)
        variants = [puzzle] + [augment_batch(puzzle[None], puzzle[None], rng)[0][0] for _ in range(49)]
        print(f"{name} ({np.count_nonzero(puzzle)} clues, 50 symmetric variants):")
        print(f"  solve            {per_second(solve, variants):8.0f} puzzles/s")
        print(f"  count_solutions  {per_second(count_solutions, variants):8.0f} puzzles/s")

    print(f"generate, {args.generate} seeds per difficulty:")
    for level in [None, *Difficulty]:
        rate_ = per_second(lambda seed: generate(seed, level), list(range(args.generate)))
        print(f"  {level.label if level else 'any':8s} {1 / rate_:6.3f} s/puzzle")

    batch_p = np.stack(puzzles[:512])
    batch_s = np.stack([entry.solution for entry in entries[:512]])
    start, calls = time.perf_counter(), 200
    for _ in range(calls):
        augment_batch(batch_p, batch_s, rng)
    print(f"augment_batch, 512 puzzles: {calls / (time.perf_counter() - start):.0f} batches/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
