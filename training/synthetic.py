"""The paper's synthetic experiments: train MDM and VMD on the 2-token and 4-token sets and
score samples against the exact data distribution (Table 3)."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

from vmdcore.checkpoint import CheckpointInfo, load_checkpoint, save_checkpoint
from vmdcore.config import ModelConfig
from vmdcore.evaluation import synthetic as evaluation
from vmdcore.evaluation.synthetic import PAIR_CELLS, PAPER_TABLE3, TABLE3_CELLS, checkpoint_name
from vmdcore.losses import LossConfig
from vmdcore.model import DiffusionModel, build_model
from vmdcore.sampling import SamplerConfig, run
from vmdcore.tasks import synthetic

from .trainer import TrainConfig, train

log = logging.getLogger("vmd.synthetic")
# The Table 3 figures, the cells and the checkpoint names live in vmdcore.evaluation.synthetic
# (the app's Evaluate tab reads them too) and are imported from here as before.


@dataclass(frozen=True)
class SyntheticRecipe:
    """Backbone and schedule shared by MDM and VMD (only latent_dim differs)."""

    d_model: int = 64
    n_layers: int = 2
    n_heads: int = 4
    latent_dim: int = 16
    encoder_layers: int = 2
    steps: int = 6000
    batch_size: int = 256
    lr: float = 1e-3
    kl_anneal_fraction: float = 0.5
    seed: int = 0


def model_config(dataset: str, blocks: int, kind: str, recipe: SyntheticRecipe) -> ModelConfig:
    length = synthetic.distribution(dataset).length
    if length % blocks:
        raise ValueError(f"{dataset} has length {length}, which {blocks} blocks do not divide")
    return ModelConfig(
        vocab_size=synthetic.VOCAB_SIZE, seq_len=length, d_model=recipe.d_model, n_layers=recipe.n_layers,
        n_heads=recipe.n_heads, latent_dim=recipe.latent_dim if kind == "vmd" else 0,
        encoder_layers=recipe.encoder_layers, block_size=length // blocks if blocks > 1 else 0,
    )


def train_model(
    dataset: str, blocks: int, kind: str, recipe: SyntheticRecipe, out: Path, run_dir: Path, command: str, progress: bool = True,
    save_every_steps: int = 0,
) -> DiffusionModel:
    dist = synthetic.distribution(dataset)
    config = model_config(dataset, blocks, kind, recipe)
    model = build_model(config, seed=recipe.seed)

    def next_batch(n: int, rng: np.random.Generator):
        return torch.from_numpy(dist.sample(n, rng)), None

    train_config = TrainConfig(
        steps=recipe.steps, batch_size=recipe.batch_size, lr=recipe.lr, warmup_steps=min(200, recipe.steps // 10),
        kl_anneal_steps=int(recipe.kl_anneal_fraction * recipe.steps), loss=LossConfig(),
        seed=recipe.seed, log_every=max(1, recipe.steps // 20), save_every_steps=save_every_steps,
    )
    started = time.time()
    train(model, next_batch, train_config, run_dir, progress=progress)
    minutes = (time.time() - started) / 60
    cells = [c for c in TABLE3_CELLS + PAIR_CELLS if c[0] == dataset and c[1] == blocks]
    metrics = {f"nfe{nfe}": vars(evaluate_model(model, dataset, nfe, 2000, seed=1)) for _, _, nfe in cells}
    info = CheckpointInfo(
        task=synthetic.TASK, config=config, vocabulary=synthetic.VOCABULARY, name=out.stem,
        recipe={"dataset": dataset, "blocks": blocks, "command": command, "train_minutes": round(minutes, 2),
                "recipe": vars(recipe), "train": train_config.to_dict() | {"loss": vars(train_config.loss)}},
        metrics={"samples": 2000, **metrics},
    )
    save_checkpoint(model, info, out)
    log.info("saved %s (%.1f min): %s", out, minutes, metrics)
    return model


def decoding(model: DiffusionModel, nfe_total: int, seed: int) -> SamplerConfig:
    """The paper's decoding (vmdcore.evaluation.synthetic.decoding): MDM samples tokens from its
    marginals, VMD draws z once and takes the argmax given z; random order."""
    return SamplerConfig(**evaluation.decoding(model.config.is_latent, model.config.n_blocks, nfe_total, seed))


def sample_model(model: DiffusionModel, dataset: str, nfe_total: int, n: int, seed: int = 0) -> np.ndarray:
    """n samples of `dataset`'s length, all in one batch (as the app's Evaluate tab runs a cell)."""
    initial = np.full((n, synthetic.distribution(dataset).length), model.config.mask_id, dtype=np.int64)
    return run(model, initial, decoding(model, nfe_total, seed)).final


def evaluate_model(model: DiffusionModel, dataset: str, nfe_total: int, n: int, seed: int = 0) -> synthetic.SampleScore:
    return synthetic.score_samples(synthetic.distribution(dataset), sample_model(model, dataset, nfe_total, n, seed))


def evaluate_table(checkpoint_dir: Path, n: int, seed: int = 0, cells=None) -> list[dict]:
    rows = []
    for dataset, blocks, nfe in cells or TABLE3_CELLS + PAIR_CELLS:
        for kind in ("mdm", "vmd"):
            path = checkpoint_dir / checkpoint_name(dataset, blocks, kind)
            model, _ = load_checkpoint(path, expect_task=synthetic.TASK, expect_kind=kind)
            rows.append(evaluation.cell_row(dataset, blocks, nfe, kind, sample_model(model, dataset, nfe, n, seed)))
    return rows


def format_table(rows: list[dict], n: int) -> str:
    """Markdown in the paper's Table 3 layout, ours beside the paper's, then the 2-token set."""
    lookup = {(r["dataset"], r["blocks"], r["nfe"], r["model"]): r for r in rows}
    header, table = evaluation.table3(rows)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in table]
    pair_rows = [r for r in rows if r["dataset"].startswith("pair")]
    if pair_rows:
        lines += ["", "| 2-token set | NFE | MDM acc | VMD acc | MDM KL | VMD KL |", "|---|---|---|---|---|---|"]
        for d, b, f in PAIR_CELLS:
            m, v = lookup.get((d, b, f, "mdm")), lookup.get((d, b, f, "vmd"))
            if m and v:
                lines.append(f"| {d} | {f} | {m['accuracy']:.1%} | {v['accuracy']:.1%} | {m['kl']:.3f} | {v['kl']:.3f} |")
    lines += ["", f"Ours first, the paper's in brackets. {n:,} samples per cell. Accuracy: share of samples in the",
              "data support. KL: KL(data || sampled) in nats, the sampled distribution smoothed with a",
              "0.01 pseudo-count on each of the 10^L sequences. Decoding: random order; MDM samples each",
              "token from its marginal (temperature 1), VMD draws z ~ N(0, I) once and takes the argmax."]
    return "\n".join(lines)


def all_models() -> list[tuple[str, int]]:
    return sorted({(d, b) for d, b, _ in TABLE3_CELLS + PAIR_CELLS})


def write_json(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cells": rows}, indent=1) + "\n")


def recipe_from_args(args) -> SyntheticRecipe:
    recipe = SyntheticRecipe()
    overrides = {k: getattr(args, k) for k in ("steps", "batch_size", "latent_dim", "d_model", "n_layers", "seed", "lr")
                 if getattr(args, k, None) is not None}
    return replace(recipe, **overrides)
