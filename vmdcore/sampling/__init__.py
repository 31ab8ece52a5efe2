"""Step-by-step decoding of masked diffusion models."""

from .sampler import SamplerConfig, run, sample
from .strategies import DESCRIPTIONS, STRATEGIES
from .trace import Step, Trace

__all__ = ["SamplerConfig", "Step", "Trace", "run", "sample", "STRATEGIES", "DESCRIPTIONS"]
