"""Checkpoints: one .safetensors file per model, with a JSON metadata record.

Loading never unpickles. Every failure -- a missing, truncated, foreign, pickled or
mismatched file -- raises CheckpointError with a message a user can act on.
"""

from __future__ import annotations

import json
import os
import struct
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from .config import ModelConfig, RetiredSettingError
from .model import DiffusionModel

FORMAT = "vmd-checkpoint"
FORMAT_VERSION = 1
METADATA_KEY = "vmd"
MAX_HEADER_BYTES = 100_000_000


class CheckpointError(Exception):
    """A checkpoint could not be used; the message says why in plain words."""


@dataclass(frozen=True)
class CheckpointInfo:
    """What a checkpoint says about itself (its metadata, parsed)."""

    task: str
    config: ModelConfig
    vocabulary: list[str]
    recipe: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    name: str = ""
    # True for a copy made only for sampling (the packaged app): the training-time encoder
    # q(z | x0, mask) is left out, so likelihood bounds cannot be computed from it.
    inference_only: bool = False

    @property
    def kind(self) -> str:
        return self.config.kind

    def to_metadata(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "name": self.name,
            "task": self.task,
            "kind": self.kind,
            "model": self.config.to_dict(),
            "vocabulary": self.vocabulary,
            "recipe": self.recipe,
            "metrics": self.metrics,
            **({"inference_only": True} if self.inference_only else {}),
        }


