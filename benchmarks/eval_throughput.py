"""Evaluation throughput against the forward-only limit of the same batches.

    python benchmarks/eval_throughput.py [--puzzles N] [--batch-size B] [--nfe K] [--write]

eval_throughput_vs_forward: puzzles/s of training.sudoku_eval.score (the vmd-eval sudoku path:
vmdcore.evaluation batches, sample(), decoding and scoring) over the puzzles/s of running only
the network, NFE forwards per batch of the same size; the worse of the bundled pair.
"""

from __future__ import annotations

import argparse

from common import app_threads, load_average, load_sudoku, merge_results, print_json, test_boards, timed_pair


def throughput(model, puzzles: int, batch_size: int, nfe: int, repeats: int) -> dict:
    import numpy as np
    import torch
    from training.sudoku_eval import score
    from vmdcore.evaluation import batches

    tokens = test_boards(puzzles)
    grids = np.where(tokens == 9, 0, tokens + 1)  # the puzzle core's digits, 0 = empty

    def evaluate() -> None:
        score(model, grids, "margin", nfe, batch_size=batch_size)

    def forwards() -> None:
        with torch.no_grad():
            for batch in batches(puzzles, batch_size, 0):
                chunk = torch.from_numpy(tokens[batch.start:batch.stop])
                z = model.prior_sample(len(chunk), torch.Generator().manual_seed(batch.seed))
                for _ in range(nfe):
                    model(chunk, z)

    pair = timed_pair(forwards, evaluate, repeats)
    return {"puzzles": puzzles, "batch_size": batch_size, "nfe": nfe,
            "eval_puzzles_per_s": puzzles / pair["second_median_s"], "forward_puzzles_per_s": puzzles / pair["first_median_s"],
            **pair, "ratio": 1 / pair["ratio"]}


def main(argv: list[str] | None = None) -> int:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads (default: the app's engine threads, app.worker.engine_threads)")
    parser.add_argument("--puzzles", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--nfe", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    threads = args.threads or app_threads()
    torch.set_num_threads(threads)
    print(f"threads {threads}, load average {load_average()}")
    results = {}
    for kind in ("mdm", "vmd"):
        results[kind] = throughput(load_sudoku(kind), args.puzzles, args.batch_size, args.nfe, args.repeats)
        print_json(kind, {k: v for k, v in results[kind].items() if k not in ("pairs_s",)})
    figure = round(min(r["ratio"] for r in results.values()), 3)
    print(f"eval_throughput_vs_forward: {figure}")
    if args.write:
        command = f"python benchmarks/eval_throughput.py --puzzles {args.puzzles} --batch-size {args.batch_size} --nfe {args.nfe} --write"
        merge_results({"eval_throughput_vs_forward": figure},
                      {"eval_throughput": {"threads": threads, "command": command, **results}}, threads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
