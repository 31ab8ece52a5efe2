"""What the Evaluate tab measures, as plain data (no Qt, no torch).

An `Evaluation` names the checkpoints it needs (`ModelSlot`s), splits the work into `Job`s (one
batch of one model with its sampler settings, in vmdcore.evaluation's batches and seeds) and
turns each batch's final tokens into figures with the scoring `vmd-eval` uses, so its JSON holds
the CLI's figures for the same seed. Four kinds: Sudoku solving (Table 4), Sudoku generation,
the synthetic sets (Table 3) and the phrase pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from vmdcore.evaluation import Batch, batches, spread
from vmdcore.evaluation import phrases as phrase_eval
from vmdcore.evaluation import synthetic as synthetic_eval
from vmdcore.evaluation.sudoku import (
    PAPER_TABLE4,
    SolveTally,
    batch_settings,
    clue_boards,
    file_levels,
    generation_score,
    table4,
)
from vmdcore.sudoku import PuzzleFormatError, read_puzzle_file
from vmdcore.tasks import phrases, synthetic
from vmdcore.tasks import sudoku as sudoku_task

TASKS: dict[str, str] = {
    "solve": "Sudoku solving (Table 4)",
    "generate": "Sudoku generation",
    "synthetic": "Synthetic sets (Table 3)",
    "phrases": "Phrase pairs",
}
KINDS = ("mdm", "vmd")
SYNTHETIC_CELLS = {"table3": ("Table 3 (D1, D2)", synthetic_eval.TABLE3_CELLS),
                   "pairs": ("2-token set", synthetic_eval.PAIR_CELLS)}
PREFIX = "eval/"


class PlanError(Exception):
    """The evaluation cannot be set up (a file, a checkpoint); the message is for the user."""


@dataclass(frozen=True)
class EvalSpec:
    """The user's choices. `items`: puzzles (solving), samples per cell (the rest); 0 = all the
    puzzles. `source`: a puzzle file, "" for the bundled test set; `level` keeps one difficulty."""

    task: str = "solve"
    items: int = 20
    nfes: tuple[int, ...] = (5, 10, 20)
    strategies: tuple[str, ...] = ("margin", "top-prob")
    models: tuple[str, ...] = KINDS
    seed: int = 0
    batch_size: int = 64
    source: str = ""
    level: str = ""
    clues: int = 0
    temperature: float = 0.0
    cells: str = "table3"


def spec_from_json(text: str) -> EvalSpec | None:
    """An EvalSpec saved as JSON (AppSettings.evaluate_spec); None when it is empty or unreadable,
    and fields of the wrong type or unknown names are dropped, so old settings never stop the tab."""
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    defaults = EvalSpec()
    kept: dict[str, Any] = {}
    for name, default in asdict(defaults).items():
        value = data.get(name, default)
        if isinstance(default, tuple):
            if isinstance(value, list) and all(isinstance(v, type(default[0]) if default else (int, str)) for v in value):
                kept[name] = tuple(value)
        elif isinstance(default, float) and isinstance(value, (int, float)) and not isinstance(value, bool):
            kept[name] = float(value)
        elif type(value) is type(default):
            kept[name] = value
    return replace(defaults, **kept)


@dataclass(frozen=True)
class ModelSlot:
    key: str  # the engine's name for it
    file: str  # in the checkpoint folder
    task: str
    kind: str
    label: str
    dataset: str = ""  # the synthetic sets: which one, in how many blocks
    blocks: int = 1


@dataclass(frozen=True)
class Job:
    """One batch of one model: what it adds to (`cell`), its input and sampler settings."""

    cell: tuple
    slot: ModelSlot
    batch: Batch
    initial: np.ndarray
    fixed: np.ndarray
    sampler: dict[str, Any]
    steps: int  # network evaluations in all (NFE per block times blocks)

    @property
    def units(self) -> int:
        """Work, for the progress bar and the ETA: items times steps."""
        return len(self.batch) * self.steps


@dataclass(frozen=True)
class Failure:
    """A puzzle a model did not solve, with what it takes to solve it again on the Sudoku tab."""

    slot: ModelSlot
    strategy: str
    nfe: int
    seed: int
    name: str
    level: str
    grid: np.ndarray

    def text(self) -> str:
        level = f", {self.level}" if self.level else ""
        return f"{self.slot.label} · {self.strategy} NFE {self.nfe} · {self.name}{level}"


@dataclass(frozen=True)
class Series:
    """One line of the chart: (NFE, value) points; `paper` lines are drawn dashed."""

    label: str
    kind: str
    points: tuple[tuple[int, float], ...]
    paper: bool = False


class Evaluation:
    """The figures of one run so far; `add` takes each batch as it comes back."""

    TITLE = ""
    Y_LABEL = "accuracy"
    NOTE = ""  # how to read the figures

    def __init__(self, spec: EvalSpec, folder: Path) -> None:
        self.spec = spec
        self.folder = folder
        self.slots: list[ModelSlot] = []
        self.jobs: list[Job] = []
        self.failures: list[Failure] = []
        self.batches_done = 0

    @property
    def total_units(self) -> int:
        return sum(job.units for job in self.jobs)

    def path(self, slot: ModelSlot) -> Path:
        return self.folder / slot.file

    def subject(self) -> str:
        """What was measured on, for the heading."""
        return ""

    def missing(self) -> list[str]:
        return [slot.file for slot in self.slots if not self.path(slot).is_file()]

    def add(self, job: Job, final: np.ndarray, seconds: float) -> None:
        self._add(job, np.asarray(final), seconds)
        self.batches_done += 1

    def _add(self, job: Job, final: np.ndarray, seconds: float) -> None:
        raise NotImplementedError

    def payload(self, device: str, partial: bool) -> dict:
        """The JSON export: the CLI's layout, plus what the app adds (task, partial, items done)."""
        return {"format": "vmd-evaluation", "version": 1, "task": self.spec.task, "partial": partial,
                "batches_done": self.batches_done, "batches": len(self.jobs), **self._payload(device)}

    def _payload(self, device: str) -> dict:
        raise NotImplementedError

    def table(self) -> tuple[list[str], list[list[str]]]:
        raise NotImplementedError

    def series(self) -> list[Series]:
        raise NotImplementedError

    def csv_rows(self) -> list[dict]:
        """One flat row per figure (nested figures spread over columns, lists left out)."""
        raise NotImplementedError


