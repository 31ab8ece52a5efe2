import json

from training.cli import eval_main, train_main
from training.synthetic import PAPER_TABLE3
from vmdcore.checkpoint import read_info


def test_smoke_train_then_evaluate_writes_checkpoints_and_table_json(tmp_path, capsys):
    out = tmp_path / "ckpt"
    train_main(["synthetic", "--dataset", "D1", "--blocks", "2", "--steps", "12", "--batch-size", "16",
                "--out-dir", str(out), "--run-dir", str(tmp_path / "runs")])
    info = read_info(out / "synthetic-D1-B2-vmd.safetensors")
    assert info.config.block_size == 2 and info.config.latent_dim > 0
    assert info.recipe["command"].startswith("vmd-train synthetic --dataset D1")
    assert set(info.metrics) >= {"nfe2", "nfe4"}
    assert (tmp_path / "runs" / "synthetic-D1-B2-vmd" / "train_state.safetensors").exists()

    from training import synthetic

    cells = [c for c in synthetic.TABLE3_CELLS if c[:2] == ("D1", 2)]
    rows = synthetic.evaluate_table(out, n=200, cells=cells)
    assert {(r["nfe"], r["model"]) for r in rows} == {(4, "mdm"), (4, "vmd"), (2, "mdm"), (2, "vmd")}
    for row in rows:
        assert 0.0 <= row["accuracy"] <= 1.0 and row["kl"] >= 0
        assert (row["paper_accuracy"], row["paper_kl"]) == PAPER_TABLE3[("D1", 2, row["nfe"])][row["model"]]
    synthetic.write_json(rows, tmp_path / "t.json")
    data = json.loads((tmp_path / "t.json").read_text())
    assert set(data["cells"][0]) >= {"dataset", "blocks", "nfe", "model", "accuracy", "kl"}
    table = synthetic.format_table(rows, 200)
    assert "D1 B2 N2" in table and "VMD" in table


def test_eval_reports_a_missing_checkpoint_clearly(tmp_path, capsys):
    import pytest

    with pytest.raises(SystemExit) as exc:
        eval_main(["synthetic", "--checkpoints", str(tmp_path), "--samples", "10"])
    assert "not found" in str(exc.value) and "vmd-train synthetic" in str(exc.value)
