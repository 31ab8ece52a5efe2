"""One training loop for every task: AdamW, warmup + cosine LR, KL annealing, bf16 autocast,
periodic logging / evaluation / resumable state, and DDP when launched under torchrun."""

from __future__ import annotations

import json
import logging
import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
import torch.distributed as dist
from torch import nn

from vmdcore import atomic
from vmdcore.losses import LossConfig, elbo_loss, linear_anneal
from vmdcore.model import DiffusionModel

from .state import load_state, save_state

Batch = tuple[torch.Tensor, torch.Tensor | None]  # (x0, fixed or None)
BatchFn = Callable[[int, np.random.Generator], Batch]
EvalFn = Callable[[DiffusionModel], dict[str, float]]

log = logging.getLogger("vmd.train")


@dataclass(frozen=True)
class TrainConfig:
    steps: int
    batch_size: int = 256
    lr: float = 1e-3
    min_lr_ratio: float = 0.1
    warmup_steps: int = 100
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    beta_max: float = 1.0
    kl_anneal_steps: int = 0
    kl_hold_steps: int = 0
    loss: LossConfig = field(default_factory=LossConfig)
    seed: int = 0
    log_every: int = 50
    eval_every: int = 0
    save_every_s: float = 300.0
    # > 0: save the state every this many steps instead (a kill then loses at most that many).
    save_every_steps: int = 0
    bf16: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ElboObjective(nn.Module):
    """Wraps the loss so DDP sees one forward that touches encoder and denoiser alike."""

    def __init__(self, model: DiffusionModel, loss: LossConfig) -> None:
        super().__init__()
        self.model = model
        self.loss = loss

    def forward(self, x0: torch.Tensor, fixed: torch.Tensor | None, beta: float) -> tuple[torch.Tensor, ...]:
        terms = elbo_loss(self.model, x0, fixed, beta, self.loss)
        return terms.total, terms.reconstruction, terms.kl


def latent_terms(model: DiffusionModel, kl: torch.Tensor, beta: float) -> dict[str, float]:
    """The log's latent columns, only where they mean something: an MDM has no KL."""
    if not model.config.is_latent:
        return {}
    return {"kl": float(kl), "beta": beta}


def learning_rate(step: int, config: TrainConfig) -> float:
    if step < config.warmup_steps:
        return config.lr * (step + 1) / config.warmup_steps
    progress = (step - config.warmup_steps) / max(1, config.steps - config.warmup_steps)
    cosine = 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
    return config.lr * (config.min_lr_ratio + (1 - config.min_lr_ratio) * cosine)


def distributed_context() -> tuple[int, int]:
    """(rank, world_size); initialises the process group when launched by torchrun."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1 and not dist.is_initialized():
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        dist.init_process_group(backend)
    return (dist.get_rank(), world) if world > 1 else (0, 1)


def _drop_records_after(metrics_path: Path, step: int) -> None:
    """A run killed after logging but before its next save repeats those steps when resumed:
    drop the log lines past the saved state (and a line cut off by the kill), so the log holds
    each step once, as an uninterrupted run's does."""
    if not metrics_path.exists():
        return
    kept, dropped = [], 0
    for line in metrics_path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
            if int(record["step"]) <= step:
                kept.append(line)
                continue
        except (ValueError, KeyError, TypeError):
            pass
        dropped += 1
    if dropped:
        atomic.write_text(metrics_path, "".join(f"{line}\n" for line in kept))
        log.info("dropped %d log lines past the saved step %d", dropped, step)


