"""Command-line training and evaluation that produce and judge the bundled checkpoints."""
