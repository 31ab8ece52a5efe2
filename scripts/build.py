"""Build the double-clickable app: a clean virtual environment, the CPU build of torch, the
project with PyInstaller, then `pyinstaller vmd.spec` and the built app's own self-test.

    python3 scripts/build.py                       # -> dist/VMD/VMD (dist\\VMD\\VMD.exe, dist/VMD.app)

On Linux and Windows, torch's default download is a multi-gigabyte CUDA build; the app is
built from the CPU build. By default this script asks for the pinned torch release
(TORCH_VERSION): where pip finds a CPU wheel of it (this project's machines keep one on disk)
that is what it installs. Elsewhere pass PyTorch's CPU index:

    python3 scripts/build.py --torch-index https://download.pytorch.org/whl/cpu

The script stops before PyInstaller if the installed torch is a CUDA build anyway.

Every package comes from its wheel as pip installs it: nothing is compiled, so the build
machine needs no compiler (on Linux, binutils' `strip` makes the folder 127 MB smaller).

Options: --venv PATH (default build/venv), --reuse-venv (keep an existing environment: for
rebuilding after a code change), --skip-self-test. Exit status: 0 when the build and its
self-test passed; 1 when something failed (the message says what).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bundle_rules import folder_bytes  # scripts/ is on sys.path when this file runs

ROOT = Path(__file__).resolve().parent.parent
TORCH_VERSION = "2.13.0"
# PySide6 6.12.0 aborts on Python 3.11 after many Signal.emit() calls: build with 6.11.3.
PINS = ["PySide6-Essentials==6.11.3", "shiboken6==6.11.3"]
OTHER_QT_BINDINGS = ("PyQt5", "PyQt6", "PySide2")
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"


def say(text: str) -> None:
    print(f"[build] {text}", flush=True)


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(cmd: list[str], **kwargs) -> None:
    say("$ " + " ".join(str(c) for c in cmd))
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def output(cmd: list[str]) -> str:
    return subprocess.run([str(c) for c in cmd], check=True, capture_output=True, text=True).stdout.strip()


def make_venv(venv: Path, reuse: bool) -> Path:
    python = venv_python(venv)
    if reuse and python.exists():
        say(f"reusing {venv}")
        return python
    if venv.exists():
        shutil.rmtree(venv)
    run([sys.executable, "-m", "venv", venv])
    return python


def install(python: Path, torch_index: str | None) -> None:
    pip = [python, "-m", "pip", "install", "--disable-pip-version-check"]
    torch = [f"torch=={TORCH_VERSION}"]
    if torch_index:
        torch += ["--index-url", torch_index]
    run(pip + torch)
    cuda = output([python, "-c", "import torch; print(torch.version.cuda or '')"])
    if cuda:
        raise SystemExit(
            f"[build] the installed torch is a CUDA {cuda} build, which would add gigabytes to the app. "
            "Rebuild with --torch-index https://download.pytorch.org/whl/cpu"
        )
    # The project and PyInstaller (its `build` extra), with torch held at the CPU build just installed.
    constraints = ROOT / "build" / "build-constraints.txt"
    constraints.parent.mkdir(parents=True, exist_ok=True)
    torch_installed = output([python, "-c", "import torch; print(torch.__version__)"])
    constraints.write_text("\n".join([f"torch=={torch_installed}", *PINS]) + "\n", encoding="utf-8")
    run(pip + ["-c", constraints, f"{ROOT}[build]"])
    present = [name for name in OTHER_QT_BINDINGS if output([python, "-c", f"import importlib.util as u; print(bool(u.find_spec('{name}')))"]) == "True"]
    if present:
        raise SystemExit(f"[build] only one Qt binding may be installed for the build; found also {', '.join(present)}")


# Debian / Ubuntu packages that Qt's X11 plugin needs; PyInstaller copies them into the build
# from this machine, so they must be installed where the build runs.
XCB_PACKAGES = "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-randr0"


def check_qt_libraries(python: Path) -> None:
    """Warn when Qt's xcb plugin cannot find its system libraries (the build would lack them)."""
    if not sys.platform.startswith("linux") or shutil.which("ldd") is None:
        return
    plugin = output([python, "-c", "import PySide6, pathlib; print(pathlib.Path(PySide6.__file__).parent / 'Qt/plugins/platforms/libqxcb.so')"])
    result = subprocess.run(["ldd", plugin], capture_output=True, text=True)
    missing = sorted({line.split()[0] for line in result.stdout.splitlines() if "not found" in line})
    if missing:
        say(
            f"WARNING: Qt's X11 plugin cannot find {', '.join(missing)} on this machine, so the build will not "
            f"contain them and will not start on X11 without them. On Debian/Ubuntu: apt-get install {XCB_PACKAGES}"
        )