def train(
    model: DiffusionModel,
    next_batch: BatchFn,
    config: TrainConfig,
    run_dir: Path,
    evaluate: EvalFn | None = None,
    device: torch.device | None = None,
    extra_state: dict[str, Any] | None = None,
    progress: bool = True,
    deadline: float | None = None,
) -> DiffusionModel:
    """Train in place; resumes from run_dir when it holds a state. Returns the (unwrapped) model.

    `deadline` (a time.time() value) stops early with the state saved, so a long run can be
    spread over several invocations: run the same command again to continue.
    """
    rank, world = distributed_context()
    device = device or torch.device("cpu")
    run_dir.mkdir(parents=True, exist_ok=True)
    model.to(device)
    rng = np.random.default_rng([config.seed, rank])
    torch.manual_seed(config.seed + rank)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": config.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=config.lr, betas=(0.9, 0.99),
    )
    start, history = 0, []
    restored = load_state(run_dir, model, optimizer, rng)
    if restored is not None:
        start, extra = restored
        history = extra.get("history", [])
        log.info("resumed %s at step %d", run_dir, start)
    objective: nn.Module = ElboObjective(model, config.loss)
    if world > 1:
        objective = nn.parallel.DistributedDataParallel(objective)
    metrics_path = run_dir / "metrics.jsonl"
    if rank == 0:
        _drop_records_after(metrics_path, start)
    bar = None
    if progress and rank == 0:
        from tqdm import tqdm

        bar = tqdm(total=config.steps, initial=start, unit="step", dynamic_ncols=True, disable=None)
    last_save, window_start, window_samples = time.time(), time.time(), 0
    model.train()
    for step in range(start, config.steps):
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, config)
        # Beta held at 0 first: the denoiser learns to read an informative z before the KL
        # prices it; priced from the start, z can collapse before it is ever used.
        beta = 0.0 if step < config.kl_hold_steps else linear_anneal(
            step - config.kl_hold_steps, config.kl_anneal_steps, 0.0, config.beta_max)
        x0, fixed = next_batch(config.batch_size, rng)
        x0 = x0.to(device)
        fixed = fixed.to(device) if fixed is not None else None
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=config.bf16):
            total, recon, kl = objective(x0, fixed, beta)
        optimizer.zero_grad(set_to_none=True)
        total.backward()
        grad_norm = nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        optimizer.step()
        window_samples += x0.shape[0] * world
        done = step + 1
        if bar is not None:
            bar.update(1)
        if rank == 0 and (done % config.log_every == 0 or done == config.steps):
            elapsed = time.time() - window_start
            record = {"step": done, "loss": float(total.detach()), "recon": float(recon), **latent_terms(model, kl, beta),
                      "lr": optimizer.param_groups[0]["lr"], "grad_norm": float(grad_norm),
                      "samples_per_s": window_samples / max(elapsed, 1e-9), "time": time.time()}
            window_start, window_samples = time.time(), 0
            if evaluate is not None and config.eval_every and (done % config.eval_every == 0 or done == config.steps):
                model.eval()
                record.update(evaluate(model))
                model.train()
            history.append(record)
            with metrics_path.open("a") as fh:
                fh.write(json.dumps(record) + "\n")
            message = " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in record.items() if k != "time")
            log.info(message)
            if bar is not None:
                bar.set_postfix(loss=f"{record['loss']:.3f}", **({"kl": f"{record['kl']:.3f}"} if "kl" in record else {}),
                                sps=f"{record['samples_per_s']:.0f}")
        out_of_time = deadline is not None and time.time() > deadline
        if world > 1 and deadline is not None:
            flag = torch.tensor([float(out_of_time)], device=device)
            dist.all_reduce(flag, op=dist.ReduceOp.MAX)
            out_of_time = bool(flag.item())
        due = done % config.save_every_steps == 0 if config.save_every_steps > 0 else time.time() - last_save > config.save_every_s
        if rank == 0 and (due or done == config.steps or out_of_time):
            save_state(run_dir, model, optimizer, done, rng, {"history": history[-200:], **(extra_state or {})})
            last_save = time.time()
        if out_of_time:
            log.info("time limit reached at step %d of %d; state saved, rerun to continue", done, config.steps)
            break
    if bar is not None:
        bar.close()
    if world > 1:
        dist.barrier()
    model.eval()
    return model
