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
from vmdcore.losses import LossConfig
from vmdcore.model import DiffusionModel, build_model
from vmdcore.sampling import SamplerConfig, run
from vmdcore.tasks import synthetic

from .trainer import TrainConfig, train

log = logging.getLogger("vmd.synthetic")

# Paper Table 3: (dataset, blocks, nfe) -> {model: (accuracy, kl)}
PAPER_TABLE3 = {
    ("D1", 2, 4): {"mdm": (0.994, 0.007), "vmd": (1.000, 0.012)},
    ("D1", 2, 2): {"mdm": (0.101, 2.298), "vmd": (0.942, 0.068)},
    ("D1", 1, 4): {"mdm": (0.993, 0.010), "vmd": (1.000, 0.033)},
    ("D1", 1, 1): {"mdm": (0.001, 9.422), "vmd": (0.873, 0.165)},
    ("D2", 2, 4): {"mdm": (0.993, 0.018), "vmd": (1.000, 0.018)},
    ("D2", 2, 2): {"mdm": (0.011, 7.656), "vmd": (0.886, 0.148)},
    ("D2", 1, 4): {"mdm": (0.991, 0.015), "vmd": (1.000, 0.475)},
    ("D2", 1, 1): {"mdm": (0.011, 7.493), "vmd": (0.800, 0.268)},
}
TABLE3_CELLS = list(PAPER_TABLE3)
PAIR_CELLS = [("pair", 1, 1), ("pair", 1, 2), ("pair-skewed", 1, 1), ("pair-skewed", 1, 2)]


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


def checkpoint_name(dataset: str, blocks: int, kind: str) -> str:
    return f"synthetic-{dataset}-B{blocks}-{kind}.safetensors"


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
    dataset: str, blocks: int, kind: str, recipe: SyntheticRecipe, out: Path, run_dir: Path, command: str, progress: bool = True
) -> DiffusionModel:
    dist = synthetic.distribution(dataset)
    config = model_config(dataset, blocks, kind, recipe)
    model = build_model(config, seed=recipe.seed)

    def next_batch(n: int, rng: np.random.Generator):
        return torch.from_numpy(dist.sample(n, rng)), None

    train_config = TrainConfig(
        steps=recipe.steps, batch_size=recipe.batch_size, lr=recipe.lr, warmup_steps=min(200, recipe.steps // 10),
        kl_anneal_steps=int(recipe.kl_anneal_fraction * recipe.steps), loss=LossConfig(),
        seed=recipe.seed, log_every=max(1, recipe.steps // 20),
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
    """The paper's decoding: MDM samples tokens from its marginals (argmax would give one
    sequence only); VMD draws z once and takes the argmax given z. Order: random."""
    steps = max(1, nfe_total // model.config.n_blocks)
    temperature = 0.0 if model.config.is_latent else 1.0
    return SamplerConfig(nfe=steps, strategy="random", temperature=temperature, seed=seed)


def evaluate_model(model: DiffusionModel, dataset: str, nfe_total: int, n: int, seed: int = 0) -> synthetic.SampleScore:
    dist = synthetic.distribution(dataset)
    initial = np.full((n, dist.length), model.config.mask_id, dtype=np.int64)
    trace = run(model, initial, decoding(model, nfe_total, seed))
    return synthetic.score_samples(dist, trace.final)


def evaluate_table(checkpoint_dir: Path, n: int, seed: int = 0, cells=None) -> list[dict]:
    rows = []
    for dataset, blocks, nfe in cells or TABLE3_CELLS + PAIR_CELLS:
        for kind in ("mdm", "vmd"):
            path = checkpoint_dir / checkpoint_name(dataset, blocks, kind)
            model, _ = load_checkpoint(path, expect_task=synthetic.TASK, expect_kind=kind)
            score = evaluate_model(model, dataset, nfe, n, seed)
            paper = PAPER_TABLE3.get((dataset, blocks, nfe), {}).get(kind)
            rows.append({
                "dataset": dataset, "blocks": blocks, "nfe": nfe, "model": kind,
                "accuracy": round(score.accuracy, 4), "kl": round(score.kl, 4),
                "paper_accuracy": paper[0] if paper else None, "paper_kl": paper[1] if paper else None,
            })
    return rows


def format_table(rows: list[dict], n: int) -> str:
    """Markdown in the paper's Table 3 layout, ours beside the paper's, then the 2-token set."""
    lookup = {(r["dataset"], r["blocks"], r["nfe"], r["model"]): r for r in rows}
    header = "| metric | model | " + " | ".join(f"{d} B{b} N{f}" for d, b, f in TABLE3_CELLS) + " |"
    lines = [header, "|" + "---|" * (len(TABLE3_CELLS) + 2)]
    for metric, fmt in (("accuracy", "{:.1%}"), ("kl", "{:.3f}")):
        for kind in ("mdm", "vmd"):
            cells = []
            for d, b, f in TABLE3_CELLS:
                row = lookup.get((d, b, f, kind))
                if row is None:
                    cells.append("-")
                    continue
                paper = row[f"paper_{metric}"]
                cells.append(f"{fmt.format(row[metric])} ({fmt.format(paper)})")
            name = "acc" if metric == "accuracy" else "KL"
            lines.append(f"| {name} | {kind.upper()} | " + " | ".join(cells) + " |")
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
