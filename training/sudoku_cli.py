"""The `sudoku` task of vmd-train and vmd-eval."""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import fields, replace
from pathlib import Path

import numpy as np

from vmdcore.checkpoint import CheckpointError, load_checkpoint, save_checkpoint, stored_dtype
from vmdcore.config import ENCODER_POOLS
from vmdcore.devices import describe, pick_device
from vmdcore.evaluation import spread
from vmdcore.evaluation.sudoku import STRATEGIES, by_level, file_levels, table4
from vmdcore.sampling.sampler import LATENT_MODES
from vmdcore.sudoku import PuzzleFormatError, read_puzzle_file
from vmdcore.tasks import sudoku as sudoku_task

from . import sudoku_eval
from .sudoku import DATA_KINDS, SudokuRecipe, checkpoint_name, train_sudoku
from .sudoku_failures import failure_modes, format_failure_modes, one_by_one_accuracy

ROOT = Path(__file__).resolve().parent.parent
TESTSET = ROOT / "resources" / "puzzles" / "testset.csv"
CHECKPOINTS = ROOT / "resources" / "checkpoints"
STRATEGY_NAMES = STRATEGIES
RECIPE_CHOICES = {"encoder_pool": ENCODER_POOLS, "data": DATA_KINDS}


def add_train(sub) -> None:
    p = sub.add_parser("sudoku", help="the Sudoku MDM and VMD (same backbone, data and budget)")
    p.add_argument("--model", choices=("mdm", "vmd"), required=True)
    defaults = SudokuRecipe()
    for f in fields(SudokuRecipe):
        flag = "--" + f.name.replace("_", "-")
        if f.type in ("bool", bool):
            p.add_argument(flag, type=lambda v: v.lower() in ("1", "true", "yes"), default=None, metavar="BOOL")
        else:
            kind = type(getattr(defaults, f.name))
            p.add_argument(flag, type=kind, default=None, choices=RECIPE_CHOICES.get(f.name))
    p.add_argument("--minutes", type=float, help="stop after this many minutes (state saved; rerun to continue)")
    p.add_argument("--eval-every", type=int, default=500)
    p.add_argument("--out", type=Path, help="default: resources/checkpoints/sudoku-MODEL.safetensors")
    p.add_argument("--run-dir", type=Path, help="default: runs/sudoku-MODEL")
    p.add_argument("--pool", type=Path, default=None, help="default: runs/sudoku-pool.npz, or runs/sudoku-grids.npz with --data grids")
    p.add_argument("--test-file", type=Path, default=TESTSET)
    p.add_argument("--test-limit", type=int, default=1000)
    p.add_argument("--device", default=None, help="cpu, cuda, mps (default: the best available)")
    p.add_argument("--threads", type=int, default=0)


def train(args, command: str) -> None:
    overrides = {f.name: getattr(args, f.name) for f in fields(SudokuRecipe) if getattr(args, f.name) is not None}
    recipe = SudokuRecipe(**overrides)
    name = checkpoint_name(args.model, recipe)
    out = args.out or CHECKPOINTS / f"{name}.safetensors"
    run_dir = args.run_dir or Path("runs") / name
    pool = args.pool or Path("runs") / ("sudoku-grids.npz" if recipe.data == "grids" else "sudoku-pool.npz")
    train_sudoku(args.model, recipe, out, run_dir, pool, command, args.minutes, args.eval_every,
                 args.test_file if args.test_limit > 0 else None, args.test_limit, args.device)


def add_eval(sub) -> None:
    p = sub.add_parser("sudoku", help="accuracy per strategy and NFE on a puzzle file (paper Table 4)")
    p.add_argument("--checkpoint", type=Path, nargs="+", default=[CHECKPOINTS / "sudoku-mdm.safetensors", CHECKPOINTS / "sudoku-vmd.safetensors"])
    p.add_argument("--puzzles", type=Path, default=TESTSET)
    p.add_argument("--nfe", type=int, nargs="+", default=[5, 10, 20])
    p.add_argument("--strategy", nargs="+", default=["top-prob", "margin"], choices=STRATEGY_NAMES)
    p.add_argument("--limit", type=int, default=0, help="use N puzzles spread evenly over the file (0 = all)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--latent-mode", choices=LATENT_MODES, default="fixed",
                   help="VMD: draw z once (the paper) or every step")
    p.add_argument("--latent-scale", type=float, default=1.0, help="VMD: multiplies the spread of the prior draw of z (0: the prior's mean)")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = torch's default)")
    p.add_argument("--device", default="auto", help="cpu, cuda, mps (default: the best available)")
    p.add_argument("--by-difficulty", action="store_true", help="also break accuracy down by the file's difficulty column")
    p.add_argument("--latent-usage", action="store_true",
                   help="VMD: also report whether the decoder reads z (needs solutions in the puzzle file)")
    p.add_argument("--failure-modes", action="store_true",
                   help="also sort the failed solves (the step of the first wrong commit; whether deciding that step's "
                        "cells together caused it) and solve once more deciding each step's cells one after another "
                        "(needs solutions in the puzzle file)")
    p.add_argument("--json", type=Path)
    p.add_argument("--markdown", type=Path)
    p.add_argument("--record", action="store_true",
                   help="also write these figures (and this command) into each checkpoint's metadata")


