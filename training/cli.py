"""`vmd-train TASK ...` and `vmd-eval TASK ...` (also `python -m training train|eval TASK ...`)."""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from pathlib import Path

import torch

from vmdcore.checkpoint import CheckpointError

from . import sudoku_cli, sudoku_generate_cli, synthetic, text_cli

DEFAULT_CHECKPOINTS = Path(__file__).resolve().parent.parent / "resources" / "checkpoints"


def _command_line(prog: str, argv: list[str]) -> str:
    return " ".join([prog, *map(shlex.quote, argv)])


def _setup_logging(run_dir: Path | None = None) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if run_dir is not None:
        run_dir.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(run_dir / "train.log"))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", handlers=handlers, force=True)


def _add_synthetic_train(sub) -> None:
    p = sub.add_parser("synthetic", help="the paper's 2-token and 4-token sets (Table 3)")
    p.add_argument("--dataset", choices=synthetic.synthetic.DATASETS)
    p.add_argument("--blocks", type=int, default=1, choices=(1, 2))
    p.add_argument("--model", choices=("mdm", "vmd", "both"), default="both")
    p.add_argument("--all", action="store_true", help="every dataset/block combination the evaluation needs")
    p.add_argument("--steps", type=int)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--latent-dim", type=int)
    p.add_argument("--d-model", type=int)
    p.add_argument("--n-layers", type=int)
    p.add_argument("--lr", type=float)
    p.add_argument("--seed", type=int)
    p.add_argument("--out-dir", type=Path, default=DEFAULT_CHECKPOINTS)
    p.add_argument("--run-dir", type=Path, default=Path("runs/synthetic"))
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = torch's default)")
    p.add_argument("--save-every", type=int, default=0, metavar="STEPS",
                   help="save the resumable state every STEPS steps (default 0: every 5 minutes)")


def _train_synthetic(args, command: str) -> None:
    if not args.all and not args.dataset:
        raise SystemExit("vmd-train synthetic: give --dataset (and --blocks) or --all")
    recipe = synthetic.recipe_from_args(args)
    pairs = synthetic.all_models() if args.all else [(args.dataset, args.blocks)]
    kinds = ("mdm", "vmd") if args.model == "both" else (args.model,)
    for dataset, blocks in pairs:
        for kind in kinds:
            name = synthetic.checkpoint_name(dataset, blocks, kind)
            synthetic.train_model(
                dataset, blocks, kind, recipe, args.out_dir / name, args.run_dir / Path(name).stem, command,
                save_every_steps=args.save_every,
            )


def _add_synthetic_eval(sub) -> None:
    p = sub.add_parser("synthetic", help="sample every Table 3 cell and the 2-token set")
    p.add_argument("--checkpoints", type=Path, default=DEFAULT_CHECKPOINTS)
    p.add_argument("--samples", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", type=Path, help="write the cells as JSON here")
    p.add_argument("--markdown", type=Path, help="write the table (with the command) as Markdown here")


def _eval_synthetic(args, command: str) -> None:
    try:
        rows = synthetic.evaluate_table(args.checkpoints, args.samples, args.seed)
    except CheckpointError as exc:
        raise SystemExit(f"vmd-eval synthetic: {exc}\n(train the models first: vmd-train synthetic --all)") from exc
    table = synthetic.format_table(rows, args.samples)
    print(table)
    if args.json:
        synthetic.write_json(rows, args.json)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(
            f"# Synthetic experiments (paper Table 3)\n\nMade by:\n\n    {command}\n\n{table}\n"
        )


TRAINERS = {
    "synthetic": (_add_synthetic_train, _train_synthetic),
    "sudoku": (sudoku_cli.add_train, sudoku_cli.train),
    "text": (text_cli.add_train, text_cli.train),
    "phrases": (text_cli.add_phrase_train, text_cli.train_phrase_model),
}
EVALUATORS = {
    "synthetic": (_add_synthetic_eval, _eval_synthetic),
    "sudoku": (sudoku_cli.add_eval, sudoku_cli.evaluate),
    "sudoku-generate": (sudoku_generate_cli.add_eval, sudoku_generate_cli.evaluate),
    "text": (text_cli.add_eval, text_cli.evaluate),
    "text-sample": (text_cli.add_sample_eval, text_cli.sample_eval),
}


def _main(prog: str, table: dict, argv: list[str] | None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog=prog)
    sub = parser.add_subparsers(dest="task", required=True, metavar="TASK")
    for add, _ in table.values():
        add(sub)
    args = parser.parse_args(argv)
    if getattr(args, "threads", 0):
        torch.set_num_threads(args.threads)
    _setup_logging(getattr(args, "run_dir", None))
    table[args.task][1](args, _command_line(prog, argv))


def train_main(argv: list[str] | None = None) -> None:
    _main("vmd-train", TRAINERS, argv)


def eval_main(argv: list[str] | None = None) -> None:
    _main("vmd-eval", EVALUATORS, argv)
