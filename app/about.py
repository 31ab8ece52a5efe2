"""Version, licences, the paper's citation, the application icon, and the About dialog.

Nothing here imports torch. The dialog names the libraries the app is built on and reads their
versions from package metadata (the PyInstaller build bundles it) only when it opens, so the
window title costs no start-up time.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from . import APP_NAME, paths

DISTRIBUTION = "vmd"
PROJECT_LICENCE = "MIT"

PAPER_TITLE = "Variational Masked Diffusion Models"
PAPER_AUTHORS = "Yichi Zhang, Alex Schwing, Zhizhen Zhao"
PAPER_ARXIV = "2510.23606"
PAPER_URL = f"https://arxiv.org/abs/{PAPER_ARXIV}"
CITATION = f"{PAPER_AUTHORS}. {PAPER_TITLE}. arXiv:{PAPER_ARXIV}, 2025."
BIBTEX = (
    "@article{zhang2025variational,\n"
    f"  title   = {{{PAPER_TITLE}}},\n"
    "  author  = {Zhang, Yichi and Schwing, Alex and Zhao, Zhizhen},\n"
    f"  journal = {{arXiv preprint arXiv:{PAPER_ARXIV}}},\n"
    "  year    = {2025}\n"
    "}\n"
)


@dataclass(frozen=True)
class Component:
    """A third-party package the app ships with, and its licence."""

    label: str
    distribution: str
    licence: str
    note: str = ""


COMPONENTS: tuple[Component, ...] = (
    Component("Qt for Python (PySide6)", "PySide6-Essentials", "LGPL-3.0",
              "Qt's libraries are shipped as separate shared libraries and may be replaced"),
    Component("Shiboken6", "shiboken6", "LGPL-3.0"),
    Component("PyTorch", "torch", "BSD-3-Clause"),
    Component("NumPy", "numpy", "BSD-3-Clause"),
    Component("pyqtgraph", "pyqtgraph", "MIT"),
    Component("safetensors", "safetensors", "Apache-2.0"),
    Component("platformdirs", "platformdirs", "MIT"),
    Component("Pillow", "Pillow", "MIT-CMU (HPND)"),
)


VERSION_FILE = "vmd-version.txt"  # written into the PyInstaller bundle by vmd.spec


def _version_from_pyproject() -> str | None:
    """The source tree's version (a checkout, editable or not)."""
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(r'^\s*version\s*=\s*"([^"]+)"', text, re.MULTILINE)
    return match.group(1) if match else None


def _version_from_bundle() -> str | None:
    bundle = getattr(sys, "_MEIPASS", None)
    if not bundle:
        return None
    try:
        return (Path(bundle) / VERSION_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


@lru_cache(maxsize=1)
def app_version() -> str:
    """The app's version: pyproject.toml beside the source, the PyInstaller bundle's version
    file, else installed package metadata (a wheel install), else 'unknown'.

    importlib.metadata comes last because importing and scanning it costs a tenth of a second
    or more, and the window title needs the version before the first paint."""
    version = _version_from_pyproject() or _version_from_bundle()
    if version:
        return version
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"


def package_version(distribution: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""


def window_title() -> str:
    return f"{APP_NAME} {app_version()}: masked diffusion, step by step"


def build_description() -> str:
    """'packaged build' or 'Python <version> (source)', for the About dialog and the self-test."""
    python = f"Python {sys.version.split()[0]}"
    if getattr(sys, "frozen", False):
        return f"packaged build, {python}"
    return f"run from Python source, {python}"


def icon_path(size: int | None = None) -> Path:
    """resources/icons/vmd-<size>.png, or vmd.png (256 px) when no size is given."""
    name = f"vmd-{size}.png" if size else "vmd.png"
    return paths.resource("icons", name)


def app_icon() -> QIcon:
    """A QIcon holding every bundled size (an empty icon when the files are missing)."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        path = icon_path(size)
        if path.is_file():
            icon.addFile(str(path))
    if icon.isNull() and icon_path().is_file():
        icon.addFile(str(icon_path()))
    return icon


def about_html() -> str:
    rows = []
    for c in COMPONENTS:
        version = package_version(c.distribution)
        name = escape(c.label) + (f" {escape(version)}" if version else "")
        note = f"<br><small>{escape(c.note)}</small>" if c.note else ""
        rows.append(f"<tr><td>{name}{note}</td><td style='padding-left:12px'>{escape(c.licence)}</td></tr>")
    return (
        f"<h2 style='margin-bottom:2px'>{APP_NAME} {escape(app_version())}</h2>"
        f"<p style='margin-top:0'><small>{escape(build_description())}</small></p>"
        "<p>Watch a standard masked diffusion model (MDM) and a Variational Masked Diffusion model "
        "(VMD) solve Sudoku step by step. An MDM commits several cells per step from independent "
        "guesses, so cells decided together can contradict each other; VMD shares a latent variable "
        "z across the cells to keep them consistent.</p>"
        "<p><b>The paper</b><br>"
        f"{escape(PAPER_AUTHORS)}. <i>{escape(PAPER_TITLE)}</i>. "
        f"<a href='{PAPER_URL}'>arXiv:{PAPER_ARXIV}</a>, 2025.</p>"
        f"<p><b>Licence</b><br>{APP_NAME} is released under the {PROJECT_LICENCE} licence. "
        "It is built on these libraries, each under its own licence:</p>"
        f"<table>{''.join(rows)}</table>"
    )


class AboutDialog(QDialog):
    """Version, description, the paper (with a Copy citation button) and the licences."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle(f"About {APP_NAME}")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        icon = app_icon()
        if not icon.isNull():
            picture = QLabel(self)
            picture.setPixmap(icon.pixmap(96, 96))
            picture.setAlignment(Qt.AlignmentFlag.AlignTop)
            top.addWidget(picture)
        self.text = QLabel(about_html(), self)
        self.text.setObjectName("about_text")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setOpenExternalLinks(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.text.setMinimumWidth(460)
        top.addWidget(self.text, 1)
        layout.addLayout(top)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = buttons.addButton("Copy citation (BibTeX)", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setObjectName("copy_citation")
        self.copy_button.clicked.connect(self.copy_citation)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_citation(self) -> None:
        QGuiApplication.clipboard().setText(BIBTEX)
        self.copy_button.setText("Citation copied")
