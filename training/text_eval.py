"""`vmd-eval text`: held-out perplexity in the layout of the paper's Table 5, generation samples
at several NFE, and the phrase-pair valid rates."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from vmdcore.checkpoint import CheckpointError, CheckpointInfo, load_checkpoint
from vmdcore.model import DiffusionModel
from vmdcore.sampling import SamplerConfig, run
from vmdcore.tasks import phrases
from vmdcore.tasks.text import TASK, CharTokenizer, prompt_tokens

from . import phrases as phrase_training
from .text import model_label
from .text_data import Corpus, held_out_windows
from .text_likelihood import LikelihoodSettings, block_length, estimate_nll, uses_exact_masks
from .text_targets import targets_section

log = logging.getLogger("vmd.text")

# Paper Table 5 (character-level text8): label, our (model, block) keys, the paper's figure.
PAPER_TABLE5 = (
    ("autoregressive", (("ar", None),), "2.603"),
    ("SEDD", (), "<= 3.529"),
    ("MDLM", (("mdm", 0),), "<= 3.498"),
    ("BD3-LM block 4 / 8", (("mdm", 4), ("mdm", 8)), "<= 2.873 / <= 3.126"),
    ("Block VMD block 4 / 8", (("vmd", 4), ("vmd", 8)), "<= 2.858 / <= 3.125"),
)


@dataclass(frozen=True)
class SampleSettings:
    nfes: tuple[int, ...] = (1, 2, 4, 8)
    per_nfe: int = 2
    prompt_chars: int = 32
    temperature: float = 0.8
    strategy: str = "random"
    seed: int = 0


def relation(label: str, model: DiffusionModel, settings: LikelihoodSettings) -> str:
    """How the figure relates to the true perplexity: '=' exact, '<=' a bound, '~' an estimate."""
    if label == "ar":
        return "="
    if model.encoder is None or uses_exact_masks(block_length(model), settings):
        return "<="
    return "~"


def _load_for_likelihood(path: Path, device) -> tuple[DiffusionModel, CheckpointInfo, CharTokenizer, str]:
    """The model, its record, its tokenizer and its table label; refuses a VMD copy without encoder."""
    model, info = load_checkpoint(path, device=device or "cpu", expect_task=TASK)
    if info.inference_only and info.config.is_latent:
        raise CheckpointError(f"{path.name} is an inference-only copy without the encoder that the likelihood needs; "
                              "evaluate the full checkpoint (resources/checkpoints in the source tree)")
    return model, info, CharTokenizer.from_vocabulary(info.vocabulary), model_label(info)


def perplexity_row(path: Path, corpus: Corpus, settings: LikelihoodSettings, eval_chars: int, device=None) -> dict:
    model, info, tokenizer, label = _load_for_likelihood(path, device)
    windows = held_out_windows(tokenizer.encode(corpus.held_out_text), model.config.seq_len, eval_chars)
    log.info("%s: %d windows of %d characters", path.name, len(windows), model.config.seq_len)
    result = estimate_nll(model, windows, label, settings)
    row = {
        "model": label, "block": None if label == "ar" else model.config.block_size,
        "ppl": round(result.ppl, 4), "nats_per_char": round(result.nats_per_char, 5),
        "relation": relation(label, model, settings), "estimate": result.estimate,
        "checkpoint": path.name, "chars": result.chars, "steps_done": info.metrics.get("steps_done"),
        "corpus_matches_training": info.recipe.get("corpus_sha256") == corpus.sha256,
        "unknown_characters": sorted(tokenizer.unknown_characters(corpus.held_out_text)),
    }
    if result.bound_ppl is not None:
        row["bound_ppl"] = round(result.bound_ppl, 4)
    return row


def generation_samples(path: Path, corpus: Corpus, settings: SampleSettings, device=None) -> list[dict]:
    """Continuations of the start of the held-out text at each NFE per block the model allows."""
    model, info, tokenizer, label = _load_for_likelihood(path, device)
    prompt = corpus.held_out_text[: min(settings.prompt_chars, model.config.seq_len // 2)]
    n = block_length(model)
    nfes = (1,) if label == "ar" else tuple(f for f in settings.nfes if f <= n) or (1,)
    out = []
    for nfe in nfes:
        tokens, fixed = prompt_tokens(tokenizer, prompt, model.config.seq_len, settings.per_nfe)
        config = SamplerConfig(nfe=nfe, strategy=settings.strategy, temperature=settings.temperature, seed=settings.seed)
        trace = run(model, tokens, config, fixed)
        for row in trace.final:
            out.append({"model": label, "block": None if label == "ar" else model.config.block_size, "nfe": nfe,
                        "total_nfe": len(trace.steps), "prompt": prompt,
                        "text": tokenizer.decode(row[len(prompt):]), "checkpoint": path.name})
    return out


def phrase_rows(path: Path, n: int, nfes: tuple[int, ...], seed: int, device=None) -> list[dict]:
    model, info = load_checkpoint(path, device=device or "cpu", expect_task=phrases.TASK)
    rows = []
    for r in phrase_training.score(model, n, nfes, seed):
        rows.append({"model": info.kind, **r, "checkpoint": path.name})
    return rows


def _ours(rows: list[dict], key: tuple[str, int | None]) -> str:
    found = [r for r in rows if (r["model"], r["block"]) == key]
    if not found:
        return "-"
    r = found[-1]
    return f"{r['ppl']:.3f}" if r["relation"] == "=" else f"{r['relation']} {r['ppl']:.3f}"


def word_rate_table(words: list[dict]) -> list[str]:
    """Word rate by steps per block, one row per model; the AR row is the reference."""
    nfes = sorted({w["nfe"] for w in words if w["model"] != "ar"}) or [1]
    lines = ["## Word rate", "", "| model | " + " | ".join(f"{n} step{'s' if n > 1 else ''} per block" for n in nfes) + " |",
             "|---|" + "---|" * len(nfes)]
    for key in dict.fromkeys((w["model"], w["block"]) for w in words):
        found = {w["nfe"]: w for w in words if (w["model"], w["block"]) == key}
        label = "AR" if key[0] == "ar" else f"{key[0].upper()} block {key[1]}"
        cells = [f"{found[1]['word_rate']:.1%}" if key[0] == "ar" else
                 (f"{found[n]['word_rate']:.1%}" if n in found else "-") for n in nfes]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    n = words[0]
    lines += ["", f"The share of a continuation's words (runs of letters and apostrophes, the last dropped when cut",
              "off) that occur in the training part of the corpus; each cell scores "
              f"{n['continuations']} continuations of held-out prompts. The AR model writes one character",
              "per step, so its figure stands in every column. Plot (scripts/plot_text_words.py):", "",
              "![word rate against steps per block](text-words.png)"]
    return lines


def format_markdown(report: dict, command: str) -> str:
    rows, phrase, samples = report["rows"], report["phrase"], report.get("samples", [])
    corpus = report.get("corpus", {})
    lines = ["# Text (paper Table 5) and the phrase-pair set", "", "Made by:", "", f"    {command}", "",
             *targets_section(report)]
    if rows:
        name = corpus.get("name", "held-out text")
        lines += ["## Held-out perplexity (paper Table 5)", "",
                  f"| model | PPL, paper (text8) | PPL, ours ({name}) |", "|---|---|---|"]
        for label, keys, paper in PAPER_TABLE5:
            ours = " / ".join(_ours(rows, k) for k in keys) if keys else "-"
            lines.append(f"| {label} | {paper} | {ours} |")
        lines += ["", "Per-character perplexity, lower is better. The paper's figures are on text8; ours are on the",
                  f"last 10% of {corpus.get('name', 'the corpus')} (the first 90% trains), so only figures in the same",
                  "column compare. '=' exact, '<=' an upper bound (in expectation), '~' an estimate. How each of ours is",
                  "estimated:", ""]
        for r in rows:
            block = "" if r["block"] is None else f" block {r['block']}"
            extra = f"; ELBO bound {r['bound_ppl']:.3f}" if "bound_ppl" in r else ""
            source = f"{r['checkpoint']}, {r['steps_done']} steps"
            lines.append(f"- {r['model'].upper()}{block} ({source}): {r['estimate']}{extra}")
    if phrase:
        per_prompt = phrase[0]["samples"] // len(phrases.PROMPTS)
        lines += ["", f"## Phrase pairs ({phrase[0]['samples']:,} samples per cell, {per_prompt} for each prompt)", "",
                  "| model | NFE | valid answers | independent-draw prediction | answer TV (exact sampler) |",
                  "|---|---|---|---|---|"]
        for r in phrase:
            rates = f"{r['valid_rate']:.1%} | {r['independent_prediction']:.1%}"
            spread = f"{r['answer_tv']:.3f} ({r['answer_tv_floor']:.3f})" if "answer_tv" in r else "-"
            lines.append(f"| {r['model'].upper()} | {r['nfe']} | {rates} | {spread} |")
        lines += ["", "Independent-draw prediction: the valid rate of drawing each answer character independently",
                  "from the model's first-step marginals (for VMD averaged over z); a one-step MDM should match it.",
                  "Answer TV: per prompt, the total-variation distance between the histogram of the valid answers",
                  "generated and the data's (uniform over the prompt's answers), averaged over prompts; in brackets",
                  "what an exact sampler scores with the same number of valid answers (finite samples alone).",
                  "0 is a perfect spread, 1 - 1/n a model that always names the same one of n answers.",
                  f"Decoding: {phrase_training.DECODING}."]
    if report.get("words"):
        lines += ["", *word_rate_table(report["words"])]
    if samples:
        lines += ["", "## Samples", ""]
        for s in samples:
            block = "AR" if s["block"] is None else f"{s['model'].upper()} block {s['block']}"
            lines.append(f"- {block}, NFE {s['nfe']} per block ({s['total_nfe']} in all): {s['prompt']!r} + {s['text']!r}")
    return "\n".join(lines) + "\n"

