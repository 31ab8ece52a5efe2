"""Training killed at any moment (issue 19): `vmd-train` in a subprocess, SIGKILLed at random
moments after a checkpoint interval and started again with the same command, resumes from its
last saved state, loses at most one interval, logs each step once, and ends with exactly the
weights of an uninterrupted run of the same seed. A kill in the middle of a save leaves the
previous state loadable."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from safetensors import safe_open

from training import synthetic
from training.state import STATE_FILE, restore_weights, saved_step
from vmdcore import atomic
from vmdcore.checkpoint import load_checkpoint
from vmdcore.model import build_model

ROOT = Path(__file__).resolve().parents[2]
STEPS, SAVE_EVERY, KILLS = 240, 20, 5
SIZE = ["--d-model", "16", "--n-layers", "1", "--latent-dim", "4", "--batch-size", "16"]


def _command(folder: Path, steps: int = STEPS, save_every: int = SAVE_EVERY, size: list[str] = SIZE) -> list[str]:
    return [sys.executable, "-m", "training", "train", "synthetic", "--dataset", "D1", "--blocks", "1", "--model", "vmd",
            "--steps", str(steps), *size, "--seed", "3", "--threads", "1", "--save-every", str(save_every),
            "--out-dir", str(folder / "out"), "--run-dir", str(folder / "runs")]


def _run_dir(folder: Path) -> Path:
    return folder / "runs" / "synthetic-D1-B1-vmd"


def _env() -> dict[str, str]:
    return {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}


def _start(command: list[str], folder: Path) -> subprocess.Popen:
    log = open(folder / "stderr.txt", "ab")
    try:
        return subprocess.Popen(command, cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=log)
    finally:
        log.close()


def _step_or_zero(run_dir: Path) -> int:
    try:
        return saved_step(run_dir)
    except Exception:  # noqa: BLE001 - a state that cannot be read is what the assertions below catch
        return -1


def _logged_steps(run_dir: Path) -> list[int]:
    path = run_dir / "metrics.jsonl"
    if not path.exists():
        return []
    steps = []
    for line in path.read_text().splitlines():
        try:
            steps.append(json.loads(line)["step"])
        except ValueError:
            pass  # a line cut off by the kill
    return steps


def _assert_state_loads(run_dir: Path, size: list[str]) -> int:
    """The state file opens, holds every weight of the model with the right shapes, and its step."""
    args = dict(zip(size[::2], size[1::2]))
    recipe = synthetic.SyntheticRecipe(d_model=int(args["--d-model"]), n_layers=int(args["--n-layers"]),
                                       latent_dim=int(args["--latent-dim"]), seed=3)
    model = build_model(synthetic.model_config("D1", 1, "vmd", recipe), seed=0)
    step = restore_weights(model, run_dir)  # load_state_dict is strict: every name and shape
    with safe_open(str(run_dir / STATE_FILE), framework="pt") as f:
        assert any(k.startswith("optim.") for k in f.keys()) and "rng.torch" in f.keys()
    return step


@pytest.mark.slow
def test_a_run_killed_at_random_moments_resumes_to_the_uninterrupted_weights(tmp_path):
    straight, killed = tmp_path / "straight", tmp_path / "killed"
    for folder in (straight, killed):
        folder.mkdir()
    reference = _start(_command(straight), straight)
    assert reference.wait(timeout=600) == 0, (straight / "stderr.txt").read_text()

    rng = random.Random(19)
    run_dir, history = _run_dir(killed), []
    for attempt in range(KILLS + 1):
        child = _start(_command(killed), killed)
        if attempt == KILLS:
            assert child.wait(timeout=600) == 0, (killed / "stderr.txt").read_text()
            break
        resumed_from = max(_step_or_zero(run_dir), 0)
        target = resumed_from + rng.randint(1, 2) * SAVE_EVERY
        assert target < STEPS
        deadline = time.time() + 300
        while child.poll() is None and _step_or_zero(run_dir) < target and time.time() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.25))  # a random moment after that checkpoint
        assert child.poll() is None, "the run should still be going when it is killed"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        step = _assert_state_loads(run_dir, SIZE)
        logged = _logged_steps(run_dir)
        assert step >= target and step % SAVE_EVERY == 0
        assert not logged or max(logged) - step <= SAVE_EVERY, "nothing lost beyond the last interval"
        history.append((resumed_from, step, max(logged, default=0)))

    print(f"{KILLS} kills: (resumed from, saved step at the kill, last logged step) = {history}")
    assert len({h[1] for h in history}) == KILLS, "every restart made progress"
    assert not list(run_dir.glob(".*.tmp"))
    a, _ = load_checkpoint(straight / "out" / "synthetic-D1-B1-vmd.safetensors")
    b, _ = load_checkpoint(killed / "out" / "synthetic-D1-B1-vmd.safetensors")
    sa, sb = a.state_dict(), b.state_dict()
    assert sa.keys() == sb.keys()
    # Same seed, same thread count, every RNG and the AdamW moments restored: bit for bit.
    unequal = [name for name in sa if not torch.equal(sa[name], sb[name])]
    assert not unequal, unequal
    logs = [[json.loads(line) for line in (_run_dir(f) / "metrics.jsonl").read_text().splitlines()] for f in (straight, killed)]
    assert [r["step"] for r in logs[1]] == [r["step"] for r in logs[0]] == list(range(STEPS // 20, STEPS + 1, STEPS // 20)), "each step logged once"
    assert [r["loss"] for r in logs[1]] == [r["loss"] for r in logs[0]]


@pytest.mark.slow
def test_a_kill_during_a_save_leaves_the_previous_state_loadable(tmp_path):
    """A larger model saving its state after every step, so that kills land inside saves."""
    size = ["--d-model", "96", "--n-layers", "2", "--latent-dim", "8", "--batch-size", "8"]
    command = _command(tmp_path, steps=100_000, save_every=1, size=size)
    run_dir, rng = _run_dir(tmp_path), random.Random(7)
    steps, mid_save = [], 0
    for _ in range(6):
        before = max(_step_or_zero(run_dir), 0)
        child = _start(command, tmp_path)
        deadline = time.time() + 300
        while child.poll() is None and _step_or_zero(run_dir) <= before and time.time() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.5))
        assert child.poll() is None
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        mid_save += bool(list(run_dir.glob(f".{STATE_FILE}.*{atomic.TEMP_SUFFIX}")))
        steps.append(_assert_state_loads(run_dir, size))
    print(f"6 kills, saved steps {steps}, {mid_save} kills left a half-written temporary file beside the state")
    assert steps[0] > 0 and all(a < b for a, b in zip(steps, steps[1:])), "each restart resumed and went on"
