"""`vmd --self-test` (and `VMD --self-test` on a packaged build): prove this copy of the app works.

It runs without a screen (Qt's offscreen platform unless QT_QPA_PLATFORM says otherwise),
touches no user settings, prints one line per check and a summary, and exits 0 when every
check passed, 1 with the reasons when one failed.

The checks are a list, run in order. Each is a `Check`: a name, what it proves, and a function
that takes the shared `Context` and returns what it did in a line (or a few), or raises
`CheckFailed` / `CheckSkipped` with the reason. A new capability adds one entry to CHECKS,
as text generation did (`Check("text", ...)`).

"window" runs first on purpose: it builds and shows the main window before anything has
imported torch and fails if doing so imported it (the start-up promise: torch loads only in the
engine thread), then waits for that thread to load the bundled Sudoku models as a user's start
does.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TextIO

from . import APP_NAME, paths

REQUIRED_SUDOKU = ("mdm", "vmd")
WINDOW_PAINT_TIMEOUT_S = 60.0
MODEL_LOAD_TIMEOUT_S = 180.0
SYNTHETIC_SAMPLES = 200
TEXT_PROMPT = "ROMEO:\n"
TEXT_LENGTH = 16
PHRASE_SAMPLES = 50
# Checks this version cannot run yet; printed so a reader knows what was not exercised.
NOT_YET_CHECKED: tuple[str, ...] = ()


class CheckFailed(Exception):
    """The check ran and found a problem; the message is the reason shown to the user."""


class CheckSkipped(Exception):
    """The check does not apply to this build (the message says why)."""


@dataclass
class Context:
    """What the checks share: where the resources are, the device, and the models loaded so far."""

    resources: Path
    device: str = "cpu"
    # path -> (model, CheckpointInfo), filled by the checkpoints check and reused later.
    models: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    load_errors: dict[str, str] = field(default_factory=dict)

    def checkpoint_dir(self) -> Path:
        return self.resources / "checkpoints"

    def sudoku_checkpoint(self, kind: str) -> Path:
        return self.checkpoint_dir() / f"sudoku-{kind}.safetensors"

    def model(self, path: Path) -> tuple[Any, Any]:
        key = str(path)
        if key in self.load_errors:
            raise CheckFailed(self.load_errors[key])
        if key not in self.models:
            from vmdcore.checkpoint import CheckpointError, load_checkpoint

            try:
                self.models[key] = load_checkpoint(path, device=self.device)
            except CheckpointError as exc:
                self.load_errors[key] = str(exc)
                raise CheckFailed(str(exc)) from None
        return self.models[key]


@dataclass(frozen=True)
class Check:
    name: str
    summary: str
    run: Callable[[Context], str]


@dataclass
class Outcome:
    name: str
    status: str  # "passed", "failed", "skipped"
    detail: str
    seconds: float
    trace: str = ""  # the traceback of an unexpected error


# -- the checks ------------------------------------------------------------------------------


def _platform_plugin_problem() -> str | None:
    """Qt aborts the process when its platform plugin is missing; find that out first."""
    from PySide6.QtCore import QLibraryInfo

    platform = (os.environ.get("QT_QPA_PLATFORM") or "").split(":")[0].split(";")[0]
    if not platform:
        return None
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    if not folder.is_dir():
        return f"Qt's platform plugin folder is missing: {folder}"
    if not any(p.name.startswith(f"libq{platform}.") or p.name.startswith(f"q{platform}.") for p in folder.iterdir()):
        found = ", ".join(sorted(p.stem for p in folder.iterdir())) or "none"
        return f"Qt's '{platform}' platform plugin is not in {folder} (found: {found})"
    return None


def _check_window(ctx: Context) -> str:
    problem = _platform_plugin_problem()
    if problem:
        raise CheckFailed(problem)
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from . import messages
    from .main_window import MainWindow
    from .settings import AppSettings

    app = QApplication.instance() or QApplication([sys.argv[0]])
    reported: list[str] = []
    saved = messages.show_error, messages.show_info
    messages.show_error = lambda parent, title, text, details="": reported.append(f"{title}: {text}")
    messages.show_info = lambda parent, title, text: reported.append(f"{title}: {text}")
    started = time.perf_counter()
    painted: dict[str, Any] = {}
    loaded: dict[str, str] = {}
    failed: dict[str, str] = {}
    engine: dict[str, str] = {}
    loop = QEventLoop()

    class PaintWatch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint and not painted:
                painted["s"] = time.perf_counter() - started
                painted["torch"] = "torch" in sys.modules
                QTimer.singleShot(0, loop.quit)
            return False

    if "torch" in sys.modules:
        raise CheckFailed("torch was imported before the window check ran, so start-up cannot be checked")
    window = MainWindow(settings=AppSettings(), persist=False, device=ctx.device)
    try:
        watch = PaintWatch(window)
        window.installEventFilter(watch)
        window.engine.ready.connect(lambda info: engine.update(device=info.device))
        window.engine.engineFailed.connect(lambda message: (engine.update(error=message), loop.quit()))

        def on_loaded(summary: Any) -> None:
            loaded[summary.key] = f"{summary.kind.upper()} '{summary.name}' ({summary.parameters:,} parameters)"
            loop.quit()

        def on_failed(key: str, message: str) -> None:
            failed[key] = message
            loop.quit()

        window.engine.modelLoaded.connect(on_loaded)
        window.engine.modelFailed.connect(on_failed)
        window.show()
        # Building and showing the window must not import torch: the engine thread imports it
        # once the event loop runs, so the window never waits for it.
        if "torch" in sys.modules:
            raise CheckFailed("building and showing the main window imported torch: start-up would wait for it")
        deadline = time.perf_counter() + WINDOW_PAINT_TIMEOUT_S
        while not painted and time.perf_counter() < deadline:
            QTimer.singleShot(200, loop.quit)
            loop.exec()
        if not painted:
            raise CheckFailed(f"the main window did not paint within {WINDOW_PAINT_TIMEOUT_S:.0f} s")
        deadline = time.perf_counter() + MODEL_LOAD_TIMEOUT_S
        while len(loaded) + len(failed) < len(REQUIRED_SUDOKU) and "error" not in engine and time.perf_counter() < deadline:
            QTimer.singleShot(200, loop.quit)
            loop.exec()
        models_s = time.perf_counter() - started
        if "error" in engine:
            raise CheckFailed(engine["error"])
        if failed:
            raise CheckFailed("\n".join(f"{key}: {message}" for key, message in sorted(failed.items())))
        if len(loaded) < len(REQUIRED_SUDOKU):
            raise CheckFailed(f"the Sudoku models did not load within {MODEL_LOAD_TIMEOUT_S:.0f} s")
        if reported:
            raise CheckFailed("; ".join(reported))
        return (
            f"window shown without importing torch, first paint {painted['s']:.2f} s after it was created "
            f"({'the engine thread was already importing torch' if painted['torch'] else 'torch not yet imported'}); "
            f"the engine thread ({engine.get('device', '?')}) loaded {', '.join(loaded[k] for k in sorted(loaded))} "
            f"by {models_s:.2f} s"
        )
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
        messages.show_error, messages.show_info = saved


def _check_checkpoints(ctx: Context) -> str:
    folder = ctx.checkpoint_dir()
    if not folder.is_dir():
        raise CheckFailed(f"the checkpoint folder is missing: {folder}")
    files = sorted(folder.glob("*.safetensors"))
    missing = [ctx.sudoku_checkpoint(kind) for kind in REQUIRED_SUDOKU if not ctx.sudoku_checkpoint(kind).is_file()]
    lines: list[str] = []
    problems: list[str] = []
    for path in files:
        try:
            model, info = ctx.model(path)
        except CheckFailed as exc:
            problems.append(str(exc))
            continue
        lines.append(f"{path.name}: {info.task} {info.kind.upper()}, {model.parameter_count():,} parameters")
    for path in missing:
        kind = path.stem.split("-")[-1]
        problems.append(
            f"{path.name} is missing from {folder}: the Sudoku tab needs it "
            f"(make it with `vmd-train sudoku --model {kind}`, then rebuild)"
        )
    if problems:
        raise CheckFailed("\n".join(problems))
    if not files:
        raise CheckFailed(f"no checkpoints in {folder}")
    return f"loaded {len(files)} checkpoint(s) on {ctx.device}:\n" + "\n".join(lines)


def _check_sudoku(ctx: Context) -> str:
    import numpy as np
    from vmdcore.sampling import SamplerConfig, run
    from vmdcore.sudoku import conflicting_cells, keeps_clues
    from vmdcore.tasks import sudoku as task

    from .sudoku.library import LibraryError, load_library
    from .worker import SamplerSettings

    try:
        entry = load_library(paths.puzzle_library())[0]
    except LibraryError as exc:
        raise CheckFailed(str(exc)) from None
    tokens, fixed = task.encode(entry.puzzle)
    settings = SamplerSettings()  # the app's defaults
    config = SamplerConfig(**settings.as_dict())
    lines = []
    for kind in REQUIRED_SUDOKU:
        path = ctx.sudoku_checkpoint(kind)
        if not path.is_file():
            raise CheckFailed(f"{path.name} is missing, so the Sudoku tab cannot solve (see the checkpoints check)")
        model, info = ctx.model(path)
        if info.task != task.TASK:
            raise CheckFailed(f"{path.name} is a '{info.task}' model, not a Sudoku model")
        started = time.perf_counter()
        trace = run(model, tokens[None], config, fixed[None])
        seconds = time.perf_counter() - started
        final = trace.steps[-1].tokens[0] if trace.steps else tokens
        grid = task.decode(np.asarray(final))
        if (grid == 0).any():
            raise CheckFailed(f"{kind.upper()} left {int((grid == 0).sum())} cells empty after {len(trace.steps)} steps")
        if not keeps_clues(grid, entry.puzzle):
            raise CheckFailed(f"{kind.upper()} changed a clue of the puzzle")
        conflicts = int(np.count_nonzero(conflicting_cells(grid)))
        if entry.solution is not None and np.array_equal(grid, entry.solution):
            verdict = "solved it correctly"
        elif conflicts:
            verdict = f"filled every cell, {conflicts} in conflict"
        else:
            verdict = "filled every cell without conflicts"
        lines.append(f"{kind.upper()}: {len(trace.steps)} steps in {seconds:.2f} s, {verdict}")
    return (
        f"library puzzle {entry.id} ({entry.clues} clues), {settings.nfe} steps, {settings.strategy} strategy:\n"
        + "\n".join(lines)
    )


def _check_synthetic(ctx: Context) -> str:
    import numpy as np
    from vmdcore.sampling import SamplerConfig, run
    from vmdcore.tasks import synthetic

    files = sorted(ctx.checkpoint_dir().glob("synthetic-*.safetensors"))
    if not files:
        raise CheckSkipped("no synthetic-*.safetensors checkpoint is bundled")
    # Prefer a VMD model (it exercises the latent path), else the first.
    path = next((p for p in files if p.stem.endswith("-vmd")), files[0])
    model, info = ctx.model(path)
    mc = model.config
    dataset = str(info.recipe.get("dataset", ""))
    initial = np.full((SYNTHETIC_SAMPLES, mc.seq_len), mc.mask_id, dtype=np.int64)
    # As the paper's evaluation: one token per step, MDM samples its marginals (temperature 1),
    # VMD draws z once and takes the argmax.
    nfe = max(1, mc.seq_len // max(1, mc.n_blocks))
    config = SamplerConfig(nfe=nfe, strategy="random", temperature=0.0 if mc.is_latent else 1.0, seed=0)
    started = time.perf_counter()
    trace = run(model, initial, config)
    seconds = time.perf_counter() - started
    samples = np.asarray(trace.steps[-1].tokens)
    if (samples == mc.mask_id).any() or samples.min() < 0 or samples.max() >= len(info.vocabulary):
        raise CheckFailed(f"{path.name} produced masked or out-of-vocabulary tokens")
    detail = f"{path.name}: {SYNTHETIC_SAMPLES} sequences of {mc.seq_len} tokens in {len(trace.steps)} steps, {seconds:.2f} s"
    if dataset in synthetic.DATASETS:
        score = synthetic.score_samples(synthetic.distribution(dataset), samples)
        detail += f"; {score.accuracy:.0%} lie in the {dataset} support"
    example = " ".join(info.vocabulary[t] for t in samples[0])
    return detail + f"; first: {example}"


def _check_export(ctx: Context) -> str:
    import tempfile

    from PySide6.QtGui import QColor, QImage

    from .about import icon_path
    from .export import save_gif

    icon = QImage(str(icon_path(64)))
    if icon.isNull():
        raise CheckFailed(f"the application icon {icon_path(64)} could not be read as a PNG")
    frames = [icon.convertToFormat(QImage.Format.Format_RGB32)]
    for colour in ("#0072B2", "#E69F00"):
        frame = QImage(icon.size(), QImage.Format.Format_RGB32)
        frame.fill(QColor(colour))
        frames.append(frame)
    with tempfile.TemporaryDirectory(prefix="vmd-self-test-") as folder:
        gif = save_gif(frames, Path(folder) / "steps.gif", frame_ms=100)
        png = Path(folder) / "board.png"
        if not frames[0].save(str(png), "PNG"):
            raise CheckFailed("Qt could not write a PNG")
        gif_head, png_head = gif.read_bytes()[:6], png.read_bytes()[:8]
        sizes = f"{gif.stat().st_size:,} and {png.stat().st_size:,} bytes"
    if gif_head != b"GIF89a" or png_head != b"\x89PNG\r\n\x1a\n":
        raise CheckFailed("the exported files are not a GIF and a PNG")
    return f"read the icon PNG, wrote a {len(frames)}-frame GIF (Pillow) and a PNG (Qt): {sizes}"


def _check_text(ctx: Context) -> str:
    """Through the Text tab's own prompt encoding (app/text/prompt.py) and decoding choices."""
    import numpy as np
    from vmdcore.sampling import SamplerConfig, run
    from vmdcore.tasks import phrases
    from vmdcore.tasks.text import CharTokenizer

    from .text.catalog import GENERATION_SLOTS, PHRASE_SLOTS
    from .text.sampling import decoding as phrase_decoding
    from .text.prompt import PromptError, layout_prompt

    folder = ctx.checkpoint_dir()
    present = [slot for slot in GENERATION_SLOTS + PHRASE_SLOTS if slot.path(folder).is_file()]
    if not present:
        names = ", ".join(slot.file for slot in GENERATION_SLOTS + PHRASE_SLOTS)
        raise CheckSkipped(f"no text or phrase-pair checkpoint is bundled ({names})")
    lines, problems = [], []
    for slot in present:
        path = slot.path(folder)
        try:
            model, info = ctx.model(path)
        except CheckFailed as exc:
            problems.append(str(exc))
            continue
        if info.task != slot.task:
            problems.append(f"{path.name} is a '{info.task}' model, not a '{slot.task}' model")
            continue
        mc = model.config
        started = time.perf_counter()
        if slot.task == "text":
            tokenizer = CharTokenizer.from_vocabulary(info.vocabulary)
            try:
                prompt = layout_prompt(info.vocabulary, mc.seq_len, TEXT_PROMPT, min(TEXT_LENGTH, mc.seq_len - len(TEXT_PROMPT)))
            except PromptError as exc:
                problems.append(f"{path.name}: {exc}")
                continue
            config = SamplerConfig(nfe=max(1, mc.block_size), strategy="margin", temperature=0.0, seed=0)
            trace = run(model, prompt.tokens, config, prompt.fixed)
            row = np.asarray(trace.final)[0]
            generated = row[prompt.prompt_length : prompt.end]
            if (generated == mc.mask_id).any() or generated.max(initial=0) >= mc.vocab_size:
                problems.append(f"{path.name} left masked or out-of-vocabulary characters after {len(trace.steps)} steps")
                continue
            text = tokenizer.decode(row[: prompt.end])
            lines.append(f"{path.name}: {text!r} ({prompt.length} characters, {len(trace.steps)} steps, {time.perf_counter() - started:.2f} s)")
        else:
            question = phrases.PROMPTS[0].prompt
            tokens, fixed = phrases.prompt_rows([question] * PHRASE_SAMPLES)
            trace = run(model, tokens, SamplerConfig(**phrase_decoding(info.kind, 2, 0).as_dict()), fixed)
            answers = [phrases.answer_text(r) for r in np.asarray(trace.final)]
            rate = phrases.valid_rate((question, a) for a in answers)
            lines.append(
                f"{path.name}: {question!r} -> {answers[0]!r}; {rate:.0%} of {PHRASE_SAMPLES} answers valid at NFE 2 "
                f"({time.perf_counter() - started:.2f} s)"
            )
    if problems:
        raise CheckFailed("\n".join(problems))
    absent = [slot.file for slot in GENERATION_SLOTS + PHRASE_SLOTS if slot not in present]
    if absent:
        lines.append(f"not bundled (the Text tab says so and works without them): {', '.join(absent)}")
    return "\n".join(lines)


