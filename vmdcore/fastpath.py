"""Whether a forward may take the inference shortcuts (cached biases and position embeddings,
plain attention kernels). One switch, so tests can run the reference path for comparison."""

from __future__ import annotations

import torch
from torch import nn

# Off: every forward takes the training path (the reference the tests compare the fast one to).
FAST_INFERENCE = True


def inference_path(module: nn.Module) -> bool:
    """True where no gradient is taken and the module is in eval mode: then the forward may
    reuse what does not change between calls and skip autograd-friendly kernels."""
    return FAST_INFERENCE and not module.training and not torch.is_grad_enabled()
