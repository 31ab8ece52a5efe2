import json
from dataclasses import replace

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from vmdcore.checkpoint import CheckpointError, CheckpointInfo, load_checkpoint, read_info, save_checkpoint, save_inference_copy, stored_dtype
from vmdcore.sampling import SamplerConfig, run

from .helpers import tiny_model


def _save(model, path, dtype=torch.float32, **kw):
    info = CheckpointInfo(task="synthetic", config=model.config, vocabulary=[str(i) for i in range(model.config.vocab_size)],
                          recipe={"command": "vmd-train synthetic ..."}, metrics={"accuracy": 0.9}, name="tiny", **kw)
    return save_checkpoint(model, info, path, dtype)


@pytest.mark.parametrize("latent_dim,block_size", [(0, 0), (4, 0), (4, 4)])
def test_round_trip_gives_the_same_model_and_metadata(tmp_path, latent_dim, block_size):
    model = tiny_model(latent_dim=latent_dim, block_size=block_size)
    path = _save(model, tmp_path / "m.safetensors")
    loaded, info = load_checkpoint(path)
    assert info.config == model.config and info.kind == ("vmd" if latent_dim else "mdm")
    assert info.recipe["command"].startswith("vmd-train") and info.metrics["accuracy"] == 0.9
    initial = np.full((4, 12), model.config.mask_id)
    a = run(model, initial, SamplerConfig(nfe=3, seed=5))
    b = run(loaded, initial, SamplerConfig(nfe=3, seed=5))
    assert (a.final == b.final).all()
    assert not list(tmp_path.glob("*.tmp"))


def test_half_precision_file_is_half_the_size_and_loads_as_float32(tmp_path):
    model = tiny_model(latent_dim=4)
    full = _save(model, tmp_path / "full.safetensors")
    half = _save(model, tmp_path / "half.safetensors", torch.float16)
    assert stored_dtype(full) == torch.float32 and stored_dtype(half) == torch.float16
    weights = full.stat().st_size - len(json.dumps(read_info(full).to_metadata()))
    assert half.stat().st_size < 0.6 * full.stat().st_size + 4096 and weights > 0
    loaded, _ = load_checkpoint(half)
    assert all(p.dtype == torch.float32 for p in loaded.parameters())
    for name, original in model.state_dict().items():
        restored = loaded.state_dict()[name]
        assert torch.allclose(restored, original.to(torch.float16).float()), name
    initial = np.full((4, 12), model.config.mask_id)
    assert run(loaded, initial, SamplerConfig(nfe=3, seed=5)).final.shape == (4, 12)


