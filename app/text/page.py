"""What every page of the Text tab has: the constructor, signals and methods the tab drives all
pages by (tab.py), the shared engine, model registry and checkpoint folder, one run of its own at
a time (its `ModelRun`), and the notice about missing or broken checkpoints above the page's
content."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from .. import messages
from ..banner import Banner
from ..model_run import ModelRegistry, ModelRun
from ..settings import AppSettings
from ..theme import Theme
from ..worker import Engine
from .catalog import CheckpointSlot

BUSY_MESSAGE = "Another run is in progress (on this or another tab): wait for it or stop it first."


class TextPage(QWidget):
    """A page names itself in NAME, builds its widgets in `_build` (laid out with `_place`, the
    notice made by `_content` or set as `banner`), wires its `model_run` in `_connect_run`, and has
    the methods the tab calls: refresh_models, store_settings, set_theme, stop and shutdown."""

    NAME = ""

    statusMessage = Signal(str, int)
    settingsChanged = Signal()
    stateChanged = Signal()
    reloadRequested = Signal()

    banner: Banner

    def __init__(
        self,
        engine: Engine,
        registry: ModelRegistry,
        folder: Callable[[], Path],
        settings: AppSettings,
        theme: Theme,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(self.NAME)
        self.engine = engine
        self.registry = registry
        self._folder = folder
        self.theme = theme
        self.model_run = ModelRun(engine, self)
        self._build(settings)
        self._connect_run()
        self.banner.clicked.connect(self.reloadRequested)
        registry.changed.connect(self.refresh_models)
        engine.busyChanged.connect(lambda _: self._update_actions())
        self.set_theme(theme)
        self.refresh_models()

    # -- what a page provides ------------------------------------------------------------------
    def _build(self, settings: AppSettings) -> None:
        """Make and lay out the widgets, restore `settings`, connect the page's own controls."""
        raise NotImplementedError

    def _connect_run(self) -> None:
        """Connect `model_run`'s signals to the page (its steps, end, failure; `ended` to
        `_update_actions`)."""
        raise NotImplementedError

    def refresh_models(self) -> None:
        raise NotImplementedError

    def set_theme(self, theme: Theme) -> None:
        raise NotImplementedError

    def _update_actions(self) -> None:
        raise NotImplementedError

    # -- shared ----------------------------------------------------------------------------------
    def _place(self, panel: QWidget, content: QWidget) -> None:
        """The side panel on the left, the page's content taking the rest."""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(10)
        layout.addWidget(panel)
        layout.addWidget(content, 1)

    def _content(self, banner_name: str) -> tuple[QWidget, QVBoxLayout]:
        """The right-hand side: the notice on top; the page adds its content to the layout."""
        host = QWidget(self)
        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.banner = Banner(banner_name, host)
        layout.addWidget(self.banner)
        return host, layout

    @property
    def running(self) -> bool:
        return self.model_run.running

    def _may_start(self, title: str) -> bool:
        """Whether a new run may start now; says why not when another run holds the engine."""
        if self.running:
            return False
        if self.engine.busy:
            messages.show_error(self, title, BUSY_MESSAGE)
            return False
        return True

    def _show_notice(self, lines: list[str], slots: Iterable[CheckpointSlot], folder: Path) -> None:
        """The banner with `lines` (what is missing) and a line for each slot that failed to load;
        hidden when there is nothing to say."""
        for slot in slots:
            if slot.key in self.registry.errors and self.registry.get(slot.key) is None:
                lines.append(f"<b>{html.escape(slot.file)} could not be loaded:</b> {html.escape(self.registry.errors[slot.key])}")
        if lines:
            self.banner.show_message("<br>".join(lines), "Reload checkpoints", f"Checkpoints are looked for in {folder}")
        else:
            self.banner.hide()