def _flat(row: dict, prefix: str = "") -> dict:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        elif not isinstance(value, (list, tuple)):
            out[prefix + key] = value
    return out


def _slot(task: str, stem: str, kind: str, label: str, **extra: Any) -> ModelSlot:
    return ModelSlot(f"{PREFIX}{stem}-{kind}", f"{stem}-{kind}.safetensors", task, kind, label, **extra)


# -- Sudoku solving ---------------------------------------------------------------------------
class SolveEvaluation(Evaluation):
    TITLE = TASKS["solve"]
    NOTE = ("Accuracy: the share of puzzles whose final grid is a valid Sudoku keeping every clue. "
            "The paper's rows (grey, dashed in the chart) are its Table 4.")

    def __init__(self, spec: EvalSpec, folder: Path, testset: Path) -> None:
        super().__init__(spec, folder)
        self.puzzle_file = Path(spec.source) if spec.source else testset
        if not spec.source and not testset.is_file():
            raise PlanError(f"This installation has no test set ({testset}): choose a puzzle file instead.")
        try:
            entries = read_puzzle_file(self.puzzle_file)
            levels = file_levels(self.puzzle_file, len(entries))
        except (OSError, PuzzleFormatError, UnicodeDecodeError) as exc:
            raise PlanError(f"Cannot read {self.puzzle_file}: {exc}") from exc
        if spec.level:
            keep = [i for i, level in enumerate(levels or []) if level == spec.level]
            if not keep:
                raise PlanError(f"{self.puzzle_file.name} has no {spec.level} puzzles.")
            entries, levels = [entries[i] for i in keep], [levels[i] for i in keep]
        picks = spread(len(entries), spec.items)
        self.entries = [entries[i] for i in picks]
        self.levels = [levels[i] for i in picks] if levels else None
        self.puzzles = np.stack([e.puzzle for e in self.entries])
        self.slots = [_slot("sudoku", "sudoku", kind, kind.upper()) for kind in spec.models]
        self.tallies: dict[tuple, SolveTally] = {}
        for strategy in spec.strategies:
            for nfe in spec.nfes:
                for slot in self.slots:
                    cell = (slot.key, strategy, nfe)
                    self.tallies[cell] = SolveTally(strategy, nfe)
                    for batch in batches(len(self.puzzles), spec.batch_size, spec.seed):
                        tokens, fixed = sudoku_task.encode(self.puzzles[batch.start:batch.stop])
                        self.jobs.append(Job(cell, slot, batch, tokens, fixed, batch_settings(strategy, nfe, batch), nfe))

    def subject(self) -> str:
        level = f" {self.spec.level}" if self.spec.level else ""
        return f"{len(self.puzzles)}{level} puzzles of {self.puzzle_file.name}"

    def _add(self, job: Job, final: np.ndarray, seconds: float) -> None:
        puzzles = self.puzzles[job.batch.start:job.batch.stop]
        solved = self.tallies[job.cell].add(sudoku_task.decode(final), puzzles, seconds)
        _, strategy, nfe = job.cell
        for offset in np.flatnonzero(~solved):
            index = job.batch.start + int(offset)
            entry = self.entries[index]
            self.failures.append(Failure(job.slot, strategy, nfe, job.batch.seed, entry.name or f"puzzle {index + 1}",
                                         self.levels[index] if self.levels else "", entry.puzzle))

    def reports(self, device: str = "") -> list[dict]:
        """Per model, `vmd-eval sudoku`'s report (with --by-difficulty when the file rates its
        puzzles); a cell appears once a batch of it is done, `n` being the puzzles it scored."""
        out = []
        for slot in self.slots:
            results = []
            for (key, _, _), tally in self.tallies.items():
                if key == slot.key and tally.n:
                    results.append({**tally.row(self.levels), "n": tally.n})
            out.append({"checkpoint": slot.file, "kind": slot.kind, "device": device, "puzzles": self.puzzle_file.name,
                        "n": len(self.puzzles), "seed": self.spec.seed, "latent_mode": "fixed", "latent_scale": 1.0,
                        "batch_size": self.spec.batch_size, "level": self.spec.level or "all", "results": results})
        return out

    def _payload(self, device: str) -> dict:
        return {"runs": self.reports(device)}

    def table(self) -> tuple[list[str], list[list[str]]]:
        return table4(self.reports(), list(self.spec.strategies), list(self.spec.nfes))

    def series(self) -> list[Series]:
        out = []
        for strategy in self.spec.strategies:
            for slot in self.slots:
                points = tuple((nfe, 100 * t.score().accuracy) for (key, s, nfe), t in self.tallies.items()
                               if key == slot.key and s == strategy and t.n)
                out.append(Series(f"{slot.label} {strategy}", slot.kind, points))
            for kind in self.spec.models:
                paper = tuple((nfe, PAPER_TABLE4[strategy][nfe][kind]) for nfe in sorted(PAPER_TABLE4.get(strategy, {})))
                if paper:
                    out.append(Series(f"paper {kind.upper()} {strategy}", kind, paper, paper=True))
        return out

    def csv_rows(self) -> list[dict]:
        return [{"checkpoint": r["checkpoint"], "kind": r["kind"], **_flat(row),
                 "paper_accuracy": _paper4(row["strategy"], row["nfe"], r["kind"])}
                for r in self.reports() for row in r["results"]]


