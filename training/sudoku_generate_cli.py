"""`vmd-eval sudoku-generate`: valid, distinct grids per model, NFE, strategy, temperature and
number of given cells."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from vmdcore.checkpoint import CheckpointError, load_checkpoint
from vmdcore.devices import describe, pick_device
from vmdcore.evaluation.sudoku import STRATEGIES
from vmdcore.sudoku import PuzzleFormatError
from vmdcore.tasks import sudoku as sudoku_task

from .sudoku_generate import clue_boards, read_grid_source, score_generation

CHECKPOINTS = Path(__file__).resolve().parent.parent / "resources" / "checkpoints"
STRATEGY_NAMES = STRATEGIES
GRID_COLUMNS = ("nfe", "strategy", "clues", "grid", "temperature")


def add_eval(sub) -> None:
    p = sub.add_parser("sudoku-generate", help="valid and distinct grids from an empty or sparse board")
    p.add_argument("--checkpoint", type=Path, nargs="+",
                   default=[CHECKPOINTS / "sudoku-gen-mdm.safetensors", CHECKPOINTS / "sudoku-gen-vmd.safetensors"])
    p.add_argument("--samples", type=int, default=200)
    p.add_argument("--nfe", type=int, nargs="+", default=[1, 2, 5, 10, 20, 81])
    p.add_argument("--strategy", nargs="+", default=["margin"], choices=STRATEGY_NAMES)
    p.add_argument("--temperature", type=float, nargs="+", default=[0.0, 1.0],
                   help="the committed token is drawn from p^(1/T); 0 = argmax")
    p.add_argument("--clues", type=int, nargs="+", default=[0],
                   help="K > 0: K random cells of a complete grid are given (grids the models never saw)")
    p.add_argument("--clue-source", type=Path, help="take the clue grids from this file's solutions or solved grids")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--device", default="auto", help="cpu, cuda, mps (default: the best available)")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = torch's default)")
    p.add_argument("--json", type=Path)
    p.add_argument("--grids-out", type=Path, help="one TSV line per sample (per checkpoint when several)")


def _fail(message: str) -> SystemExit:
    return SystemExit(f"vmd-eval sudoku-generate: {message}")


def _grids_path(base: Path, checkpoint: Path, several: bool) -> Path:
    return base.with_name(f"{base.stem}-{checkpoint.stem}{base.suffix}") if several else base


def evaluate(args, command: str) -> None:
    if args.samples < 1:
        raise _fail("--samples must be at least 1")
    if any(not 0 <= k <= 81 for k in args.clues):
        raise _fail("--clues must be between 0 and 81")
    if any(t < 0 for t in args.temperature) or any(n < 1 for n in args.nfe):
        raise _fail("--temperature must be >= 0 and --nfe >= 1")
    try:
        source = read_grid_source(args.clue_source) if args.clue_source else None
    except (OSError, PuzzleFormatError, ValueError) as exc:
        raise _fail(f"cannot use {args.clue_source} as a clue source: {exc}") from exc
    device = pick_device(args.device)
    boards = {k: clue_boards(args.samples, k, args.seed, source) for k in args.clues}
    runs = []
    for path in args.checkpoint:
        try:
            model, info = load_checkpoint(path, device, expect_task=sudoku_task.TASK)
        except CheckpointError as exc:
            raise _fail(str(exc)) from exc
        rows, lines = [], []
        for clues, board in boards.items():
            for strategy in args.strategy:
                for temperature in args.temperature:
                    for nfe in args.nfe:
                        score, grids = score_generation(model, info.kind, board, clues, nfe, strategy, temperature,
                                                        args.seed, args.batch_size)
                        rows.append(score.to_dict())
                        print(f"{path.name:28s} clues {clues:2d} {strategy:8s} T={temperature:g} NFE {nfe:3d}: "
                              f"{score.valid_rate:6.1%} valid, {score.distinct_rate:6.1%} distinct, "
                              f"{score.mean_conflicts:6.2f} clashing cells", flush=True)
                        lines += ["\t".join((str(nfe), strategy, "".join(map(str, b)), "".join(map(str, g)), f"{temperature:g}"))
                                  for b, g in zip(board, grids)]
        runs.append({"checkpoint": path.name, "kind": info.kind, "results": rows})
        if args.grids_out:
            out = _grids_path(args.grids_out, path, len(args.checkpoint) > 1)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text("\t".join(GRID_COLUMNS) + "\n" + "\n".join(lines) + "\n")
    print(format_table(runs))
    if args.json:
        payload = {"command": command, "device": describe(device), "samples": args.samples, "seed": args.seed,
                   "clue_source": args.clue_source.name if args.clue_source else "random held-out grids",
                   "runs": runs, "results": [row for run in runs for row in run["results"]]}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=1) + "\n")


def format_table(runs: list[dict]) -> str:
    lines = ["| model | clues | strategy | T | NFE | valid | distinct | clashing cells |", "|---|---|---|---|---|---|---|---|"]
    for run in runs:
        for r in run["results"]:
            lines.append(f"| {r['model'].upper()} | {r['clues']} | {r['strategy']} | {r['temperature']:g} | {r['nfe']} | "
                         f"{r['valid_rate']:.1%} | {r['distinct_rate']:.1%} | {r['mean_conflicts']:.2f} |")
    return "\n".join(lines)
