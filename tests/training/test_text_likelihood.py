"""The held-out likelihood estimators: exact where they should be, bounds where they claim to be."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from training.text import TextRecipe
from training.text_likelihood import LikelihoodSettings, estimate_nll, mask_plans, window_nats
from vmdcore.model import build_model

RECIPE = TextRecipe(seq_len=16, d_model=32, n_layers=1, n_heads=2, latent_dim=4, encoder_layers=1)
VOCAB = 7


def _model(kind, block=4):
    return build_model(RECIPE.model_config(kind, block, VOCAB), seed=0).eval()


def _flatten_head(model):
    with torch.no_grad():
        model.denoiser.head.weight.zero_()
        model.denoiser.head.bias.zero_()


@pytest.mark.parametrize("block", [4, 8, 0])
def test_a_model_with_uniform_predictions_costs_log_vocab_per_character(block):
    # Exact masks (block 4), strata (block 8) and a single whole-window block alike.
    model = _model("mdm", block)
    _flatten_head(model)
    x = torch.randint(0, VOCAB, (3, 16))
    nats, bound = window_nats(model, x, LikelihoodSettings(strata=8), torch.Generator().manual_seed(0))
    assert bound is None
    assert torch.allclose(nats, torch.full((3,), 16 * math.log(VOCAB)), atol=1e-4)


def test_exact_mask_weights_sum_to_one_per_position_and_strata_cover_each_count():
    plans = mask_plans(1, 1, 4, LikelihoodSettings(), torch.Generator().manual_seed(0))
    assert len(plans) == 15
    per_position = sum(p.token_weight * p.pattern[0, 0].float() for p in plans)
    assert torch.allclose(per_position, torch.ones(4))  # each token's CE counted once in expectation
    strata = mask_plans(2, 3, 8, LikelihoodSettings(strata=8), torch.Generator().manual_seed(0))
    assert sorted(int(p.pattern[0, 0].sum()) for p in strata) == list(range(1, 9))


def test_the_ar_estimate_is_the_exact_next_character_log_likelihood():
    model = _model("ar")
    windows = np.random.default_rng(0).integers(0, VOCAB, (5, 16))
    result = estimate_nll(model, windows, "ar", LikelihoodSettings(batch_windows=2))
    x = torch.from_numpy(windows)
    with torch.no_grad():
        logits = model(torch.full_like(x, model.config.mask_id), None, x)
    exact = F.cross_entropy(logits.transpose(1, 2), x).item()
    assert result.nats_per_char == pytest.approx(exact, rel=1e-5)
    assert result.chars == 80 and result.estimate.startswith("exact")


def test_vmd_importance_weighted_estimate_is_at_most_its_elbo_and_equal_when_z_is_ignored():
    model = _model("vmd")
    x = torch.randint(0, VOCAB, (3, 16))
    settings = LikelihoodSettings(iw_samples=6)
    with torch.no_grad():
        for layer in model.denoiser.layers:
            layer.modulation.weight.normal_(0, 0.2)
        model.encoder.out.weight.normal_(0, 0.2)
    iw, bound = window_nats(model, x, settings, torch.Generator().manual_seed(0))
    assert (iw <= bound + 1e-4).all() and (iw < bound - 1e-3).any()
    with torch.no_grad():
        for layer in model.denoiser.layers:
            layer.modulation.weight.zero_()
        model.encoder.out.weight.zero_()
        model.encoder.out.bias.zero_()  # q = N(0, I) = the prior, and the decoder ignores z
    iw, bound = window_nats(model, x, settings, torch.Generator().manual_seed(0))
    mdm_like, _ = window_nats(model, x, LikelihoodSettings(), torch.Generator().manual_seed(0))
    assert torch.allclose(iw, bound, atol=1e-4) and torch.allclose(iw, mdm_like, atol=1e-4)
    result = estimate_nll(model, x.numpy(), "vmd", settings)
    assert "importance-weighted" in result.estimate and result.bound_ppl is not None