def evaluate(args, command: str) -> None:
    try:
        entries = read_puzzle_file(args.puzzles)
    except (OSError, PuzzleFormatError) as exc:
        raise SystemExit(f"vmd-eval sudoku: cannot read {args.puzzles}: {exc}") from exc
    levels = file_levels(args.puzzles, len(entries)) if args.by_difficulty else None
    # Files such as the test set are ordered by difficulty: a --limit subset is spread over all of it.
    picks = spread(len(entries), args.limit)
    entries = [entries[i] for i in picks]
    levels = [levels[i] for i in picks] if levels else None
    puzzles = np.stack([e.puzzle for e in entries])
    device = pick_device(args.device)
    reports = []
    for path in args.checkpoint:
        try:
            model, info = load_checkpoint(path, device, expect_task=sudoku_task.TASK)
        except CheckpointError as exc:
            raise SystemExit(f"vmd-eval sudoku: {exc}") from exc
        results = []
        for strategy in args.strategy:
            for nfe in args.nfe:
                outcome: list[np.ndarray] = []
                s = sudoku_eval.score(model, puzzles, strategy, nfe, args.seed, args.batch_size, solved_out=outcome,
                                      latent_mode=args.latent_mode, latent_scale=args.latent_scale)
                row = s.to_dict()
                row.pop("n")
                if levels:
                    row["by_difficulty"] = by_level(outcome[0], levels)
                results.append(row)
                print(f"{path.name:28s} {strategy:9s} NFE {nfe:3d}: {s.accuracy:6.1%} solved, "
                      f"{s.mean_conflicts:5.2f} conflicting cells, {s.puzzles_per_s:7.1f} puzzles/s", flush=True)
        usage = _latent_usage(model, path, entries) if args.latent_usage and info.config.is_latent else None
        failures = _failure_modes(model, path, entries, args) if args.failure_modes else None
        report = {"checkpoint": path.name, "kind": info.kind, "device": describe(device), "puzzles": args.puzzles.name, "n": len(puzzles),
                  "seed": args.seed, "latent_mode": args.latent_mode, "latent_scale": args.latent_scale,
                  "results": results, **({"latent_usage": usage} if usage else {}),
                  **({"failure_modes": failures} if failures else {})}
        reports.append(report)
        if args.record:
            evaluation = {**{k: v for k, v in report.items() if k not in ("checkpoint", "kind")}, "command": command}
            save_checkpoint(model.cpu(), replace(info, metrics={**info.metrics, "evaluation": evaluation}), path, stored_dtype(path))
    table = format_table(reports, args.strategy, args.nfe)
    print(table)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = reports[0] if len(reports) == 1 else {"runs": reports}
        args.json.write_text(json.dumps(payload, indent=1) + "\n")
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(f"# Sudoku (paper Table 4)\n\nMade by:\n\n    {command}\n\n{table}\n")


def _solutions(entries, option: str) -> np.ndarray:
    if any(e.solution is None for e in entries):
        raise SystemExit(f"vmd-eval sudoku: {option} needs a puzzle file with solutions")
    return np.stack([e.solution for e in entries])


def _failure_modes(model, path: Path, entries, args) -> list[dict]:
    puzzles, solutions = np.stack([e.puzzle for e in entries]), _solutions(entries, "--failure-modes")
    rows = []
    for strategy in args.strategy:
        for nfe in args.nfe:
            modes = failure_modes(model, puzzles, solutions, strategy, nfe, args.seed, args.batch_size,
                                  args.latent_mode, args.latent_scale)
            ceiling = one_by_one_accuracy(model, puzzles, strategy, nfe, args.seed, args.batch_size, args.latent_scale)
            print(format_failure_modes(path.name, modes), flush=True)
            print(f"{path.name} {strategy} NFE {nfe}: {ceiling:.1%} solved when each step's cells are decided one after "
                  "another (the most a joint decision could give)", flush=True)
            rows.append({**modes.to_dict(), "one_by_one_accuracy": ceiling})
    return rows


def _latent_usage(model, path: Path, entries) -> list[dict]:
    rows = sudoku_eval.latent_usage(model, np.stack([e.puzzle for e in entries]), _solutions(entries, "--latent-usage"))
    print(f"{path.name}: does the decoder read z? nats per puzzle over the masked cells")
    for row in rows:
        print(f"  t={row['t']:.1f}: z ~ q {row['posterior']:.2f}, z ~ N(0, I) {row['prior']:.2f}, z = 0 {row['zero']:.2f} "
              f"(KL {row['kl']:.1f})", flush=True)
    return rows


def format_table(reports: list[dict], strategies: list[str], nfes: list[int]) -> str:
    header, rows = table4(reports, strategies, nfes)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    levels = [r["by_difficulty"] for rep in reports for r in rep["results"] if "by_difficulty" in r]
    if levels:
        names = list(levels[0])
        lines += ["", "By difficulty (accuracy):", "", "| model | strategy | NFE | " + " | ".join(names) + " |",
                  "|" + "---|" * (3 + len(names))]
        kinds = [report["kind"] for report in reports]
        for report in reports:
            label = report["kind"].upper()
            if kinds.count(report["kind"]) > 1:  # several MDMs or VMDs: name the file
                label += f" ({report['checkpoint']})"
            for r in report["results"]:
                cells = " | ".join(f"{r['by_difficulty'].get(name, 0):.1%}" for name in names)
                lines.append(f"| {label} | {r['strategy']} | {r['nfe']} | {cells} |")
    n = reports[0]["n"] if reports else 0
    lines += ["", f"Accuracy = share of the {n} puzzles whose final grid is a valid Sudoku keeping every clue.",
              "Mean conflicting cells and puzzles/s per cell are in the JSON twin."]
    return "\n".join(lines)
