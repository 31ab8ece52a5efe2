"""Shared test setup: offscreen Qt, and user folders redirected to a temporary directory."""

from __future__ import annotations

import os

import pytest

# Before any QApplication exists: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Settings, data, caches and logs go to a fresh folder: the real profile is never touched."""
    home = tmp_path_factory.mktemp("vmd-home")
    monkeypatch.setenv("VMD_HOME", str(home))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    return home