def save_checkpoint(
    model: DiffusionModel, info: CheckpointInfo, path: str | os.PathLike, dtype: torch.dtype = torch.float32
) -> Path:
    """Write atomically (temporary file + rename) so a crash never leaves half a checkpoint.

    `dtype` is how floating-point weights are stored: float16 halves the file, and loading
    always gives a float32 model (inference-only files; the training state keeps float32).
    """
    if info.config != model.config:
        raise ValueError("the checkpoint info's config does not match the model")
    if len(info.vocabulary) != model.config.vocab_size:
        raise ValueError(f"vocabulary has {len(info.vocabulary)} entries, the model {model.config.vocab_size}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if model.encoder is None and model.config.is_latent and not info.inference_only:
        raise ValueError("a VMD without its encoder can only be saved as an inference-only copy")
    tensors = {
        name: t.detach().cpu().to(dtype if t.is_floating_point() else t.dtype).contiguous().clone()
        for name, t in model.state_dict().items()
    }
    metadata = {METADATA_KEY: json.dumps(info.to_metadata(), sort_keys=True)}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(fd)
    try:
        save_file(tensors, tmp, metadata=metadata)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; a checkpoint is meant to be shared
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


_FLOAT_DTYPES = {"F16": torch.float16, "BF16": torch.bfloat16, "F32": torch.float32, "F64": torch.float64}


def stored_dtype(path: str | os.PathLike) -> torch.dtype:
    """The floating-point dtype a checkpoint's weights are stored in (to re-save it alike)."""
    with safe_open(str(path), framework="pt") as f:
        for key in f.keys():
            dtype = _FLOAT_DTYPES.get(f.get_slice(key).get_dtype())
            if dtype is not None:
                return dtype
    return torch.float32


def save_inference_copy(src: str | os.PathLike, dst: str | os.PathLike) -> Path:
    """A smaller copy for an app that only samples: float16 weights, no encoder. The metadata
    (recipe, figures) travels unchanged, marked inference_only."""
    model, info = load_checkpoint(src)
    model.encoder = None
    return save_checkpoint(model, replace(info, inference_only=True), dst, torch.float16)


def _sniff(path: Path) -> None:
    """Recognise files that are not safetensors before handing them to the parser."""
    size = path.stat().st_size
    if size < 8:
        raise CheckpointError(f"{path.name} is empty or truncated ({size} bytes), not a safetensors checkpoint")
    with path.open("rb") as fh:
        head = fh.read(16)
    (header_len,) = struct.unpack("<Q", head[:8])
    if header_len <= MAX_HEADER_BYTES and head[8:9] == b"{":
        if 8 + header_len > size:
            raise CheckpointError(f"{path.name} is truncated: its header promises more bytes than the file holds")
        _check_data_length(path, header_len, size)
        return
    # Only once it is clearly not safetensors: a safetensors header length may itself start
    # with the bytes 0x80 or "PK", so these signatures are checked second.
    if head[:4] == b"PK\x03\x04" or (head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05")):
        raise CheckpointError(
            f"{path.name} looks like a PyTorch pickle (torch.save). VMD never loads pickles: "
            "convert it to .safetensors with the project's training tools."
        )
    raise CheckpointError(f"{path.name} is not a safetensors file (unrecognised header)")


def _check_data_length(path: Path, header_len: int, size: int) -> None:
    """A file cut inside its weights: said in plain words (safetensors' own message is not)."""
    with path.open("rb") as fh:
        fh.seek(8)
        try:
            header = json.loads(fh.read(header_len))
        except (ValueError, RecursionError):
            return  # not JSON: safetensors names the damage
    if not isinstance(header, dict):
        return
    ends = [entry["data_offsets"][1] for entry in header.values()
            if isinstance(entry, dict) and isinstance(entry.get("data_offsets"), list) and len(entry["data_offsets"]) == 2
            and isinstance(entry["data_offsets"][1], int)]
    needed = 8 + header_len + max(ends, default=0)
    if needed > size:
        raise CheckpointError(f"{path.name} is truncated: its weights need {needed} bytes, the file holds {size}")


def read_info(path: str | os.PathLike) -> CheckpointInfo:
    """Read and validate the metadata only (cheap: no tensors are loaded)."""
    path = Path(path)
    if not path.exists():
        raise CheckpointError(f"checkpoint not found: {path}")
    if path.is_dir():
        raise CheckpointError(f"{path} is a folder, not a checkpoint file")
    _sniff(path)
    try:
        with safe_open(str(path), framework="pt") as f:
            raw = (f.metadata() or {}).get(METADATA_KEY)
    except Exception as exc:  # safetensors raises several types for damaged files
        raise CheckpointError(f"{path.name} is damaged or not a safetensors file: {exc}") from exc
    if raw is None:
        raise CheckpointError(f"{path.name} is a safetensors file but not a VMD checkpoint (no '{METADATA_KEY}' metadata)")
    return _parse_metadata(raw, path.name)


def _parse_metadata(raw: str, name: str) -> CheckpointInfo:
    try:
        meta = json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise CheckpointError(f"{name}: its metadata is not valid JSON ({exc})") from exc
    if not isinstance(meta, dict):
        raise CheckpointError(f"{name} is not a VMD checkpoint (its metadata is a JSON {type(meta).__name__}, not a record)")
    if meta.get("format") != FORMAT:
        raise CheckpointError(f"{name} is not a VMD checkpoint (metadata format is {_short(meta.get('format'))})")
    version = meta.get("format_version")
    if version != FORMAT_VERSION:
        newer = isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION
        advice = ": it was written by a newer VMD, update VMD to open it" if newer else ""
        raise CheckpointError(
            f"{name} has checkpoint format version {_short(version)}; this VMD reads version {FORMAT_VERSION}{advice}"
        )
    for key in ("task", "model", "vocabulary"):
        if key not in meta:
            raise CheckpointError(f"{name}: metadata lacks '{key}'")
    if not isinstance(meta["model"], dict):
        raise CheckpointError(f"{name}: invalid model settings: 'model' is {_short(meta['model'])}, not a record")
    _check_sizes(meta["model"], name)
    try:
        config = ModelConfig.from_dict(meta["model"])
    except RetiredSettingError as exc:
        raise CheckpointError(f"{name} cannot be loaded: {exc}") from exc
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
        raise CheckpointError(f"{name}: invalid model settings: {exc}") from exc
    vocabulary = meta["vocabulary"]
    if not isinstance(vocabulary, list) or not all(isinstance(entry, str) for entry in vocabulary):
        raise CheckpointError(f"{name}: its vocabulary is not a list of strings")
    if len(vocabulary) != config.vocab_size:
        raise CheckpointError(f"{name}: vocabulary has {len(vocabulary)} entries but the model expects {config.vocab_size}")
    for key in ("recipe", "metrics"):
        if not isinstance(meta.get(key) or {}, dict):
            raise CheckpointError(f"{name}: its metadata '{key}' is {_short(meta[key])}, not a record")
    return CheckpointInfo(
        task=str(meta["task"]),
        config=config,
        vocabulary=vocabulary,
        recipe=dict(meta.get("recipe") or {}),
        metrics=dict(meta.get("metrics") or {}),
        name=str(meta.get("name", "")),
        inference_only=bool(meta.get("inference_only", False)),
    )


# Far beyond any model VMD trains; a file claiming more is damaged or not meant for it, and
# building it (even on the meta device, layer by layer) would take minutes.
_SIZE_LIMITS = {"vocab_size": 1 << 20, "seq_len": 1 << 20, "d_model": 1 << 16, "n_layers": 256, "n_heads": 1024,
                "mlp_ratio": 64, "latent_dim": 1 << 16, "encoder_layers": 256, "block_size": 1 << 20,
                "latent_tokens": 1 << 10}


def _check_sizes(settings: dict[str, Any], name: str) -> None:
    for key, limit in _SIZE_LIMITS.items():
        if key not in settings:
            continue
        value = settings[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise CheckpointError(f"{name}: invalid model settings: {key} is {_short(value)}, not a whole number")
        if not 0 <= value <= limit:
            raise CheckpointError(f"{name}: invalid model settings: {key} is {value}, outside 0-{limit}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


MAX_PARAMETERS = 200_000_000  # the bundled models have under 5 M


def _parameter_estimate(config: ModelConfig) -> int:
    """An upper estimate of a declared model's parameter count, from its settings alone."""
    d = config.d_model
    layers = config.n_layers + config.encoder_layers + 1
    per_layer = (4 + 2 * config.mlp_ratio) * d * d + 8 * d * (config.latent_dim + 1) + 4 * d
    return int(2 * layers * per_layer + 2 * (config.vocab_size + config.seq_len + 81) * d * 2)


def _expected_tensors(info: CheckpointInfo, name: str) -> dict[str, tuple[tuple[int, ...], bool]]:
    """(shape, is floating point) of every tensor the declared model has, worked out on the meta
    device: settings from a file are not trusted to be small enough to allocate."""
    try:
        try:
            with torch.device("meta"):
                model = DiffusionModel(info.config)
        except ModuleNotFoundError:
            # The packaged app leaves torch._dynamo out, and torch initialises meta tensors
            # through it; there the size is bounded by an estimate and the model built for real.
            estimate = _parameter_estimate(info.config)
            if estimate > MAX_PARAMETERS:
                raise CheckpointError(f"{name}: its declared model is too large to load "
                                      f"(about {estimate / 1e6:.0f} M parameters)") from None
            model = DiffusionModel(info.config)
    except CheckpointError:
        raise
    except Exception as exc:  # any construction failure means settings this code cannot build
        raise CheckpointError(f"{name}: its model settings cannot be built: {exc}") from exc
    if info.inference_only:
        model.encoder = None
    return {key: (tuple(t.shape), t.is_floating_point()) for key, t in model.state_dict().items()}


def _check_header(f: Any, expected: dict[str, tuple[tuple[int, ...], bool]], name: str) -> None:
    """Names, shapes and dtypes from the safetensors header, before any tensor is read."""
    keys = set(f.keys())
    missing = sorted(set(expected) - keys)
    unexpected = sorted(keys - set(expected))
    if missing or unexpected:
        raise CheckpointError(
            f"{name} does not match its declared model: missing {missing[:3]}{'...' if len(missing) > 3 else ''}, "
            f"unexpected {unexpected[:3]}{'...' if len(unexpected) > 3 else ''}"
        )
    for key in sorted(keys):
        piece = f.get_slice(key)
        shape, floating = expected[key]
        if tuple(piece.get_shape()) != shape:
            raise CheckpointError(f"{name}: tensor {key} has shape {tuple(piece.get_shape())}, the model needs {shape}")
        if floating and piece.get_dtype() not in _FLOAT_DTYPES:
            raise CheckpointError(f"{name}: tensor {key} is stored as {piece.get_dtype()}, the model needs floating point")


def load_checkpoint(
    path: str | os.PathLike,
    device: str | torch.device = "cpu",
    expect_task: str | None = None,
    expect_kind: str | None = None,
) -> tuple[DiffusionModel, CheckpointInfo]:
    """Load a model for inference. Tensors are cloned so the file is not kept mapped (Windows locks)."""
    path = Path(path)
    info = read_info(path)
    if expect_task is not None and info.task != expect_task:
        raise CheckpointError(f"{path.name} is a '{info.task}' model, but a '{expect_task}' model is needed here")
    if expect_kind is not None and info.kind != expect_kind:
        raise CheckpointError(f"{path.name} is a {info.kind.upper()} model, but a {expect_kind.upper()} model is needed here")
    expected = _expected_tensors(info, path.name)
    try:
        with safe_open(str(path), framework="pt") as f:
            _check_header(f, expected, path.name)
            tensors = {key: f.get_tensor(key).clone() for key in f.keys()}
    except CheckpointError:
        raise
    except Exception as exc:
        raise CheckpointError(f"{path.name} is damaged: {exc}") from exc
    for key, tensor in tensors.items():
        if tensor.is_floating_point() and not torch.isfinite(tensor).all():
            raise CheckpointError(f"{path.name}: tensor {key} holds NaN or infinite values")
    model = DiffusionModel(info.config)
    if info.inference_only:
        model.encoder = None
    model.load_state_dict(tensors)
    model.to(device).eval()
    return model, info
