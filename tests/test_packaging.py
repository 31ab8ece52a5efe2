"""Packaging: the PyInstaller spec and its rules, icons, the Linux desktop entry, and (marked
`build`) the built app in dist/VMD.

The `build` tests run the already-built app and skip, with the reason, when dist/VMD/VMD is
absent; nothing here runs a build (that takes minutes: `python3 scripts/build.py`).
"""

from __future__ import annotations

import configparser
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import bundle_rules as rules  # noqa: E402

BUILT = ROOT / "dist" / "VMD"
PROGRAM = BUILT / ("VMD.exe" if os.name == "nt" else "VMD")
MAX_FOLDER_MB = 600  # the limit since the build stopped compiling numpy and rewriting ICU data (docs/results/performance.md)
without_build = pytest.mark.skipif(
    not PROGRAM.exists(), reason=f"no PyInstaller build at {PROGRAM} (make one: python3 scripts/build.py)"
)


# -- the spec and its rules (no build needed) -------------------------------------------------


def test_spec_is_valid_python_and_uses_the_rules():
    text = (ROOT / "vmd.spec").read_text(encoding="utf-8")
    compile(text, "vmd.spec", "exec")
    assert "import bundle_rules as rules" in text
    assert "exclude_binaries=True" in text and "COLLECT(" in text  # one folder, not one file
    assert (ROOT / "scripts" / "vmd_entry.py").is_file()


def test_resources_bundled_are_what_the_app_reads():
    pairs = rules.resource_datas(ROOT)
    sources = {Path(src).relative_to(ROOT / "resources").as_posix() for src, _ in pairs}
    assert "puzzles/library.csv" in sources
    assert "puzzles/testset.csv" in sources  # the Evaluate tab scores on it
    assert {f"icons/vmd-{s}.png" for s in (16, 32, 48, 256)} <= sources
    # Every checkpoint the app opens is bundled: the Sudoku tab's, each Text tab slot's and the
    # Evaluate tab's (which reads every synthetic Table 3 model).
    needed = {f"checkpoints/sudoku-{kind}.safetensors" for kind in ("mdm", "vmd")}
    try:
        from app.text import catalog
    except ImportError:  # a version without the Text tab
        catalog = None
    if catalog is not None:
        needed |= {f"checkpoints/{slot.file}" for slot in catalog.ALL_SLOTS}
    present = {p.relative_to(ROOT / "resources").as_posix() for p in (ROOT / "resources" / "checkpoints").glob("*.safetensors")}
    assert needed & present <= sources, f"add these to RESOURCE_GLOBS: {sorted((needed & present) - sources)}"
    assert {name for name in present if name.startswith("checkpoints/synthetic-")} <= sources


def test_checkpoints_travel_as_smaller_inference_copies_that_still_load(tmp_path):
    from vmdcore.checkpoint import load_checkpoint, read_info

    pairs = [pair for pair in rules.resource_datas(ROOT) if pair[0].endswith(".safetensors")]
    copies, sizes = rules.inference_checkpoints(pairs, tmp_path)
    assert [folder for _, folder in copies] == [folder for _, folder in pairs]
    assert sizes["bundled_mb"] < 0.8 * sizes["source_mb"]  # float16, no encoders
    for (source, _), (copy, _) in zip(pairs, copies):
        assert Path(copy).parent == tmp_path and Path(copy).name == Path(source).name
        assert Path(copy).stat().st_size <= Path(source).stat().st_size + 1024  # the marker adds a few bytes
        info = read_info(copy)
        assert info.inference_only and info.metrics == read_info(source).metrics
        model, _ = load_checkpoint(copy)
        assert model.encoder is None
    for src, dest in pairs:
        assert dest == str(Path("resources") / Path(src).relative_to(ROOT / "resources").parent)


