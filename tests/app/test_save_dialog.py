"""export.ask_and_write, the one save-as path of every tab's export commands."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from app import export


def _answer(monkeypatch, path: str, asked: list) -> None:
    def fake(parent, title, start, file_filter):
        asked.append(start)
        return path, file_filter
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))


def test_writes_where_the_user_chose_and_remembers_the_folder(qtbot, monkeypatch, tmp_path):
    parent, asked, folders = QWidget(), [], []
    qtbot.addWidget(parent)
    target = tmp_path / "out" / "trace.json"
    target.parent.mkdir()
    _answer(monkeypatch, str(target), asked)
    written = export.ask_and_write(parent, "Export", "trace.json", "JSON (*.json)",
                                   lambda p: export.write_json({"ok": 1}, p), "/somewhere", folders.append)
    assert Path(written) == target and target.read_text().strip().startswith("{")
    assert asked == [str(Path("/somewhere") / "trace.json")] and folders == [str(target.parent)]


def test_cancel_writes_nothing_and_a_failed_write_is_said(qtbot, monkeypatch, tmp_path, captured_messages):
    parent, asked = QWidget(), []
    qtbot.addWidget(parent)
    _answer(monkeypatch, "", asked)
    assert export.ask_and_write(parent, "Export", "x.json", "JSON (*.json)", lambda p: 1 / 0) is None

    def refuse(path):
        raise export.ExportError("the disk is full")
    _answer(monkeypatch, str(tmp_path / "x.json"), asked)
    assert export.ask_and_write(parent, "Export view", "x.json", "JSON (*.json)", refuse) is None
    assert captured_messages.errors == [("Export view", "the disk is full")]
