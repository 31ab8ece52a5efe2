"""The character tokenizer and the prompt helper of vmdcore.tasks.text."""

import numpy as np
import pytest

from vmdcore.tasks.text import MASK_CHAR, UNKNOWN, CharTokenizer, prompt_tokens

CORPUS = "First Citizen:\nBefore we proceed any further, hear me speak.\n"


def test_round_trip_over_the_corpus_and_a_vocabulary_rebuilt_from_the_checkpoint_list():
    tok = CharTokenizer.from_text(CORPUS)
    ids = tok.encode(CORPUS)
    assert ids.dtype == np.int64 and len(ids) == len(CORPUS)
    assert tok.decode(ids) == CORPUS
    again = CharTokenizer.from_vocabulary(list(tok.vocabulary))
    assert again == tok and again.decode(again.encode(CORPUS)) == CORPUS


def test_vocabulary_is_deterministic_with_the_unknown_token_first_and_mask_after_the_last():
    tok = CharTokenizer.from_text("cab")
    assert tok.vocabulary == (UNKNOWN, "a", "b", "c")
    assert tok.unknown_id == 0 and tok.mask_id == tok.vocab_size == 4


def test_unknown_characters_map_to_the_unknown_token_explicitly():
    tok = CharTokenizer.from_text(CORPUS)
    assert tok.unknown_characters("hear Zoë!") == {"Z", "ë", "!"}
    ids = tok.encode("hear Zoë")
    assert ids[-3:].tolist() == [tok.unknown_id, tok.encode("o")[0], tok.unknown_id]
    assert tok.decode(ids) == "hear " + UNKNOWN + "o" + UNKNOWN


def test_decode_shows_masks_and_rejects_foreign_ids():
    tok = CharTokenizer.from_text("ab")
    assert tok.decode([1, tok.mask_id, 2]) == "a" + MASK_CHAR + "b"
    assert tok.decode(np.array([1, tok.mask_id]), mask_char="_") == "a_"
    with pytest.raises(ValueError, match="outside"):
        tok.decode([7])


@pytest.mark.parametrize("vocabulary", [("a", "b"), (UNKNOWN, "a", "a"), (UNKNOWN, "ab")])
def test_bad_vocabularies_are_refused(vocabulary):
    with pytest.raises(ValueError):
        CharTokenizer.from_vocabulary(vocabulary)


def test_prompt_tokens_fix_the_prompt_and_mask_the_rest():
    tok = CharTokenizer.from_text(CORPUS)
    tokens, fixed = prompt_tokens(tok, "hear", 8, batch=3)
    assert tokens.shape == fixed.shape == (3, 8)
    assert (tokens[:, :4] == tok.encode("hear")).all() and (tokens[:, 4:] == tok.mask_id).all()
    assert fixed[:, :4].all() and not fixed[:, 4:].any()
    with pytest.raises(ValueError, match="at most 7"):
        prompt_tokens(tok, "12345678", 8)