def _paper4(strategy: str, nfe: int, kind: str) -> float | None:
    value = PAPER_TABLE4.get(strategy, {}).get(nfe, {}).get(kind)
    return None if value is None else value / 100


# -- Sudoku generation ------------------------------------------------------------------------
class GenerateEvaluation(Evaluation):
    TITLE = TASKS["generate"]
    Y_LABEL = "valid grids"
    NOTE = ("Valid: complete, no rule broken, every given cell kept. Distinct: distinct valid grids per sample. "
            "The paper has no generation table.")

    def __init__(self, spec: EvalSpec, folder: Path) -> None:
        super().__init__(spec, folder)
        self.boards = clue_boards(spec.items, spec.clues, spec.seed)
        self.slots = [_slot("sudoku", "sudoku-gen", kind, kind.upper()) for kind in spec.models]
        self.grids: dict[tuple, list[np.ndarray]] = {}
        self.seconds: dict[tuple, float] = {}
        for strategy in spec.strategies:
            for nfe in spec.nfes:
                for slot in self.slots:
                    cell = (slot.key, strategy, nfe)
                    self.grids[cell], self.seconds[cell] = [], 0.0
                    for batch in batches(len(self.boards), spec.batch_size, spec.seed):
                        tokens, fixed = sudoku_task.encode(self.boards[batch.start:batch.stop])
                        settings = batch_settings(strategy, nfe, batch, spec.temperature)
                        self.jobs.append(Job(cell, slot, batch, tokens, fixed, settings, nfe))

    def subject(self) -> str:
        start = f"{self.spec.clues} given cells" if self.spec.clues else "an empty board"
        return f"{self.spec.items} samples from {start}, temperature {self.spec.temperature:g}"

    def _add(self, job: Job, final: np.ndarray, seconds: float) -> None:
        self.grids[job.cell].append(sudoku_task.decode(final))
        self.seconds[job.cell] += seconds

    def rows(self, slot: ModelSlot) -> list[dict]:
        rows = []
        for (key, strategy, nfe), grids in self.grids.items():
            if key == slot.key and grids:
                done = np.concatenate(grids)
                score = generation_score(slot.kind, done, self.boards[: len(done)], self.spec.clues, nfe, strategy,
                                         self.spec.temperature, self.seconds[(key, strategy, nfe)])
                rows.append(score.to_dict())
        return rows

    def _payload(self, device: str) -> dict:
        runs = [{"checkpoint": slot.file, "kind": slot.kind, "results": self.rows(slot)} for slot in self.slots]
        return {"device": device, "samples": self.spec.items, "seed": self.spec.seed, "batch_size": self.spec.batch_size,
                "clue_source": "random held-out grids", "runs": runs,
                "results": [row for run in runs for row in run["results"]]}

    def table(self) -> tuple[list[str], list[list[str]]]:
        header = ["model", "clues", "strategy", "T", "NFE", "valid", "distinct", "clashing cells", "samples"]
        rows = [[r["model"].upper(), str(r["clues"]), r["strategy"], f"{r['temperature']:g}", str(r["nfe"]),
                 f"{r['valid_rate']:.1%}", f"{r['distinct_rate']:.1%}", f"{r['mean_conflicts']:.2f}", str(r["n"])]
                for slot in self.slots for r in self.rows(slot)]
        return header, rows

    def series(self) -> list[Series]:
        out = []
        for strategy in self.spec.strategies:
            for slot in self.slots:
                points = tuple((r["nfe"], 100 * r["valid_rate"]) for r in self.rows(slot) if r["strategy"] == strategy)
                out.append(Series(f"{slot.label} {strategy}", slot.kind, points))
        return out

    def csv_rows(self) -> list[dict]:
        return [{"checkpoint": slot.file, **row} for slot in self.slots for row in self.rows(slot)]


