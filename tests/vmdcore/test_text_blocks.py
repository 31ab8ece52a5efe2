"""Text models on the shared Denoiser: block-causal masks, and the AR baseline as block size 1."""

import numpy as np
import torch
import torch.nn.functional as F

from training.text import TextRecipe
from vmdcore.losses import LossConfig, elbo_loss
from vmdcore.model import build_model, two_stream_mask
from vmdcore.sampling import SamplerConfig, run

RECIPE = TextRecipe(seq_len=12, d_model=32, n_layers=2, n_heads=2, latent_dim=4, encoder_layers=1)
VOCAB = 9


def _model(kind: str, block: int = 4):
    return build_model(RECIPE.model_config(kind, block, VOCAB), seed=0).eval()


def test_text_configs_share_the_backbone_and_differ_only_in_blocks_and_latent():
    ar, mdm, vmd = (RECIPE.model_config(k, 4, VOCAB) for k in ("ar", "mdm", "vmd"))
    assert (ar.block_size, mdm.block_size, vmd.block_size) == (1, 4, 4)
    assert (ar.latent_dim, mdm.latent_dim, vmd.latent_dim) == (0, 0, 4)
    assert {(c.d_model, c.n_layers, c.n_heads, c.seq_len) for c in (ar, mdm, vmd)} == {(32, 2, 2, 12)}


def test_a_block_sees_earlier_blocks_but_never_later_ones():
    model = _model("mdm", 4)
    x = torch.randint(0, VOCAB, (2, 12))
    later = x.clone()
    later[:, 8:] = (later[:, 8:] + 1) % VOCAB
    earlier = x.clone()
    earlier[:, :4] = (earlier[:, :4] + 1) % VOCAB
    with torch.no_grad():
        base, changed_later, changed_earlier = model(x), model(later), model(earlier)
    assert torch.allclose(base[:, :8], changed_later[:, :8], atol=1e-5)
    assert not torch.allclose(base[:, 4:8], changed_earlier[:, 4:8])


def test_two_stream_mask_for_block_four_text():
    blocks = torch.arange(12) // 4
    mask = two_stream_mask(blocks)
    noisy_block2 = mask[8]
    assert noisy_block2[:12].tolist() == [False] * 8 + [True] * 4  # its own noisy block only
    assert noisy_block2[12:].tolist() == [True] * 8 + [False] * 4  # clean earlier blocks only


def test_block_one_two_stream_training_pass_equals_left_to_right_decoding():
    model = _model("ar")
    mask_id = model.config.mask_id
    x = torch.randint(0, VOCAB, (3, 12))
    with torch.no_grad():
        training_pass = model(torch.full_like(x, mask_id), None, x)
        for i in range(12):
            prefix = torch.full_like(x, mask_id)
            prefix[:, :i] = x[:, :i]
            assert torch.allclose(model(prefix)[:, i], training_pass[:, i], atol=1e-5)
        # eps = 1: t = 1, every position masked with weight 1, i.e. next-character cross-entropy.
        loss = elbo_loss(model, x, None, 1.0, LossConfig(eps=1.0)).reconstruction
    assert torch.allclose(loss, F.cross_entropy(training_pass.transpose(1, 2), x), atol=1e-5)


def test_one_step_per_block_sampling_of_the_ar_model_is_greedy_autoregression():
    model = _model("ar")
    mask_id = model.config.mask_id
    initial = np.full((2, 12), mask_id)
    initial[:, :3] = [[1, 2, 3], [4, 5, 6]]
    trace = run(model, initial, SamplerConfig(nfe=1, strategy="top-prob"))
    assert len(trace.steps) == 9
    tokens = torch.from_numpy(initial.copy())
    with torch.no_grad():
        for i in range(3, 12):
            tokens[:, i] = model(tokens)[:, i].argmax(-1)
    assert (trace.final == tokens.numpy()).all()
