"""Sampler overhead, a full Sudoku solve and the forward's share of matmul FLOP/s, on the CPU.

    python benchmarks/inference.py [--threads N] [--write]

- sampler_overhead_ratio: time per vmdcore.sampling.sample step over a bare forward of the
  same network and batch (batch 1 and 256, both bundled Sudoku models); the worse is reported.
- solve_nfe20_batch1_ms: one puzzle of the test set solved at NFE 20 (margin), batch 1,
  median over puzzles and repeats, for each bundled model; the slower model is reported.
- forward_flops_efficiency: FLOP/s of a batch-1 forward (FLOPs counted by
  torch.utils.flop_counter) over the FLOP/s of a 2048^3 fp32 matmul, same threads.
"""

from __future__ import annotations

import argparse

from common import app_threads, load_average, load_sudoku, merge_results, print_json, test_boards, timed, timed_pair


def sampler_vs_forward(model, batch: int, steps: int, repeats: int) -> dict:
    import torch
    from vmdcore.sampling import SamplerConfig, sample

    boards = test_boards(batch)
    tokens = torch.from_numpy(boards)
    z = model.prior_sample(batch, torch.Generator().manual_seed(0))

    def forwards() -> None:
        with torch.no_grad():
            for _ in range(steps):
                model(tokens, z)

    def sampler() -> None:
        for _ in sample(model, boards, SamplerConfig(nfe=steps, seed=0)):
            pass

    pair = timed_pair(forwards, sampler, repeats)
    return {"batch": batch, "steps": steps, "forward_step_ms": 1000 * pair["first_median_s"] / steps,
            "sampler_step_ms": 1000 * pair["second_median_s"] / steps, **pair}


def solve_ms(model, puzzles: int, repeats: int) -> dict:
    from vmdcore.sampling import SamplerConfig, sample

    boards = test_boards(puzzles)
    per_puzzle = []
    for board in boards:
        def solve(board=board) -> None:
            for _ in sample(model, board[None], SamplerConfig(nfe=20, strategy="margin", seed=0)):
                pass
        per_puzzle.append(timed(solve, repeats))
    import statistics

    medians = [p["median_s"] for p in per_puzzle]
    return {"median_ms": 1000 * statistics.median(medians), "per_puzzle_ms": [round(1000 * m, 2) for m in medians],
            "load_average_1m": [p["load_average_1m"] for p in per_puzzle]}


def matmul_flops(size: int = 2048, repeats: int = 5) -> dict:
    import torch

    a, b = torch.randn(size, size), torch.randn(size, size)
    result = timed(lambda: a @ b, repeats)
    return {"size": size, "gflops": 2 * size ** 3 / result["median_s"] / 1e9, **result}


def forward_flops(model, repeats: int) -> dict:
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    tokens = torch.from_numpy(test_boards(1))
    z = model.prior_sample(1, torch.Generator().manual_seed(0))
    with torch.no_grad():
        counter = FlopCounterMode(display=False)
        with counter:
            model(tokens, z)
        flops = counter.get_total_flops()
        result = timed(lambda: model(tokens, z), repeats, warmup=3)
    return {"flops": flops, "gflops": flops / result["median_s"] / 1e9, "forward_ms": 1000 * result["median_s"], **result}


def main(argv: list[str] | None = None) -> int:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads (default: the app's engine threads, app.worker.engine_threads)")
    parser.add_argument("--puzzles", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--big-batch", type=int, default=256)
    parser.add_argument("--write", action="store_true", help="merge the figures into docs/results/performance.json")
    args = parser.parse_args(argv)
    threads = args.threads or app_threads()
    torch.set_num_threads(threads)
    print(f"threads {threads}, load average {load_average()}")
    overhead, solve, efficiency = {}, {}, {}
    matmul = matmul_flops()
    print_json("matmul", matmul)
    for kind in ("mdm", "vmd"):
        model = load_sudoku(kind)
        overhead[kind] = {"batch1": sampler_vs_forward(model, 1, 20, 2 * args.repeats + 1),
                          f"batch{args.big_batch}": sampler_vs_forward(model, args.big_batch, 2, args.repeats)}
        print_json(f"overhead {kind}", {k: round(v["ratio"], 3) for k, v in overhead[kind].items()})
        solve[kind] = solve_ms(model, args.puzzles, args.repeats)
        print_json(f"solve {kind}", solve[kind])
        forward = forward_flops(model, 10)
        efficiency[kind] = {**forward, "share_of_matmul": forward["gflops"] / matmul["gflops"]}
        print_json(f"forward {kind}", {k: efficiency[kind][k] for k in ("flops", "forward_ms", "gflops", "share_of_matmul")})
    figures = {
        "sampler_overhead_ratio": round(max(r["ratio"] for per in overhead.values() for r in per.values()), 3),
        "solve_nfe20_batch1_ms": round(max(s["median_ms"] for s in solve.values()), 1),
        "forward_flops_efficiency": round(min(e["share_of_matmul"] for e in efficiency.values()), 3),
    }
    print_json("figures", figures)
    if args.write:
        merge_results(figures, {"inference": {"threads": threads, "sampler_overhead": overhead, "solve_nfe20_batch1": solve,
                                              "forward_flops": efficiency, "matmul": matmul,
                                              "command": "python benchmarks/inference.py --write"}}, threads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