# -- the synthetic sets -------------------------------------------------------------------------
class SyntheticEvaluation(Evaluation):
    TITLE = TASKS["synthetic"]
    NOTE = ("Ours first, the paper's in brackets. Accuracy: the share of samples in the data support; "
            "KL: KL(data || sampled) in nats, smoothed with a 0.01 pseudo-count.")

    def __init__(self, spec: EvalSpec, folder: Path) -> None:
        super().__init__(spec, folder)
        self.cells = list(SYNTHETIC_CELLS[spec.cells][1])
        self.rows_by_cell: dict[tuple, dict] = {}
        slots: dict[tuple, ModelSlot] = {}
        for dataset, blocks, nfe in self.cells:
            for kind in spec.models:
                stem = f"synthetic-{dataset}-B{blocks}"
                label = f"{kind.upper()} {dataset} B{blocks}"
                slot = slots.setdefault((stem, kind), _slot("synthetic", stem, kind, label, dataset=dataset, blocks=blocks))
                length = synthetic.distribution(dataset).length
                initial = np.full((spec.items, length), synthetic.VOCAB_SIZE, dtype=np.int64)  # all masked
                batch = Batch(0, spec.items, spec.seed)  # a cell is one batch, as vmd-eval synthetic samples it
                sampler = synthetic_eval.decoding(kind == "vmd", blocks, nfe, spec.seed)
                fixed = np.zeros_like(initial, bool)
                self.jobs.append(Job((dataset, blocks, nfe, kind), slot, batch, initial, fixed, sampler, nfe))
        self.slots = list(slots.values())

    def subject(self) -> str:
        return f"{self.spec.items:,} samples per cell"

    def _add(self, job: Job, final: np.ndarray, seconds: float) -> None:
        self.rows_by_cell[job.cell] = synthetic_eval.cell_row(*job.cell, final)

    def rows(self) -> list[dict]:
        """`vmd-eval synthetic --json`'s cells, in its order (those done so far)."""
        return [self.rows_by_cell[(d, b, n, k)] for d, b, n in self.cells for k in KINDS if (d, b, n, k) in self.rows_by_cell]

    def _payload(self, device: str) -> dict:
        return {"device": device, "samples": self.spec.items, "seed": self.spec.seed, "cells": self.rows()}

    def table(self) -> tuple[list[str], list[list[str]]]:
        if self.spec.cells == "table3":
            return synthetic_eval.table3(self.rows())
        header = ["2-token set", "NFE", "model", "accuracy", "KL"]
        return header, [[r["dataset"], str(r["nfe"]), r["model"].upper(), f"{r['accuracy']:.1%}", f"{r['kl']:.3f}"]
                        for r in self.rows()]

    def series(self) -> list[Series]:
        out = []
        for slot in self.slots:
            dataset, blocks = slot.dataset, slot.blocks
            mine = [r for r in self.rows() if (r["dataset"], r["blocks"], r["model"]) == (dataset, blocks, slot.kind)]
            out.append(Series(slot.label, slot.kind, tuple(sorted((r["nfe"], 100 * r["accuracy"]) for r in mine))))
            paper = [(n, 100 * synthetic_eval.PAPER_TABLE3[(d, b, n)][slot.kind][0])
                     for d, b, n in self.cells if (d, b) == (dataset, blocks) and (d, b, n) in synthetic_eval.PAPER_TABLE3]
            if paper:
                out.append(Series(f"paper {slot.label}", slot.kind, tuple(sorted(paper)), paper=True))
        return out

    def csv_rows(self) -> list[dict]:
        return [dict(r) for r in self.rows()]


