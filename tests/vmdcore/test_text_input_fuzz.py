"""Property tests over any text a user can type as a prompt: the character tokenizer, the
prompt layout and the phrase-pair prompts give tokens in range or a ValueError that says why."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vmdcore.tasks import phrases
from vmdcore.tasks.text import MASK_CHAR, UNKNOWN, CharTokenizer, prompt_tokens

MANY = settings(max_examples=1000, deadline=None)
CORPUS = "First Citizen:\nBefore we proceed any further, hear me speak.\n"
TOKENIZER = CharTokenizer.from_text(CORPUS)
# Any Unicode text (no lone surrogates: a text box cannot hold them), weighted towards the corpus.
TYPED = st.text(st.one_of(st.sampled_from(CORPUS), st.characters(exclude_categories=["Cs"])), max_size=120)


@MANY
@given(TYPED)
def test_any_text_encodes_to_ids_in_range_and_decodes_with_unknowns_marked(text):
    ids = TOKENIZER.encode(text)
    assert ids.shape == (len(text),) and ids.dtype == np.int64
    assert ((ids >= 0) & (ids < TOKENIZER.vocab_size)).all(), "never the mask id, never out of range"
    expected = "".join(c if c in TOKENIZER.vocabulary else UNKNOWN for c in text)
    assert TOKENIZER.decode(ids) == expected
    assert TOKENIZER.unknown_characters(text) == {c for c in text if c not in TOKENIZER.vocabulary}


@MANY
@given(TYPED, st.integers(1, 80), st.integers(1, 3))
def test_any_prompt_gives_a_masked_row_or_says_it_is_too_long(prompt, seq_len, batch):
    try:
        tokens, fixed = prompt_tokens(TOKENIZER, prompt, seq_len, batch)
    except ValueError as error:
        assert len(prompt) >= seq_len
        assert f"the prompt has {len(prompt)} characters" in str(error) and f"at most {seq_len - 1}" in str(error)
        return
    assert tokens.shape == fixed.shape == (batch, seq_len)
    assert fixed[:, : len(prompt)].all() and not fixed[:, len(prompt) :].any()
    assert (tokens[:, len(prompt) :] == TOKENIZER.mask_id).all()
    assert TOKENIZER.decode(tokens[0]).endswith(MASK_CHAR * (seq_len - len(prompt)))


@MANY
@given(st.lists(st.text(max_size=3), max_size=40))
def test_a_vocabulary_read_from_a_checkpoint_is_a_tokenizer_or_a_value_error(vocabulary):
    try:
        tok = CharTokenizer.from_vocabulary(vocabulary)
    except ValueError as error:
        assert "vocabulary" in str(error)
        return
    assert tok.vocab_size == len(vocabulary) and tok.decode(tok.encode(UNKNOWN)) == UNKNOWN


@MANY
@given(TYPED, st.text(max_size=24))
def test_phrase_prompts_and_answers_of_any_text(prompt, answer):
    try:
        tokens, fixed = phrases.prompt_rows([prompt])
    except ValueError as error:
        assert len(prompt) >= phrases.PROMPT_WIDTH and "at most 31 fit" in str(error)
    else:
        assert tokens.shape == fixed.shape == (1, phrases.SEQ_LEN)
        assert fixed[0, : phrases.PROMPT_WIDTH].all() and not fixed[0, phrases.PROMPT_WIDTH :].any()
        assert (tokens[0, phrases.PROMPT_WIDTH :] == phrases.tokenizer().mask_id).all()
    valid = phrases.is_valid(prompt, answer)
    assert valid == (prompt in phrases.VALID and answer.rstrip(phrases.PAD) in phrases.VALID[prompt])
    counts = phrases.answer_counts([(prompt, answer)])
    assert sum(sum(bins.values()) for bins in counts.values()) == int(valid)


@MANY
@given(st.lists(st.integers(-3, 60), min_size=phrases.SEQ_LEN, max_size=phrases.SEQ_LEN))
def test_an_answer_row_of_any_ids_decodes_or_names_the_bad_id(row):
    mask = phrases.tokenizer().mask_id
    try:
        text = phrases.answer_text(np.array(row))
    except ValueError as error:
        bad = [i for i in row[phrases.PROMPT_WIDTH :] if not 0 <= i <= mask]
        assert bad and f"token id {bad[0]} is outside this vocabulary" in str(error)
    else:
        assert len(text) <= phrases.ANSWER_WIDTH


def test_no_prompts_is_a_value_error():
    with pytest.raises(ValueError, match="no examples"):
        phrases.prompt_rows([])
