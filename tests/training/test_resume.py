import numpy as np
import pytest
import torch

from tests.vmdcore.helpers import tiny_model
from training.trainer import TrainConfig, train


def _batches(n, rng):
    return torch.from_numpy(rng.integers(0, 7, size=(n, 12))), None


def _train_until_killed_after_five(config, run_dir):
    """A run interrupted as it asks for its sixth batch (its state saved after step 5)."""
    calls = []

    def crash_after_five(n, rng):
        calls.append(n)
        if len(calls) > 5:
            raise KeyboardInterrupt
        return _batches(n, rng)

    with pytest.raises(KeyboardInterrupt):
        train(tiny_model(latent_dim=4), crash_after_five, config, run_dir, progress=False)


def test_interrupted_run_resumes_to_the_same_weights(tmp_path):
    config = TrainConfig(steps=10, batch_size=8, warmup_steps=2, kl_anneal_steps=5, log_every=5, save_every_s=0.0)
    straight = train(tiny_model(latent_dim=4), _batches, config, tmp_path / "a", progress=False)

    _train_until_killed_after_five(config, tmp_path / "b")
    resumed = train(tiny_model(latent_dim=4, seed=99), _batches, config, tmp_path / "b", progress=False)

    for (name, a), (_, b) in zip(straight.state_dict().items(), resumed.state_dict().items()):
        assert torch.allclose(a, b, atol=1e-6), name
    lines = (tmp_path / "b" / "metrics.jsonl").read_text().splitlines()
    assert len(lines) == 2  # steps 5 and 10, one per run


def test_metrics_log_has_loss_terms_and_throughput(tmp_path):
    import json

    config = TrainConfig(steps=4, batch_size=8, warmup_steps=1, log_every=2)
    train(tiny_model(latent_dim=4), _batches, config, tmp_path, progress=False)
    record = json.loads((tmp_path / "metrics.jsonl").read_text().splitlines()[-1])
    assert {"loss", "recon", "kl", "beta", "lr", "samples_per_s"} <= set(record)
    assert np.isfinite(record["loss"])


def test_mdm_log_has_no_latent_columns(tmp_path):
    import json

    config = TrainConfig(steps=2, batch_size=8, warmup_steps=1, log_every=1)
    train(tiny_model(latent_dim=0), _batches, config, tmp_path, progress=False)
    record = json.loads((tmp_path / "metrics.jsonl").read_text().splitlines()[-1])
    assert {"loss", "recon", "lr"} <= set(record) and not {"kl", "beta"} & set(record)


def test_kl_weight_is_held_at_zero_then_annealed(tmp_path):
    import json

    config = TrainConfig(steps=6, batch_size=8, warmup_steps=1, kl_hold_steps=2, kl_anneal_steps=2, log_every=1)
    train(tiny_model(latent_dim=4), _batches, config, tmp_path, progress=False)
    betas = [json.loads(line)["beta"] for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert betas == [0.0, 0.0, 0.0, 0.5, 1.0, 1.0]


def test_a_packed_state_is_half_the_size_and_resumes_close_to_the_straight_run(tmp_path):
    import shutil

    from training.state import STATE_FILE, pack_state, saved_step

    config = TrainConfig(steps=10, batch_size=8, warmup_steps=2, kl_anneal_steps=5, log_every=5, save_every_s=0.0)
    straight = train(tiny_model(latent_dim=4), _batches, config, tmp_path / "a", progress=False)

    _train_until_killed_after_five(config, tmp_path / "b")
    packed = pack_state(tmp_path / "b", tmp_path / "packed")
    assert packed.stat().st_size < 0.6 * (tmp_path / "b" / STATE_FILE).stat().st_size
    assert saved_step(tmp_path / "packed") == saved_step(tmp_path / "b") == 5
    shutil.copy(tmp_path / "b" / "metrics.jsonl", tmp_path / "packed")
    resumed = train(tiny_model(latent_dim=4, seed=99), _batches, config, tmp_path / "packed", progress=False)
    assert saved_step(tmp_path / "packed") == 10
    for (name, a), (_, b) in zip(straight.state_dict().items(), resumed.state_dict().items()):
        assert b.dtype == torch.float32
        assert torch.allclose(a, b, atol=2e-2), name