CHECKS: list[Check] = [
    Check("window", "the main window paints offscreen before torch loads, then the engine loads the Sudoku models", _check_window),
    Check("checkpoints", "every bundled checkpoint loads", _check_checkpoints),
    Check("sudoku", "MDM and VMD each solve one library puzzle", _check_sudoku),
    Check("synthetic", "a synthetic model samples sequences", _check_synthetic),
    Check("export", "read a PNG, write an animated GIF and a PNG", _check_export),
    Check("text", "each bundled text and phrase-pair model generates a text", _check_text),
]


# -- running and reporting -------------------------------------------------------------------


class _Report:
    """Writes to stdout; a windowed build without a console writes to the log folder instead."""

    def __init__(self) -> None:
        self.file: TextIO | None = None
        self.path: Path | None = None
        stream = sys.stdout
        if stream is None or not hasattr(stream, "write"):
            try:
                folder = paths.log_dir()
                folder.mkdir(parents=True, exist_ok=True)
                self.path = folder / "self-test.txt"
                self.file = self.path.open("w", encoding="utf-8")
            except OSError:
                self.file = None
        self.stream = self.file or stream

    def line(self, text: str = "") -> None:
        if self.stream is None:
            return
        self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


def _indent(text: str, prefix: str = "      ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def run_checks(ctx: Context, checks: list[Check], report: _Report) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for check in checks:
        started = time.perf_counter()
        trace = ""
        try:
            detail = check.run(ctx)
            status = "passed"
        except CheckSkipped as exc:
            detail, status = str(exc), "skipped"
        except CheckFailed as exc:
            detail, status = str(exc), "failed"
        except Exception as exc:  # an unexpected error is a failure with its traceback
            detail, status = f"unexpected error: {type(exc).__name__}: {exc}", "failed"
            trace = traceback.format_exc().rstrip()
        outcome = Outcome(check.name, status, detail, time.perf_counter() - started, trace if status == "failed" else "")
        outcomes.append(outcome)
        mark = {"passed": "ok  ", "failed": "FAIL", "skipped": "skip"}[status]
        report.line(f"[{mark}] {check.name} ({outcome.seconds:.1f} s): {check.summary}")
        report.line(_indent(detail))
        if outcome.trace:
            report.line(_indent(outcome.trace))
    return outcomes


def run_self_test(device: str | None = None, checks: list[Check] | None = None) -> int:
    """Run the checks and print what they did; 0 when every check that ran passed."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from .about import app_version, build_description

    report = _Report()
    chosen = CHECKS if checks is None else checks
    ctx = Context(resources=paths.resources_dir(), device=device or "cpu")
    report.line(f"{APP_NAME} {app_version()} self-test ({build_description()})")
    report.line(f"  program:   {sys.executable}")
    report.line(f"  resources: {ctx.resources}")
    report.line(f"  device:    {ctx.device}; Qt platform: {os.environ['QT_QPA_PLATFORM']}")
    try:
        outcomes = run_checks(ctx, chosen, report)
        ran = [o for o in outcomes if o.status != "skipped"]
        failed = [o for o in outcomes if o.status == "failed"]
        skipped = [o for o in outcomes if o.status == "skipped"]
        report.line()
        report.line(f"Checks run: {', '.join(o.name for o in ran) or 'none'}")
        if skipped:
            report.line(f"Skipped: {', '.join(f'{o.name} ({o.detail})' for o in skipped)}")
        if checks is None and NOT_YET_CHECKED:
            report.line(f"Not checked in this version: {'; '.join(NOT_YET_CHECKED)}")
        if failed:
            report.line(f"Self-test FAILED: {len(failed)} of {len(ran)} checks failed.")
            for o in failed:
                report.line(f"  {o.name}:")
                report.line(_indent(o.detail, "    - "))
            return 1
        if not ran:
            report.line("Self-test FAILED: no check ran.")
            return 1
        report.line(f"Self-test passed: {len(ran)} checks.")
        return 0
    finally:
        if report.path is not None:
            report.line(f"(report written to {report.path})")
        report.close()
