import math

import numpy as np
import pytest
import torch

from vmdcore.sampling import STRATEGIES, SamplerConfig, run, sample
from vmdcore.sampling.trace import Trace

from .helpers import tiny_model


def _half_masked(model, batch=3, seed=0):
    rng = np.random.default_rng(seed)
    mc = model.config
    tokens = rng.integers(0, mc.vocab_size, size=(batch, mc.seq_len))
    hidden = rng.random((batch, mc.seq_len)) < 0.6
    hidden[:, 0] = True
    return np.where(hidden, mc.mask_id, tokens)


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
@pytest.mark.parametrize("latent_dim", [0, 4])
def test_every_strategy_fills_everything_in_exactly_nfe_steps(strategy, latent_dim):
    model = tiny_model(latent_dim=latent_dim)
    initial = _half_masked(model)
    steps = list(sample(model, initial, SamplerConfig(nfe=4, strategy=strategy, seed=1)))
    assert len(steps) == 4
    assert [s.index for s in steps] == [1, 2, 3, 4] and all(s.total == 4 for s in steps)
    final = steps[-1].tokens
    assert not (final == model.config.mask_id).any()
    fixed = initial != model.config.mask_id
    assert (final[fixed] == initial[fixed]).all()
    for step in steps:
        assert (step.tokens[fixed] == initial[fixed]).all()
        assert not step.committed[fixed].any()


def test_commit_counts_spread_evenly_as_ceil_of_remaining_over_steps_left():
    model = tiny_model()
    initial = _half_masked(model, batch=4)
    nfe = 3
    remaining = (initial == model.config.mask_id).sum(1)
    for i, step in enumerate(sample(model, initial, SamplerConfig(nfe=nfe, strategy="margin"))):
        expected = np.array([math.ceil(m / (nfe - i)) for m in remaining])
        assert (step.committed.sum(1) == expected).all()
        remaining = remaining - expected
    assert (remaining == 0).all()


def test_committed_positions_keep_their_token_afterwards():
    model = tiny_model(latent_dim=4)
    steps = list(sample(model, _half_masked(model), SamplerConfig(nfe=5, temperature=1.0, seed=3)))
    for earlier_index, earlier in enumerate(steps):
        for later in steps[earlier_index:]:
            assert (later.tokens[earlier.committed] == earlier.tokens[earlier.committed]).all()


@pytest.mark.parametrize("temperature", [0.0, 1.0])
def test_same_seed_same_trace_and_other_seed_differs(temperature):
    model = tiny_model(latent_dim=4)
    initial = np.full((16, model.config.seq_len), model.config.mask_id)
    a = run(model, initial, SamplerConfig(nfe=3, strategy="random", temperature=temperature, seed=7))
    b = run(model, initial, SamplerConfig(nfe=3, strategy="random", temperature=temperature, seed=7))
    c = run(model, initial, SamplerConfig(nfe=3, strategy="random", temperature=temperature, seed=8))
    for sa, sb in zip(a.steps, b.steps):
        assert (sa.tokens == sb.tokens).all() and np.allclose(sa.z, sb.z)
    assert not all((sa.committed == sc.committed).all() for sa, sc in zip(a.steps, c.steps))


def test_latent_fixed_once_or_redrawn_each_step():
    model = tiny_model(latent_dim=4)
    initial = np.full((2, model.config.seq_len), model.config.mask_id)
    fixed = list(sample(model, initial, SamplerConfig(nfe=3, latent_mode="fixed")))
    redrawn = list(sample(model, initial, SamplerConfig(nfe=3, latent_mode="redraw")))
    assert all(np.array_equal(s.z, fixed[0].z) for s in fixed)
    assert not np.array_equal(redrawn[0].z, redrawn[1].z)
    assert fixed[0].z.shape == (2, 1, 4)


def test_latent_mode_is_checked():
    with pytest.raises(ValueError, match="latent_mode must be one of"):
        SamplerConfig(latent_mode="refine")


def test_mdm_steps_carry_no_latent():
    model = tiny_model()
    steps = list(sample(model, _half_masked(model), SamplerConfig(nfe=2)))
    assert all(s.z is None for s in steps)


