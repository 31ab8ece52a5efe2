"""Training throughput of the shipped Sudoku recipe's loop against a plain fp32 loop.

    python benchmarks/training.py [--batch-size B] [--steps N] [--write]

The recipe (resources/checkpoints/sudoku-*.safetensors metadata): d192, 8 layers, 8 heads,
batch 512, AdamW, bf16 autocast. Each option runs training.trainer.train for a few steps on
test-set solutions (clues fixed) and is timed whole; the reference is a plain loop (fp32,
AdamW, same model and loss) at the same threads. training_speedup_vs_fp32 is the fastest
option's samples/s (a trainer setting, or with --compile the plain loop through torch.compile)
over the plain loop's.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import load_average, merge_results, print_json, test_boards


def recipe_model(kind: str):
    from vmdcore.config import ModelConfig
    from vmdcore.model import build_model

    extra = {"latent_dim": 32, "latent_tokens": 4, "encoder_pool": "cells"} if kind == "vmd" else {}
    return build_model(ModelConfig(vocab_size=9, seq_len=81, d_model=192, n_layers=8, n_heads=8, layout="sudoku", **extra), seed=0)


def data(batch_size: int):
    import csv

    import numpy as np
    import torch

    from common import ROOT

    rows = list(csv.DictReader((ROOT / "resources" / "puzzles" / "testset.csv").open()))
    solutions = np.asarray([[int(c) - 1 for c in r["solution"]] for r in rows], dtype=np.int64)
    clues = test_boards(len(rows)) != 9

    def next_batch(size: int, rng):
        picked = rng.integers(0, len(rows), size)
        return torch.from_numpy(solutions[picked]), torch.from_numpy(clues[picked])
    return next_batch


def plain_loop(kind: str, batch_size: int, steps: int, compiled: bool = False) -> float:
    import numpy as np
    import torch
    from vmdcore.losses import LossConfig, elbo_loss

    model = recipe_model(kind).train()
    network = torch.compile(model) if compiled else model
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    next_batch, rng = data(batch_size), np.random.default_rng(0)
    started = None
    for step in range(steps + 1):
        if step == 1:
            started = time.perf_counter()  # the first step warms the allocator up (and compiles)
        x0, fixed = next_batch(batch_size, rng)
        loss = elbo_loss(network, x0, fixed, 0.5, LossConfig()).total
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    return batch_size * steps / (time.perf_counter() - started)


def trainer_loop(kind: str, batch_size: int, steps: int, bf16: bool) -> float:
    from training.trainer import TrainConfig, train

    next_batch = data(batch_size)
    with tempfile.TemporaryDirectory() as folder:
        train(recipe_model(kind), next_batch, TrainConfig(steps=1, batch_size=batch_size, bf16=bf16, log_every=1000,
                                                           warmup_steps=1), Path(folder) / "warm", progress=False)
        started = time.perf_counter()
        train(recipe_model(kind), next_batch, TrainConfig(steps=steps, batch_size=batch_size, bf16=bf16, log_every=1000,
                                                           warmup_steps=1), Path(folder) / "run", progress=False)
        return batch_size * steps / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=("mdm", "vmd"), default="mdm")
    parser.add_argument("--batch-size", type=int, default=64, help="the recipe's is 512; smaller keeps the run short on a CPU")
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--threads", type=int, nargs="+", default=None, help="thread counts to try (default: 1 and the default)")
    parser.add_argument("--compile", action="store_true", help="also time the plain loop through torch.compile (inductor)")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    default = torch.get_num_threads()  # training runs outside the app: every core
    counts = args.threads or sorted({1, default})
    options = {}
    torch.set_num_threads(default)
    plain = plain_loop(args.kind, args.batch_size, args.steps)
    options[f"plain fp32, {default} threads"] = {"samples_per_s": plain, "load_average_1m": load_average()}
    print_json("plain", options)
    if args.compile:
        try:
            compiled = plain_loop(args.kind, args.batch_size, args.steps, compiled=True)
            options[f"plain fp32 + torch.compile, {default} threads"] = {"samples_per_s": compiled, "load_average_1m": load_average()}
        except Exception as error:  # inductor needs a C++ compiler; report rather than fail
            options[f"plain fp32 + torch.compile, {default} threads"] = {"error": f"{type(error).__name__}: {error}"[:300]}
        print_json("compiled", options)
    for threads in counts:
        torch.set_num_threads(threads)
        for bf16 in (False, True):
            name = f"trainer {'bf16' if bf16 else 'fp32'}, {threads} threads"
            options[name] = {"samples_per_s": trainer_loop(args.kind, args.batch_size, args.steps, bf16),
                             "load_average_1m": load_average()}
            print_json(name, options[name])
    torch.set_num_threads(default)
    best = max((k for k in options if k != next(iter(options)) and "samples_per_s" in options[k]),
               key=lambda k: options[k]["samples_per_s"])
    figure = round(options[best]["samples_per_s"] / plain, 3)
    print(f"training_speedup_vs_fp32: {figure} ({best})")
    if args.write:
        merge_results({"training_speedup_vs_fp32": figure}, {"training": {
            "command": f"python benchmarks/training.py --batch-size {args.batch_size} --steps {args.steps}"
                       f"{' --compile' if args.compile else ''} --write",
            "kind": args.kind, "batch_size": args.batch_size, "steps": args.steps, "best": best, "options": options}}, default)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
