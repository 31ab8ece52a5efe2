import torch

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
