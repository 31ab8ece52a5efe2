import math

import pytest
import torch

from vmdcore.losses import LossConfig, elbo_loss, linear_anneal, sample_mask

from .helpers import tiny_model


def _batch(model, n=32, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, model.config.vocab_size, (n, model.config.seq_len), generator=g)


def test_loss_terms_are_finite_and_reported_separately():
    model = tiny_model(latent_dim=4)
    terms = elbo_loss(model, _batch(model), beta=0.5)
    for value in (terms.total, terms.reconstruction, terms.kl):
        assert math.isfinite(float(value.detach()))
    assert float(terms.kl) > 0
    assert abs(float(terms.total.detach()) - (float(terms.reconstruction) + 0.5 * float(terms.kl))) < 1e-4


def test_kl_is_exactly_zero_for_the_mdm():
    model = tiny_model(latent_dim=0)
    terms = elbo_loss(model, _batch(model))
    assert float(terms.kl) == 0.0
    assert float(terms.total.detach()) == float(terms.reconstruction)


def _mean_loss(model, x0, beta):
    with torch.no_grad():
        return sum(float(elbo_loss(model, x0, beta=beta, generator=torch.Generator().manual_seed(s)).total) for s in range(20)) / 20


def test_loss_decreases_when_fitting_a_tiny_batch():
    for latent_dim, block_size in ((0, 0), (4, 0), (4, 4)):
        model = tiny_model(latent_dim=latent_dim, block_size=block_size)
        x0 = _batch(model, n=8)
        before = _mean_loss(model, x0, beta=0.1)
        optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
        g = torch.Generator().manual_seed(100)
        for _ in range(150):
            terms = elbo_loss(model, x0, beta=0.1, generator=g)
            optimizer.zero_grad()
            terms.total.backward()
            optimizer.step()
        assert _mean_loss(model, x0, beta=0.1) < 0.8 * before, (latent_dim, block_size)


def test_fixed_positions_are_never_masked():
    fixed = torch.zeros(64, 10, dtype=torch.bool)
    fixed[:, :3] = True
    masked, t = sample_mask(fixed, n_blocks=1, eps=1e-3, generator=torch.Generator().manual_seed(0))
    assert not masked[:, :3].any()
    assert masked[:, 3:].any()
    assert ((t > 0) & (t <= 1)).all()


def test_t_is_drawn_per_block():
    fixed = torch.zeros(4, 8, dtype=torch.bool)
    _, t = sample_mask(fixed, n_blocks=2, eps=1e-3, generator=torch.Generator().manual_seed(1))
    assert (t[:, :4] == t[:, :1]).all() and (t[:, 4:] == t[:, 4:5]).all()
    assert not torch.equal(t[:, 0], t[:, 4])


def test_free_bits_raise_the_penalised_kl_floor_only():
    model = tiny_model(latent_dim=4)
    x0 = _batch(model)
    plain = elbo_loss(model, x0, generator=torch.Generator().manual_seed(0))
    floored = elbo_loss(model, x0, config=LossConfig(free_bits=5.0), generator=torch.Generator().manual_seed(0))
    assert float(floored.kl) == float(plain.kl)
    assert float(floored.total.detach()) > float(plain.total.detach())


def test_loss_config_refuses_settings_outside_their_range():
    for bad in ({"eps": 0.0}, {"eps": 1.5}, {"free_bits": -0.1}):
        with pytest.raises(ValueError):
            LossConfig(**bad)


def test_linear_anneal():
    assert linear_anneal(0, 100) == 0.0
    assert linear_anneal(50, 100) == 0.5
    assert linear_anneal(500, 100) == 1.0
    assert linear_anneal(3, 0) == 1.0
