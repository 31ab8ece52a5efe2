"""vmd-eval on bad input: a non-zero exit, one line on stderr naming the problem, no traceback."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from tests.vmdcore.test_checkpoint_robustness import Marker, sudoku_checkpoint, text_checkpoint

ROOT = Path(__file__).resolve().parents[2]
PUZZLE = "..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3.."


def run_eval(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "training", "eval", "sudoku", *args, "--nfe", "1",
                           "--strategy", "margin", "--threads", "1", "--device", "cpu"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)


def assert_refused(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("vmd-eval sudoku: ")
    for word in words:
        assert word in lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    (folder / "one.sdm").write_text(PUZZLE + "\n")
    (folder / "bad.sdm").write_text(PUZZLE + "\n" + PUZZLE[:40] + "x" + PUZZLE[41:] + "\n")
    (folder / "image.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "pickle.safetensors").write_bytes(pickle.dumps({"w": Marker(folder / "unpickled")}))
    text_checkpoint(folder / "text.safetensors")
    sudoku_checkpoint(folder / "good.safetensors")
    return folder


@pytest.mark.slow
def test_bad_checkpoints_and_puzzle_files_give_one_line(files):
    good = str(files / "good.safetensors")
    line = assert_refused(run_eval("--checkpoint", str(files / "pickle.safetensors"), "--puzzles", str(files / "one.sdm")),
                          "pickle.safetensors", "VMD never loads pickles")
    assert not (files / "unpickled").exists(), "the pickle was never run"
    assert_refused(run_eval("--checkpoint", str(files / "text.safetensors"), "--puzzles", str(files / "one.sdm")),
                   "'text' model, but a 'sudoku' model is needed")
    assert_refused(run_eval("--checkpoint", good, "--puzzles", str(files / "bad.sdm")),
                   "bad.sdm, line 2, column 41: unexpected character 'x'")
    assert_refused(run_eval("--checkpoint", good, "--puzzles", str(files / "image.csv")), "binary file")
    assert_refused(run_eval("--checkpoint", good, "--puzzles", str(files / "missing.sdm")), "cannot read the file")
    ok = run_eval("--checkpoint", good, "--puzzles", str(files / "one.sdm"))
    assert ok.returncode == 0 and "good.safetensors" in ok.stdout, ok.stderr
    assert line
