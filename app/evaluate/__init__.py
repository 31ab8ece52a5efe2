"""The Evaluate tab: the paper's tables reproduced with vmd-eval's own scoring, formed batch by batch."""
