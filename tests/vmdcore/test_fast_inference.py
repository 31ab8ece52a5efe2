"""The inference shortcuts (cached attention bias and position embeddings, plain attention
kernels) give the reference path's outputs on the bundled Sudoku checkpoints."""

from pathlib import Path

import numpy as np
import pytest
import torch

from vmdcore import fastpath
from vmdcore.checkpoint import load_checkpoint
from vmdcore.sampling import SamplerConfig, sample

CHECKPOINTS = Path(__file__).resolve().parents[2] / "resources" / "checkpoints"


def _boards(count: int = 6, clues: int = 30) -> torch.Tensor:
    generator = torch.Generator().manual_seed(0)
    boards = torch.full((count, 81), 9)
    for row in boards:
        row[torch.randperm(81, generator=generator)[:clues]] = torch.randint(0, 9, (clues,), generator=generator)
    return boards


@pytest.fixture(scope="module", params=["sudoku-mdm", "sudoku-vmd"])
def bundled(request):
    model, _ = load_checkpoint(CHECKPOINTS / f"{request.param}.safetensors", device=torch.device("cpu"))
    return model


def _decode(model, boards, strategy):
    steps = list(sample(model, boards.numpy(), SamplerConfig(nfe=20, strategy=strategy, seed=3)))
    return steps[-1].tokens, np.stack([s.confidence for s in steps])


def test_fast_forward_matches_the_reference(bundled, monkeypatch):
    boards = _boards()
    z = bundled.prior_sample(len(boards), torch.Generator().manual_seed(1))
    with torch.inference_mode():
        fast = bundled(boards, z)
        again = bundled(boards, z)  # second call: from the caches
    monkeypatch.setattr(fastpath, "FAST_INFERENCE", False)
    with torch.no_grad():
        reference = bundled(boards, z)
    torch.testing.assert_close(fast, reference, rtol=1e-5, atol=1e-5)
    assert torch.equal(fast, again)


@pytest.mark.parametrize("strategy", ["margin", "random"])
def test_fast_sampling_matches_the_reference(bundled, monkeypatch, strategy):
    boards = _boards()
    tokens, confidence = _decode(bundled, boards, strategy)
    monkeypatch.setattr(fastpath, "FAST_INFERENCE", False)
    ref_tokens, ref_confidence = _decode(bundled, boards, strategy)
    assert np.array_equal(tokens, ref_tokens)
    np.testing.assert_allclose(confidence, ref_confidence, atol=1e-5)


def test_caches_follow_weight_updates(bundled):
    boards = _boards(2)
    z = bundled.prior_sample(2, torch.Generator().manual_seed(1))
    layer = bundled.denoiser.layers[0]
    with torch.no_grad():
        before = bundled(boards, z)
        saved = (layer.attn.relation_bias.bias.clone(), bundled.denoiser.position.row.weight.clone())
        layer.attn.relation_bias.bias.add_(1.0)
        bundled.denoiser.position.row.weight.mul_(2.0)
        changed = bundled(boards, z)
        layer.attn.relation_bias.bias.copy_(saved[0])
        bundled.denoiser.position.row.weight.copy_(saved[1])
        restored = bundled(boards, z)
    assert not torch.allclose(before, changed)
    assert torch.equal(before, restored)
