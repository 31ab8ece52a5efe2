"""The Sudoku training and evaluation commands, end to end on tiny settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from training.cli import eval_main, train_main
from training.sudoku_eval import conflict_counts, solved_mask
from vmdcore.checkpoint import read_info, stored_dtype
from vmdcore.sudoku import parse_puzzle

ROOT = Path(__file__).resolve().parents[2]
SOLVED = parse_puzzle("534678912672195348198342567859761423426853791713924856961537284287419635345286179")
TINY = ["--steps", "3", "--d-model", "32", "--n-layers", "1", "--n-heads", "2", "--latent-dim", "4",
        "--batch-size", "8", "--pool-size", "40", "--warmup-steps", "1", "--bf16", "false"]


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    from training.sudoku_data import build_pool

    path = tmp_path_factory.mktemp("pool") / "pool.npz"
    build_pool(40, 12345, path)
    return path


@pytest.fixture(scope="module")
def puzzle_file(tmp_path_factory):
    rows = ROOT / "resources" / "puzzles" / "testset.csv"
    lines = rows.read_text().splitlines()
    path = tmp_path_factory.mktemp("puzzles") / "few.csv"
    path.write_text("\n".join(lines[:1] + lines[1:1001:100]) + "\n")
    return path


def test_scoring_counts_conflicts_and_requires_clues_kept():
    grids = np.stack([SOLVED, SOLVED.copy()])
    grids[1, 1] = grids[1, 0]  # two equal digits in row 1
    assert conflict_counts(grids).tolist() == [0, conflict_counts(grids)[1]] and conflict_counts(grids)[1] >= 2
    puzzle = SOLVED.copy()
    puzzle[40:] = 0
    assert solved_mask(grids, np.stack([puzzle, puzzle])).tolist() == [True, False]
    other_clue = puzzle.copy()
    other_clue[0] = 1 if SOLVED[0] != 1 else 2
    assert not solved_mask(grids[:1], other_clue[None])[0]


@pytest.mark.slow
def test_train_smoke_exports_a_checkpoint_then_eval_writes_the_json_layout(tmp_path, pool, puzzle_file, capsys):
    out = tmp_path / "sudoku-vmd.safetensors"
    train_main(["sudoku", "--model", "vmd", *TINY, "--pool", str(pool), "--out", str(out),
                "--run-dir", str(tmp_path / "run"), "--test-file", str(puzzle_file), "--test-limit", "5", "--eval-every", "0"])
    info = read_info(out)
    assert info.task == "sudoku" and info.kind == "vmd"
    assert info.metrics["steps_done"] == 3 and info.recipe["command"].startswith("vmd-train sudoku --model vmd")
    assert {r["strategy"] for r in info.metrics["test"]} == {"margin", "top-prob"}

    report = tmp_path / "eval.json"
    eval_main(["sudoku", "--checkpoint", str(out), "--puzzles", str(puzzle_file), "--nfe", "2", "5",
               "--strategy", "margin", "random", "--limit", "6", "--seed", "1", "--failure-modes", "--json", str(report)])
    data = json.loads(report.read_text())
    assert data["checkpoint"] == out.name and data["n"] == 6 and data["puzzles"] == puzzle_file.name
    assert [(r["strategy"], r["nfe"]) for r in data["results"]] == [("margin", 2), ("margin", 5), ("random", 2), ("random", 5)]
    for row in data["results"]:
        assert 0 <= row["accuracy"] <= 1 and row["mean_conflicts"] >= 0 and row["puzzles_per_s"] > 0
    for row, modes in zip(data["results"], data["failure_modes"]):
        assert (modes["strategy"], modes["nfe"]) == (row["strategy"], row["nfe"]) and modes["n"] == 6
        # the same seeds: the same solves, and every failure of a unique-solution puzzle has a first wrong step
        assert modes["solved"] == round(row["accuracy"] * 6) and sum(modes["first_wrong_step"]) == modes["failed"]
        assert 0 <= modes["one_by_one_accuracy"] <= 1
    printed = capsys.readouterr().out
    assert "margin NFE5" in printed and "first wrong commit" in printed

    eval_main(["sudoku", "--checkpoint", str(out), "--puzzles", str(puzzle_file), "--nfe", "2", "--strategy", "margin",
               "--limit", "3", "--record"])
    recorded = read_info(out).metrics["evaluation"]
    assert recorded["n"] == 3 and recorded["results"][0]["nfe"] == 2 and "--record" in recorded["command"]
    assert read_info(out).metrics["steps_done"] == 3  # the training figures stay
    assert stored_dtype(out) == torch.float16  # exported at half size, and re-saved alike by --record


def test_eval_rejects_a_bad_puzzle_file_with_its_location(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("12345678x" + "." * 72 + "\n")
    with pytest.raises(SystemExit) as exc:
        eval_main(["sudoku", "--checkpoint", str(tmp_path / "none.safetensors"), "--puzzles", str(bad)])
    assert "cannot read" in str(exc.value) and "x" in str(exc.value)


@pytest.mark.slow
def test_two_process_ddp_smoke_run(tmp_path, pool):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           "-m", "training", "train", "sudoku", "--model", "mdm", *TINY, "--pool", str(pool),
           "--out", str(tmp_path / "ddp.safetensors"), "--run-dir", str(tmp_path / "run"), "--test-limit", "0",
           "--eval-every", "0"]
    done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    info = read_info(tmp_path / "ddp.safetensors")
    assert info.metrics["steps_done"] == 3
    log = (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()
    assert json.loads(log[-1])["samples_per_s"] > 0


def test_a_vmd_with_latent_tokens_can_start_from_a_trained_mdm(tmp_path, pool):
    from vmdcore.checkpoint import load_checkpoint

    mdm = tmp_path / "mdm.safetensors"
    train_main(["sudoku", "--model", "mdm", *TINY, "--pool", str(pool), "--out", str(mdm),
                "--run-dir", str(tmp_path / "mdm-run"), "--test-limit", "0", "--eval-every", "0"])
    vmd = tmp_path / "vmd.safetensors"
    train_main(["sudoku", "--model", "vmd", *TINY, "--steps", "1", "--lr", "1e-9", "--latent-tokens", "2",
                "--encoder-pool", "cells", "--init-from", str(mdm), "--pool", str(pool), "--out", str(vmd),
                "--run-dir", str(tmp_path / "vmd-run"), "--test-limit", "0", "--eval-every", "0"])
    base, _ = load_checkpoint(mdm)
    tuned, info = load_checkpoint(vmd)
    assert info.config.latent_tokens == 2 and info.recipe["recipe"]["init_from"] == str(mdm)
    # A near-zero learning rate: the shared backbone is still the MDM's.
    assert torch.allclose(tuned.denoiser.head.weight, base.denoiser.head.weight, atol=1e-6)


def test_a_vmd_continued_from_a_vmd_keeps_its_encoder(tmp_path, pool):
    from vmdcore.checkpoint import load_checkpoint

    latent = ["--latent-tokens", "2", "--encoder-pool", "cells"]
    first = tmp_path / "vmd.safetensors"
    train_main(["sudoku", "--model", "vmd", *TINY, *latent, "--pool", str(pool), "--out", str(first),
                "--run-dir", str(tmp_path / "first-run"), "--test-limit", "0", "--eval-every", "0", "--half-export", "false"])
    again = tmp_path / "again.safetensors"
    train_main(["sudoku", "--model", "vmd", *TINY, *latent, "--steps", "1", "--lr", "1e-9", "--seed", "7",
                "--init-from", str(first), "--pool", str(pool), "--out", str(again),
                "--run-dir", str(tmp_path / "again-run"), "--test-limit", "0", "--eval-every", "0", "--half-export", "false"])
    base, _ = load_checkpoint(first)
    tuned, info = load_checkpoint(again)
    assert info.recipe["started_from"]["checkpoint"] == "vmd.safetensors"
    # Another seed would give another fresh encoder: equal weights mean they were copied.
    for name, weight in base.encoder.state_dict().items():
        assert torch.allclose(tuned.encoder.state_dict()[name], weight, atol=1e-6), name


def test_init_from_refuses_a_checkpoint_with_another_backbone(tmp_path, pool):
    mdm = tmp_path / "mdm.safetensors"
    train_main(["sudoku", "--model", "mdm", *TINY, "--pool", str(pool), "--out", str(mdm),
                "--run-dir", str(tmp_path / "mdm-run"), "--test-limit", "0", "--eval-every", "0"])
    with pytest.raises(ValueError, match="does not fit"):
        train_main(["sudoku", "--model", "vmd", *TINY, "--d-model", "64", "--init-from", str(mdm), "--pool", str(pool),
                    "--out", str(tmp_path / "v.safetensors"), "--run-dir", str(tmp_path / "v-run"),
                    "--test-limit", "0", "--eval-every", "0"])


def test_latent_usage_tells_a_decoder_that_reads_z_from_one_that_ignores_it():
    from training.sudoku_eval import LATENT_SOURCES, latent_usage
    from vmdcore.model import build_model
    from vmdcore.tasks import sudoku as sudoku_task

    model = build_model(sudoku_task.model_config(d_model=32, n_layers=1, n_heads=2, latent_dim=4, encoder_layers=1),
                        seed=0).eval()
    solution = np.asarray(SOLVED)[None].repeat(4, axis=0)
    puzzles = solution.copy()
    puzzles[:, ::2] = 0
    ignoring = latent_usage(model, puzzles, solution, ts=(1.0,))
    assert [row["t"] for row in ignoring] == [1.0] and set(LATENT_SOURCES) <= set(ignoring[0])
    # adaptive LN starts at zero, the denoiser's only path from z: z does not reach the output yet
    assert ignoring[0]["posterior"] == pytest.approx(ignoring[0]["prior"], abs=1e-3)
    with torch.no_grad():  # open that path: z -> latent_in -> the layer-norm shifts and scales
        for layer in (model.denoiser.latent_in[0], model.denoiser.latent_in[2]):
            layer.weight.normal_(0, 1.0)
        for layer in model.denoiser.layers:
            layer.modulation.weight.normal_(0, 0.5)
    reading = latent_usage(model, puzzles, solution, ts=(1.0,))[0]
    assert abs(reading["posterior"] - reading["zero"]) > 1e-2  # now z moves the predictions
    with pytest.raises(ValueError, match="VMD"):
        latent_usage(build_model(sudoku_task.model_config(d_model=32, n_layers=1, n_heads=2), seed=0), puzzles, solution)