def test_inference_copy_drops_the_encoder_keeps_the_metadata_and_samples_alike(tmp_path):
    from vmdcore.losses import elbo_loss

    model = tiny_model(latent_dim=4)
    full = _save(model, tmp_path / "full.safetensors")
    copy = save_inference_copy(full, tmp_path / "copy.safetensors")
    info = read_info(copy)
    assert info.inference_only and not read_info(full).inference_only
    assert info.recipe == read_info(full).recipe and info.metrics == read_info(full).metrics
    assert copy.stat().st_size < 0.5 * full.stat().st_size
    loaded, _ = load_checkpoint(copy)
    assert loaded.encoder is None and loaded.config.is_latent
    x = torch.full((2, 12), model.config.mask_id)
    z = model.prior_sample(2, torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert torch.allclose(loaded(x, z), model(x, z), atol=2e-2)
    assert run(loaded, np.full((3, 12), model.config.mask_id), SamplerConfig(nfe=3, seed=1)).final.shape == (3, 12)
    with pytest.raises(ValueError, match="inference-only"):
        elbo_loss(loaded, torch.zeros((2, 12), dtype=torch.long))
    with pytest.raises(ValueError, match="inference-only"):
        save_checkpoint(loaded, replace(info, inference_only=False), tmp_path / "bad.safetensors")


def test_missing_file(tmp_path):
    with pytest.raises(CheckpointError, match="not found"):
        load_checkpoint(tmp_path / "nope.safetensors")


def test_truncated_file(tmp_path):
    path = _save(tiny_model(), tmp_path / "m.safetensors")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="truncated|damaged"):
        load_checkpoint(path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.safetensors"
    path.write_bytes(b"")
    with pytest.raises(CheckpointError, match="empty or truncated"):
        read_info(path)


def test_pickle_is_refused_without_unpickling(tmp_path):
    path = tmp_path / "model.pt"
    torch.save(tiny_model().state_dict(), path)
    with pytest.raises(CheckpointError, match="pickle"):
        load_checkpoint(path)
    legacy = tmp_path / "legacy.pkl"
    legacy.write_bytes(b"\x80\x04\x95" + b"\x00" * 64)
    with pytest.raises(CheckpointError, match="pickle"):
        load_checkpoint(legacy)


def test_foreign_file(tmp_path):
    path = tmp_path / "notes.safetensors"
    path.write_text("just some text that is definitely not a checkpoint")
    with pytest.raises(CheckpointError, match="not a safetensors"):
        load_checkpoint(path)


def test_safetensors_without_vmd_metadata(tmp_path):
    path = tmp_path / "other.safetensors"
    save_file({"w": torch.zeros(3)}, str(path))
    with pytest.raises(CheckpointError, match="not a VMD checkpoint"):
        load_checkpoint(path)


def _rewrite_metadata(path, change):
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as f:
        meta = json.loads(f.metadata()["vmd"])
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    change(meta)
    save_file(tensors, str(path), metadata={"vmd": json.dumps(meta)})


def test_tensors_that_do_not_match_the_declared_model(tmp_path):
    path = _save(tiny_model(), tmp_path / "m.safetensors")
    _rewrite_metadata(path, lambda m: m["model"].update(d_model=64))
    with pytest.raises(CheckpointError, match="shape"):
        load_checkpoint(path)
    _rewrite_metadata(path, lambda m: m["model"].update(d_model=32, n_layers=3))
    with pytest.raises(CheckpointError, match="does not match"):
        load_checkpoint(path)


def test_newer_format_and_bad_settings(tmp_path):
    path = _save(tiny_model(), tmp_path / "m.safetensors")
    _rewrite_metadata(path, lambda m: m.update(format_version=99))
    with pytest.raises(CheckpointError, match="version 99"):
        read_info(path)
    _rewrite_metadata(path, lambda m: m.update(format_version=1, model={**m["model"], "wings": 2}))
    with pytest.raises(CheckpointError, match="invalid model settings"):
        read_info(path)


LEGACY_DEFAULTS = {"dropout": 0.0, "latent_cell_features": 0, "latent_prior": "standard", "latent_components": 0,
                   "mixture_layers": 1}


def test_checkpoints_recording_removed_settings_at_their_unused_values_still_load(tmp_path):
    model = tiny_model(latent_dim=4)
    path = _save(model, tmp_path / "m.safetensors")
    _rewrite_metadata(path, lambda m: m["model"].update(LEGACY_DEFAULTS))
    loaded, info = load_checkpoint(path)
    assert info.config == model.config
    x = torch.full((2, 12), model.config.mask_id)
    z = model.prior_sample(2, torch.Generator().manual_seed(0))
    model.eval()  # as loaded: the same (inference) path, so the same bits
    with torch.no_grad():
        assert torch.equal(loaded(x, z), model(x, z))


@pytest.mark.parametrize("key,value,words", [
    ("latent_components", 8, "the discrete latent"),
    ("latent_prior", "conditional", "the conditional prior"),
    ("latent_cell_features", 4, "the per-cell readout of z"),
])
def test_checkpoints_that_need_a_removed_experiment_are_refused_in_plain_words(tmp_path, key, value, words):
    path = _save(tiny_model(latent_dim=4), tmp_path / "old.safetensors")
    _rewrite_metadata(path, lambda m: m["model"].update({**LEGACY_DEFAULTS, key: value}))
    for read in (read_info, load_checkpoint):
        with pytest.raises(CheckpointError) as exc:
            read(path)
        message = str(exc.value)
        assert message.startswith("old.safetensors cannot be loaded: it uses " + words)
        assert "removed from VMD on 2026-12-07" in message and "docs/results/sudoku-training.md" in message
        assert "commit e2ec51e" in message


def test_the_bundled_checkpoints_that_record_removed_settings_load():
    from pathlib import Path
    from safetensors import safe_open

    folder = Path(__file__).resolve().parents[2] / "resources" / "checkpoints"
    for name in ("sudoku-gen-mdm", "sudoku-gen-vmd"):
        path = folder / f"{name}.safetensors"
        with safe_open(str(path), framework="pt") as f:
            recorded = json.loads(f.metadata()["vmd"])["model"]
        assert {k: recorded[k] for k in ("latent_cell_features", "latent_prior", "latent_components")} == {
            "latent_cell_features": 0, "latent_prior": "standard", "latent_components": 0}
        model, info = load_checkpoint(path, expect_task="sudoku")
        assert info.name == name and model.config.layout == "sudoku"


def test_wrong_task_or_kind_is_named(tmp_path):
    path = _save(tiny_model(), tmp_path / "m.safetensors")
    with pytest.raises(CheckpointError, match="'synthetic' model, but a 'sudoku'"):
        load_checkpoint(path, expect_task="sudoku")
    with pytest.raises(CheckpointError, match="MDM model, but a VMD"):
        load_checkpoint(path, expect_kind="vmd")


def test_nan_weights_are_refused(tmp_path):
    model = tiny_model()
    with torch.no_grad():
        model.denoiser.head.weight[0, 0] = float("nan")
    path = _save(model, tmp_path / "m.safetensors")
    with pytest.raises(CheckpointError, match="NaN"):
        load_checkpoint(path)


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(CheckpointError, match="folder"):
        load_checkpoint(tmp_path)


def test_header_lengths_that_look_like_pickle_or_zip_bytes_still_load(tmp_path):
    """A safetensors header length is little-endian, so its first bytes may be 0x80 or 'PK'."""
    import struct

    model = tiny_model()

    def save_with_pad(pad):
        info = CheckpointInfo(task="synthetic", config=model.config, vocabulary=[str(i) for i in range(7)],
                              recipe={"pad": "x" * pad}, name="tiny")
        path = save_checkpoint(model, info, tmp_path / "m.safetensors")
        return path, struct.unpack("<Q", path.read_bytes()[:8])[0]

    _, base = save_with_pad(0)
    for prefix in (b"\x80", b"PK"):
        modulus, low = 256 ** len(prefix), int.from_bytes(prefix, "little")
        target = base - base % modulus + low + (modulus if base % modulus > low else 0)
        found = None
        for pad in range(max(0, target - base - 16), target - base + 16):
            path, header_len = save_with_pad(pad)
            if path.read_bytes()[: len(prefix)] == prefix:
                found = pad
                break
        assert found is not None, f"could not craft a header starting with {prefix!r}"
        _, info = load_checkpoint(path)
        assert info.recipe["pad"] == "x" * found
