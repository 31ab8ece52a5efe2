"""Check the bundle rules (scripts/bundle_rules.py) without building, and inspect a build.

    python scripts/check_bundle.py [--resources DIR]      # the module exclusions
    python scripts/check_bundle.py --built dist/VMD       # also: what a built folder holds

Module exclusions: runs `vmd --self-test` from source in a fresh process in which every module
that vmd.spec leaves out cannot be imported (as in the built app). If the app needed one of
them on the self-test's path (window, engine thread, every checkpoint, a Sudoku solve, a
synthetic sample), the self-test fails and names the module. It also lists which excluded
modules a normal run would import anyway (there should be none).

--built: lists what the folder holds that the binary and data rules should have removed, any
CUDA library, any second Qt binding, and the largest parts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bundle_rules as rules  # noqa: E402

# Python code that makes the modules named in the JSON list sys.argv[1] unimportable, as in the build.
BLOCKER = r"""
import importlib.abc, json, sys
BLOCKED = json.loads(sys.argv[1])
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        for prefix in BLOCKED:
            if name == prefix or name.startswith(prefix + "."):
                raise ModuleNotFoundError(f"No module named {name!r} (left out of the build)", name=name)
        return None
sys.meta_path.insert(0, Blocker())
"""

BLOCKED_RUN = BLOCKER + r"""
from app.__main__ import main
code = main(["--self-test"])
# Stand-ins put in sys.modules on purpose (app/plots.py's empty PySide6.QtOpenGL) have no spec.
imported = sorted(p for p in BLOCKED if any((m == p or m.startswith(p + ".")) and getattr(sys.modules[m], "__spec__", None) is not None
                                            for m in list(sys.modules)))
print("EXCLUDED-BUT-IMPORTED:", json.dumps(imported))
sys.exit(code)
"""

CUDA_MARKERS = ("libtorch_cuda", "libcudart", "libcublas", "libcudnn", "libnccl", "nvidia/")
OTHER_BINDINGS = ("PyQt5", "PyQt6", "PySide2")


def blockable() -> list[str]:
    """The excluded modules, less those loaded before a blocker can act (setuptools' .pth hook)."""
    return [m for m in rules.EXCLUDED_MODULES if m not in ("setuptools", "pkg_resources", "pip")]


def check_modules(resources: Path | None) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    if resources:
        env["VMD_RESOURCES"] = str(resources.resolve())
    blocked = blockable()
    result = subprocess.run([sys.executable, "-c", BLOCKED_RUN, json.dumps(blocked)], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    print(result.stdout)
    if result.returncode != 0:
        print(result.stderr[-4000:], file=sys.stderr)
        print(f"module exclusions: the self-test FAILED with {len(blocked)} modules blocked")
        return 1
    print(f"module exclusions: the self-test passed with all {len(blocked)} excluded modules blocked")
    return 0


def inspect_build(folder: Path) -> int:
    internal = folder / "_internal"
    if not internal.is_dir():
        print(f"{internal} does not exist")
        return 1
    problems = []
    files = [p for p in internal.rglob("*") if p.is_file() or p.is_symlink()]
    for path in files:
        rel = path.relative_to(internal).as_posix()
        rule = rules.matches(rel, list(rules.EXCLUDED_BINARIES) + list(rules.EXCLUDED_DATAS))
        if rule and not rules.matches(rel, rules.ALWAYS_KEPT):
            problems.append(f"{rel} should have been left out ({rule})")
        if any(marker in rel for marker in CUDA_MARKERS):
            problems.append(f"{rel} is a CUDA library: build from the CPU torch")
        if rel.split("/")[0] in OTHER_BINDINGS:
            problems.append(f"{rel} belongs to a second Qt binding")
    total = sum(p.stat().st_size for p in files if not p.is_symlink()) + sum(
        p.stat().st_size for p in folder.iterdir() if p.is_file() and not p.is_symlink())
    print(f"{folder}: {total / 1e6:.1f} MB in {len(files)} files")
    qt_libs = sorted(p.name for p in (internal / "PySide6" / "Qt" / "lib").glob("*")) if (internal / "PySide6" / "Qt" / "lib").is_dir() else []
    plugins = sorted(p.relative_to(internal / "PySide6" / "Qt" / "plugins").as_posix()
                     for p in (internal / "PySide6" / "Qt" / "plugins").rglob("*.so")) if (internal / "PySide6" / "Qt" / "plugins").is_dir() else []
    print("Qt libraries:", " ".join(qt_libs))
    print("Qt plugins:", " ".join(plugins))
    for line in problems:
        print("PROBLEM:", line)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=Path, default=None, help="a resources folder for the self-test (VMD_RESOURCES)")
    parser.add_argument("--built", type=Path, default=None, help="a built folder (dist/VMD) to inspect")
    parser.add_argument("--skip-modules", action="store_true", help="only inspect --built")
    args = parser.parse_args(argv)
    status = 0
    if not args.skip_modules:
        status |= check_modules(args.resources)
    if args.built:
        status |= inspect_build(args.built)
    return status


if __name__ == "__main__":
    sys.exit(main())
