"""Generation training data and the `vmd-eval sudoku-generate` command."""

import json
from pathlib import Path

import numpy as np
import pytest

from training.cli import eval_main, train_main
from training.sudoku_data import GridStream, build_grid_pool, load_grid_pool
from training.sudoku_eval import conflict_counts
from training.sudoku_generate import clue_boards, read_grid_source, score_samples
from vmdcore.checkpoint import read_info
from vmdcore.sudoku.generator import random_grids
from vmdcore.tasks import sudoku as sudoku_task

TINY = ["--steps", "3", "--d-model", "32", "--n-layers", "1", "--n-heads", "2", "--latent-dim", "4",
        "--batch-size", "8", "--pool-size", "30", "--warmup-steps", "1", "--bf16", "false"]


def test_random_grids_are_valid_distinct_and_reproducible():
    grids = random_grids(50, seed=3)
    assert grids.shape == (50, 81) and grids.dtype == np.int8
    assert ((grids >= 1) & (grids <= 9)).all() and (conflict_counts(grids) == 0).all()
    assert len({g.tobytes() for g in grids}) == 50
    assert np.array_equal(random_grids(50, seed=3), grids) and not np.array_equal(random_grids(50, seed=4), grids)


def test_grid_pool_resumes_and_is_a_prefix_of_a_longer_pool(tmp_path):
    short, long_ = tmp_path / "short.npz", tmp_path / "long.npz"
    build_grid_pool(20, 7, short, chunk=10)
    build_grid_pool(10, 7, long_, chunk=10)
    build_grid_pool(30, 7, long_, chunk=10)  # resumes from the 10 already there
    a, b = load_grid_pool(short), load_grid_pool(long_)
    assert len(a) == 20 and len(b) == 30 and np.array_equal(b[:20], a)


def test_grid_stream_gives_new_valid_grids_with_no_clues():
    stream = GridStream(random_grids(4, seed=1))
    tokens, fixed = stream(32, np.random.default_rng(0))
    grids = sudoku_task.decode(tokens.numpy())
    assert not fixed.any() and (conflict_counts(grids) == 0).all()
    assert len({g.tobytes() for g in grids}) > 4  # the symmetry group makes new grids from 4


def test_clue_boards_keep_k_cells_of_a_valid_grid():
    boards = clue_boards(12, 10, seed=0)
    assert ((boards > 0).sum(axis=1) == 10).all() and (conflict_counts(boards) == 0).all()
    assert not clue_boards(3, 0, seed=0).any()
    source = random_grids(2, seed=5)
    drawn = clue_boards(4, 17, seed=1, source=source)
    for board, grid in zip(drawn, source[[0, 1, 0, 1]]):
        assert np.array_equal(board[board > 0], grid[board > 0])
    with pytest.raises(ValueError):
        clue_boards(2, 82, seed=0)


def test_scores_count_validity_clues_and_distinct_grids():
    grids = random_grids(3, seed=2)
    samples = np.stack([grids[0], grids[0], grids[1], grids[2]])
    samples[3, 1] = samples[3, 0]  # a clash
    boards = np.zeros_like(samples)
    valid, conflicts, distinct = score_samples(samples, boards)
    assert valid == 0.75 and distinct == 0.5 and conflicts > 0
    boards[2, 5] = 1 + samples[2, 5] % 9  # a clue sample 2 does not keep
    assert score_samples(samples, boards)[0] == 0.5


def test_grid_source_reads_solutions_and_refuses_files_without_them(tmp_path):
    grids = random_grids(2, seed=9)
    solved = tmp_path / "grids.txt"
    solved.write_text("\n".join("".join(map(str, g)) for g in grids) + "\n")
    assert np.array_equal(read_grid_source(solved), grids)
    puzzles = tmp_path / "puzzles.txt"
    puzzles.write_text("".join(map(str, np.where(np.arange(81) < 30, grids[0], 0))) + "\n")
    with pytest.raises(ValueError, match="no solved grids"):
        read_grid_source(puzzles)


@pytest.mark.slow
def test_train_on_grids_then_generate_writes_json_and_grids(tmp_path, capsys):
    out = tmp_path / "sudoku-gen-vmd.safetensors"
    train_main(["sudoku", "--model", "vmd", "--data", "grids", *TINY, "--pool", str(tmp_path / "grids.npz"),
                "--out", str(out), "--run-dir", str(tmp_path / "run"), "--eval-every", "3"])
    info = read_info(out)
    assert info.name == "sudoku-gen-vmd" and info.recipe["recipe"]["data"] == "grids"
    assert "random complete grids" in info.recipe["pool"] and "test" not in info.metrics
    metrics = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert "gen_valid_nfe5" in metrics[-1]

    report, tsv = tmp_path / "gen.json", tmp_path / "grids.tsv"
    eval_main(["sudoku-generate", "--checkpoint", str(out), "--samples", "6", "--nfe", "1", "81", "--strategy", "margin",
               "--temperature", "0", "1", "--clues", "0", "10", "--seed", "2", "--json", str(report), "--grids-out", str(tsv)])
    data = json.loads(report.read_text())
    keys = [(r["clues"], r["temperature"], r["nfe"]) for r in data["results"]]
    assert keys == [(c, t, n) for c in (0, 10) for t in (0.0, 1.0) for n in (1, 81)]
    for row in data["results"]:
        assert row["model"] == "vmd" and row["n"] == 6 and 0 <= row["distinct_rate"] <= row["valid_rate"] <= 1
    lines = tsv.read_text().splitlines()
    assert lines[0].split("\t")[:4] == ["nfe", "strategy", "clues", "grid"] and len(lines) == 1 + 6 * 8
    for line in lines[1:]:
        nfe, strategy, clues, grid, _ = line.split("\t")
        assert len(clues) == 81 and len(grid) == 81 and set(grid) <= set("123456789")
        assert all(c == "0" or c == g for c, g in zip(clues, grid))  # the given cells are kept
    assert "| VMD | 10 | margin |" in capsys.readouterr().out


def test_generate_refuses_bad_options_with_a_message(tmp_path):
    with pytest.raises(SystemExit, match="--clues must be between 0 and 81"):
        eval_main(["sudoku-generate", "--checkpoint", str(tmp_path / "x.safetensors"), "--clues", "90"])
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"not a checkpoint")
    with pytest.raises(SystemExit, match="sudoku-generate"):
        eval_main(["sudoku-generate", "--checkpoint", str(broken), "--samples", "2", "--nfe", "1"])