# -- the phrase pairs ---------------------------------------------------------------------------
class PhraseEvaluation(Evaluation):
    TITLE = TASKS["phrases"]
    Y_LABEL = "valid answers"
    NOTE = ("Valid: the answer is one of the prompt's answers. Answer TV: how far the valid answers' histogram is "
            "from uniform, beside what an exact sampler scores with as many. The paper has no phrase table.")

    def __init__(self, spec: EvalSpec, folder: Path) -> None:
        super().__init__(spec, folder)
        self.prompts = phrase_eval.prompts_for(spec.items)
        self.slots = [_slot("phrases", "phrases", kind, kind.upper()) for kind in spec.models]
        self.rows_by_cell: dict[tuple, dict] = {}
        tokens, fixed = phrases.prompt_rows(self.prompts)
        for nfe in spec.nfes:
            for slot in self.slots:
                batch = Batch(0, len(self.prompts), spec.seed)  # as vmd-eval text samples each NFE
                self.jobs.append(Job((slot.key, nfe), slot, batch, tokens, fixed,
                                     phrase_eval.decoding(slot.kind == "vmd", nfe, spec.seed), nfe))

    def subject(self) -> str:
        return f"{len(self.prompts)} answers per NFE, {len(self.prompts) // len(phrases.PROMPTS)} for each prompt"

    def _add(self, job: Job, final: np.ndarray, seconds: float) -> None:
        answers = [phrases.answer_text(row) for row in final]
        row = phrase_eval.phrase_row(job.cell[1], self.prompts, answers)
        self.rows_by_cell[job.cell] = {"model": job.slot.kind, **row, "checkpoint": job.slot.file}

    def rows(self) -> list[dict]:
        """As `vmd-eval text` writes its "phrase" rows (without the independent-draw prediction,
        which needs a forward pass outside the sampler)."""
        return [self.rows_by_cell[(s.key, n)] for s in self.slots for n in self.spec.nfes if (s.key, n) in self.rows_by_cell]

    def _payload(self, device: str) -> dict:
        return {"device": device, "seed": self.spec.seed, "phrase": self.rows()}

    def table(self) -> tuple[list[str], list[list[str]]]:
        header = ["model", "NFE", "valid", "answer TV", "exact-sampler TV", "samples"]
        return header, [[r["model"].upper(), str(r["nfe"]), f"{r['valid_rate']:.1%}", f"{r['answer_tv']:.3f}",
                         f"{r['answer_tv_floor']:.3f}", str(r["samples"])] for r in self.rows()]

    def series(self) -> list[Series]:
        return [Series(slot.label, slot.kind, tuple((r["nfe"], 100 * r["valid_rate"]) for r in self.rows()
                                                    if r["checkpoint"] == slot.file)) for slot in self.slots]

    def csv_rows(self) -> list[dict]:
        return [{k: v for k, v in r.items() if k not in ("answer_counts", "examples")} for r in self.rows()]


