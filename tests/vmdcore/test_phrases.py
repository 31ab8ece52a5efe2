"""The phrase-pair set: valid answers, ambiguity of single words, layout and scoring."""

from itertools import product

import numpy as np
import pytest

from vmdcore.tasks import phrases


def test_every_generated_answer_is_valid_for_its_prompt_and_generation_is_deterministic():
    examples = phrases.sample_examples(500, seed=3)
    assert all(phrases.is_valid(e.prompt, e.answer) for e in examples)
    assert examples == phrases.sample_examples(500, seed=3)
    assert examples != phrases.sample_examples(500, seed=4)
    assert {e.prompt for e in examples} == {p.prompt for p in phrases.PROMPTS}


def test_categories_cover_the_issue_and_one_prompt_has_three_word_answers():
    assert {p.category for p in phrases.PROMPTS} == {"poker hand", "city", "character", "colour pair"}
    assert any(len(phrases.word_options(p.prompt)) == 3 for p in phrases.PROMPTS)


@pytest.mark.parametrize("entry", phrases.PROMPTS, ids=lambda p: p.prompt)
def test_each_word_alone_is_ambiguous_and_only_some_combinations_are_valid(entry):
    answers = [a.split(" ") for a in entry.answers]
    assert len({len(words) for words in answers}) == 1, "all answers of a prompt have the same number of words"
    options = phrases.word_options(entry.prompt)
    assert all(len(words) >= 2 for words in options), "every word position has several candidates"
    valid = {tuple(words) for words in answers}
    for position, words in enumerate(options):
        others = [sorted(o) for i, o in enumerate(options) if i != position]
        for word in words:
            answers_with_word = [(*rest[:position], word, *rest[position:]) for rest in product(*others)]
            assert any(a not in valid for a in answers_with_word), f"{word!r} is valid with every partner"
    assert len(valid) < np.prod([len(o) for o in options])


def test_layout_puts_the_answer_in_exactly_one_block_after_the_prompt_blocks():
    assert phrases.ANSWER_WIDTH == phrases.BLOCK_SIZE and phrases.PROMPT_WIDTH % phrases.BLOCK_SIZE == 0
    tokens, fixed = phrases.encode_examples([phrases.Example("A poker hand:", "full house")])
    assert tokens.shape == (1, phrases.SEQ_LEN)
    assert fixed[0, : phrases.PROMPT_WIDTH].all() and not fixed[0, phrases.PROMPT_WIDTH :].any()
    assert phrases.answer_text(tokens[0]) == "full house"
    masked, _ = phrases.prompt_rows(["A poker hand:"])
    assert (masked[0, phrases.PROMPT_WIDTH :] == phrases.tokenizer().mask_id).all()
    assert (masked[0, : phrases.PROMPT_WIDTH] == tokens[0, : phrases.PROMPT_WIDTH]).all()


def test_valid_rate_on_hand_made_samples():
    samples = [
        ("A poker hand:", "full house"),
        ("A poker hand:", "full house______"),  # padding after the answer is fine
        ("A poker hand:", "full card"),  # two real words, not a hand
        ("A two-word city:", "San Vegas"),
        ("A two-word city:", "Las Vegas"),
        ("A city in California:", "New York"),  # valid city, wrong prompt
        ("A poker hand:", "full_house"),
        ("No such prompt:", "full house"),
    ]
    assert phrases.valid_rate(samples) == pytest.approx(3 / 8)
    with pytest.raises(ValueError):
        phrases.valid_rate([])


def test_independent_draw_probability_mixes_two_answers_as_expected():
    tok = phrases.tokenizer()
    a, b = "Cora Holt", "Cora Thorne"
    one_hot = np.eye(tok.vocab_size)
    rows = [one_hot[tok.encode(x.ljust(phrases.ANSWER_WIDTH, phrases.PAD))] for x in (a, b)]
    probs = (rows[0] + rows[1]) / 2
    differing = sum(x != y for x, y in zip(a.ljust(16, "_"), b.ljust(16, "_")))
    expected = 2 * 0.5**differing
    assert phrases.independent_valid_probability(probs, "A knight of Varrow:") == pytest.approx(expected)
    assert phrases.independent_valid_probability(rows[0], "A knight of Varrow:") == pytest.approx(1.0)


def test_answer_tv_is_zero_for_an_even_spread_and_high_for_a_model_stuck_on_one_answer():
    entry = phrases.PROMPTS[0]
    even = [(entry.prompt, a) for a in entry.answers for _ in range(5)]
    stuck = [(entry.prompt, entry.answers[0])] * 30
    assert phrases.answer_tv(phrases.answer_counts(even)) == pytest.approx(0.0)
    assert phrases.answer_tv(phrases.answer_counts(stuck)) == pytest.approx(1 - 1 / len(entry.answers))


def test_answer_counts_ignore_invalid_answers_and_padding():
    entry = phrases.PROMPTS[0]
    counts = phrases.answer_counts([(entry.prompt, entry.answers[1] + "___"), (entry.prompt, "full card"),
                                    ("not a prompt", entry.answers[1])])
    assert list(counts) == [entry.prompt]
    assert sum(counts[entry.prompt].values()) == 1 and counts[entry.prompt][entry.answers[1]] == 1


def test_answer_tv_floor_shrinks_with_more_samples_and_an_exact_sampler_sits_at_it():
    rng = np.random.default_rng(0)
    small, large = ({p.prompt: dict.fromkeys(p.answers, n // len(p.answers)) for p in phrases.PROMPTS} for n in (24, 480))
    assert phrases.answer_tv_floor(large) < phrases.answer_tv_floor(small) / 3
    drawn = [(p.prompt, p.answers[rng.integers(len(p.answers))]) for p in phrases.PROMPTS for _ in range(480)]
    measured = phrases.answer_tv(phrases.answer_counts(drawn))
    assert measured == pytest.approx(phrases.answer_tv_floor(phrases.answer_counts(drawn)), abs=0.02)


def test_balanced_prompts_give_every_prompt_the_same_count():
    prompts = phrases.balanced_prompts(3)
    assert len(prompts) == 3 * len(phrases.PROMPTS)
    assert {prompts.count(p.prompt) for p in phrases.PROMPTS} == {3}
