"""`vmd --self-test`'s text check: every bundled text and phrase-pair model generates."""

from __future__ import annotations

import shutil
from pathlib import Path

from app import self_test


def _run(resources: Path, capsys) -> tuple[self_test.Outcome, str]:
    checks = [c for c in self_test.CHECKS if c.name == "text"]
    [outcome] = self_test.run_checks(self_test.Context(resources=resources), checks, self_test._Report())
    return outcome, capsys.readouterr().out


def test_text_check_generates_with_each_bundled_model(text_resources: Path, capsys):
    outcome, out = _run(text_resources, capsys)
    assert outcome.status == "passed", out
    for name in ("text-mdm-b4", "text-vmd-b4", "text-ar"):
        assert f"{name}.safetensors: 'ROMEO:\\n" in out
    assert "(16 characters, 16 steps" in out, "block models: 4 blocks of 4 characters, 4 steps each"
    assert "text-ar.safetensors: 'ROMEO:\\n" in out and "(16 characters, 16 steps" in out
    assert "phrases-vmd.safetensors: 'A poker hand:' ->" in out and "answers valid at NFE 2" in out
    assert "not bundled (the Text tab says so and works without them): text-mdm-b8.safetensors, text-vmd-b8.safetensors" in out


def test_text_check_skips_without_text_models_and_fails_on_a_broken_one(tmp_path: Path, text_resources: Path, capsys):
    empty = tmp_path / "empty"
    (empty / "checkpoints").mkdir(parents=True)
    outcome, _ = _run(empty, capsys)
    assert outcome.status == "skipped" and "no text or phrase-pair checkpoint" in outcome.detail

    broken = tmp_path / "broken"
    (broken / "checkpoints").mkdir(parents=True)
    shutil.copy(text_resources / "checkpoints" / "text-mdm-b4.safetensors", broken / "checkpoints")
    (broken / "checkpoints" / "phrases-vmd.safetensors").write_bytes(b"\x80\x04 a pickle, not a checkpoint")
    outcome, out = _run(broken, capsys)
    assert outcome.status == "failed"
    assert "phrases-vmd.safetensors" in outcome.detail and "Traceback" not in out