def make_evaluation(spec: EvalSpec, folder: Path, testset: Path) -> Evaluation:
    """The evaluation `spec` asks for; PlanError when it cannot be set up."""
    if spec.items < (0 if spec.task == "solve" else 1):
        raise PlanError("Choose at least one item.")
    if spec.task in ("solve", "generate", "phrases") and not spec.nfes:
        raise PlanError("Give at least one NFE value.")
    if spec.task in ("solve", "generate") and not spec.strategies:
        raise PlanError("Choose at least one strategy.")
    if not spec.models:
        raise PlanError("Choose at least one model.")
    if spec.task == "solve":
        evaluation: Evaluation = SolveEvaluation(spec, folder, testset)
    elif spec.task == "generate":
        evaluation = GenerateEvaluation(spec, folder)
    elif spec.task == "synthetic":
        evaluation = SyntheticEvaluation(spec, folder)
    elif spec.task == "phrases":
        evaluation = PhraseEvaluation(spec, folder)
    else:
        raise PlanError(f"Unknown evaluation {spec.task!r}")
    gone = evaluation.missing()
    if gone:
        raise PlanError(f"Not in {folder}: {', '.join(gone)}.")
    return evaluation


def csv_text(rows: Sequence[dict]) -> str:
    """Rows as CSV, the columns in the order they first occur."""
    import csv
    import io

    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def cli_command(spec: EvalSpec, folder: Path) -> str:
    """The `vmd-eval` command whose figures the run's export holds ('' where there is none)."""
    nfes = " ".join(map(str, spec.nfes))
    strategies = " ".join(spec.strategies)
    checkpoints = " ".join(str(folder / f"{stem}-{kind}.safetensors") for kind in spec.models
                           for stem in (("sudoku",) if spec.task == "solve" else ("sudoku-gen",)))
    if spec.task == "solve":
        if spec.level:
            return ""  # vmd-eval sudoku has no difficulty filter
        puzzles = f" --puzzles {spec.source}" if spec.source else ""
        limit = f" --limit {spec.items}" if spec.items else ""
        return (f"vmd-eval sudoku --checkpoint {checkpoints}{puzzles}{limit} --nfe {nfes} --strategy {strategies} "
                f"--seed {spec.seed} --batch-size {spec.batch_size} --by-difficulty")
    if spec.task == "generate":
        return (f"vmd-eval sudoku-generate --checkpoint {checkpoints} --samples {spec.items} --nfe {nfes} "
                f"--strategy {strategies} --temperature {spec.temperature:g} --clues {spec.clues} --seed {spec.seed} "
                f"--batch-size {spec.batch_size}")
    if spec.task == "synthetic":
        return f"vmd-eval synthetic --checkpoints {folder} --samples {spec.items} --seed {spec.seed}"
    phrase_models = " ".join(str(folder / f"phrases-{kind}.safetensors") for kind in spec.models)
    return (f"vmd-eval text --checkpoint --phrase-checkpoint {phrase_models} --phrase-samples {spec.items} "
            f"--phrase-nfe {nfes} --seed {spec.seed}")
