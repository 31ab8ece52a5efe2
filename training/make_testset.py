"""Write a fixed set of generated Sudoku puzzles, an equal share per difficulty, as CSV.

    python -m training.make_testset --out resources/puzzles/testset.csv --n 1000 --seed 2026
    python -m training.make_testset --out resources/puzzles/library.csv --n 100 --seed 7

Columns: id,puzzle,solution,clues,difficulty,seed. puzzle and solution are 81-character
strings ('.' = blank), difficulty is the lowercase level name, and
vmdcore.sudoku.generate(seed, Difficulty.parse(difficulty)) recreates the row exactly.
The output depends only on --n and --seed (not on --workers).
"""

from __future__ import annotations

import argparse
import collections
import csv
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from vmdcore.sudoku import Difficulty, GeneratedPuzzle, GenerationError, count_solutions, format_line, generate, rate

MAX_WORKERS = 2  # the training machines share their few cores with other jobs


def level_seeds(seed: int, level: Difficulty, count: int) -> list[int]:
    """Seeds for one difficulty; prefix-stable, so asking for more never changes the first ones."""
    state = np.random.SeedSequence([seed, int(level)]).generate_state(count, dtype=np.uint32)
    return [int(s) for s in state]


def shares(total: int) -> dict[Difficulty, int]:
    """An equal number per level; the remainder goes to the easiest levels."""
    levels = list(Difficulty)
    base, extra = divmod(total, len(levels))
    return {level: base + (1 if index < extra else 0) for index, level in enumerate(levels)}


def _generate_job(job: tuple[int, int]) -> GeneratedPuzzle | None:
    seed, level = job
    try:
        return generate(seed, Difficulty(level))
    except GenerationError:
        return None


def generate_level(pool, seed: int, level: Difficulty, count: int) -> list[GeneratedPuzzle]:
    """`count` distinct puzzles of one level, taking seeds in order and skipping duplicates
    and seeds that find no puzzle."""
    chosen: list[GeneratedPuzzle] = []
    seen: set[bytes] = set()
    asked = 0
    while len(chosen) < count:
        wanted = count - len(chosen)
        seeds = level_seeds(seed, level, asked + wanted)[asked:]
        asked += wanted
        for result in pool.imap(_generate_job, [(s, int(level)) for s in seeds]):
            if result is None or result.puzzle.tobytes() in seen:
                continue
            seen.add(result.puzzle.tobytes())
            chosen.append(result)
    return chosen


def check(puzzle: GeneratedPuzzle) -> None:
    assert count_solutions(puzzle.puzzle) == 1
    assert rate(puzzle.puzzle).difficulty == puzzle.difficulty


def write_csv(path: Path, puzzles: list[GeneratedPuzzle]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "puzzle", "solution", "clues", "difficulty", "seed"])
        for number, p in enumerate(puzzles, start=1):
            writer.writerow(
                [number, format_line(p.puzzle), format_line(p.solution), p.clues, p.difficulty.name.lower(), p.seed]
            )


def summary(puzzles: list[GeneratedPuzzle]) -> str:
    lines = ["| difficulty | puzzles | clues min / median / max | hardest techniques |", "|---|---|---|---|"]
    for level in Difficulty:
        group = [p for p in puzzles if p.difficulty == level]
        if not group:
            continue
        clues = sorted(p.clues for p in group)
        techniques = collections.Counter(rate(p.puzzle).hardest_technique for p in group)
        named = ", ".join(f"{name} {n}" for name, n in techniques.most_common())
        spread = f"{clues[0]} / {clues[len(clues) // 2]} / {clues[-1]}"
        lines.append(f"| {level.label} | {len(group)} | {spread} | {named} |")
    histogram = collections.Counter(p.clues for p in puzzles)
    lines.append("")
    lines.append("clues histogram: " + ", ".join(f"{c}: {histogram[c]}" for c in sorted(histogram)))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="CSV file to write")
    parser.add_argument("--n", type=int, default=1000, help="number of puzzles (split evenly over difficulties)")
    parser.add_argument("--seed", type=int, default=2026, help="generator seed")
    parser.add_argument("--workers", type=int, default=MAX_WORKERS, help=f"processes (at most {MAX_WORKERS})")
    args = parser.parse_args(argv)
    workers = max(1, min(args.workers, MAX_WORKERS))

    started = time.perf_counter()
    puzzles: list[GeneratedPuzzle] = []
    with Pool(workers) as pool:
        for level, count in shares(args.n).items():
            level_start = time.perf_counter()
            puzzles += generate_level(pool, args.seed, level, count)
            print(f"{level.label}: {count} puzzles in {time.perf_counter() - level_start:.1f} s", file=sys.stderr)
    for puzzle in puzzles:
        check(puzzle)
    write_csv(args.out, puzzles)
    elapsed = time.perf_counter() - started
    print(f"wrote {len(puzzles)} puzzles to {args.out} in {elapsed:.1f} s with {workers} process(es)")
    print(summary(puzzles))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
