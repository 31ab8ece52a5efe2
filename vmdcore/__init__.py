"""VMD engine: masked diffusion models, their training losses, a step-by-step sampler and
checkpoints. Pure torch + numpy; nothing here imports Qt."""

__version__ = "0.1.0"