def test_rules_keep_what_the_app_needs():
    keep = [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so",
        "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so",
        "PySide6/Qt/lib/libQt6Widgets.so.6",
        "PySide6/Qt/lib/libQt6OpenGL.so.6",
        "torch/lib/libtorch_cpu.so",
        "torch/lib/libtorch_global_deps.so",
        "torch/bin/torch_shm_manager",
        "resources/checkpoints/sudoku-vmd.safetensors",
        "resources/icons/vmd-256.png",
        "PySide6/QtOpenGLWidgets.abi3.so",  # pyqtgraph subclasses QOpenGLWidget at import
        "PySide6/Qt/lib/libicudata.so.73",  # Qt's collation, case mapping and codecs need it
        "libxcb-cursor.so.0",  # not on every desktop: bundled
        "libstdc++.so.6",
        "pyqtgraph/icons/auto.png",
    ]
    patterns = list(rules.EXCLUDED_BINARIES) + list(rules.EXCLUDED_DATAS)
    entries = [(path, "", "BINARY") for path in keep]
    assert rules.filter_toc(entries, patterns) == (entries, [])
    dropped = ["PySide6/Qt/plugins/imageformats/libqpdf.so", "torch/lib/libtorchbind_test.so", "torch/include/ATen/ATen.h",
               "PySide6/Qt/lib/libQt6Quick.so.6", "PySide6/Qt/translations/qtbase_de.qm",
               "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "torch/bin/protoc", "PySide6/QtOpenGL.abi3.so",
               "libX11.so.6", "libglib-2.0.so.0", "libdbus-1.so.3", "pyqtgraph/icons/peegee/peegee.svg"]
    assert all(rules.matches(path, patterns) for path in dropped)
    # Each rule says why.
    assert all(reason for reason in {**rules.EXCLUDED_BINARIES, **rules.EXCLUDED_DATAS, **rules.ALWAYS_KEPT}.values())
    modes = rules.module_collection_mode()
    assert modes["torch"] == "pyz" and modes["torch.distributed.config"] == "pyz+py"
    # Stripping: everything but the auditwheel-patched libraries.
    assert rules.matches("numpy.libs/libscipy_openblas64_-32a4b2a6.so", rules.NEVER_STRIPPED)
    assert rules.matches("PIL/_imaging.cpython-311-x86_64-linux-gnu.so", rules.STRIPPED)
    assert not rules.matches("PIL/_imaging.cpython-311-x86_64-linux-gnu.so", rules.NEVER_STRIPPED)


def test_stripping_skips_non_elf_and_patched_libraries(tmp_path: Path):
    """Only ELF files outside NEVER_STRIPPED are replaced by stripped copies; anything else
    (a data file, a wheel's patchelf-rewritten library) is bundled as it is."""
    from numpy._core import _multiarray_umath

    if not sys.platform.startswith("linux") or shutil.which("strip") is None:
        pytest.skip("needs Linux and binutils' strip")
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a library")
    entries = [("numpy/_core/x.so", _multiarray_umath.__file__, "EXTENSION"), ("notes.txt", str(text_file), "DATA"),
               ("numpy.libs/libfake.so", _multiarray_umath.__file__, "BINARY")]
    out, done = rules.strip_copies(entries, rules.STRIPPED, tmp_path / "cache", rules.NEVER_STRIPPED)
    assert done == ["numpy/_core/x.so"]
    assert Path(out[0][1]).stat().st_size < Path(_multiarray_umath.__file__).stat().st_size
    assert out[1:] == entries[1:]


