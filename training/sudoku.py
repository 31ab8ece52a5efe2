"""Training the Sudoku MDM and VMD on one backbone, data and budget, and exporting them."""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from vmdcore.checkpoint import CheckpointInfo, load_checkpoint, save_checkpoint
from vmdcore.devices import describe, pick_device
from vmdcore.losses import LossConfig
from vmdcore.model import DiffusionModel, build_model, set_posterior_init
from vmdcore.sudoku import read_puzzle_file
from vmdcore.tasks import sudoku as sudoku_task

from . import sudoku_eval
from .state import restore_weights, saved_step
from .sudoku_data import GridStream, PuzzleStream, build_grid_pool, build_pool, load_grid_pool, load_pool
from .sudoku_generate import generation_probe
from .trainer import TrainConfig, distributed_context, train

log = logging.getLogger("vmd.sudoku")
DATA_KINDS = ("puzzles", "grids")
VALIDATION_SIZE = 256


@dataclass(frozen=True)
class SudokuRecipe:
    """Everything that decides a Sudoku model; MDM and VMD differ only in the latent settings.

    init_from: a Sudoku checkpoint whose weights start this run (fine-tuning): the denoiser's,
    and the encoder's where both models have one; the latent's parts, absent from an MDM,
    start fresh. Used only when the run starts, not on resume.
    t_min: masking rates are drawn from U(t_min, 1); raising it trains only where most empty
    cells are hidden, the steps at which the MDM is unsure.
    data: "puzzles" (solve: unique-solution puzzles, their clues fixed) or "grids" (generate:
    random complete grids, every cell maskable; pool_size then counts grids).
    """

    d_model: int = 128
    n_layers: int = 6
    n_heads: int = 8
    latent_dim: int = 32
    latent_tokens: int = 0
    encoder_pool: str = "mean"
    encoder_layers: int = 2
    init_from: str = ""
    steps: int = 20000
    batch_size: int = 128
    lr: float = 1e-3
    warmup_steps: int = 300
    kl_hold_fraction: float = 0.0
    kl_anneal_fraction: float = 0.3
    free_bits: float = 0.0
    t_min: float = 1e-3
    encoder_init_logvar: float = -4.0
    bf16: bool = True
    half_export: bool = True
    pool_size: int = 8000
    pool_seed: int = 12345
    seed: int = 0
    data: str = "puzzles"

    def model_config(self, kind: str):
        return sudoku_task.model_config(
            d_model=self.d_model, n_layers=self.n_layers, n_heads=self.n_heads,
            latent_dim=self.latent_dim if kind == "vmd" else 0, encoder_layers=self.encoder_layers,
            latent_tokens=self.latent_tokens if kind == "vmd" else 0,
            encoder_pool=self.encoder_pool if kind == "vmd" else "mean",
        )

    def train_config(self, eval_every: int, log_every: int) -> TrainConfig:
        return TrainConfig(
            steps=self.steps, batch_size=self.batch_size, lr=self.lr, warmup_steps=self.warmup_steps,
            kl_hold_steps=int(self.kl_hold_fraction * self.steps),
            kl_anneal_steps=int(self.kl_anneal_fraction * self.steps),
            loss=LossConfig(eps=self.t_min, free_bits=self.free_bits),
            seed=self.seed, log_every=log_every, eval_every=eval_every, bf16=self.bf16, save_every_s=120.0,
        )


def checkpoint_name(kind: str, recipe: SudokuRecipe) -> str:
    """sudoku-mdm / sudoku-vmd for solving, sudoku-gen-mdm / sudoku-gen-vmd for generating."""
    return f"sudoku-gen-{kind}" if recipe.data == "grids" else f"sudoku-{kind}"


def validation_probe(puzzles: np.ndarray, nfes=(5, 20)):
    """A quick accuracy check during training, on pool puzzles held out from training."""

    def evaluate(model: DiffusionModel) -> dict[str, float]:
        results = {}
        for nfe in nfes:
            s = sudoku_eval.score(model, puzzles, "margin", nfe, seed=0)
            results[f"val_margin_nfe{nfe}"] = round(s.accuracy, 4)
        return results

    return evaluate