def test_confidence_is_the_probability_of_the_prediction():
    model = tiny_model()
    step = next(sample(model, _half_masked(model), SamplerConfig(nfe=2)))
    assert ((step.confidence > 0) & (step.confidence <= 1)).all()
    assert step.predicted.min() >= 0 and step.predicted.max() < model.config.vocab_size


def test_cancel_hook_stops_between_steps():
    model = tiny_model()
    calls = []

    def stop_after_two():
        calls.append(1)
        return len(calls) > 2

    trace = run(model, _half_masked(model), SamplerConfig(nfe=5), should_stop=stop_after_two)
    assert len(trace.steps) == 2
    assert trace.cancelled and not trace.complete


def test_a_committed_token_never_changes_and_every_position_is_filled():
    model = tiny_model(vocab_size=7, seq_len=24)
    initial = np.full((4, 24), model.config.mask_id)
    steps = list(sample(model, initial, SamplerConfig(nfe=6, temperature=1.0)))
    assert len(steps) == 6
    assert not (steps[-1].tokens == model.config.mask_id).any()
    for before, after in zip(steps, steps[1:]):
        kept = before.tokens != model.config.mask_id
        assert (after.tokens[kept] == before.tokens[kept]).all()
        assert not (after.committed & kept).any()


def test_a_trace_written_with_the_old_remasked_field_still_loads():
    model = tiny_model()
    trace = run(model, _half_masked(model), SamplerConfig(nfe=3))
    data = trace.to_dict()
    for step in data["steps"]:
        step["remasked"] = [[0] * len(row) for row in step["tokens"]]
    again = Trace.from_dict(data)
    assert len(again.steps) == 3 and (again.steps[-1].tokens == trace.steps[-1].tokens).all()


def test_blocks_are_decoded_left_to_right_with_nfe_steps_each():
    model = tiny_model(latent_dim=4, block_size=4, seq_len=12)
    initial = np.full((2, 12), model.config.mask_id)
    steps = list(sample(model, initial, SamplerConfig(nfe=2)))
    assert len(steps) == 6 and steps[-1].total == 6
    assert [s.block for s in steps] == [0, 0, 1, 1, 2, 2]
    for step in steps:
        outside = np.ones(12, dtype=bool)
        outside[4 * step.block: 4 * step.block + 4] = False
        assert not step.committed[:, outside].any()
    assert steps[1].tokens[:, :4].max() < model.config.mask_id
    assert (steps[1].tokens[:, 4:] == model.config.mask_id).all()
    assert steps[0].z.shape == (2, 3, 4)


def test_blocks_without_masked_positions_are_skipped():
    model = tiny_model(block_size=4, seq_len=12)
    initial = np.full((1, 12), model.config.mask_id)
    initial[0, :4] = [1, 2, 3, 4]  # a prompt filling block 0
    steps = list(sample(model, initial, SamplerConfig(nfe=3)))
    assert len(steps) == 6 and {s.block for s in steps} == {1, 2}


def test_rejects_wrong_shape_and_unknown_strategy():
    model = tiny_model()
    with pytest.raises(ValueError, match="shape"):
        list(sample(model, np.zeros((2, 5), dtype=np.int64), SamplerConfig()))
    with pytest.raises(ValueError, match="unknown strategy"):
        SamplerConfig(strategy="best")
    with pytest.raises(ValueError):
        SamplerConfig(nfe=0)


def test_trace_json_round_trip():
    from vmdcore.sampling import Trace
    import json

    model = tiny_model(latent_dim=4)
    trace = run(model, _half_masked(model), SamplerConfig(nfe=3))
    again = Trace.from_dict(json.loads(trace.to_json()))
    assert len(again.steps) == 3 and again.complete
    assert (again.final == trace.final).all()
    assert (again.steps[1].committed == trace.steps[1].committed).all()
    assert again.settings["sampler"]["nfe"] == 3


def test_runs_on_the_models_device():
    model = tiny_model()
    step = next(sample(model, torch.full((1, model.config.seq_len), model.config.mask_id), SamplerConfig(nfe=1)))
    assert isinstance(step.tokens, np.ndarray)