def test_app_imports_without_the_excluded_modules():
    """With every module the spec leaves out made unimportable (as in the build), the window,
    the self-test and the engine's modules still import. (scripts/check_bundle.py runs the
    whole self-test this way; the built app's self-test is the final word.)"""
    import check_bundle

    code = check_bundle.BLOCKER + (
        "import os; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "import app.main_window, app.self_test, app.export, app.about, app.__main__\n"
        "import vmdcore.checkpoint, vmdcore.sampling, vmdcore.devices, vmdcore.sudoku, vmdcore.tasks.synthetic\n"
        "hit = sorted(p for p in BLOCKED if any(m == p or m.startswith(p + '.') for m in sys.modules))\n"
        "print(json.dumps(hit))\n"
    )
    blocked = check_bundle.blockable()
    result = subprocess.run([sys.executable, "-c", code, json.dumps(blocked)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


# -- icons and the desktop entry ----------------------------------------------------------------


def test_icons_exist_in_every_format():
    from PIL import Image

    icons = ROOT / "resources" / "icons"
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        with Image.open(icons / f"vmd-{size}.png") as image:
            assert image.size == (size, size)
    for name in ("vmd.png", "vmd.ico", "vmd.icns", "vmd.svg"):
        assert (icons / name).stat().st_size > 0


def _desktop_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_desktop_entry_template():
    entry = _desktop_entry(ROOT / "packaging" / "linux" / "vmd.desktop")
    assert entry["Type"] == "Application" and entry["Name"] == "VMD" and entry["Icon"] == "vmd"
    assert entry["Exec"].startswith("VMD") and entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";") and "Education" in entry["Categories"]
    validator = shutil.which("desktop-file-validate")
    if validator:
        result = subprocess.run([validator, str(ROOT / "packaging" / "linux" / "vmd.desktop")], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(os.name == "nt", reason="POSIX shell script")
def test_install_desktop_entry_script(tmp_path: Path):
    program = tmp_path / "my apps" / "VMD"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    data = tmp_path / "data"
    env = dict(os.environ, XDG_DATA_HOME=str(data))
    script = ROOT / "packaging" / "linux" / "install-desktop-entry.sh"
    result = subprocess.run(["sh", str(script), str(program)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    entry = _desktop_entry(data / "applications" / "vmd.desktop")
    assert entry["Exec"] == f'"{program}" %f'
    assert entry["TryExec"] == str(program)
    assert (data / "icons" / "hicolor" / "256x256" / "apps" / "vmd.png").is_file()
    result = subprocess.run(["sh", str(script), "--uninstall"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and not (data / "applications" / "vmd.desktop").exists()


# -- the built app (marked `build`, skipped without dist/VMD) -------------------------------------


@pytest.mark.build
@without_build
def test_built_app_self_test(tmp_path: Path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VMD_HOME=str(tmp_path))
    env.pop("VMD_RESOURCES", None)  # the bundle's own resources
    result = subprocess.run([str(PROGRAM), "--self-test"], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(packaged build" in result.stdout
    assert "Self-test passed" in result.stdout


@pytest.mark.build
@without_build
def test_built_app_version():
    result = subprocess.run([str(PROGRAM), "--version"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert result.stdout.strip() == f"VMD {rules.project_version(ROOT)}"


@pytest.mark.build
@without_build
def test_built_folder_size_and_contents():
    import check_bundle

    internal = BUILT / "_internal"
    total = rules.folder_bytes(BUILT)
    # torch 2.13's CPU library alone is 345 MB. The limit catches regressions: a CUDA torch
    # (gigabytes), lost exclusions (+150 MB) or unstripped libraries (+127 MB).
    assert total / 1e6 <= MAX_FOLDER_MB, f"{total / 1e6:.0f} MB"
    assert check_bundle.inspect_build(BUILT) == 0  # no excluded file, CUDA library or second Qt binding
    bundled = {p.name for p in (internal / "resources" / "checkpoints").glob("*.safetensors")}
    source = {Path(src).name for src, _ in rules.resource_datas(ROOT) if src.endswith(".safetensors")}
    assert source <= bundled, f"rebuild: the build lacks {sorted(source - bundled)}"
    from vmdcore.checkpoint import read_info

    assert all(read_info(p).inference_only for p in (internal / "resources" / "checkpoints").glob("*.safetensors"))
    assert (internal / "resources" / "puzzles" / "library.csv").is_file()
    assert (internal / "resources" / "icons" / "vmd-256.png").is_file()
    assert not (internal / "PySide6" / "QtOpenGL.abi3.so").exists()
    if sys.platform.startswith("linux"):
        assert (BUILT / "vmd.desktop").is_file() and (BUILT / "install-desktop-entry.sh").is_file()
