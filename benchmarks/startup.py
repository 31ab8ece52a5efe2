"""Size and start-up of the packaged app beside `python -m app`.

    python benchmarks/startup.py                 # measure and print
    python benchmarks/startup.py --write         # also write docs/results/performance.{json,md}

What it measures, for the PyInstaller build (dist/VMD/VMD) and for `python -m app`:
- the built folder's size (every file under dist/VMD, symlinks not followed);
- time to a visible window: from starting the process to the end of the main window's first
  paint (the app prints wall-clock stamps with `--startup-trace`);
- time to loaded models: until the engine thread has loaded both Sudoku models;
- whether torch was already imported at the first paint, and the CPU seconds spent by then
  (the whole process, and the GUI thread alone: figures that depend less on machine load).

The first run is reported apart from the median of the later ("warm") runs: after a fresh
build or a reboot it reads the whole folder from disk. Page caches are not dropped, so it is
a cold start only when nothing has read the folder since. The window is shown on
an X server: $DISPLAY when set, else a private Xvfb when one is installed, else Qt's offscreen
platform (said in the results). User settings go to a temporary folder (VMD_HOME).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from bundle_rules import folder_bytes  # noqa: E402  (one definition of the folder size)
RESULTS = ROOT / "docs" / "results"
TARGET_FOLDER_MB = 600.0
TARGET_WINDOW_S = 1.5


@dataclass
class Start:
    window_s: float | None = None
    models_s: float | None = None
    torch_at_paint: bool | None = None
    pyqtgraph_at_paint: bool | None = None
    cpu_at_paint_s: float | None = None
    gui_cpu_at_paint_s: float | None = None
    models: str = ""
    exit_code: int | None = None
    error: str = ""


@dataclass
class Series:
    label: str
    command: list[str]
    starts: list[Start] = field(default_factory=list)

    def _values(self, name: str, warm: bool) -> list[float]:
        chosen = self.starts[1:] if warm and len(self.starts) > 1 else self.starts[:1]
        return [getattr(s, name) for s in chosen if getattr(s, name) is not None]

    def first(self, name: str) -> float | None:
        values = self._values(name, warm=False)
        return values[0] if values else None

    def median(self, name: str) -> float | None:
        values = self._values(name, warm=True)
        return statistics.median(values) if values else None

    def summary(self) -> dict:
        return {
            "command": " ".join(self.command).replace(str(ROOT) + os.sep, ""),
            "runs": len(self.starts),
            "window_visible_s": {"first": self.first("window_s"), "warm_median": self.median("window_s")},
            "models_loaded_s": {"first": self.first("models_s"), "warm_median": self.median("models_s")},
            "cpu_at_window_s": self.median("cpu_at_paint_s"),
            "gui_thread_cpu_at_window_s": self.median("gui_cpu_at_paint_s"),
            "torch_imported_at_first_paint": [s.torch_at_paint for s in self.starts],
            "pyqtgraph_imported_at_first_paint": [s.pyqtgraph_at_paint for s in self.starts],
            "models": sorted({s.models for s in self.starts}),
            "errors": [s.error for s in self.starts if s.error],
        }


def largest_parts(folder: Path, count: int = 8) -> list[tuple[str, float]]:
    """The biggest files and top-level folders under _internal, in MB."""
    internal = folder / "_internal"
    base = internal if internal.is_dir() else folder
    sizes: dict[str, int] = {}
    for child in base.iterdir():
        if child.is_symlink():
            continue
        size = folder_bytes(child) if child.is_dir() else child.stat().st_size
        sizes[child.name + ("/" if child.is_dir() else "")] = size
    ranked = sorted(sizes.items(), key=lambda kv: -kv[1])[:count]
    return [(name, size / 1e6) for name, size in ranked]


def one_start(command: list[str], env: dict[str, str], timeout: float) -> Start:
    start = Start()
    with tempfile.TemporaryDirectory(prefix="vmd-bench-") as home:
        run_env = dict(env, VMD_HOME=home)
        t0 = time.time()
        proc = subprocess.Popen(command + ["--startup-trace"], cwd=ROOT, env=run_env, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
            start.error = f"no exit within {timeout:.0f} s"
        start.exit_code = proc.returncode
    for line in out.splitlines():
        if not line.startswith("vmd-startup: "):
            continue
        parts = line.split()
        event, stamp, fields = parts[1], float(parts[2]), dict(p.split("=", 1) for p in parts[3:] if "=" in p)
        if event == "window_visible":
            start.window_s = stamp - t0
            start.torch_at_paint = fields.get("torch") == "1"
            start.pyqtgraph_at_paint = fields.get("pyqtgraph") == "1" if "pyqtgraph" in fields else None
            start.cpu_at_paint_s = float(fields["cpu"]) if "cpu" in fields else None
            start.gui_cpu_at_paint_s = float(fields["gui_cpu"]) if "gui_cpu" in fields else None
        elif event == "models_loaded":
            start.models_s = stamp - t0
            start.models = " ".join(f"{k}={v}" for k, v in sorted(fields.items()) if k != "cpu")
    if start.window_s is None and not start.error:
        start.error = f"no window stamp (exit {proc.returncode})"
    return start


class Display:
    """$DISPLAY, else a private Xvfb for the benchmark's lifetime, else offscreen."""

    def __init__(self, wanted: str) -> None:
        self.proc: subprocess.Popen | None = None
        self.platform = "offscreen"
        self.display = os.environ.get("DISPLAY", "")
        if wanted == "offscreen":
            return
        if self.display:
            self.platform = "xcb"
            return
        xvfb = shutil.which("Xvfb")
        if xvfb is None:
            if wanted == "xcb":
                raise SystemExit("--platform xcb needs $DISPLAY or Xvfb")
            return
        for number in range(91, 120):
            if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
                break
        self.display = f":{number}"
        self.proc = subprocess.Popen([xvfb, self.display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                break
            time.sleep(0.05)
        self.platform = "xcb"

    def env(self) -> dict[str, str]:
        env = dict(os.environ, QT_QPA_PLATFORM=self.platform)
        if self.platform == "xcb":
            env["DISPLAY"] = self.display
        return env

    def describe(self) -> str:
        if self.platform == "offscreen":
            return "Qt offscreen platform (no X server)"
        return f"X server {self.display}" + (" (Xvfb, started by the benchmark)" if self.proc else "")

    def close(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def machine() -> dict:
    info = {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()}
    try:
        info["load_average_1m"] = round(os.getloadavg()[0], 2)
    except OSError:
        pass
    info["niceness"] = os.nice(0) if hasattr(os, "nice") else 0
    return info


def fmt(value: float | None, unit: str = " s") -> str:
    return "n/a" if value is None else f"{value:.2f}{unit}"


def markdown(result: dict) -> str:
    pk, src = result["packaged"], result["source"]
    size = result["app_folder_mb"]
    window = result["window_visible_s"]
    lines = [
        "# Performance: size and start-up",
        "",
        f"Measured by `python benchmarks/startup.py --write` on {result.get('startup_measured', 'an unrecorded date')}.",
        "",
        "| | packaged (`dist/VMD/VMD`) | `python -m app` | target |",
        "|---|---|---|---|",
        f"| folder size | {fmt(size, ' MB')} | (not applicable) | <= {TARGET_FOLDER_MB:.0f} MB |",
        f"| window visible, first run | {fmt(pk['window_visible_s']['first'])} | {fmt(src['window_visible_s']['first'])} | |",
        f"| window visible, warm (median) | {fmt(pk['window_visible_s']['warm_median'])} | {fmt(src['window_visible_s']['warm_median'])} | < {TARGET_WINDOW_S} s |",
        f"| models loaded, first run | {fmt(pk['models_loaded_s']['first'])} | {fmt(src['models_loaded_s']['first'])} | |",
        f"| models loaded, warm (median) | {fmt(pk['models_loaded_s']['warm_median'])} | {fmt(src['models_loaded_s']['warm_median'])} | |",
        f"| CPU seconds by the first paint (process / GUI thread) | {fmt(pk['cpu_at_window_s'])} / {fmt(pk['gui_thread_cpu_at_window_s'])} "
        f"| {fmt(src['cpu_at_window_s'])} / {fmt(src['gui_thread_cpu_at_window_s'])} | |",
        f"| torch imported when the window first painted | {_torch(pk)} | {_torch(src)} | no |",
        f"| pyqtgraph imported when the window first painted | {_flags(pk, 'pyqtgraph')} | {_flags(src, 'pyqtgraph')} | no |",
        "",
        f"`window_visible_s` in performance.json is the packaged app's warm median ({fmt(window)}); "
        f"`app_folder_mb` is the size of dist/VMD in MB (10^6 bytes).",
        "",
        "## Conditions",
        "",
        f"- Display: {result['display']}.",
        f"- Runs: {pk['runs']} starts of each, alternating; the first is reported apart (page caches are not dropped, "
        "so it is a cold start only if nothing had read the files since the build).",
        f"- Models: {', '.join(pk['models']) or 'none'} (packaged); {', '.join(src['models']) or 'none'} (source).",
        f"- Machine: {result['machine']['platform']}, {result['machine']['cpus']} CPUs, Python {result['machine']['python']}; "
        f"load average {result['machine'].get('load_average_1m', 'n/a')} when measured, benchmark at niceness "
        f"{result['machine'].get('niceness', 0)}.",
        "",
        "## Largest parts of the built folder",
        "",
        "| part of dist/VMD/_internal | MB |",
        "|---|---|",
    ]
    lines += [f"| `{name}` | {mb:.1f} |" for name, mb in result["largest_parts"]]
    lines += _bundle_report(result.get("bundle_report"))
    if result.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {note}" for note in result["notes"]]
    return "\n".join(lines) + "\n"


def _bundle_report(report: dict | None) -> list[str]:
    """What vmd.spec left out, rule by rule (build/bundle-report.json, written by the build)."""
    if not report:
        return []
    lines = ["", "## What the build leaves out", "",
             "From build/bundle-report.json (written by vmd.spec; the reason for each rule is in "
             "scripts/bundle_rules.py). Sizes are of the files as installed, before stripping.", ""]
    stripped = report.get("stripped") or {}
    if stripped:
        lines.append(f"- Symbol tables stripped from {stripped['libraries']} libraries: {stripped['saved_mb']:.1f} MB.")
    checkpoints = report.get("checkpoints") or {}
    if checkpoints:
        lines.append(f"- Checkpoints bundled as inference-only copies (float16, no VMD encoders): "
                     f"{checkpoints['source_mb']:.1f} MB -> {checkpoints['bundled_mb']:.1f} MB.")
    for title, key in (("Binaries", "binaries_left_out_mb"), ("Data files", "data_left_out_mb")):
        rules = report.get(key) or {}
        if rules:
            lines += ["", f"| {title} left out (rule) | MB |", "|---|---|"]
            big = {rule: mb for rule, mb in rules.items() if mb >= 0.1}
            lines += [f"| `{rule}` | {mb:.2f} |" for rule, mb in big.items()]
            if len(big) < len(rules):
                lines.append(f"| {len(rules) - len(big)} smaller rules | {sum(rules.values()) - sum(big.values()):.2f} |")
    return lines


def _flags(series: dict, module: str) -> str:
    flags = [f for f in series.get(f"{module}_imported_at_first_paint", []) if f is not None]
    if not flags:
        return "n/a"
    yes = sum(bool(f) for f in flags)
    return "no" if yes == 0 else f"yes in {yes} of {len(flags)} starts"


def _torch(series: dict) -> str:
    flags = series["torch_imported_at_first_paint"]
    if not flags:
        return "n/a"
    yes = sum(bool(f) for f in flags)
    return "no" if yes == 0 else f"yes in {yes} of {len(flags)} starts (imported by the engine thread)"


def _read_bundle_report() -> dict | None:
    path = ROOT / "build" / "bundle-report.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_results(result: dict) -> None:
    """Merge the start-up figures into performance.json and replace performance.md's first
    section only: the speed benchmarks' keys and sections (benchmarks/common.py) are kept."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    json_path, md_path = RESULTS / "performance.json", RESULTS / "performance.md"
    merged = json.loads(json_path.read_text(encoding="utf-8")) if json_path.exists() else {}
    merged.update(result)
    json_path.write_text(json.dumps(merged, indent=2) + "\n", encoding="utf-8")
    old = md_path.read_text(encoding="utf-8") if md_path.exists() else ""
    later = old.find("\n# ", 1)  # the next top-level section, written by hand or by other scripts
    md_path.write_text(markdown(merged) + (old[later:] if later >= 0 else ""), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, default=ROOT / "dist" / "VMD" / "VMD", help="the packaged program")
    parser.add_argument("--runs", type=int, default=5, help="starts of each program (the first is reported apart)")
    parser.add_argument("--platform", choices=("auto", "xcb", "offscreen"), default="auto")
    parser.add_argument("--resources", type=Path, default=None, help="use this resources folder for both (VMD_RESOURCES)")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--note", action="append", default=[], help="a line for the Notes section")
    parser.add_argument("--write", action="store_true", help="write docs/results/performance.json and performance.md")
    parser.add_argument("--markdown-only", action="store_true",
                        help="rewrite performance.md from performance.json (with any --note added) and exit")
    args = parser.parse_args(argv)

    if args.markdown_only:
        result = json.loads((RESULTS / "performance.json").read_text(encoding="utf-8"))
        result["notes"] = result.get("notes", []) + args.note
        write_results(result)
        print(markdown(result))
        return 0
    if not args.app.exists():
        print(f"{args.app} does not exist: build it first (python3 scripts/build.py)", file=sys.stderr)
        return 1
    display = Display(args.platform)
    try:
        env = display.env()
        if args.resources:
            env["VMD_RESOURCES"] = str(args.resources.resolve())
        series = [
            Series("packaged", [str(args.app.resolve())]),
            Series("source", [sys.executable, "-m", "app"]),
        ]
        # Interleave the two programs so that a change in machine load affects both alike.
        for run in range(args.runs):
            for s in series:
                start = one_start(s.command, env, args.timeout)
                s.starts.append(start)
                print(f"{s.label:8s} run {run + 1}: window {fmt(start.window_s)}, models {fmt(start.models_s)}, "
                      f"torch at paint {start.torch_at_paint}, pyqtgraph at paint {start.pyqtgraph_at_paint}, "
                      f"{start.models or start.error}", flush=True)
    finally:
        display.close()

    folder = args.app.resolve().parent
    packaged, source = (s.summary() for s in series)
    result = {
        "app_folder_mb": round(folder_bytes(folder) / 1e6, 1),
        "window_visible_s": None if packaged["window_visible_s"]["warm_median"] is None else round(packaged["window_visible_s"]["warm_median"], 3),
        "models_loaded_s": None if packaged["models_loaded_s"]["warm_median"] is None else round(packaged["models_loaded_s"]["warm_median"], 3),
        "targets": {"app_folder_mb": TARGET_FOLDER_MB, "window_visible_s": TARGET_WINDOW_S},
        "packaged": packaged,
        "source": source,
        "display": display.describe(),
        "machine": machine(),
        "startup_measured": time.strftime("%Y-%m-%d"),
        "largest_parts": [(name, round(mb, 1)) for name, mb in largest_parts(folder)],
        "bundle_report": _read_bundle_report(),
        "notes": args.note,
    }
    print(markdown(result))
    if args.write:
        write_results(result)
        print(f"wrote {RESULTS / 'performance.json'} and {RESULTS / 'performance.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
