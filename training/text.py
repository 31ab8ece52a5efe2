"""Character-level text models on one backbone and budget: block MDM (BD3-LM), Block VMD,
and the autoregressive baseline.

The AR baseline is the same Denoiser with block size 1 trained with every position masked
(LossConfig eps = 1, so t = 1 and the weight 1/t is 1): each position then sees a mask token
at itself and the clean tokens before it through the block-causal two-stream attention, its
loss is exactly the next-character cross-entropy, and sampling one step per block is exactly
left-to-right decoding. No second network class is needed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from vmdcore.checkpoint import CheckpointInfo, save_checkpoint
from vmdcore.config import ModelConfig
from vmdcore.devices import pick_device
from vmdcore.losses import LossConfig
from vmdcore.model import DiffusionModel, build_model, set_posterior_init
from vmdcore.tasks import text as text_task

from .state import saved_step
from .text_data import WindowStream, held_out_windows, load_corpus
from .text_likelihood import LikelihoodSettings, estimate_nll
from .trainer import TrainConfig, distributed_context, train

log = logging.getLogger("vmd.text")
KINDS = ("ar", "mdm", "vmd")


@dataclass(frozen=True)
class TextRecipe:
    """Everything that decides a text model; the three kinds share all of it, VMD adds the latent."""

    seq_len: int = 64
    d_model: int = 96
    n_layers: int = 3
    n_heads: int = 4
    latent_dim: int = 16
    encoder_layers: int = 1
    steps: int = 10000
    batch_size: int = 32
    lr: float = 1e-3
    warmup_steps: int = 300
    kl_anneal_fraction: float = 0.3
    free_bits: float = 0.0
    encoder_init_logvar: float = -4.0
    bf16: bool = False
    seed: int = 0

    def model_config(self, kind: str, block: int, vocab_size: int) -> ModelConfig:
        if kind not in KINDS:
            raise ValueError(f"model must be one of {KINDS}, not {kind!r}")
        return ModelConfig(
            vocab_size=vocab_size, seq_len=self.seq_len, d_model=self.d_model, n_layers=self.n_layers,
            n_heads=self.n_heads, latent_dim=self.latent_dim if kind == "vmd" else 0,
            encoder_layers=self.encoder_layers, block_size=1 if kind == "ar" else block,
        )

    def train_config(self, kind: str, eval_every: int, log_every: int) -> TrainConfig:
        # AR: t = 1 always, i.e. every position masked with weight 1 (next-token cross-entropy).
        loss = LossConfig(eps=1.0) if kind == "ar" else LossConfig(free_bits=self.free_bits)
        return TrainConfig(
            steps=self.steps, batch_size=self.batch_size, lr=self.lr, warmup_steps=self.warmup_steps,
            kl_anneal_steps=int(self.kl_anneal_fraction * self.steps) if kind == "vmd" else 0, loss=loss,
            seed=self.seed, log_every=log_every, eval_every=eval_every, bf16=self.bf16, save_every_s=120.0,
        )


def checkpoint_name(kind: str, block: int) -> str:
    return "text-ar.safetensors" if kind == "ar" else f"text-{kind}-b{block}.safetensors"


def model_label(info: CheckpointInfo) -> str:
    """ar, mdm or vmd: the AR baseline is stored as a block-1 model without a latent."""
    return str(info.recipe.get("model") or info.kind)


def validation_probe(windows: np.ndarray, kind: str):
    settings = LikelihoodSettings(rounds=1, iw_samples=4, batch_windows=8)

    def evaluate(model: DiffusionModel) -> dict[str, float]:
        result = estimate_nll(model, windows, kind, settings)
        return {"val_nats_per_char": round(result.nats_per_char, 4), "val_ppl": round(result.ppl, 4)}

    return evaluate


def train_text(
    kind: str, block: int, recipe: TextRecipe, corpus_path: Path, out: Path, run_dir: Path, command: str,
    minutes: float | None = None, eval_every: int = 1000, device: str | None = None, log_every: int = 50,
    val_chars: int = 4096,
) -> Path | None:
    """Train (or continue) one text model and export it with its held-out probe figure."""
    if kind != "ar" and block < 0:
        raise ValueError("block must be >= 0 (0 = one block over the whole window)")
    corpus = load_corpus(corpus_path)
    tokenizer = corpus.tokenizer()
    train_ids = tokenizer.encode(corpus.train_text)
    held_ids = tokenizer.encode(corpus.held_out_text)
    config = recipe.model_config(kind, block, tokenizer.vocab_size)
    model = build_model(config, seed=recipe.seed)
    set_posterior_init(model, recipe.encoder_init_logvar)
    probe_windows = held_out_windows(held_ids, recipe.seq_len, val_chars)
    rank, _ = distributed_context()
    deadline = time.time() + 60 * minutes if minutes else None
    started = time.time()
    train(
        model, WindowStream(train_ids, recipe.seq_len), recipe.train_config(kind, eval_every, log_every), run_dir,
        evaluate=validation_probe(probe_windows, kind), device=pick_device(device), deadline=deadline,
        extra_state={"recipe": asdict(recipe), "kind": kind, "block": block},
    )
    model.to("cpu")
    if rank != 0:
        return None
    probe = validation_probe(probe_windows, kind)(model)
    metrics = {"steps_done": saved_step(run_dir), "steps_planned": recipe.steps,
               "session_minutes": round((time.time() - started) / 60, 1), **probe,
               "val_chars": int(probe_windows.size)}
    info = CheckpointInfo(
        task=text_task.TASK, config=config, vocabulary=list(tokenizer.vocabulary), name=out.stem,
        recipe={"command": command, "model": kind, "block": None if kind == "ar" else block, "recipe": asdict(recipe),
                "parameters": model.parameter_count(), **corpus.describe()},
        metrics=metrics,
    )
    save_checkpoint(model, info, out)
    log.info("exported %s at step %d/%d: %s", out, metrics["steps_done"], recipe.steps, probe)
    return out
