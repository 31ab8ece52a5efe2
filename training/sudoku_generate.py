"""Scoring Sudoku generation: many valid completions exist, so a sample is judged by validity
(complete, no rule broken, every given cell kept) and the samples by how many distinct grids
they hold. Starts from an empty board, from K random cells of held-out grids, or from the
grids of a file."""

from __future__ import annotations

import time

import numpy as np

from vmdcore.evaluation import batches
from vmdcore.evaluation.sudoku import (
    CLUE_GRID_SEED,
    GenerationScore,
    batch_settings,
    clue_boards,
    generation_score,
    read_grid_source,
    score_samples,
)
from vmdcore.model import DiffusionModel
from vmdcore.sampling import SamplerConfig

from .sudoku_eval import solve_batch

# CLUE_GRID_SEED, GenerationScore, clue_boards, read_grid_source and score_samples live in
# vmdcore.evaluation.sudoku (the app scores with them too) and are imported from here as before.


def generate(
    model: DiffusionModel, boards: np.ndarray, nfe: int, strategy: str = "margin", temperature: float = 0.0,
    seed: int = 0, batch_size: int = 256,
) -> np.ndarray:
    """One sample per board: every empty cell filled by the model, in batches."""
    out = []
    for batch in batches(len(boards), batch_size, seed):
        config = SamplerConfig(**batch_settings(strategy, nfe, batch, temperature))
        out.append(solve_batch(model, boards[batch.start:batch.stop], config))
    return np.concatenate(out).astype(np.int8)


def score_generation(
    model: DiffusionModel, name: str, boards: np.ndarray, clues: int, nfe: int, strategy: str, temperature: float,
    seed: int = 0, batch_size: int = 256,
) -> tuple[GenerationScore, np.ndarray]:
    started = time.perf_counter()
    grids = generate(model, boards, nfe, strategy, temperature, seed, batch_size)
    score = generation_score(name, grids, boards, clues, nfe, strategy, temperature, time.perf_counter() - started)
    return score, grids


def generation_probe(nfes=(5, 81), n: int = 64, temperature: float = 0.0):
    """A quick check during training: valid rate from an empty board at a few NFE."""

    def evaluate(model: DiffusionModel) -> dict[str, float]:
        boards = np.zeros((n, 81), np.int8)
        results = {}
        for nfe in nfes:
            valid, _, distinct = score_samples(generate(model, boards, nfe, "margin", temperature), boards)
            results[f"gen_valid_nfe{nfe}"] = round(valid, 3)
            results[f"gen_distinct_nfe{nfe}"] = round(distinct, 3)
        return results

    return evaluate
