"""The phrase-pair demo: an MDM and a VMD trained on vmdcore.tasks.phrases, scored by the share
of valid answers at small NFE, beside what independent draws from the model's own marginals
would score."""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from vmdcore.checkpoint import CheckpointInfo, save_checkpoint
from vmdcore.config import ModelConfig
from vmdcore.devices import pick_device
from vmdcore.evaluation import phrases as evaluation
from vmdcore.losses import LossConfig
from vmdcore.model import DiffusionModel, build_model, set_posterior_init
from vmdcore.sampling import SamplerConfig, run
from vmdcore.tasks import phrases

from .state import saved_step
from .trainer import TrainConfig, distributed_context, train

log = logging.getLogger("vmd.phrases")
KINDS = ("mdm", "vmd")
DECODING = ("random order; MDM draws each character from its marginal (temperature 1), "
            "VMD draws z ~ N(0, I) once and takes the argmax given z")


@dataclass(frozen=True)
class PhraseRecipe:
    """MDM and VMD share everything but the latent."""

    d_model: int = 64
    n_layers: int = 3
    n_heads: int = 4
    latent_dim: int = 16
    encoder_layers: int = 2
    steps: int = 3000
    batch_size: int = 64
    lr: float = 1e-3
    warmup_steps: int = 200
    kl_anneal_fraction: float = 0.5
    kl_hold_fraction: float = 0.0
    free_bits: float = 0.0
    encoder_init_logvar: float = -4.0
    seed: int = 0

    def model_config(self, kind: str) -> ModelConfig:
        if kind not in KINDS:
            raise ValueError(f"model must be one of {KINDS}, not {kind!r}")
        return ModelConfig(
            vocab_size=phrases.tokenizer().vocab_size, seq_len=phrases.SEQ_LEN, d_model=self.d_model,
            n_layers=self.n_layers, n_heads=self.n_heads, latent_dim=self.latent_dim if kind == "vmd" else 0,
            encoder_layers=self.encoder_layers, block_size=phrases.BLOCK_SIZE,
        )

    def train_config(self, eval_every: int, log_every: int) -> TrainConfig:
        return TrainConfig(
            steps=self.steps, batch_size=self.batch_size, lr=self.lr, warmup_steps=self.warmup_steps,
            kl_anneal_steps=int(self.kl_anneal_fraction * self.steps),
            kl_hold_steps=int(self.kl_hold_fraction * self.steps),
            loss=LossConfig(free_bits=self.free_bits),
            seed=self.seed, log_every=log_every, eval_every=eval_every, save_every_s=120.0,
        )


def checkpoint_name(kind: str) -> str:
    return f"phrases-{kind}.safetensors"


def next_batch(n: int, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    tokens, fixed = phrases.encode_examples(phrases.sample_examples(n, rng))
    return torch.from_numpy(tokens), torch.from_numpy(fixed)


def decoding(model: DiffusionModel, nfe: int, seed: int) -> SamplerConfig:
    """vmdcore.evaluation.phrases.decoding (shared with the app's Evaluate tab) for `model`."""
    return SamplerConfig(**evaluation.decoding(model.config.is_latent, nfe, seed))


@torch.no_grad()
def independent_prediction(model: DiffusionModel, prompts: list[str], seed: int) -> float:
    """The valid rate of drawing every answer character independently from the model's
    first-step marginals (for VMD: averaged over z ~ N(0, I), one draw per sample)."""
    model.eval()
    tokens, _ = phrases.prompt_rows(prompts)
    device = next(model.parameters()).device
    z = model.prior_sample(len(prompts), torch.Generator(device=device).manual_seed(seed))
    probs = torch.softmax(model(torch.from_numpy(tokens).to(device), z).float(), -1)
    answer_probs = probs[:, phrases.PROMPT_WIDTH :].cpu().numpy()
    by_prompt: dict[str, list[np.ndarray]] = {}
    for prompt, p in zip(prompts, answer_probs):
        by_prompt.setdefault(prompt, []).append(p)
    total = sum(len(group) * phrases.independent_valid_probability(np.mean(group, axis=0), prompt)
                for prompt, group in by_prompt.items())
    return total / len(prompts)


def generate(model: DiffusionModel, prompts: list[str], nfe: int, seed: int) -> list[str]:
    tokens, fixed = phrases.prompt_rows(prompts)
    trace = run(model, tokens, decoding(model, nfe, seed), fixed)
    return [phrases.answer_text(row) for row in trace.final]


def score(model: DiffusionModel, n: int, nfes: tuple[int, ...] = (1, 2), seed: int = 0) -> list[dict]:
    """Per NFE, over about n samples spread evenly over the prompts: the valid rate, the
    independent-draw prediction, and how evenly the valid answers cover each prompt's answers
    (answer_tv, beside the answer_tv_floor that an exact sampler would score with as many)."""
    prompts = evaluation.prompts_for(n)
    predicted = independent_prediction(model, prompts, seed)
    return [evaluation.phrase_row(nfe, prompts, generate(model, prompts, nfe, seed), predicted) for nfe in nfes]


def validation_probe(n: int = 256):
    def evaluate(model: DiffusionModel) -> dict[str, float]:
        rows = score(model, n, seed=1)
        return {**{f"valid_nfe{r['nfe']}": r["valid_rate"] for r in rows},
                **{f"tv_nfe{r['nfe']}": r["answer_tv"] for r in rows}}

    return evaluate


def train_phrases(
    kind: str, recipe: PhraseRecipe, out: Path, run_dir: Path, command: str, minutes: float | None = None,
    eval_every: int = 500, device: str | None = None, eval_samples: int = 5000, log_every: int = 50,
) -> Path:
    config = recipe.model_config(kind)
    model = build_model(config, seed=recipe.seed)
    set_posterior_init(model, recipe.encoder_init_logvar)
    deadline = time.time() + 60 * minutes if minutes else None
    started = time.time()
    train(model, next_batch, recipe.train_config(eval_every, log_every), run_dir, evaluate=validation_probe(),
          device=pick_device(device), deadline=deadline, extra_state={"recipe": asdict(recipe), "kind": kind})
    model.to("cpu")
    if distributed_context()[0] != 0:
        return out
    results = score(model, eval_samples, seed=0) if eval_samples > 0 else []
    info = CheckpointInfo(
        task=phrases.TASK, config=config, vocabulary=list(phrases.tokenizer().vocabulary), name=out.stem,
        recipe={"command": command, "model": kind, "recipe": asdict(recipe), "parameters": model.parameter_count(),
                "layout": {"prompt_width": phrases.PROMPT_WIDTH, "answer_width": phrases.ANSWER_WIDTH, "pad": phrases.PAD},
                "decoding": DECODING},
        metrics={"steps_done": saved_step(run_dir), "steps_planned": recipe.steps,
                 "session_minutes": round((time.time() - started) / 60, 1),
                 "phrase": [{k: v for k, v in r.items() if k not in ("examples", "answer_counts")} for r in results]},
    )
    save_checkpoint(model, info, out)
    log.info("exported %s: %s", out, info.metrics["phrase"])
    return out