def check_binutils() -> None:
    """Warn when `strip` is missing: the spec then keeps every library's symbol table."""
    if sys.platform.startswith("linux") and shutil.which("strip") is None:
        say("WARNING: strip not found: the folder will be about 127 MB larger (symbol tables stay). "
            "On Debian/Ubuntu: apt-get install binutils")


def app_path() -> Path:
    if sys.platform == "darwin":
        return DIST / "VMD.app" / "Contents" / "MacOS" / "VMD"
    return DIST / "VMD" / ("VMD.exe" if os.name == "nt" else "VMD")


def add_linux_extras() -> None:
    """The desktop entry and its installer travel with the built folder."""
    folder = DIST / "VMD"
    for src in (ROOT / "packaging" / "linux" / "vmd.desktop", ROOT / "packaging" / "linux" / "install-desktop-entry.sh"):
        if src.exists():
            shutil.copy2(src, folder / src.name)


def make_readable(folder: Path) -> None:
    """Every file readable by everyone (an install in /opt serves all users): some checkpoints
    are written 0600, and PyInstaller keeps each file's mode."""
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        wanted = mode | 0o444 | (0o111 if path.is_dir() or mode & 0o100 else 0)
        if wanted != mode:
            path.chmod(wanted)


def self_test(program: Path) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    say(f"$ {program} --self-test")
    return subprocess.run([str(program), "--self-test"], env=env).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build dist/VMD with PyInstaller in a clean virtual environment.")
    parser.add_argument("--venv", type=Path, default=ROOT / "build" / "venv", help="where to make the build environment")
    parser.add_argument("--reuse-venv", action="store_true", help="keep an existing build environment (faster rebuilds)")
    parser.add_argument("--torch-index", default=None, help="a pip index for torch, e.g. https://download.pytorch.org/whl/cpu")
    parser.add_argument("--skip-self-test", action="store_true", help="do not run the built app's --self-test")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    python = make_venv(args.venv.resolve(), args.reuse_venv)
    if not (args.reuse_venv and output([python, "-c", "import importlib.util as u; print(bool(u.find_spec('PyInstaller')))"]) == "True"):
        install(python, args.torch_index)
    installed = time.perf_counter()
    say(f"environment ready in {installed - started:.0f} s")
    check_qt_libraries(python)
    check_binutils()

    run([python, "-m", "PyInstaller", "--noconfirm", "--clean", "--distpath", DIST, "--workpath", WORK, ROOT / "vmd.spec"], cwd=ROOT)
    built = time.perf_counter()
    if sys.platform.startswith("linux"):
        add_linux_extras()
    if os.name == "posix":
        make_readable(DIST / ("VMD.app" if sys.platform == "darwin" else "VMD"))
    program = app_path()
    if not program.exists():
        say(f"PyInstaller finished but {program} is missing")
        return 1
    say(f"PyInstaller took {built - installed:.0f} s; {program} ({folder_bytes(program.parent if sys.platform != 'darwin' else DIST / 'VMD.app') / 1e6:.0f} MB folder)")

    status = 0
    if not args.skip_self_test:
        status = self_test(program)
        say("self-test passed" if status == 0 else f"the build is in {program.parent}, but its self-test FAILED (exit {status})")
    say(f"done in {time.perf_counter() - started:.0f} s: run {program}")
    return 0 if status == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
