"""The learned prior p(z | clues): what it reads, how it is priced, sampled, saved and loaded."""

import numpy as np
import pytest
import torch

from vmdcore.checkpoint import CheckpointInfo, load_checkpoint, save_checkpoint, save_inference_copy
from vmdcore.config import ModelConfig
from vmdcore.losses import LossConfig, elbo_loss
from vmdcore.model import DiagonalGaussian, build_model, set_unit_latent_init
from vmdcore.sampling import SamplerConfig, run
from vmdcore.sudoku import solve
from vmdcore.tasks import sudoku as sudoku_task

from .helpers import tiny_model

PUZZLE = "530070000600195000098000060800060003400803001700020006060000280000419005000080079"
OTHER = "000000907000420180000705026100904000050000040000507009920108000034059000507000000"


def _conditional_vmd(seed: int = 0, **overrides):
    config = sudoku_task.model_config(d_model=32, n_layers=2, n_heads=4, latent_dim=8, encoder_layers=1,
                                      encoder_pool="cells", latent_prior="conditional", **overrides)
    model = build_model(config, seed=seed)
    set_unit_latent_init(model)
    return model


def _grid(puzzle: str) -> np.ndarray:
    return np.array([int(c) for c in puzzle])


def _start(*puzzles: str) -> torch.Tensor:
    return torch.as_tensor(sudoku_task.encode(np.stack([_grid(p) for p in puzzles]))[0])


def test_conditional_prior_needs_a_latent_and_one_block():
    with pytest.raises(ValueError, match="conditional prior needs a latent"):
        ModelConfig(vocab_size=7, seq_len=12, latent_prior="conditional")
    with pytest.raises(ValueError, match="conditional prior needs a latent"):
        ModelConfig(vocab_size=7, seq_len=12, latent_dim=4, block_size=4, latent_prior="conditional")
    with pytest.raises(ValueError, match="latent_prior must be one of"):
        ModelConfig(vocab_size=7, seq_len=12, latent_dim=4, latent_prior="learned")


def test_prior_depends_on_the_clues():
    model = _conditional_vmd()
    with torch.no_grad():
        prior = model.prior_distribution(_start(PUZZLE, OTHER, PUZZLE))
    assert prior.mean.shape == (3, 1, 8)
    assert not torch.allclose(prior.mean[0], prior.mean[1])  # other clues, another prior
    assert torch.allclose(prior.mean[0], prior.mean[2]) and torch.allclose(prior.logvar[0], prior.logvar[2])


def test_standard_prior_draws_are_unchanged_and_a_conditional_one_needs_the_clues():
    standard = tiny_model(latent_dim=4)
    z = standard.prior_sample(3, torch.Generator().manual_seed(5))
    assert torch.equal(z, torch.randn((3, 1, 4), generator=torch.Generator().manual_seed(5)))
    model = _conditional_vmd()
    with pytest.raises(ValueError, match="pass the starting sequence"):
        model.prior_sample(2, torch.Generator().manual_seed(0))
    start = _start(PUZZLE, PUZZLE)
    with torch.no_grad():
        mean = model.prior_distribution(start).mean
        assert torch.allclose(model.prior_sample(2, torch.Generator().manual_seed(0), scale=0.0, tokens=start), mean)
        drawn = model.prior_sample(2, torch.Generator().manual_seed(0), tokens=start)
    assert not torch.allclose(drawn[0], drawn[1])  # same clues, two draws


def test_kl_between_gaussians_matches_the_standard_normal_case():
    g = torch.Generator().manual_seed(0)
    q = DiagonalGaussian(torch.randn(4, 1, 6, generator=g), torch.randn(4, 1, 6, generator=g))
    standard = DiagonalGaussian(torch.zeros(4, 1, 6), torch.zeros(4, 1, 6))
    closed_form = 0.5 * (q.mean.pow(2) + q.logvar.exp() - 1.0 - q.logvar)  # KL(q || N(0, I))
    assert torch.allclose(q.kl_to(standard), closed_form, atol=1e-6)
    assert torch.allclose(q.kl_to(q), torch.zeros(4, 1, 6), atol=1e-6)
    shifted = DiagonalGaussian(q.mean + 1.0, q.logvar)
    assert torch.allclose(q.kl_to(shifted), 0.5 * torch.exp(-q.logvar), atol=1e-5)


def test_the_kl_trains_the_prior_towards_the_encoder():
    model = _conditional_vmd()
    grid = _grid(PUZZLE)
    x0 = torch.as_tensor(sudoku_task.encode(np.stack([solve(grid)] * 4))[0])
    fixed = torch.as_tensor(np.stack([grid] * 4) > 0)
    terms = elbo_loss(model, x0, fixed, beta=1.0, config=LossConfig(free_bits=0.0), generator=torch.Generator().manual_seed(0))
    terms.total.backward()
    prior_grads = [p.grad for p in model.prior.parameters() if p.grad is not None]
    assert prior_grads and any(float(g.abs().sum()) > 0 for g in prior_grads)
    assert float(terms.kl) > 0


def test_saved_conditional_vmd_keeps_its_prior_in_the_inference_copy(tmp_path):
    model = _conditional_vmd()
    info = CheckpointInfo(task="sudoku", config=model.config, vocabulary=list(sudoku_task.VOCABULARY),
                          recipe={"command": "vmd-train sudoku ..."}, metrics={}, name="cond")
    full = save_checkpoint(model, info, tmp_path / "full.safetensors")
    copy = save_inference_copy(full, tmp_path / "copy.safetensors")
    loaded, loaded_info = load_checkpoint(copy)
    assert loaded.encoder is None and loaded.prior is not None
    assert loaded_info.config.latent_prior == "conditional"
    start = _start(PUZZLE, OTHER)
    config = SamplerConfig(nfe=4, strategy="margin", seed=3)
    original = run(model, start.numpy(), config)
    again = run(loaded, start.numpy(), config)
    assert np.allclose(original.steps[0].z, again.steps[0].z, atol=1e-2)  # float16 weights
    assert not np.allclose(original.steps[0].z[0], original.steps[0].z[1])
    assert (again.final[again.fixed] == start.numpy()[again.fixed]).all()


def test_rows_reconstructed_from_prior_draws_train_the_prior_and_add_no_kl():
    model = _conditional_vmd(latent_cell_features=2)  # a path from z to the output from the start
    grid = _grid(PUZZLE)
    x0 = torch.as_tensor(sudoku_task.encode(np.stack([solve(grid)] * 4))[0])
    fixed = torch.as_tensor(np.stack([grid] * 4) > 0)
    terms = elbo_loss(model, x0, fixed, beta=1.0, config=LossConfig(prior_share=1.0),
                      generator=torch.Generator().manual_seed(0))
    assert float(terms.kl) == 0.0 and float(terms.total.detach()) == float(terms.reconstruction)
    terms.total.backward()
    assert all(p.grad is None or float(p.grad.abs().sum()) == 0 for p in model.encoder.parameters())
    assert any(p.grad is not None and float(p.grad.abs().sum()) > 0 for p in model.prior.parameters())
    half = elbo_loss(model, x0, fixed, config=LossConfig(prior_share=0.5), generator=torch.Generator().manual_seed(1))
    assert float(half.kl) > 0  # the encoder's rows still pay for q
    with pytest.raises(ValueError, match="prior_share"):
        LossConfig(prior_share=1.5)

