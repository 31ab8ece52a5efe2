import pytest
import torch

from vmdcore.config import ModelConfig
from vmdcore.model import block_ids, two_stream_mask

from .helpers import tiny_model


def test_block_causal_attention_hides_later_blocks():
    model = tiny_model(block_size=4, seq_len=12)
    x = torch.randint(0, 7, (1, 12))
    y = x.clone()
    y[0, 8:] = (y[0, 8:] + 1) % 7
    with torch.no_grad():
        a, b = model(x), model(y)
    assert torch.allclose(a[:, :8], b[:, :8], atol=1e-5)
    assert not torch.allclose(a[:, 8:], b[:, 8:])


def test_two_stream_mask_matches_block_diffusion_conditioning():
    blocks = torch.tensor([0, 0, 1, 1])
    mask = two_stream_mask(blocks)
    noisy_block1 = mask[2]
    assert noisy_block1[:4].tolist() == [False, False, True, True]  # its own noisy block
    assert noisy_block1[4:].tolist() == [True, True, False, False]  # clean earlier block only
    clean_block0 = mask[4]
    assert clean_block0.tolist() == [False] * 4 + [True, True, False, False]


def test_vmd_output_depends_on_z_once_modulation_is_nonzero():
    model = tiny_model(latent_dim=4)
    x = torch.full((1, 12), model.config.mask_id)
    z1, z2 = torch.zeros(1, 1, 4), torch.ones(1, 1, 4)
    with torch.no_grad():
        assert torch.allclose(model(x, z1), model(x, z2))  # zero-initialised: starts as an MDM
        for layer in model.denoiser.layers:
            layer.modulation.weight.normal_(0, 0.1)
        assert not torch.allclose(model(x, z1), model(x, z2))


def test_block_ids():
    model = tiny_model(block_size=4, seq_len=12)
    assert block_ids(model.config).tolist() == [0] * 4 + [1] * 4 + [2] * 4


def test_sudoku_layout_relations_bias_peers():
    from vmdcore.positions import SAME_BOX, SAME_COL, SAME_ROW, SELF, UNRELATED, sudoku_relations

    rel = sudoku_relations()
    assert rel[0, 0] == SELF and rel[0, 8] == SAME_ROW and rel[0, 72] == SAME_COL
    assert rel[0, 10] == SAME_BOX and rel[0, 80] == UNRELATED
    assert ((rel != UNRELATED) & (rel != SELF)).sum(1).tolist() == [20] * 81


def _sudoku_vmd(**overrides):
    from vmdcore.model import build_model
    from vmdcore.tasks import sudoku as sudoku_task

    settings = dict(d_model=32, n_layers=2, n_heads=4, latent_dim=8, encoder_layers=1)
    settings.update(overrides)
    return build_model(sudoku_task.model_config(**settings), seed=0)


def test_latent_tokens_let_each_cell_read_z_from_the_start():
    model = _sudoku_vmd(latent_tokens=4)
    x = torch.full((2, 81), model.config.mask_id)
    z = torch.randn(2, 1, 8)
    with torch.no_grad():
        logits = model(x, z)
        other = model(x, torch.randn(2, 1, 8))
    assert logits.shape == (2, 81, 9)
    # Adaptive LN starts at zero, so this difference comes from the latent tokens alone.
    assert not torch.allclose(logits, other)


def test_latent_tokens_need_a_latent_and_one_block():
    import pytest

    from vmdcore.config import ModelConfig

    with pytest.raises(ValueError, match="latent_tokens"):
        ModelConfig(vocab_size=9, seq_len=8, latent_tokens=2)
    with pytest.raises(ValueError, match="latent_tokens"):
        ModelConfig(vocab_size=9, seq_len=8, latent_dim=4, block_size=4, latent_tokens=2)
    with pytest.raises(ValueError, match="encoder_pool"):
        ModelConfig(vocab_size=9, seq_len=8, latent_dim=4, encoder_pool="max")


def test_cell_pooled_encoder_keeps_which_cell_holds_what():
    model = _sudoku_vmd(encoder_pool="cells")
    x0 = torch.randint(0, 9, (1, 81))
    swapped = x0.clone()
    swapped[0, [0, 80]] = swapped[0, [80, 0]]
    if torch.equal(swapped, x0):
        swapped[0, 0] = (x0[0, 0] + 1) % 9
    masked = torch.zeros(1, 81, dtype=torch.bool)
    with torch.no_grad():
        a, b = model.encoder(x0, masked), model.encoder(swapped, masked)
    assert a.mean.shape == (1, 1, 8)
    assert not torch.allclose(a.mean, b.mean)


def test_configs_saved_before_the_latent_token_settings_still_load():
    from vmdcore.config import ModelConfig

    old = {"vocab_size": 9, "seq_len": 81, "d_model": 32, "n_layers": 2, "n_heads": 4, "mlp_ratio": 4,
           "latent_dim": 8, "encoder_layers": 1, "block_size": 0, "layout": "sudoku", "dropout": 0.0}
    config = ModelConfig.from_dict(old)
    assert config.latent_tokens == 0 and config.encoder_pool == "mean"


def test_prior_draws_are_plain_standard_normal_draws_scaled():
    model = tiny_model(latent_dim=4, block_size=4)
    z = model.prior_sample(3, torch.Generator().manual_seed(5))
    assert torch.equal(z, torch.randn((3, 3, 4), generator=torch.Generator().manual_seed(5)))
    half = model.prior_sample(3, torch.Generator().manual_seed(5), scale=0.5)
    assert torch.allclose(half, 0.5 * z) and not model.prior_sample(2, scale=0.0).any()
    assert tiny_model().prior_sample(2) is None  # an MDM has no latent


def test_kl_to_the_standard_normal_is_zero_only_there():
    from vmdcore.model import DiagonalGaussian

    zeros = torch.zeros(2, 1, 3)
    assert torch.equal(DiagonalGaussian(zeros, zeros).kl_to_standard(), zeros)
    mean, logvar = torch.tensor([1.0, 0.0, 0.0]), torch.tensor([0.0, 1.0, -1.0])
    kl = DiagonalGaussian(mean, logvar).kl_to_standard()
    expected = 0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar)
    assert torch.allclose(kl, expected) and (kl > 0).all()


def test_settings_of_removed_experiments_are_dropped_at_their_unused_values_and_refused_otherwise():
    from vmdcore.config import RetiredSettingError

    base = {"vocab_size": 9, "seq_len": 81, "d_model": 32, "n_layers": 2, "n_heads": 4, "latent_dim": 8,
            "layout": "sudoku"}
    legacy = {**base, "dropout": 0.0, "latent_cell_features": 0, "latent_prior": "standard", "latent_components": 0,
              "mixture_layers": 1}
    assert ModelConfig.from_dict(legacy) == ModelConfig.from_dict(base)
    for key, value, words in [("latent_components", 8, "discrete latent"), ("latent_prior", "conditional", "conditional prior"),
                              ("latent_cell_features", 4, "per-cell readout")]:
        with pytest.raises(RetiredSettingError, match=f"{words}.*removed from VMD on 2026-12-07"):
            ModelConfig.from_dict({**legacy, key: value})
    with pytest.raises(ValueError, match="unknown model settings"):
        ModelConfig.from_dict({**base, "latent_blocks": 2})
