"""Continuations of prompts by a text model at chosen steps per block, and their word rate.

`vmd-eval text-sample` writes them as JSON lines; `vmd-eval text` uses the same code for the
word-rate rows of docs/results/text.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from vmdcore.checkpoint import load_checkpoint
from vmdcore.model import DiffusionModel
from vmdcore.sampling import SamplerConfig, run
from vmdcore.tasks.text import TASK, CharTokenizer, prompt_tokens

from .text import model_label
from .text_likelihood import block_length
from .text_words import WordRate, word_rate


@dataclass(frozen=True)
class ContinuationSettings:
    length: int = 64
    nfes: tuple[int, ...] = (1, 2, 4)
    samples: int = 1
    temperature: float = 0.8
    strategy: str = "random"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.length < 1 or self.samples < 1 or not self.nfes or min(self.nfes) < 1:
            raise ValueError("length, samples and every NFE must be at least 1")


def read_prompts(path: Path) -> list[str]:
    """One prompt per line; the two characters backslash-n stand for a line break inside a prompt."""
    if not path.is_file():
        raise ValueError(f"prompt file not found: {path}")
    prompts = [line.replace("\\n", "\n") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not prompts:
        raise ValueError(f"{path} holds no prompt (one prompt per line)")
    return prompts


def held_out_prompts(text: str, n: int, chars: int, seed: int = 0) -> list[str]:
    """n prompts of `chars` characters from `text`, each ending just before a space, so the first
    word of a continuation is its own."""
    rng = np.random.default_rng(seed)
    ends = np.array([i for i, c in enumerate(text) if c == " " and i >= chars])
    if len(ends) == 0:
        raise ValueError(f"no space after the first {chars} characters of the held-out text")
    return [text[e - chars : e] for e in rng.choice(ends, size=n, replace=len(ends) < n)]


def _steps_per_block(model: DiffusionModel, label: str, nfes: Iterable[int]) -> tuple[int, ...]:
    if label == "ar":
        return (1,)
    return tuple(dict.fromkeys(min(f, block_length(model)) for f in nfes))


def continue_prompts(
    model: DiffusionModel, tokenizer: CharTokenizer, label: str, prompts: list[str], settings: ContinuationSettings,
) -> list[dict]:
    """For each steps-per-block setting and prompt, `samples` continuations of settings.length
    characters. The model reads its last seq_len - length prompt characters (all of a short prompt)."""
    seq_len = model.config.seq_len
    if settings.length >= seq_len:
        raise ValueError(f"--length {settings.length}: this model reads {seq_len} characters, "
                         f"so a continuation can have at most {seq_len - 1}")
    contexts = [prompt[-(seq_len - settings.length):] for prompt in prompts]
    by_length: dict[int, list[int]] = {}
    for index, context in enumerate(contexts):
        by_length.setdefault(len(context), []).append(index)
    out = []
    for nfe in _steps_per_block(model, label, settings.nfes):
        found: dict[int, list[str]] = {}
        # Prompts of one length share a batch: block boundaries then fall at the same places.
        for width, indices in by_length.items():
            parts = [prompt_tokens(tokenizer, contexts[i], seq_len, settings.samples) for i in indices]
            tokens, fixed = np.concatenate([t for t, _ in parts]), np.concatenate([f for _, f in parts])
            config = SamplerConfig(nfe=nfe, strategy=settings.strategy, temperature=settings.temperature,
                                   seed=settings.seed + width)
            final = run(model, tokens, config, fixed).final
            for k, i in enumerate(indices):
                rows = final[k * settings.samples : (k + 1) * settings.samples]
                found[i] = [tokenizer.decode(row[width : width + settings.length]) for row in rows]
        out += [{"nfe": nfe, "prompt": prompts[i], "text": text} for i in range(len(prompts)) for text in found[i]]
    return out


def sample_checkpoint(path: Path, prompts: list[str], settings: ContinuationSettings, device: str = "cpu") -> list[dict]:
    model, info = load_checkpoint(path, device=device, expect_task=TASK)
    label = model_label(info)
    rows = continue_prompts(model, CharTokenizer.from_vocabulary(info.vocabulary), label, prompts, settings)
    block = None if label == "ar" else model.config.block_size
    return [{"checkpoint": path.name, "model": label, "block": block, **row} for row in rows]


def write_jsonl(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    tmp.replace(path)


def word_rows(rows: list[dict], known: frozenset[str]) -> list[dict]:
    """One row per (checkpoint, nfe): model, block, nfe, word_rate and the word counts."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((r["checkpoint"], r["nfe"]), []).append(r)
    out = []
    for (checkpoint, nfe), group in groups.items():
        rate: WordRate = word_rate(((r["prompt"], r["text"]) for r in group), known)
        out.append({"model": group[0]["model"], "block": group[0]["block"], "nfe": nfe,
                    "word_rate": round(rate.rate, 4), "words": rate.words, "known_words": rate.known,
                    "continuations": len(group), "checkpoint": checkpoint})
    return out
