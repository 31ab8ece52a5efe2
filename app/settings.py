"""Persistent user settings: one frozen dataclass, saved as JSON in the platformdirs config folder.

A missing, unreadable or partly invalid file never stops the app: every field that cannot be
read falls back to its default.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from vmdcore import atomic

from . import paths

log = logging.getLogger(__name__)

FILE_NAME = "settings.json"


@dataclass(frozen=True)
class AppSettings:
    puzzle: str = ""
    models: str = "both"
    strategy: str = "margin"
    nfe: int = 8
    temperature: float = 0.0
    seed: int = 0
    latent_mode: str = "fixed"
    speed: float = 4.0
    show_ghosts: bool = True
    show_conflicts: bool = True
    theme: str = "light"
    geometry: str = ""
    splitter: str = ""
    checkpoint_mdm: str = ""
    checkpoint_vmd: str = ""
    last_dir: str = ""
    # Generate mode of the Sudoku tab (defaults as app/sudoku/generation.py).
    sudoku_mode: str = "solve"
    generate_start: str = "empty"
    generate_clues: int = 17
    generate_temperature_mdm: float = 1.0
    generate_temperature_vmd: float = 0.0
    # The Text tab ("" / 0 mean: the tab's own default).
    text_prompt: str = ""
    text_length: int = 0
    text_block: int = 4
    text_models: str = "both"
    text_strategy: str = "margin"
    text_nfe: int = 4
    text_temperature: float = 0.0
    text_seed: int = 0
    text_latent_mode: str = "fixed"
    text_ghosts: bool = False
    phrase_prompt: str = ""
    phrase_samples: int = 500
    phrase_nfe: int = 1
    pair_dataset: str = "pair"
    pair_samples: int = 2000
    pair_nfe: int = 1
    # The Evaluate tab's last choices: plans.EvalSpec as JSON ("" = the tab's defaults).
    evaluate_spec: str = ""

    def with_(self, **changes: Any) -> "AppSettings":
        return replace(self, **changes)


def settings_path() -> Path:
    return paths.config_dir() / FILE_NAME


def _coerce(value: Any, default: Any) -> Any:
    """`value` if it has the default's type (ints accepted for floats), else raise TypeError."""
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
    elif isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif isinstance(default, float):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif isinstance(default, str):
        if isinstance(value, str):
            return value
    raise TypeError(f"expected {type(default).__name__}, got {type(value).__name__}")


def load_settings(path: Path | None = None) -> AppSettings:
    path = path or settings_path()
    defaults = AppSettings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return defaults
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable settings file %s: %s", path, exc)
        return defaults
    if not isinstance(raw, dict):
        log.warning("ignoring settings file %s: it holds %s, not an object", path, type(raw).__name__)
        return defaults
    values = {}
    for f in fields(AppSettings):
        if f.name in raw:
            try:
                values[f.name] = _coerce(raw[f.name], getattr(defaults, f.name))
            except TypeError as exc:
                log.warning("settings: ignoring %s (%s)", f.name, exc)
    return replace(defaults, **values)


def save_settings(settings: AppSettings, path: Path | None = None) -> None:
    """Write atomically; a failure is logged, not raised (losing settings must not lose work)."""
    path = path or settings_path()
    try:
        atomic.write_text(path, json.dumps(asdict(settings), indent=2, sort_keys=True))
    except OSError as exc:
        log.warning("could not save settings to %s: %s", path, exc)
