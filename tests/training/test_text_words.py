"""The word rate and `vmd-eval text-sample`: what counts as a word, and the JSON lines a user reads."""

import json

import pytest

from training.cli import eval_main, train_main
from training.text_sample import held_out_prompts, read_prompts
from training.text_words import continuation_words, vocabulary, word_rate

from .test_text_cli import TINY


def test_words_are_runs_of_letters_and_apostrophes_and_a_cut_off_last_word_is_dropped():
    assert continuation_words("The king ", "is dead, long live th") == ["is", "dead", "long", "live"]
    assert continuation_words("The king ", "o'er the hill.\n") == ["o'er", "the", "hill"]
    assert continuation_words("The ki", "ng is here ") == ["king", "is", "here"], "the first word completes the prompt's"


def test_word_rate_counts_known_words_case_blind():
    known = vocabulary("To be, or not to be: that is the Question.")
    rate = word_rate([("", "to bee or not "), ("x ", "QUESTION zzz ")], known)
    assert (rate.words, rate.known) == (6, 4) and rate.rate == pytest.approx(4 / 6)
    assert word_rate([("", "...")], known).rate == 0.0


def test_held_out_prompts_end_before_a_space_and_have_the_asked_length():
    text = "alpha beta gamma delta epsilon zeta eta theta iota kappa " * 4
    prompts = held_out_prompts(text, 20, 12, seed=1)
    assert len(prompts) == 20 and all(len(p) == 12 and text.find(p + " ") >= 0 for p in prompts)


def test_prompt_file_lines_with_escaped_line_breaks(tmp_path):
    path = tmp_path / "prompts.txt"
    path.write_text("ROMEO:\\nWhat \n\n  \nThe king \n")
    assert read_prompts(path) == ["ROMEO:\nWhat ", "The king "]
    (tmp_path / "empty.txt").write_text("\n")
    with pytest.raises(ValueError, match="no prompt"):
        read_prompts(tmp_path / "empty.txt")


@pytest.fixture(scope="module")
def block_vmd(tmp_path_factory):
    out = tmp_path_factory.mktemp("words")
    corpus = out / "corpus.txt"
    corpus.write_text("to be or not to be that is the question\n" * 40)
    model = out / "vmd.safetensors"
    train_main(["text", "--model", "vmd", "--block", "4", "--corpus", str(corpus), *TINY, "--eval-every", "0",
                "--val-chars", "32", "--out", str(model), "--run-dir", str(out / "run")])
    return model, corpus


def test_text_sample_writes_one_json_object_per_continuation(block_vmd, tmp_path, capsys):
    model, corpus = block_vmd
    prompts = tmp_path / "p.txt"
    prompts.write_text("to be \nthat is\\nthe \n")
    out = tmp_path / "s.jsonl"
    eval_main(["text-sample", "--checkpoint", str(model), "--prompt-file", str(prompts), "--length", "8",
               "--nfe", "1", "2", "4", "--samples", "3", "--seed", "5", "--out", str(out), "--corpus", str(corpus)])
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 3 * 2 * 3
    assert all(set(r) == {"checkpoint", "nfe", "prompt", "text"} for r in rows)
    assert {r["nfe"] for r in rows} == {1, 2, 4} and {r["prompt"] for r in rows} == {"to be ", "that is\nthe "}
    assert all(len(r["text"]) == 8 and r["checkpoint"] == model.name for r in rows)
    assert "word rate" in capsys.readouterr().out
    again = tmp_path / "again.jsonl"
    eval_main(["text-sample", "--checkpoint", str(model), "--prompt-file", str(prompts), "--length", "8",
               "--nfe", "1", "2", "4", "--samples", "3", "--seed", "5", "--out", str(again)])
    assert again.read_text() == out.read_text(), "the same seed gives the same continuations"


def test_text_sample_refuses_a_continuation_longer_than_the_model_reads(block_vmd, tmp_path):
    model, _ = block_vmd
    prompts = tmp_path / "p.txt"
    prompts.write_text("to be \n")
    with pytest.raises(SystemExit, match="at most 15"):
        eval_main(["text-sample", "--checkpoint", str(model), "--prompt-file", str(prompts), "--length", "16",
                   "--out", str(tmp_path / "s.jsonl")])
    assert not (tmp_path / "s.jsonl").exists()
