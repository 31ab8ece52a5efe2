"""`vmd-train text`, `vmd-train phrases` and `vmd-eval text`, end to end on tiny settings."""

import json

import pytest

from training.cli import eval_main, train_main
from vmdcore.checkpoint import read_info

TINY = ["--seq-len", "16", "--d-model", "32", "--n-layers", "1", "--n-heads", "2", "--latent-dim", "4",
        "--encoder-layers", "1", "--steps", "3", "--batch-size", "8", "--warmup-steps", "1", "--log-every", "3"]
TINY_PHRASES = ["--d-model", "32", "--n-layers", "1", "--n-heads", "2", "--latent-dim", "4", "--encoder-layers", "1",
                "--steps", "3", "--batch-size", "8", "--warmup-steps", "1", "--log-every", "3"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "tiny.txt"
    lines = [f"Line {i}: to be, or not to be; that is the question.\n" for i in range(60)]
    path.write_text("".join(lines) + "Held out: a zebra quietly jumped!\n" * 3)
    return path


@pytest.fixture(scope="module")
def text_models(tmp_path_factory, corpus):
    out = tmp_path_factory.mktemp("text")
    paths = {}
    for kind in ("ar", "mdm", "vmd"):
        paths[kind] = out / f"{kind}.safetensors"
        train_main(["text", "--model", kind, "--block", "4", "--corpus", str(corpus), *TINY, "--eval-every", "3",
                    "--val-chars", "64", "--out", str(paths[kind]), "--run-dir", str(out / f"run-{kind}")])
    return paths


@pytest.fixture(scope="module")
def phrase_models(tmp_path_factory):
    out = tmp_path_factory.mktemp("phrases")
    paths = {}
    for kind in ("mdm", "vmd"):
        paths[kind] = out / f"phrases-{kind}.safetensors"
        train_main(["phrases", "--model", kind, *TINY_PHRASES, "--eval-every", "0", "--eval-samples", "16",
                    "--out", str(paths[kind]), "--run-dir", str(out / f"run-{kind}")])
    return paths


def test_text_training_exports_checkpoints_with_vocabulary_and_recipe(text_models, corpus):
    for kind, path in text_models.items():
        info = read_info(path)
        assert info.task == "text" and info.recipe["model"] == kind
        assert info.recipe["command"].startswith(f"vmd-train text --model {kind}")
        assert info.recipe["corpus"] == corpus.name and info.metrics["steps_done"] == 3
        assert info.metrics["val_ppl"] > 1 and info.vocabulary[0] == "\ufffd"
        assert "z" not in info.vocabulary  # only in the held-out part: scored as unknown
    assert read_info(text_models["ar"]).config.block_size == 1
    assert read_info(text_models["vmd"]).config.latent_dim == 4


def test_phrase_training_exports_valid_rates(phrase_models):
    info = read_info(phrase_models["vmd"])
    assert info.task == "phrases" and info.config.block_size == 16 and info.config.latent_dim == 4
    assert [r["nfe"] for r in info.metrics["phrase"]] == [1, 2]


def test_eval_writes_the_table_five_json_layout_with_phrase_rates_and_samples(text_models, phrase_models, corpus, tmp_path):
    report, markdown = tmp_path / "text.json", tmp_path / "text.md"
    eval_main(["text", "--checkpoint", *map(str, text_models.values()),
               "--phrase-checkpoint", *map(str, phrase_models.values()), "--corpus", str(corpus),
               "--iw-samples", "2", "--nfe", "1", "2", "--samples-per-nfe", "1", "--phrase-samples", "20",
               "--word-prompts", "4", "--word-length", "8", "--record",
               "--json", str(report), "--markdown", str(markdown)])
    data = json.loads(report.read_text())
    rows = {r["model"]: r for r in data["rows"]}
    assert set(rows) == {"ar", "mdm", "vmd"}
    assert rows["ar"]["block"] is None and rows["mdm"]["block"] == rows["vmd"]["block"] == 4
    for row in rows.values():
        assert row["ppl"] > 1 and row["estimate"] and row["chars"] > 0 and row["corpus_matches_training"]
    assert rows["ar"]["estimate"].startswith("exact") and rows["mdm"]["estimate"].startswith("upper bound")
    assert "importance-weighted" in rows["vmd"]["estimate"] and rows["vmd"]["bound_ppl"] >= rows["vmd"]["ppl"] - 1e-3
    assert "z" in rows["ar"]["unknown_characters"]
    assert {(r["model"], r["nfe"]) for r in data["phrase"]} == {("mdm", 1), ("mdm", 2), ("vmd", 1), ("vmd", 2)}
    for r in data["phrase"]:
        assert 0 <= r["valid_rate"] <= 1 and 0 <= r["independent_prediction"] <= 1 and r["samples"] == 20
        assert 0 <= r["answer_tv_floor"] <= 1 and 0 <= r["answer_tv"] <= 1
    assert {(s["model"], s["nfe"]) for s in data["samples"]} == {("ar", 1), ("mdm", 1), ("mdm", 2), ("vmd", 1), ("vmd", 2)}
    assert all(len(s["prompt"]) + len(s["text"]) == 16 for s in data["samples"])
    table = markdown.read_text()
    assert "| BD3-LM block 4 / 8 | <= 2.873 / <= 3.126 |" in table and "text8" in table
    assert "Phrase pairs" in table and "vmd-eval text --checkpoint" in table and "Answer TV" in table
    assert {(w["model"], w["nfe"]) for w in data["words"]} == {("ar", 1), ("mdm", 1), ("mdm", 2), ("vmd", 1), ("vmd", 2)}
    assert all(0 <= w["word_rate"] <= 1 and w["words"] > 0 for w in data["words"])
    assert "Word rate" in table
    recorded = read_info(text_models["vmd"]).metrics["evaluation"]
    assert recorded["rows"][0]["ppl"] == rows["vmd"]["ppl"] and "vmd-eval text" in recorded["command"]
    assert {w["nfe"] for w in recorded["words"]} == {1, 2}
    assert [r["nfe"] for r in read_info(phrase_models["vmd"]).metrics["evaluation"]["phrase"]] == [1, 2]


def test_per_model_reports_merge_into_one_table(text_models, corpus, tmp_path):
    parts = []
    for kind in ("ar", "mdm"):
        parts.append(tmp_path / f"{kind}.json")
        eval_main(["text", "--checkpoint", str(text_models[kind]), "--phrase-checkpoint", "--corpus", str(corpus),
                   "--nfe", "1", "--samples-per-nfe", "1", "--word-prompts", "2", "--word-length", "8",
                   "--json", str(parts[-1])])
    merged, markdown = tmp_path / "text.json", tmp_path / "text.md"
    eval_main(["text", "--merge", *map(str, parts), "--json", str(merged), "--markdown", str(markdown)])
    data = json.loads(merged.read_text())
    singles = [json.loads(p.read_text()) for p in parts]
    assert data["rows"] == singles[0]["rows"] + singles[1]["rows"]
    assert [w["model"] for w in data["words"]] == ["ar", "mdm"]
    assert data["corpus"] == singles[0]["corpus"]
    table = markdown.read_text()
    assert all(f"--checkpoint {text_models[kind]}" in table for kind in ("ar", "mdm"))
    assert "| BD3-LM block 4 / 8 |" in table and "Word rate" in table
    other = json.loads(parts[1].read_text())
    other["corpus"]["sha256"] = "0" * 64
    parts[1].write_text(json.dumps(other))
    with pytest.raises(SystemExit) as exc:
        eval_main(["text", "--merge", *map(str, parts), "--json", str(merged)])
    assert "another corpus" in str(exc.value)
    parts[1].write_text("{not json")
    with pytest.raises(SystemExit) as exc:
        eval_main(["text", "--merge", *map(str, parts), "--json", str(merged)])
    assert "cannot read the report" in str(exc.value)


def test_missing_corpus_and_wrong_task_are_reported_clearly(tmp_path, phrase_models):
    with pytest.raises(SystemExit) as exc:
        train_main(["text", "--model", "mdm", "--corpus", str(tmp_path / "none.txt"), *TINY,
                    "--out", str(tmp_path / "x.safetensors"), "--run-dir", str(tmp_path / "run")])
    assert "corpus not found" in str(exc.value)
    with pytest.raises(SystemExit) as exc:
        eval_main(["text", "--checkpoint", str(phrase_models["mdm"]), "--phrase-checkpoint", "--corpus", str(tmp_path)])
    assert "folder" in str(exc.value)
    (tmp_path / "c.txt").write_text("x" * 400)
    with pytest.raises(SystemExit) as exc:
        eval_main(["text", "--checkpoint", str(phrase_models["mdm"]), "--phrase-checkpoint",
                   "--corpus", str(tmp_path / "c.txt")])
    assert "'phrases' model" in str(exc.value) and "'text' model is needed" in str(exc.value)
