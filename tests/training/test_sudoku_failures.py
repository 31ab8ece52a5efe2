"""Sorting failed Sudoku solves: first wrong step, and same-step clashes between peers."""

import numpy as np
import pytest
import torch

from training.sudoku_failures import clashing_commits, failure_modes, format_failure_modes, one_by_one_accuracy
from vmdcore.model import build_model
from vmdcore.sudoku import parse_puzzle
from vmdcore.tasks import sudoku as sudoku_task

SOLVED = parse_puzzle("534678912672195348198342567859761423426853791713924856961537284287419635345286179")


def _puzzles(n: int) -> tuple[np.ndarray, np.ndarray]:
    puzzles = np.stack([SOLVED] * n)
    rng = np.random.default_rng(0)
    not_one = np.flatnonzero(SOLVED != 1)  # every 1 stays given, so a model that says "1" is wrong on each blank
    for row in puzzles:
        row[rng.choice(not_one, 50, replace=False)] = 0
    return puzzles, np.stack([SOLVED] * n)


def _model_predicting(grids_for_tokens) -> torch.nn.Module:
    """A Sudoku network whose forward pass names the digits grids_for_tokens(tokens) gives."""
    model = build_model(sudoku_task.model_config(d_model=16, n_layers=1, n_heads=2), seed=0)

    def forward(tokens, z=None, clean=None):
        digits = torch.as_tensor(grids_for_tokens(tokens), dtype=torch.long) - 1
        return torch.nn.functional.one_hot(digits, sudoku_task.VOCAB_SIZE).float() * 8.0

    model.forward = forward
    return model


def test_clashing_commits_needs_two_peers_with_one_digit_committed_in_the_same_step():
    grids = np.stack([SOLVED, SOLVED, SOLVED])
    grids[:, 1] = grids[:, 0]  # cells 0 and 1 share row 1 and now hold the same digit
    committed = np.zeros((3, 81), bool)
    committed[0, [0, 1]] = True  # both committed together: a clash
    committed[1, [1, 40]] = True  # only one of the pair in this step
    committed[2, [0, 80]] = True  # same digit elsewhere, but not peers
    assert clashing_commits(grids, committed).tolist() == [True, False, False]


def test_a_model_that_knows_the_solution_never_fails():
    puzzles, solutions = _puzzles(4)
    modes = failure_modes(_model_predicting(lambda tokens: solutions[:len(tokens)]), puzzles, solutions, "margin", 5)
    assert (modes.solved, modes.failed, sum(modes.first_wrong_step), modes.same_step_clash) == (4, 0, 0, 0)
    assert "no failures" in format_failure_modes("m", modes)


@pytest.mark.parametrize("nfe", [2, 81])
def test_every_failure_has_a_first_wrong_step_and_one_cell_per_step_cannot_clash(nfe):
    puzzles, solutions = _puzzles(3)
    ones = lambda tokens: np.ones((len(tokens), 81), dtype=int)  # noqa: E731
    modes = failure_modes(_model_predicting(ones), puzzles, solutions, "margin", nfe)
    assert modes.failed == 3 and sum(modes.first_wrong_step) == 3
    assert modes.first_wrong_step[0] == 3
    if nfe == 2:  # 25 cells a step, all "1": peers collide
        assert modes.same_step_clash == 3 and modes.mean_wrong_at_first == 25 and modes.wrong_commits == 75
    else:
        assert modes.same_step_clash == 0 and modes.mean_wrong_at_first == 1 and modes.wrong_commits == 3
    # asked again with the step's other commits in place, it still says "1": wrong beliefs, not parallel errors
    assert modes.right_given_step == 0 and modes.parallel_only == 0 and modes.median_wrong_confidence > 0.9
    assert "3/3 failed" in format_failure_modes("m", modes)


def test_an_error_that_knowing_the_other_commits_would_have_avoided_counts_as_parallel():
    puzzles, solutions = _puzzles(1)
    first, second = np.flatnonzero(puzzles[0] == 0)[:2]
    wrong_digit = solutions[0, second] % 9 + 1

    def beliefs(tokens):  # right everywhere, except `second` while `first` is still open
        grids = np.repeat(solutions[:1], len(tokens), axis=0).copy()
        grids[tokens[:, first].numpy() == sudoku_task.MASK_ID, second] = wrong_digit
        return grids

    one_step = failure_modes(_model_predicting(beliefs), puzzles, solutions, "margin", 1)
    assert (one_step.failed, one_step.wrong_commits, one_step.right_given_step, one_step.parallel_only) == (1, 1, 1, 1)
    assert "1 failures (100%) caused only by deciding cells together" in format_failure_modes("m", one_step)
    # one cell a step, ties taken in cell order: `first` is decided before `second`, which is then right
    one_cell_a_step = failure_modes(_model_predicting(beliefs), puzzles, solutions, "margin", 81)
    assert one_cell_a_step.failed == 0
    # still one step, but its cells decided one after another: the error is gone at the same NFE
    assert one_by_one_accuracy(_model_predicting(beliefs), puzzles, "margin", 1) == 1.0


def test_deciding_a_steps_cells_one_by_one_cannot_mend_wrong_beliefs():
    puzzles, solutions = _puzzles(2)
    ones = _model_predicting(lambda tokens: np.ones((len(tokens), 81), dtype=int))
    assert one_by_one_accuracy(ones, puzzles, "margin", 3) == 0.0
    assert one_by_one_accuracy(_model_predicting(lambda tokens: solutions[:len(tokens)]), puzzles, "top-prob", 2) == 1.0
