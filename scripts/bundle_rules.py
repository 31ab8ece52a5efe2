"""What the PyInstaller build (vmd.spec) bundles and leaves out, with the reason for each rule.

vmd.spec imports this file; tests/test_packaging.py and scripts/check_bundle.py read it too, so
the rules live in one place. Patterns are fnmatch patterns on the destination path inside the
bundle (the folder dist/VMD/_internal), always with forward slashes.

How the rules are tested:
- the built app with all of them applied: `dist/VMD/VMD --self-test` (offscreen: window,
  engine thread, every checkpoint, a Sudoku solve, a synthetic sample, GIF/PNG export) and a
  start on a real X server (benchmarks/startup.py under Xvfb);
- module exclusions also without a build: scripts/check_bundle.py runs the self-test from
  source with every excluded module made unimportable, and tests/test_packaging.py imports the
  app that way;
- `scripts/check_bundle.py --built dist/VMD` lists anything a rule should have removed.
A rule added here that breaks the app shows up as a failing check there, naming the module or
library.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from pathlib import Path


def folder_bytes(folder: Path) -> int:
    """Bytes of the regular files under `folder`; links are not counted twice."""
    total = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            path = Path(dirpath, name)
            if not path.is_symlink():
                total += path.stat().st_size
    return total


# -- Python modules the app never imports ----------------------------------------------------
# PyInstaller's torch hook collects every torch submodule (collect_submodules("torch")); these
# subtrees are compilers, exporters, distributed training, test helpers and tools that eager
# inference on the CPU never touches. Their absence is checked by scripts/check_bundle.py (not
# imported during a full self-test) and by the built app's self-test.
TORCH_UNUSED = [
    "torch._inductor",  # torch.compile's code generator (and the reason sympy/jinja2 get pulled in)
    "torch._dynamo",  # torch.compile's bytecode tracer
    "torch._lazy",
    "torch._numpy",
    "torch.onnx",
    "torch.contrib",
    "torch.nativert",
    "torch.numa",
    # PyTorch's own test-suite helpers. Not the whole package: torch.utils.checkpoint imports
    # torch.testing._internal.logging_tensor (and with it common_dtype) when torch loads.
    "torch.testing._internal.common_methods_invocations",
    "torch.testing._internal.distributed",
    "torch.testing._internal.generated",
    "torch.testing._internal.opinfo",
    "torch.testing._internal.common_utils",
    "torch.testing._internal.common_modules",
    "torch.testing._internal.common_nn",
    "torch.testing._internal.common_quantization",
    "torch.testing._internal.common_device_type",
    "torch.testing._internal.common_optimizers",
    "torch.testing._internal.common_distributed",
    "torch.testing._internal.common_fsdp",
    "torch.testing._internal.optests",
    "torch.utils.tensorboard",
    "torch.utils.benchmark",
    "torch.utils.bottleneck",
    "torch.utils.cpp_extension",
    "torch.utils.hipify",
    "torch.utils.model_dump",
    "torch.utils.bundled_inputs",
    "torch.utils._sympy",
    "torch.distributed.tensor",
    "torch.distributed.fsdp",
    "torch.distributed.checkpoint",
    "torch.distributed.elastic",
    "torch.distributed.pipelining",
    "torch.distributed._shard",
    "torch.distributed._tools",
    "torch.distributed.optim",
    "torch.distributed.nn",
    "torch.distributed.run",
    "torch.distributed.launcher",
    "torch.distributed._symmetric_memory",
    "torch._export.serde",
    "torch._export.passes",
    "torch._export.converter",
    "torch._export.db",
    "torch.export._trace",
    "torch.export.pt2_archive",
    "torch.export.experimental",
    "torch._vendor.quack",
    "torch.sparse._triton_ops",
    "torch.sparse._triton_ops_meta",
    "torch.backends._nnapi",
    "torch.ao.pruning",
    "torch.ao.ns",
    "torch.cuda._sanitizer",
]

# Packages that hooks or optional imports would drag in but the app never uses.
THIRD_PARTY_UNUSED = [
    "sympy",  # only torch.compile and torch.fx's symbolic shapes use it (80 MB of source)
    "mpmath",
    "networkx",  # torch.compile partitioner
    "jinja2",  # torch._inductor templates
    "markupsafe",
    "fsspec",  # torch.distributed.checkpoint storage
    "triton",
    "tkinter",  # Pillow's ImageTk
    "_tkinter",
    "matplotlib",  # optional in pyqtgraph and torch
    "scipy",
    "pandas",
    "h5py",
    "IPython",
    "cupy",
    "numba",
    "OpenGL",  # PyOpenGL, pyqtgraph's optional 3-D views
    "pytest",
    "setuptools",
    "pkg_resources",
    "pip",
    "training",  # vmd-train / vmd-eval are not part of the app
    # Pillow: the app writes GIFs (GifImagePlugin, in _imaging); these codecs and bridges are
    # never used, and their shared libraries (libavif, libwebp, lcms2) are 7 MB.
    "PIL._avif",
    "PIL.AvifImagePlugin",
    "PIL._webp",
    "PIL.WebPImagePlugin",
    "PIL._imagingcms",
    "PIL.ImageCms",
    "PIL._imagingtk",
    "PIL.ImageTk",
    "PIL.ImageQt",
    # The standard library's TLS, OpenSSL hashes and SQLite: imported only by code paths the
    # app never runs (downloads in torch.hub, caches of torch.compile). hashlib falls back to
    # its built-in hashes. Together with libssl/libcrypto/libsqlite3 about 7 MB.
    "ssl",
    "_ssl",
    "_hashlib",
    "sqlite3",
    "_sqlite3",
    # The standard library's CJK codecs (the app reads and writes UTF-8 and ASCII) and readline
    # (an interactive prompt; it brings libreadline and libtinfo): 1.7 MB together.
    "readline",
    "_codecs_cn",
    "_codecs_hk",
    "_codecs_iso2022",
    "_codecs_jp",
    "_codecs_kr",
    "_codecs_tw",
    "_multibytecodec",
    "pydoc_data",  # pydoc's help topics
    "filelock",  # caches of torch.compile and torch.hub
    "numpy.f2py",  # NumPy's Fortran wrapper generator
    "numpy.fft",  # neither the app nor torch's eager CPU operations call NumPy's FFTs
]

# Other Qt bindings (PyInstaller refuses a build that sees two), and PySide6 modules the app
# does not import. pyqtgraph imports QtSvg and QtTest inside try/except and works without
# them (the app disables pyqtgraph's context menu and its exporters). QtOpenGLWidgets stays
# (pyqtgraph subclasses its QOpenGLWidget at import). QtOpenGL (8.9 MB) goes: pyqtgraph
# imports it unconditionally but uses it only to draw with OpenGL, which the app never
# enables, and app/plots.py puts an empty stand-in in its place when it is missing.
QT_UNUSED = [
    "PyQt5",
    "PyQt6",
    "PySide2",
    "PySide6.QtSvg",
    "PySide6.QtSvgWidgets",
    "PySide6.QtTest",
    "PySide6.QtNetwork",
    "PySide6.QtDBus",
    "PySide6.QtPrintSupport",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtSql",
    "PySide6.QtXml",
    "PySide6.QtConcurrent",
    "PySide6.QtDesigner",
    "PySide6.QtUiTools",
    "PySide6.QtHelp",
    "PySide6.QtOpenGL",
]

EXCLUDED_MODULES = TORCH_UNUSED + THIRD_PARTY_UNUSED + QT_UNUSED

# -- Binaries (shared libraries, Qt plugins, executables) left out ----------------------------
EXCLUDED_BINARIES = {
    # Qt platform plugins: keep xcb (X11), wayland and offscreen (self-test, CI); drop the
    # framebuffer, EGL-fullscreen, VNC and Vulkan-display ones, which need a kiosk setup.
    "PySide6/Qt/plugins/platforms/libqeglfs.so": "EGL full-screen platform (embedded devices)",
    "PySide6/Qt/plugins/platforms/libqlinuxfb.so": "Linux framebuffer platform",
    "PySide6/Qt/plugins/platforms/libqminimal*.so": "test platforms",
    "PySide6/Qt/plugins/platforms/libqvnc.so": "VNC server platform",
    "PySide6/Qt/plugins/platforms/libqvkkhrdisplay.so": "Vulkan display platform",
    "PySide6/Qt/plugins/egldeviceintegrations/*": "only used by the eglfs platform",
    "PySide6/Qt/lib/libQt6EglF[Ss]*": "only used by the eglfs platform",
    "PySide6/Qt/plugins/generic/*": "evdev / tslib / tuio input for framebuffer platforms",
    # The GTK 3 theme would load the system's GTK against the cairo, pango and glib copied
    # from the build machine (a known source of crashes) and drags in 10 MB of them; without
    # it Qt uses its own dialogs (or the desktop portal's, through the xdgdesktopportal theme).
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so": "GTK 3 theme (system GTK against bundled libraries)",
    # The app reads and writes PNG only (built into QtGui); GIFs are written by Pillow.
    "PySide6/Qt/plugins/imageformats/*": "JPEG, GIF, WebP, TIFF, SVG, PDF readers the app never opens",
    "PySide6/Qt/lib/libQt6Pdf*": "pulled in by the PDF image-format plugin only",
    "PySide6/Qt/plugins/iconengines/*": "SVG icon engine (the app's icons are PNG)",
    "PySide6/Qt/lib/libQt6Svg*": "SVG rendering, only for the SVG plugins and the adwaita decoration",
    # The app paints with the raster engine, never with OpenGL.
    "PySide6/Qt/plugins/xcbglintegrations/*": "OpenGL on X11 (widgets paint in software)",
    "PySide6/Qt/plugins/wayland-graphics-integration-client/*": "OpenGL / dma-buf buffers on Wayland",
    # Wayland: the xdg-shell protocol and the bradient decoration are what desktops use.
    "PySide6/Qt/plugins/wayland-shell-integration/libfullscreen-shell-v1.so": "kiosk shell",
    "PySide6/Qt/plugins/wayland-shell-integration/libivi-shell.so": "automotive shell",
    "PySide6/Qt/plugins/wayland-shell-integration/libqt-shell.so": "Qt's own compositor shell",
    "PySide6/Qt/plugins/wayland-shell-integration/libwl-shell-plugin.so": "deprecated wl-shell",
    "PySide6/Qt/lib/libQt6WlShellIntegration*": "deprecated wl-shell",
    "PySide6/Qt/plugins/wayland-decoration-client/libadwaita.so": "needs QtSvg; bradient draws the title bar",
    # The on-screen virtual keyboard plugin drags in QtQuick, QML, QtNetwork and OpenGL.
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so": "QML on-screen keyboard",
    "PySide6/Qt/lib/libQt6VirtualKeyboard*": "QML on-screen keyboard",
    "PySide6/Qt/lib/libQt6Quick*": "QML scene graph (virtual keyboard only)",
    "PySide6/Qt/lib/libQt6Qml*": "QML engine (virtual keyboard only)",
    "PySide6/Qt/lib/libQt6Network*": "networking (virtual keyboard only)",
    # PyTorch's test and example libraries, and its developer executables.
    "torch/lib/libjitbackend_test.so": "PyTorch test library",
    "torch/lib/libbackend_with_compiler.so": "PyTorch test library",
    "torch/lib/libtorchbind_test.so": "PyTorch test library",
    "torch/lib/libaoti_custom_ops.so": "AOTInductor test library",
    "torch/bin/*": "protoc and C++ test programs (torch_shm_manager stays: see ALWAYS_KEPT)",
    "torch/test/*": "PyTorch's C++ test programs (61 MB)",
    "PySide6/QtOpenGL.abi3.so": "the QtOpenGL binding (see QT_UNUSED)",
    # Libraries every Linux desktop has, which the pip-installed PySide6 also takes from the
    # system (they are on the AppImage project's list of libraries not to bundle for the same
    # reason): copies from the build machine only add size. Qt loads libdbus-1 with dlopen and
    # runs without it (no desktop-portal dialogs or accessibility bus); leaving it out also
    # drops libsystemd, libgcrypt, liblz4 and libzstd, which only it needed (prune_unreferenced).
    "libX11.so.6": "system library on every X11/Wayland desktop",
    "libglib-2.0.so.0": "system library (GLib) on every desktop",
    "libgthread-2.0.so.0": "system library (GLib) on every desktop",
    "libfontconfig.so.1": "system font configuration: use the desktop's own",
    "libfreetype.so.6": "system font rendering: use the desktop's own",
    "libexpat.so.1": "system library (fontconfig's XML parser)",
    "libz.so.1": "system library (zlib), present everywhere",
    "libuuid.so.1": "system library",
    "libgpg-error.so.0": "system library",
    "libdbus-1.so.3": "system D-Bus library, loaded by Qt with dlopen when present",
}

# Kept even where an exclusion pattern matches them.
ALWAYS_KEPT = {
    "torch/bin/torch_shm_manager": "`import torch` checks that it exists (44 kB)",
}

# torch modules whose .py source must sit beside the bytecode: torch reads it at import time
# (config modules parse their own source for comments; @torch.jit._overload functions warn
# on stderr without it). Every other torch module is bytecode only (module_collection_mode).
TORCH_SOURCE_NEEDED = [
    "torch._export.config",
    "torch._functorch.config",
    "torch.compiler.config",
    "torch.distributed.config",
    "torch.fx.experimental._config",
    "torch.utils.serialization.config",
    "torch.functional",
    "torch.nn.functional",
    "torch.nn.modules.rnn",
]

# Binaries whose symbol tables are stripped on Linux: every shared library and extension
# module (libtorch_cpu.so: 434 -> 345 MB; libpython: 23 -> 6 MB; Pillow's _imaging 3.5 ->
# 0.8 MB; ICU's code 7 -> 5.6 MB), except NEVER_STRIPPED.
STRIPPED = ["*"]
# The libraries auditwheel vendored into a wheel's <name>.libs folder have been rewritten by
# patchelf; `strip` then produces files the loader rejects (numpy fails to load OpenBLAS and
# libgfortran: "ELF load command address/offset not page-aligned"). PyInstaller's global
# strip=True would strip them too, which is why the spec strips copies itself.
NEVER_STRIPPED = ["*.libs/*"]

# -- Data files left out -------------------------------------------------------------------------
EXCLUDED_DATAS = {
    "torch/bin/*": "protoc and C++ test programs",
    "torch/test/*": "PyTorch's C++ test binaries",
    "torch/include/*": "C++ headers for building extensions",
    "torch/share/*": "CMake files for building extensions",
    "torch/testing/_internal/*": "PyTorch's test-suite data",
    "torch/_inductor/*": "torch.compile templates",
    "torch/_export/serde/*": "export schema files",
    "torch/utils/benchmark/*": "benchmark helper sources",
    "torch/utils/model_dump/*": "model-dump web page",
    "torch/utils/hipify/*": "ROCm converter",
    "*.pyi": "type stubs",
    "PySide6/Qt/translations/*": "Qt's own translations (the app is English only)",
    "torch/_dynamo/*": "torch.compile's graph-break registry (torch._dynamo is left out)",
    "pyqtgraph/icons/peegee/*": "pyqtgraph's own application icon (used only when pyqtgraph creates the QApplication)",
    "pyqtgraph/colors/maps/*": "colour-map tables (the plots draw lines in the app's own colours)",
    "*.dist-info/RECORD": "installed-file lists (pip's, not needed to run)",
}

# -- What the app ships from resources/ ---------------------------------------------------------
# The checkpoints the app reads: the Sudoku tab's (app/paths.py), the Text tab's
# (app/text/catalog.py: generation, phrase pairs, the pair datasets' synthetic models) and the
# Evaluate tab's (every synthetic Table 3 model, the Sudoku test set it scores on).
# tests/test_packaging.py checks that every checkpoint the app's catalogue names is bundled.
RESOURCE_GLOBS = [
    "checkpoints/sudoku-*.safetensors",
    "checkpoints/text-*.safetensors",
    "checkpoints/phrases-*.safetensors",
    "checkpoints/synthetic-*.safetensors",
    "puzzles/library.csv",
    "puzzles/testset.csv",
    "icons/*.png",
]

# Package metadata bundled so the About dialog can show versions and the licence files travel
# with the binaries (importlib.metadata reads it in the frozen app): METADATA and the licence
# files only, not RECORD (torch's alone is 1.5 MB).
METADATA_DISTRIBUTIONS = [
    "vmd",
    "PySide6-Essentials",
    "shiboken6",
    "torch",
    "numpy",
    "pyqtgraph",
    "safetensors",
    "platformdirs",
    "Pillow",
]


def _normal(path: str) -> str:
    return path.replace("\\", "/")


def matches(dest: str, patterns) -> str | None:
    """The first pattern that `dest` (a bundle path) matches, or None."""
    dest = _normal(dest)
    for pattern in patterns:
        if fnmatch.fnmatchcase(dest, pattern):
            return pattern
    return None


def filter_toc(entries, patterns) -> tuple[list, list]:
    """Split PyInstaller TOC entries (dest, src, typecode) into (kept, dropped)."""
    kept, dropped = [], []
    for entry in entries:
        excluded = matches(entry[0], patterns) and not matches(entry[0], ALWAYS_KEPT)
        (dropped if excluded else kept).append(entry)
    return kept, dropped


def module_collection_mode() -> dict[str, str]:
    """Analysis(module_collection_mode=...): torch as bytecode only, except TORCH_SOURCE_NEEDED.

    PyInstaller's torch hook asks for "pyz+py" (every .py beside its bytecode, for TorchScript);
    the app never scripts a model, so only the modules that read their own source need it."""
    modes = {"torch": "pyz"}
    modes.update({name: "pyz+py" for name in TORCH_SOURCE_NEEDED})
    return modes


def filter_symlinks(entries, kept_binaries) -> tuple[list, list]:
    """Drop SYMLINK entries (dest, target, 'SYMLINK') whose target is no longer bundled."""
    present = {_normal(e[0]) for e in kept_binaries}
    kept, dropped = [], []
    for entry in entries:
        if len(entry) == 3 and entry[2] == "SYMLINK":
            target = posixpath.normpath(posixpath.join(posixpath.dirname(_normal(entry[0])), _normal(entry[1])))
            if target not in present:
                dropped.append(entry)
                continue
        kept.append(entry)
    return kept, dropped


def _is_elf(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def strip_copies(binaries, patterns, cache: Path, never=()) -> tuple[list, list[str]]:
    """Point matching entries (less those matching `never`) at stripped copies kept in
    `cache` (made once, with `strip`). A copy that fails or is no smaller is not used."""
    import shutil
    import subprocess

    tool = shutil.which("strip")
    if tool is None:
        return list(binaries), []
    out, done = [], []
    for entry in binaries:
        dest, src, typecode = entry
        if typecode == "SYMLINK" or not matches(dest, patterns) or matches(dest, never) or not _is_elf(src):
            out.append(entry)
            continue
        target = cache / _normal(dest)
        if not target.exists() or target.stat().st_mtime < Path(src).stat().st_mtime:
            target.parent.mkdir(parents=True, exist_ok=True)
            result = subprocess.run([tool, "-o", str(target), src], capture_output=True, text=True)
            if result.returncode != 0:
                print(f"strip failed for {dest}, bundling it unstripped: {result.stderr.strip()}")
                target.unlink(missing_ok=True)
        if target.exists() and target.stat().st_size < Path(src).stat().st_size:
            out.append((dest, str(target), typecode))
            done.append(_normal(dest))
        else:
            out.append(entry)
    return out, done


def metadata_datas(distribution: str) -> list[tuple[str, str]]:
    """(source, destination folder) pairs for a distribution's METADATA and licence files."""
    from importlib import metadata

    dist = metadata.distribution(distribution)
    pairs = []
    for file in dist.files or []:
        parts = Path(str(file)).parts
        if not parts or not parts[0].endswith((".dist-info", ".egg-info")):
            continue
        name = parts[-1].upper()
        if name in ("METADATA", "PKG-INFO") or name.startswith(("LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS")) or "licenses" in parts:
            source = Path(str(dist.locate_file(file)))
            if source.is_file():
                pairs.append((str(source), str(Path(*parts[:-1]))))
    return pairs