def start_from(model: DiffusionModel, path: Path) -> dict:
    """Copy a trained Sudoku model's weights into `model`: the denoiser's, and the encoder's where
    both models have one (so a VMD continues with the latent it learned); parts the source lacks
    keep their init.

    Returns where those weights came from (the source's command and steps), for the metadata.
    """
    source, info = load_checkpoint(path, expect_task=sudoku_task.TASK)
    copied, total = 0, 0
    for part in ("denoiser", "encoder"):
        own_part, source_part = getattr(model, part), getattr(source, part)
        if own_part is None:
            continue
        own = own_part.state_dict()
        total += len(own)
        if source_part is None:
            continue
        weights = source_part.state_dict()
        clash = [k for k, v in weights.items() if k not in own or own[k].shape != v.shape]
        if clash:
            raise ValueError(f"{path} does not fit this model's backbone: {part} {clash[:5]}")
        own_part.load_state_dict(weights, strict=False)
        copied += len(weights)
    log.info("started from %s (%d tensors copied, %d fresh)", path, copied, total - copied)
    return {"checkpoint": path.name, "command": info.recipe.get("command"), "recipe": info.recipe.get("recipe"),
            "steps_done": info.metrics.get("steps_done")}


def train_sudoku(
    kind: str, recipe: SudokuRecipe, out: Path, run_dir: Path, pool_path: Path, command: str,
    minutes: float | None = None, eval_every: int = 500, test_file: Path | None = None, test_limit: int = 1000,
    device: str | None = None,
) -> Path | None:
    """Train (or continue training) one model; export it to `out` with its figures.

    `minutes=0` exports the saved state without training. With `minutes`, training stops when the time is up (state saved) and the export records
    how many of the planned steps were done; the same command continues the run later.
    """
    rank, world = distributed_context()
    if recipe.data not in DATA_KINDS:
        raise ValueError(f"data must be one of {DATA_KINDS}, not {recipe.data!r}")
    if rank == 0:
        (build_grid_pool if recipe.data == "grids" else build_pool)(recipe.pool_size, recipe.pool_seed, pool_path)
    if world > 1:
        torch.distributed.barrier()
    if recipe.data == "grids":
        stream, probe, pool_note = GridStream(load_grid_pool(pool_path)), generation_probe(), "random complete grids"
        test_file = None  # a generation model is scored by vmd-eval sudoku-generate, not by solving
    else:
        puzzles, solutions = load_pool(pool_path)
        held_out = slice(len(puzzles) - min(VALIDATION_SIZE, len(puzzles) // 5), None)
        stream = PuzzleStream(puzzles[: held_out.start], solutions[: held_out.start])
        probe, pool_note = validation_probe(puzzles[held_out]), "generated puzzles"
    config = recipe.model_config(kind)
    model = build_model(config, seed=recipe.seed)
    set_posterior_init(model, recipe.encoder_init_logvar)
    origin = start_from(model, Path(recipe.init_from)) if recipe.init_from else None
    target = pick_device(device)
    deadline = time.time() + 60 * minutes if minutes else None
    started = time.time()
    if minutes is None or minutes > 0:
        train(
            model, stream, recipe.train_config(eval_every, log_every=50), run_dir,
            evaluate=probe, device=target, deadline=deadline,
            extra_state={"recipe": asdict(recipe), "kind": kind},
        )
    else:  # --minutes 0: export the run's saved state as it is, without training
        restore_weights(model, run_dir)
    model.to("cpu")
    if rank != 0:
        return None
    done = saved_step(run_dir)
    metrics: dict = {"steps_done": done, "steps_planned": recipe.steps, "session_minutes": round((time.time() - started) / 60, 1),
                     "trained_on": describe(target)}
    if test_file is not None:
        entries = read_puzzle_file(test_file)[:test_limit]
        grid = np.stack([e.puzzle for e in entries])
        scores = sudoku_eval.score_grid(model, grid, ["margin", "top-prob"], [5, 10, 20])
        metrics["test_file"] = test_file.name
        metrics["test"] = [s.to_dict() for s in scores]
    info = CheckpointInfo(
        task=sudoku_task.TASK, config=config, vocabulary=sudoku_task.VOCABULARY, name=checkpoint_name(kind, recipe),
        recipe={"command": command, "recipe": asdict(recipe), "pool": f"{recipe.pool_size} {pool_note}, seed {recipe.pool_seed}, "
                "random symmetry per draw", "parameters": model.parameter_count(),
                **({"started_from": origin} if origin else {})},
        metrics=metrics,
    )
    save_checkpoint(model, info, out, torch.float16 if recipe.half_export else torch.float32)
    log.info("exported %s at step %d/%d: %s", out, done, recipe.steps, metrics.get("test"))
    return out
