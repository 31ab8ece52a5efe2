"""Damaged, foreign and hostile checkpoint files: each is refused with CheckpointError and a
message naming the file and the problem; nothing is unpickled, nothing large is allocated."""

from __future__ import annotations

import copy
import json
import pickle
import resource
import struct

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors import safe_open
from safetensors.torch import save_file

from vmdcore.checkpoint import CheckpointError, CheckpointInfo, load_checkpoint, read_info, save_checkpoint
from vmdcore.model import build_model
from vmdcore.tasks import sudoku
from vmdcore.tasks.text import CharTokenizer

def fuzz(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


class Marker:
    """Unpickling this creates `path`: the proof that a loader ran a pickle."""

    def __init__(self, path) -> None:
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def sudoku_checkpoint(path, latent_dim: int = 0):
    """The smallest Sudoku model the app tests use (d_model 32, one layer)."""
    config = sudoku.model_config(d_model=32, n_layers=1, n_heads=2, latent_dim=latent_dim)
    info = CheckpointInfo(task="sudoku", config=config, vocabulary=sudoku.VOCABULARY, name="tiny")
    return save_checkpoint(build_model(config, seed=0), info, path)


def text_checkpoint(path):
    from vmdcore.config import ModelConfig

    vocab = list(CharTokenizer.from_text("abc de").vocabulary)
    config = ModelConfig(vocab_size=len(vocab), seq_len=8, d_model=16, n_layers=1, n_heads=2, block_size=4)
    info = CheckpointInfo(task="text", config=config, vocabulary=vocab, name="text-tiny")
    return save_checkpoint(build_model(config, seed=0), info, path)


def contents(path):
    with safe_open(str(path), framework="pt") as f:
        return json.loads(f.metadata()["vmd"]), {k: f.get_tensor(k) for k in f.keys()}


def rewrite(path, meta=None, tensors=None, raw_meta=None):
    old_meta, old_tensors = contents(path)
    metadata = {"vmd": raw_meta if raw_meta is not None else json.dumps(meta if meta is not None else old_meta)}
    save_file(tensors if tensors is not None else old_tensors, str(path), metadata=metadata)


def refused(path, match: str, **kw) -> str:
    with pytest.raises(CheckpointError, match=match) as info:
        load_checkpoint(path, **kw)
    message = str(info.value)
    assert path.name in message and "\n" not in message and "Traceback" not in message
    return message


@pytest.fixture
def good(tmp_path):
    return sudoku_checkpoint(tmp_path / "sudoku.safetensors")


def test_every_truncation_is_refused(good, tmp_path):
    data = good.read_bytes()
    cuts = sorted({0, 1, 7, 8, 9, 16, 100, len(data) // 3, len(data) // 2, len(data) - 1} | set(range(0, len(data), len(data) // 40)))
    for cut in cuts:
        path = tmp_path / f"cut{cut}.safetensors"
        path.write_bytes(data[:cut])
        with pytest.raises(CheckpointError, match="empty or truncated|truncated|damaged|not a safetensors"):
            load_checkpoint(path)
    assert len(cuts) >= 40


def test_an_empty_file(tmp_path):
    path = tmp_path / "empty.safetensors"
    path.write_bytes(b"")
    refused(path, "empty or truncated")


@fuzz(300)
@given(st.binary(max_size=2000))
def test_random_bytes_are_refused(tmp_path, data):
    path = tmp_path / "random.safetensors"
    path.write_bytes(data)
    with pytest.raises(CheckpointError):
        load_checkpoint(path)


@fuzz(300)
@given(st.data())
def test_a_valid_file_with_bytes_changed_loads_or_is_refused(tmp_path, data):
    """Flipped bytes in the header and the weights: the JSON breaks, the offsets lie, the
    metadata changes, the weights become NaN. Whatever survives is a loadable model."""
    path = tmp_path / "flipped.safetensors"
    base = tmp_path / "base.safetensors"
    original = (base if base.exists() else sudoku_checkpoint(base)).read_bytes()
    raw = bytearray(original)
    (header_len,) = struct.unpack("<Q", raw[:8])
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.one_of(st.integers(0, 8 + header_len - 1), st.integers(0, len(raw) - 1)))
        raw[at] = data.draw(st.integers(0, 255))
    path.write_bytes(bytes(raw))
    try:
        model, info = load_checkpoint(path, expect_task="sudoku")
    except CheckpointError as error:
        assert "flipped.safetensors" in str(error) or "checkpoint" in str(error)
    else:
        assert all(torch.isfinite(p).all() for p in model.parameters())


def test_missing_and_extra_tensors_are_named(good):
    meta, tensors = contents(good)
    dropped = dict(tensors)
    del dropped["denoiser.token.weight"]
    rewrite(good, tensors=dropped)
    assert "missing ['denoiser.token.weight']" in refused(good, "does not match its declared model")
    rewrite(good, tensors={**tensors, "denoiser.extra.weight": torch.zeros(3)})
    assert "unexpected ['denoiser.extra.weight']" in refused(good, "does not match its declared model")


def test_a_wrong_shape_is_named_before_anything_is_read(good):
    _, tensors = contents(good)
    rewrite(good, tensors={**tensors, "denoiser.token.weight": torch.zeros(11, 32)})
    message = refused(good, "shape")
    assert "denoiser.token.weight has shape (11, 32), the model needs (10, 32)" in message


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_metadata_declaring_a_huge_model_allocates_nothing(good):
    """d_model 8192 with 64 layers would be about 50 GB of float32 weights."""
    meta, _ = contents(good)
    meta["model"].update(d_model=8192, n_layers=64, n_heads=8)
    rewrite(good, meta=meta)
    before = _peak_rss_mb()
    refused(good, "shape|does not match")
    assert _peak_rss_mb() - before < 100
    meta["model"].update(d_model=10**9)
    rewrite(good, meta=meta)
    refused(good, "d_model is 1000000000, outside")
    meta["model"].update(d_model="32")
    rewrite(good, meta=meta)
    refused(good, "d_model is '32', not a whole number")


def test_integer_weights_where_floats_belong(good):
    _, tensors = contents(good)
    rewrite(good, tensors={**tensors, "denoiser.token.weight": torch.zeros(10, 32, dtype=torch.int64)})
    refused(good, "denoiser.token.weight is stored as I64")


def test_metadata_from_a_future_format_version(good):
    meta, _ = contents(good)
    meta["format_version"] = 2
    rewrite(good, meta=meta)
    refused(good, "format version 2; this VMD reads version 1: it was written by a newer VMD")
    meta["format_version"] = "one"
    rewrite(good, meta=meta)
    refused(good, "format version 'one'")


@pytest.mark.parametrize("protocol", [0, 1, 2, 3, 4, 5])
def test_a_pickle_renamed_safetensors_is_never_unpickled(tmp_path, protocol):
    marker = tmp_path / "unpickled"
    path = tmp_path / "model.safetensors"
    path.write_bytes(pickle.dumps({"denoiser.token.weight": Marker(marker), "x": list(range(100))}, protocol=protocol))
    for read in (read_info, load_checkpoint):
        with pytest.raises(CheckpointError, match="pickle|not a safetensors"):
            read(path)
    assert not marker.exists()


def test_a_torch_save_zip_renamed_safetensors_is_never_unpickled(tmp_path):
    marker = tmp_path / "unpickled"
    path = tmp_path / "model.safetensors"
    torch.save({"weights": torch.zeros(4), "payload": Marker(marker)}, path)
    assert path.read_bytes()[:4] == b"PK\x03\x04" and not marker.exists()
    message = refused(path, "PyTorch pickle")
    assert "VMD never loads pickles" in message
    assert not marker.exists()


def test_another_tasks_checkpoint_is_named(tmp_path):
    path = text_checkpoint(tmp_path / "text.safetensors")
    refused(path, "'text' model, but a 'sudoku' model is needed here", expect_task="sudoku")
    sudoku_path = sudoku_checkpoint(tmp_path / "mdm.safetensors")
    refused(sudoku_path, "MDM model, but a VMD model is needed here", expect_task="sudoku", expect_kind="vmd")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)
MODEL_KEYS = ["vocab_size", "seq_len", "d_model", "n_layers", "n_heads", "mlp_ratio", "latent_dim",
              "encoder_layers", "block_size", "layout", "latent_tokens", "encoder_pool", "latent_prior"]
BASE_METADATA = CheckpointInfo(
    task="sudoku", config=sudoku.model_config(d_model=32, n_layers=1, n_heads=2), vocabulary=sudoku.VOCABULARY, name="tiny"
).to_metadata()
TOP_KEYS = ["format", "format_version", "task", "kind", "model", "vocabulary", "recipe", "metrics", "name", "inference_only"]


@fuzz(1000)
@given(st.data())
def test_any_metadata_gives_an_info_or_a_checkpoint_error(tmp_path, data):
    """Metadata values replaced by random JSON (or removed); only the header is read."""
    path = tmp_path / "meta.safetensors"
    meta = copy.deepcopy(BASE_METADATA)
    for _ in range(data.draw(st.integers(1, 3))):
        if data.draw(st.booleans()):
            key = data.draw(st.sampled_from(MODEL_KEYS))
            target = meta["model"] if isinstance(meta.get("model"), dict) else meta
        else:
            key, target = data.draw(st.sampled_from(TOP_KEYS)), meta
        if data.draw(st.integers(0, 4)) == 0:
            target.pop(key, None)
        else:
            target[key] = data.draw(JSON)
    raw = json.dumps(meta) if data.draw(st.integers(0, 9)) else data.draw(st.text(max_size=30))
    save_file({"w": torch.zeros(1)}, str(path), metadata={"vmd": raw})
    try:
        info = read_info(path)
    except CheckpointError as error:
        assert str(error).startswith("meta.safetensors")
    else:
        assert len(info.vocabulary) == info.config.vocab_size
        assert isinstance(info.recipe, dict) and isinstance(info.metrics, dict)


def test_without_torch_dynamo_checkpoints_still_load_and_huge_ones_are_refused(tmp_path, monkeypatch):
    """The packaged app has no torch._dynamo, through which torch initialises meta tensors."""
    from pathlib import Path

    import vmdcore.checkpoint as checkpoint
    from vmdcore.checkpoint import CheckpointError, load_checkpoint

    ROOT = Path(__file__).resolve().parents[2]
    real = checkpoint.DiffusionModel

    def no_meta(config):
        if torch.empty(0).device.type == "meta":
            raise ModuleNotFoundError("No module named 'torch._dynamo'")
        return real(config)

    monkeypatch.setattr(checkpoint, "DiffusionModel", no_meta)
    model, info = load_checkpoint(ROOT / "resources" / "checkpoints" / "sudoku-mdm.safetensors")
    assert info.kind == "mdm" and sum(p.numel() for p in model.parameters()) > 1_000_000
    monkeypatch.setattr(checkpoint, "MAX_PARAMETERS", 1000)
    with pytest.raises(CheckpointError, match="too large"):
        load_checkpoint(ROOT / "resources" / "checkpoints" / "sudoku-mdm.safetensors")