def resource_datas(root: Path) -> list[tuple[str, str]]:
    """(source file, destination folder) pairs for Analysis(datas=...)."""
    base = root / "resources"
    pairs = []
    for pattern in RESOURCE_GLOBS:
        for path in sorted(base.glob(pattern)):
            pairs.append((str(path), str(Path("resources") / path.parent.relative_to(base))))
    return pairs


def inference_checkpoints(pairs: list[tuple[str, str]], out: Path) -> tuple[list[tuple[str, str]], dict]:
    """Checkpoints travel as inference-only copies: float16 weights, without the VMD encoders
    that only training and likelihood bounds use. resources/ keeps the full files.

    Returns the pairs with checkpoints replaced by their copies, and the MB before and after."""
    from vmdcore.checkpoint import save_inference_copy

    out.mkdir(parents=True, exist_ok=True)
    result, before, after = [], 0, 0
    for source, folder in pairs:
        if source.endswith(".safetensors"):
            copy = save_inference_copy(source, out / Path(source).name)
            before += Path(source).stat().st_size
            after += copy.stat().st_size
            source = str(copy)
        result.append((source, folder))
    return result, {"source_mb": round(before / 1e6, 2), "bundled_mb": round(after / 1e6, 2)}


def project_version(root: Path) -> str:
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^\s*version\s*=\s*"([^"]+)"', text, re.MULTILINE)
    return match.group(1) if match else "0.0.0"
