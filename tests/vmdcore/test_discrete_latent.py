"""The discrete latent (latent_components): exact marginalisation, per-step codes, saving."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from vmdcore.checkpoint import CheckpointInfo, load_checkpoint, save_checkpoint, save_inference_copy
from vmdcore.config import ModelConfig
from vmdcore.losses import elbo_loss, sample_mask
from vmdcore.model import build_model
from vmdcore.sampling import SamplerConfig, run
from vmdcore.sudoku import solve
from vmdcore.tasks import sudoku as sudoku_task

PUZZLE = "530070000600195000098000060800060003400803001700020006060000280000419005000080079"
OTHER = "000000907000420180000705026100904000050000040000507009920108000034059000507000000"


def _mixture(components: int = 3, seed: int = 0):
    config = sudoku_task.model_config(d_model=32, n_layers=2, n_heads=4, latent_dim=8, latent_components=components)
    return build_model(config, seed=seed)


def _start(*puzzles: str) -> torch.Tensor:
    grids = np.stack([np.array([int(c) for c in p]) for p in puzzles])
    return torch.as_tensor(sudoku_task.encode(grids)[0])


def _solved_batch(puzzle: str, rows: int):
    grid = np.array([int(c) for c in puzzle])
    x0 = torch.as_tensor(sudoku_task.encode(np.stack([solve(grid)] * rows))[0])
    return x0, torch.as_tensor(np.stack([grid] * rows) > 0)


def test_a_discrete_latent_needs_codes_one_block_and_its_own_layers():
    with pytest.raises(ValueError, match="at least 2"):
        ModelConfig(vocab_size=7, seq_len=12, n_layers=2, latent_dim=4, latent_components=1)
    with pytest.raises(ValueError, match="latent_dim > 0 for its codes"):
        ModelConfig(vocab_size=7, seq_len=12, n_layers=2, latent_components=4)
    with pytest.raises(ValueError, match="single block"):
        ModelConfig(vocab_size=7, seq_len=12, n_layers=2, latent_dim=4, latent_components=4, block_size=4)
    with pytest.raises(ValueError, match="adaptive LN only"):
        ModelConfig(vocab_size=7, seq_len=12, n_layers=2, latent_dim=4, latent_components=4, latent_tokens=2)
    with pytest.raises(ValueError, match="mixture_layers must be between 1 and n_layers - 1"):
        ModelConfig(vocab_size=7, seq_len=12, n_layers=2, latent_dim=4, latent_components=4, mixture_layers=2)
    config = ModelConfig(vocab_size=7, seq_len=12, n_layers=3, latent_dim=4, latent_components=4, mixture_layers=2)
    assert config.kind == "vmd" and config.is_mixture and not config.uses_encoder


def test_only_the_last_layers_read_the_code_and_there_is_no_encoder():
    model = _mixture()
    assert model.encoder is None and model.prior is None
    assert model.denoiser.layers[0].modulation is None and model.denoiser.layers[1].modulation is not None
    with pytest.raises(ValueError, match="use choose_code"):
        model.prior_distribution(_start(PUZZLE))


def test_the_loss_is_the_exact_mixture_likelihood():
    model = _mixture(components=3)
    x0, fixed = _solved_batch(PUZZLE, 4)
    terms = elbo_loss(model, x0, fixed, generator=torch.Generator().manual_seed(7))
    masked, t = sample_mask(fixed, 1, 1e-3, torch.Generator().manual_seed(7))
    xt = torch.where(masked, torch.full_like(x0, model.config.mask_id), x0)
    with torch.no_grad():
        log_weights = F.log_softmax(model.denoiser.code_logits(model.denoiser.start(xt)), dim=-1)
        per_code = []
        for k in range(3):
            code = model.denoiser.codes[k].expand(4, 1, -1)
            ce = F.cross_entropy(model(xt, code).transpose(1, 2), x0, reduction="none")
            per_code.append(-(ce * masked).sum(-1))
        joint = log_weights + torch.stack(per_code, dim=1)
    expected = (-torch.logsumexp(joint, dim=1) / t[:, 0]).mean() / 81
    assert torch.allclose(terms.total.detach(), expected, rtol=1e-5)
    posterior = torch.softmax(joint, dim=1)
    assert torch.allclose(terms.kl, (posterior * (posterior.log() - log_weights)).sum(1).mean() / 81, rtol=1e-4)
    assert float(terms.kl) > 0  # the codes start apart, so they already say something


def test_the_loss_trains_the_codes_and_their_weights():
    model = _mixture()
    x0, fixed = _solved_batch(PUZZLE, 4)
    elbo_loss(model, x0, fixed, generator=torch.Generator().manual_seed(0)).total.backward()
    denoiser = model.denoiser
    for part in (denoiser.codes, denoiser.code_weights.out.weight, denoiser.layers[1].modulation.weight):
        assert part.grad is not None and float(part.grad.abs().sum()) > 0


def test_the_sampler_picks_a_code_per_step_or_once():
    model = _mixture(components=4)
    start = _start(PUZZLE, OTHER)
    with torch.no_grad():
        weights = model.denoiser.code_logits(model.denoiser.start(start))
    likeliest = run(model, start.numpy(), SamplerConfig(nfe=4, latent_scale=0.0))
    expected = model.denoiser.codes[weights.argmax(-1)].detach().numpy()
    assert np.allclose(likeliest.steps[0].z[:, 0], expected)
    fixed = run(model, start.numpy(), SamplerConfig(nfe=6, latent_mode="fixed", seed=1))
    assert all(np.array_equal(step.z, fixed.steps[0].z) for step in fixed.steps)
    redrawn = run(model, start.numpy(), SamplerConfig(nfe=6, latent_mode="redraw", seed=1))
    assert not all(np.array_equal(step.z, redrawn.steps[0].z) for step in redrawn.steps)
    assert (redrawn.final[redrawn.fixed] == start.numpy()[redrawn.fixed]).all()
    assert (redrawn.final != model.config.mask_id).all()
    with pytest.raises(ValueError, match="a discrete latent has none"):
        run(model, start.numpy(), SamplerConfig(nfe=2, latent_mode="refine"))


def test_a_saved_mixture_and_its_inference_copy_solve_the_same_way(tmp_path):
    model = _mixture()
    info = CheckpointInfo(task="sudoku", config=model.config, vocabulary=list(sudoku_task.VOCABULARY),
                          recipe={"command": "vmd-train sudoku ..."}, metrics={}, name="mix")
    full = save_checkpoint(model, info, tmp_path / "full.safetensors", dtype=torch.float32)
    loaded, loaded_info = load_checkpoint(full)
    assert loaded_info.config.latent_components == 3
    start = _start(PUZZLE, OTHER).numpy()
    config = SamplerConfig(nfe=5, latent_mode="redraw", seed=2)
    original, again = run(model, start, config), run(loaded, start, config)
    assert np.array_equal(original.final, again.final)
    assert all(np.array_equal(a.z, b.z) for a, b in zip(original.steps, again.steps))
    app_copy, _ = load_checkpoint(save_inference_copy(full, tmp_path / "copy.safetensors"))
    solved = run(app_copy, start, config)
    assert (solved.final[solved.fixed] == start[solved.fixed]).all() and (solved.final != 9).all()
