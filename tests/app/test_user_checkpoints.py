"""The user's checkpoints folder (listed from headers only, the rest explained) and bad
checkpoints chosen in the app: a message each time, and the app goes on working."""

from __future__ import annotations

import pickle
import shutil

import pytest
import torch

from app import checkpoint_folder, paths
from tests.vmdcore.test_checkpoint_robustness import Marker, contents, rewrite, sudoku_checkpoint, text_checkpoint


@pytest.fixture
def user_folder(tmp_path):
    """A folder as a user might fill it: one good checkpoint, and five files that are not."""
    folder = paths.user_checkpoint_dir()
    folder.mkdir(parents=True, exist_ok=True)
    sudoku_checkpoint(folder / "my-vmd.safetensors", latent_dim=8)
    (folder / "pickled.safetensors").write_bytes(pickle.dumps({"w": Marker(tmp_path / "unpickled")}))
    torch.save({"w": Marker(tmp_path / "unpickled")}, folder / "old.pt")
    text_checkpoint(folder / "text-model.safetensors")
    good = (folder / "my-vmd.safetensors").read_bytes()
    (folder / "cut.safetensors").write_bytes(good[: len(good) // 2])
    (folder / "notes.txt").write_text("my checkpoints")
    return folder


def test_the_folder_is_in_the_user_data_dir():
    assert paths.user_checkpoint_dir() == paths.data_dir() / "checkpoints"
    assert checkpoint_folder.scan(paths.user_checkpoint_dir()) == [], "a missing folder lists nothing"


def test_scan_lists_the_usable_and_explains_the_rest(user_folder, tmp_path, monkeypatch):
    import vmdcore.checkpoint as ckpt

    def no_weights(*args, **kwargs):
        raise AssertionError("listing loaded weights")

    monkeypatch.setattr(ckpt, "load_checkpoint", no_weights)
    entries = {e.path.name: e for e in checkpoint_folder.scan(user_folder, "sudoku")}
    assert sorted(entries) == ["cut.safetensors", "my-vmd.safetensors", "notes.txt", "old.pt",
                               "pickled.safetensors", "text-model.safetensors"]
    assert [name for name, e in entries.items() if e.usable] == ["my-vmd.safetensors"]
    assert entries["my-vmd.safetensors"].info.kind == "vmd"
    assert "truncated" in entries["cut.safetensors"].problem
    assert "pickle" in entries["pickled.safetensors"].problem
    assert entries["old.pt"].problem == "old.pt is not a .safetensors file"
    assert "'text' model, but a 'sudoku' model is needed" in entries["text-model.safetensors"].problem
    assert not (tmp_path / "unpickled").exists()


def test_the_model_menu_offers_the_folder(qtbot, tab, user_folder, tmp_path, captured_messages):
    entries = tab.fill_user_checkpoints_menu()
    actions = {a.text(): a for a in tab.user_checkpoints_menu.actions() if a.text()}
    assert actions["my-vmd.safetensors (VMD)"].isEnabled()
    refused = actions["text-model.safetensors: cannot be used"]
    assert not refused.isEnabled() and "'text' model" in refused.toolTip()
    assert "truncated" in actions["cut.safetensors: cannot be used"].toolTip()
    assert len(entries) == 6 and "Open the checkpoints folder" in actions
    assert tab.user_checkpoints_menu.menuAction() in tab.window().menuBar().actions()[2].menu().actions()

    actions["my-vmd.safetensors (VMD)"].trigger()
    qtbot.waitUntil(lambda: tab.models.get("vmd") is not None and tab.models["vmd"].path.endswith("my-vmd.safetensors"),
                    timeout=30_000)
    assert captured_messages.errors == []
    assert not (tmp_path / "unpickled").exists()


BAD = ["pickled", "torch-zip", "text-model", "wrong-shape", "future", "missing-tensor", "random"]


def _bad_file(kind, folder, marker):
    path = folder / f"{kind}.safetensors"
    if kind == "pickled":
        path.write_bytes(pickle.dumps({"w": Marker(marker)}))
    elif kind == "torch-zip":
        torch.save({"w": Marker(marker)}, path)
    elif kind == "text-model":
        text_checkpoint(path)
    elif kind == "random":
        path.write_bytes(bytes(range(256)) * 8)
    else:
        sudoku_checkpoint(path)
        meta, tensors = contents(path)
        if kind == "wrong-shape":
            rewrite(path, tensors={**tensors, "denoiser.token.weight": torch.zeros(12, 32)})
        elif kind == "future":
            rewrite(path, meta={**meta, "format_version": 2})
        else:
            rewrite(path, tensors={k: v for k, v in tensors.items() if k != "denoiser.token.weight"})
    return path


def test_bad_checkpoints_chosen_in_the_app_give_a_message_and_the_app_goes_on(qtbot, tab, tmp_path, captured_messages, puzzle_text):
    marker = tmp_path / "unpickled"
    before = tab.models["mdm"].path
    words = {"pickled": "pickle", "torch-zip": "pickle", "text-model": "'text' model", "wrong-shape": "shape",
             "future": "newer VMD", "missing-tensor": "missing", "random": "not a safetensors"}
    for kind in BAD:
        captured_messages.errors.clear()
        tab.load_checkpoint("mdm", str(_bad_file(kind, tmp_path, marker)))
        qtbot.waitUntil(lambda: bool(captured_messages.errors), timeout=30_000)
        title, text = captured_messages.errors[0]
        assert title == "Could not open the MDM checkpoint" and f"{kind}.safetensors" in text and words[kind] in text, text
        assert tab.models["mdm"].path == before, "the model that was loaded stays in use"
    assert not marker.exists()
    captured_messages.errors.clear()
    tab.controls.apply("both", "margin", 4, 0.0, 0, "fixed")
    with qtbot.waitSignal(tab.engine.runFinished, timeout=60_000):
        tab.solve()
    assert captured_messages.errors == [] and set(tab.records) == {"mdm", "vmd"}
