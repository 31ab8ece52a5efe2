"""The `text` and `phrases` tasks of vmd-train, and the `text` and `text-sample` tasks of vmd-eval."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from pathlib import Path

from vmdcore.checkpoint import CheckpointError, load_checkpoint, save_checkpoint, stored_dtype

from . import text_eval, text_sample, text_words
from .phrases import PhraseRecipe, checkpoint_name as phrase_checkpoint_name, train_phrases
from .text import KINDS, TextRecipe, checkpoint_name, train_text
from .text_data import CorpusError, load_corpus
from .text_likelihood import LikelihoodSettings

ROOT = Path(__file__).resolve().parent.parent
CHECKPOINTS = ROOT / "resources" / "checkpoints"
BUNDLED_TEXT = [checkpoint_name("ar", 0)] + [checkpoint_name(k, b) for k in ("mdm", "vmd") for b in (4, 8)]
BUNDLED_PHRASES = [phrase_checkpoint_name(k) for k in ("mdm", "vmd")]


def _add_recipe_flags(parser, recipe_cls) -> None:
    defaults = recipe_cls()
    for f in fields(recipe_cls):
        flag = "--" + f.name.replace("_", "-")
        value = getattr(defaults, f.name)
        if isinstance(value, bool):
            parser.add_argument(flag, type=lambda v: v.lower() in ("1", "true", "yes"), default=None, metavar="BOOL")
        else:
            parser.add_argument(flag, type=type(value), default=None, help=f"default {value}")


def _recipe(recipe_cls, args):
    return recipe_cls(**{f.name: getattr(args, f.name) for f in fields(recipe_cls) if getattr(args, f.name) is not None})


def _add_common_train_flags(parser, eval_every: int) -> None:
    parser.add_argument("--minutes", type=float, help="stop after this many minutes (state saved; rerun to continue)")
    parser.add_argument("--eval-every", type=int, default=eval_every, help="held-out probe every N steps (0 = off)")
    parser.add_argument("--log-every", type=int, default=50)
    parser.add_argument("--out", type=Path, help="default: resources/checkpoints/<name>.safetensors")
    parser.add_argument("--run-dir", type=Path, help="default: runs/<name>")
    parser.add_argument("--device", default=None, help="cpu, cuda, mps (default: the best available)")
    parser.add_argument("--threads", type=int, default=0)


def add_train(sub) -> None:
    p = sub.add_parser("text", help="character-level block MDM, Block VMD or AR on a corpus (paper Table 5)")
    p.add_argument("--model", choices=KINDS, required=True, help="ar is the same network with block size 1")
    p.add_argument("--block", type=int, default=4, help="block size for mdm/vmd (0 = one block: MDLM); ignored for ar")
    p.add_argument("--corpus", type=Path, required=True, help="plain UTF-8 text; the last 10%% is held out")
    p.add_argument("--val-chars", type=int, default=4096, help="held-out characters the training probe scores")
    _add_recipe_flags(p, TextRecipe)
    _add_common_train_flags(p, eval_every=1000)


def train(args, command: str) -> None:
    name = checkpoint_name(args.model, args.block)
    out = args.out or CHECKPOINTS / name
    run_dir = args.run_dir or Path("runs") / Path(name).stem
    try:
        train_text(args.model, args.block, _recipe(TextRecipe, args), args.corpus, out, run_dir, command,
                   args.minutes, args.eval_every, args.device, args.log_every, args.val_chars)
    except (CorpusError, ValueError) as exc:
        raise SystemExit(f"vmd-train text: {exc}") from exc


def add_phrase_train(sub) -> None:
    p = sub.add_parser("phrases", help="MDM or VMD on the generated phrase-pair set")
    p.add_argument("--model", choices=("mdm", "vmd"), required=True)
    p.add_argument("--eval-samples", type=int, default=5000,
                   help="samples scored at NFE 1 and 2 after training, spread evenly over the prompts")
    _add_recipe_flags(p, PhraseRecipe)
    _add_common_train_flags(p, eval_every=500)


def train_phrase_model(args, command: str) -> None:
    name = phrase_checkpoint_name(args.model)
    out = args.out or CHECKPOINTS / name
    run_dir = args.run_dir or Path("runs") / Path(name).stem
    train_phrases(args.model, _recipe(PhraseRecipe, args), out, run_dir, command, args.minutes, args.eval_every,
                  args.device, args.eval_samples, args.log_every)


def add_eval(sub) -> None:
    p = sub.add_parser("text", help="held-out perplexity (Table 5 layout), samples, phrase-pair valid rates")
    p.add_argument("--checkpoint", type=Path, nargs="*", help="text models (default: the bundled ones that exist)")
    p.add_argument("--phrase-checkpoint", type=Path, nargs="*", help="phrase models (default: the bundled ones that exist)")
    p.add_argument("--corpus", type=Path, help="the corpus the text models were trained on (its last 10%% is scored)")
    p.add_argument("--eval-chars", type=int, default=0, help="score only the first N held-out characters (0 = all)")
    p.add_argument("--iw-samples", type=int, default=16, help="K draws of z per window for VMD")
    p.add_argument("--rounds", type=int, default=1, help="random mask rounds where masks are not enumerated")
    p.add_argument("--strata", type=int, default=16, help="masked-count strata per round where masks are not enumerated")
    p.add_argument("--batch-windows", type=int, default=16)
    p.add_argument("--nfe", type=int, nargs="+", default=[1, 2, 4, 8], help="steps per block for the samples")
    p.add_argument("--samples-per-nfe", type=int, default=2)
    p.add_argument("--temperature", type=float, default=0.8, help="for the text samples")
    p.add_argument("--phrase-samples", type=int, default=5000, help="spread evenly over the prompts")
    p.add_argument("--phrase-nfe", type=int, nargs="+", default=[1, 2])
    p.add_argument("--word-prompts", type=int, default=64,
                   help="held-out prompts continued at each --nfe for the word rate (0 = no word rate)")
    p.add_argument("--word-length", type=int, default=32, help="characters per continuation for the word rate")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cpu")
    p.add_argument("--json", type=Path)
    p.add_argument("--markdown", type=Path)
    p.add_argument("--record", action="store_true",
                   help="write each model's figures (and the command) into its checkpoint's metadata")
    p.add_argument("--merge", type=Path, nargs="+", metavar="REPORT",
                   help="evaluate nothing: join earlier --json reports (one per model, say) into one --json/--markdown")
    p.add_argument("--threads", type=int, default=0)


def _existing(given: list[Path] | None, bundled: list[str]) -> list[Path]:
    if given is not None:
        return list(given)
    return [CHECKPOINTS / name for name in bundled if (CHECKPOINTS / name).exists()]


def evaluate(args, command: str) -> None:
    if args.merge:
        _write_report(merged_report(args.merge), args)
        return
    text_paths = _existing(args.checkpoint, BUNDLED_TEXT)
    phrase_paths = _existing(args.phrase_checkpoint, BUNDLED_PHRASES)
    if not text_paths and not phrase_paths:
        raise SystemExit("vmd-eval text: no checkpoints given and none bundled yet; train them first "
                         "(vmd-train text --model ... --corpus PATH, vmd-train phrases --model ...)")
    report: dict = {"commands": [command], "rows": [], "phrase": [], "samples": []}
    try:
        if text_paths:
            if args.corpus is None:
                raise SystemExit("vmd-eval text: the text models need --corpus (the file they were trained on)")
            corpus = load_corpus(args.corpus)
            report["corpus"] = {"name": corpus.name, "sha256": corpus.sha256, "held_out_chars": len(corpus.held_out_text)}
            settings = LikelihoodSettings(strata=args.strata, rounds=args.rounds, iw_samples=args.iw_samples,
                                          batch_windows=args.batch_windows, seed=args.seed)
            sampling = text_eval.SampleSettings(nfes=tuple(args.nfe), per_nfe=args.samples_per_nfe,
                                                temperature=args.temperature, seed=args.seed)
            for path in text_paths:
                row = text_eval.perplexity_row(path, corpus, settings, args.eval_chars, args.device)
                print(f"{path.name:28s} PPL {row['relation']} {row['ppl']:.4f}  ({row['estimate']})", flush=True)
                report["rows"].append(row)
                report["samples"] += text_eval.generation_samples(path, corpus, sampling, args.device)
            if args.word_prompts > 0:
                report["words"] = _word_rows(text_paths, corpus, args)
        for path in phrase_paths:
            for row in text_eval.phrase_rows(path, args.phrase_samples, tuple(args.phrase_nfe), args.seed, args.device):
                print(f"{path.name:28s} NFE {row['nfe']}: {row['valid_rate']:.1%} valid "
                      f"(independent draws: {row['independent_prediction']:.1%})", flush=True)
                report["phrase"].append(row)
    except (CheckpointError, CorpusError, ValueError) as exc:
        raise SystemExit(f"vmd-eval text: {exc}") from exc
    if args.record:
        _record(text_paths + phrase_paths, report, command)
    _write_report(report, args)


REPORT_LISTS = ("rows", "phrase", "samples", "words")


def merged_report(paths: list[Path]) -> dict:
    """One report from several, in the order given; they must have scored the same corpus."""
    merged: dict = {"commands": [], **{key: [] for key in REPORT_LISTS}}
    for path in paths:
        try:
            part = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise SystemExit(f"vmd-eval text: cannot read the report {path}: {exc}") from exc
        if not isinstance(part, dict) or "rows" not in part:
            raise SystemExit(f"vmd-eval text: {path} is not a vmd-eval text --json report")
        corpus = part.get("corpus")
        if corpus and merged.get("corpus", corpus)["sha256"] != corpus["sha256"]:
            raise SystemExit(f"vmd-eval text: {path} scored another corpus than the reports before it")
        if corpus:
            merged["corpus"] = corpus
        merged["commands"] += [c for c in part.get("commands", []) if c not in merged["commands"]]
        for key in REPORT_LISTS:
            merged[key] += part.get(key, [])
    if not merged["words"]:
        del merged["words"]
    return merged


def _write_report(report: dict, args) -> None:
    markdown = text_eval.format_markdown(report, "\n    ".join(report["commands"]))
    print(markdown)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown)


def _record(paths: list[Path], report: dict, command: str) -> None:
    """metrics["evaluation"] of each checkpoint: its rows of the report, so the app can show them."""
    for path in paths:
        mine = {key: [r for r in report.get(key, []) if r.get("checkpoint") == path.name]
                for key in ("rows", "phrase", "words")}
        model, info = load_checkpoint(path)
        evaluation = {**{k: v for k, v in mine.items() if v}, "command": command,
                      **({"corpus": report["corpus"]} if "corpus" in report and mine["rows"] else {})}
        save_checkpoint(model, replace(info, metrics={**info.metrics, "evaluation": evaluation}), path, stored_dtype(path))
        print(f"recorded the figures in {path}")


def _word_rows(paths: list[Path], corpus, args) -> list[dict]:
    prompts = text_sample.held_out_prompts(corpus.held_out_text, args.word_prompts, 32, args.seed)
    settings = text_sample.ContinuationSettings(length=args.word_length, nfes=tuple(args.nfe), samples=1,
                                                temperature=args.temperature, seed=args.seed)
    known = text_words.vocabulary(corpus.train_text)
    rows = []
    for path in paths:
        found = text_sample.word_rows(text_sample.sample_checkpoint(path, prompts, settings, args.device), known)
        for r in found:
            print(f"{path.name:28s} {r['nfe']} steps per block: word rate {r['word_rate']:.1%} "
                  f"({r['known_words']}/{r['words']} words)", flush=True)
        rows += found
    return rows


def add_sample_eval(sub) -> None:
    p = sub.add_parser("text-sample", help="continue prompts with a text model at several steps per block (JSON lines)")
    p.add_argument("--checkpoint", type=Path, required=True)
    p.add_argument("--prompt-file", type=Path, required=True,
                   help="one prompt per line (write a line break inside a prompt as \\n)")
    p.add_argument("--length", type=int, default=64, help="characters to generate after each prompt")
    p.add_argument("--nfe", type=int, nargs="+", default=[1, 2, 4], help="steps per block")
    p.add_argument("--samples", type=int, default=1, help="continuations per prompt and NFE")
    p.add_argument("--temperature", type=float, default=0.8)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, required=True, help="JSON lines: checkpoint, nfe, prompt, text")
    p.add_argument("--corpus", type=Path, help="also print the word rate against this corpus's training part")
    p.add_argument("--device", default="cpu")
    p.add_argument("--threads", type=int, default=0)


def sample_eval(args, command: str) -> None:
    try:
        prompts = text_sample.read_prompts(args.prompt_file)
        settings = text_sample.ContinuationSettings(length=args.length, nfes=tuple(args.nfe), samples=args.samples,
                                                    temperature=args.temperature, seed=args.seed)
        rows = text_sample.sample_checkpoint(args.checkpoint, prompts, settings, args.device)
        known = text_words.vocabulary(load_corpus(args.corpus).train_text) if args.corpus else None
    except (CheckpointError, CorpusError, ValueError) as exc:
        raise SystemExit(f"vmd-eval text-sample: {exc}") from exc
    text_sample.write_jsonl([{k: r[k] for k in ("checkpoint", "nfe", "prompt", "text")} for r in rows], args.out)
    print(f"wrote {len(rows)} continuations to {args.out}")
    if known is not None:
        for r in text_sample.word_rows(rows, known):
            print(f"{r['nfe']} steps per block: word rate {r['word_rate']:.1%} ({r['known_words']}/{r['words']} words)")
