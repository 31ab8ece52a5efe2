"""Resumable training state in safetensors (model, AdamW moments, RNG), never a pickle.

The state file is written atomically (vmdcore.atomic): a run killed at any moment, even in the
middle of a save, leaves the previous state whole, and the next start resumes from it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import save_file

from vmdcore import atomic

STATE_FILE = "train_state.safetensors"


def save_state(
    run_dir: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer, step: int, rng: np.random.Generator, extra: dict[str, Any]
) -> Path:
    tensors: dict[str, torch.Tensor] = {f"model.{k}": v.detach().cpu().contiguous().clone() for k, v in model.state_dict().items()}
    params = [p for group in optimizer.param_groups for p in group["params"]]
    for index, param in enumerate(params):
        for key, value in optimizer.state.get(param, {}).items():
            tensors[f"optim.{index}.{key}"] = torch.as_tensor(value).detach().cpu().contiguous().clone()
    tensors["rng.torch"] = torch.get_rng_state()
    meta = {
        "step": step,
        "numpy_rng": rng.bit_generator.state,
        "param_groups": [{k: v for k, v in g.items() if k != "params"} for g in optimizer.param_groups],
        "extra": extra,
    }
    path = run_dir / STATE_FILE
    atomic.remove_leftovers(path)  # of saves that an earlier, killed run did not finish
    with atomic.replacing(path) as tmp:
        save_file(tensors, str(tmp), metadata={"state": json.dumps(meta)})
    return path


def load_state(
    run_dir: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer, rng: np.random.Generator
) -> tuple[int, dict[str, Any]] | None:
    """Restore in place; returns (step, extra) or None when the folder holds no state."""
    path = run_dir / STATE_FILE
    if not path.exists():
        return None
    with safe_open(str(path), framework="pt") as f:
        meta = json.loads(f.metadata()["state"])
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    model.load_state_dict({k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")})
    params = [p for group in optimizer.param_groups for p in group["params"]]
    for index, param in enumerate(params):
        prefix = f"optim.{index}."
        # A packed state (pack_state) keeps the moments in bfloat16; AdamW wants its parameters' dtype.
        state = {k[len(prefix):]: v.to(param.device, param.dtype) if v.is_floating_point() and v.dim() else v.to(param.device)
                 for k, v in tensors.items() if k.startswith(prefix)}
        if state:
            if "step" in state:
                state["step"] = state["step"].cpu()
            optimizer.state[param] = state
    for group, saved in zip(optimizer.param_groups, meta["param_groups"]):
        group.update(saved)
    torch.set_rng_state(tensors["rng.torch"])
    rng.bit_generator.state = meta["numpy_rng"]
    return int(meta["step"]), dict(meta.get("extra", {}))


def pack_state(run_dir: Path, out_dir: Path) -> Path:
    """A small copy of a run's state for a commit: weights and AdamW moments in bfloat16 (the
    moments' range needs bfloat16's exponent; float16 would flush small second moments to 0),
    RNG and metadata as they are. A run resumed from it continues the same schedule; it is not
    bit-identical to one that never stopped."""
    src = run_dir / STATE_FILE
    with safe_open(str(src), framework="pt") as f:
        metadata = f.metadata()
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    packed = {k: v.to(torch.bfloat16) if v.is_floating_point() and v.dim() else v for k, v in tensors.items()}
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / STATE_FILE
    with atomic.replacing(path) as tmp:
        save_file(packed, str(tmp), metadata=metadata)
    return path


def saved_step(run_dir: Path) -> int:
    """The step a run folder's state was saved at (0 when there is none)."""
    path = run_dir / STATE_FILE
    if not path.exists():
        return 0
    with safe_open(str(path), framework="pt") as f:
        return int(json.loads(f.metadata()["state"])["step"])


def restore_weights(model: torch.nn.Module, run_dir: Path) -> int:
    """Load only the model weights of a run's saved state; returns its step."""
    path = run_dir / STATE_FILE
    if not path.exists():
        raise FileNotFoundError(f"no saved training state in {run_dir}")
    with safe_open(str(path), framework="pt") as f:
        weights = {k[len("model."):]: f.get_tensor(k) for k in f.keys() if k.startswith("model.")}
        step = int(json.loads(f.metadata()["state"])["step"])
    model.load_state_dict(weights)
    return step
