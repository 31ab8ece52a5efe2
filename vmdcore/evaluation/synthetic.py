"""The paper's synthetic experiments (Table 3) and the 2-token set: which cells there are, how a
model is decoded for them, and how the samples are scored against the exact distribution."""

from __future__ import annotations

import numpy as np

from ..tasks import synthetic

# Paper Table 3: (dataset, blocks, nfe) -> {model: (accuracy, kl)}
PAPER_TABLE3 = {
    ("D1", 2, 4): {"mdm": (0.994, 0.007), "vmd": (1.000, 0.012)},
    ("D1", 2, 2): {"mdm": (0.101, 2.298), "vmd": (0.942, 0.068)},
    ("D1", 1, 4): {"mdm": (0.993, 0.010), "vmd": (1.000, 0.033)},
    ("D1", 1, 1): {"mdm": (0.001, 9.422), "vmd": (0.873, 0.165)},
    ("D2", 2, 4): {"mdm": (0.993, 0.018), "vmd": (1.000, 0.018)},
    ("D2", 2, 2): {"mdm": (0.011, 7.656), "vmd": (0.886, 0.148)},
    ("D2", 1, 4): {"mdm": (0.991, 0.015), "vmd": (1.000, 0.475)},
    ("D2", 1, 1): {"mdm": (0.011, 7.493), "vmd": (0.800, 0.268)},
}
TABLE3_CELLS = list(PAPER_TABLE3)
PAIR_CELLS = [("pair", 1, 1), ("pair", 1, 2), ("pair-skewed", 1, 1), ("pair-skewed", 1, 2)]


def checkpoint_name(dataset: str, blocks: int, kind: str) -> str:
    return f"synthetic-{dataset}-B{blocks}-{kind}.safetensors"


def decoding(is_latent: bool, n_blocks: int, nfe_total: int, seed: int) -> dict:
    """The paper's decoding, as sampler settings: MDM samples tokens from its marginals (argmax
    would give one sequence only); VMD draws z once and takes the argmax given z. Order: random.
    `nfe_total` is spread over the blocks."""
    return {"nfe": max(1, nfe_total // n_blocks), "strategy": "random", "temperature": 0.0 if is_latent else 1.0,
            "seed": seed}


def cell_row(dataset: str, blocks: int, nfe: int, kind: str, samples: np.ndarray) -> dict:
    """A cell's figures beside the paper's, as `vmd-eval synthetic --json` writes them."""
    score = synthetic.score_samples(synthetic.distribution(dataset), samples)
    paper = PAPER_TABLE3.get((dataset, blocks, nfe), {}).get(kind)
    return {
        "dataset": dataset, "blocks": blocks, "nfe": nfe, "model": kind,
        "accuracy": round(score.accuracy, 4), "kl": round(score.kl, 4),
        "paper_accuracy": paper[0] if paper else None, "paper_kl": paper[1] if paper else None,
    }


def table3(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    """(header, rows) in the paper's Table 3 layout: accuracy and KL per model, ours first and
    the paper's in brackets; '-' where a cell has no figure yet."""
    lookup = {(r["dataset"], r["blocks"], r["nfe"], r["model"]): r for r in rows}
    header = ["metric", "model"] + [f"{d} B{b} N{f}" for d, b, f in TABLE3_CELLS]
    out = []
    for metric, fmt in (("accuracy", "{:.1%}"), ("kl", "{:.3f}")):
        for kind in ("mdm", "vmd"):
            cells = []
            for d, b, f in TABLE3_CELLS:
                row = lookup.get((d, b, f, kind))
                cells.append("-" if row is None else f"{fmt.format(row[metric])} ({fmt.format(row[f'paper_{metric}'])})")
            out.append(["acc" if metric == "accuracy" else "KL", kind.upper()] + cells)
    return header, out
