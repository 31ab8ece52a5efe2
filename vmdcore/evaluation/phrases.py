"""The phrase-pair figures: how the models are decoded, which prompts are asked, and the row of
figures for one NFE (valid rate, how evenly the valid answers cover each prompt's answers)."""

from __future__ import annotations

from collections.abc import Sequence

from ..tasks import phrases


def decoding(is_latent: bool, nfe: int, seed: int) -> dict:
    """Sampler settings. As for the synthetic sets: an MDM decoded by argmax would give one answer
    per prompt, so it samples its marginals; VMD's randomness is z, the characters follow by
    argmax. Order: random."""
    return {"nfe": nfe, "strategy": "random", "temperature": 0.0 if is_latent else 1.0, "seed": seed}


def prompts_for(n: int) -> list[str]:
    """About n prompts spread evenly over the set (every prompt n // 10 times, at least once)."""
    return phrases.balanced_prompts(max(1, n // len(phrases.PROMPTS)))


def phrase_row(nfe: int, prompts: Sequence[str], answers: Sequence[str], predicted: float | None = None) -> dict:
    """One NFE's figures: the valid rate, the independent-draw prediction when given, and the
    answer histogram's TV distance beside the floor an exact sampler would score."""
    counts = phrases.answer_counts(zip(prompts, answers))
    row = {"nfe": nfe, "valid_rate": round(phrases.valid_rate(zip(prompts, answers)), 4)}
    if predicted is not None:
        row["independent_prediction"] = round(predicted, 4)
    row.update({
        "samples": len(prompts),
        "answer_tv": round(phrases.answer_tv(counts), 4), "answer_tv_floor": round(phrases.answer_tv_floor(counts), 4),
        "answer_counts": counts,
        "examples": [f"{p} {a}" for p, a in list(zip(prompts, answers))[:: max(1, len(prompts) // 6)][:6]],
    })
    return row
