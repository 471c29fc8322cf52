"""The lexical half of the meaning layer: letters and words, stored without pickles."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.safety.encoder import sentence_encoder
from bot.safety.lexical import LEXICAL_FILE, WEIGHTS_FILE, LexicalModel
from bot.safety.semantic import MeaningLayer, MeaningModel, train
from tests.safety.test_semantic import SMALL

TEXTS = ["took 40 paracetamol an hour ago", "swallowed 30 co-codamol and feel sick",
         "had 60 sertraline with vodka", "paracetamol or ibuprofen for a headache?",
         "can I take sertraline in the morning", "where do I get co-codamol on prescription",
         "feeling a bit low today", "not sleeping well lately"]
LABELS = np.array([2, 2, 2, 0, 0, 0, 1, 1])


def test_numbers_and_doses_count_where_a_sentence_encoder_blurs_them() -> None:
    model = LexicalModel.fit(TEXTS, LABELS, 3)
    dose, question = model.probabilities(["took 50 paracetamol", "paracetamol for my back?"])
    assert dose[2] > question[2] and question[0] > dose[0]
    assert np.allclose(model.probabilities(TEXTS).sum(axis=1), 1.0)


def test_a_stored_meaning_model_keeps_its_lexical_half(tmp_path: Path) -> None:
    model = train(SMALL, sentence_encoder())
    assert model.lexical is not None
    model.save(tmp_path)
    assert (tmp_path / LEXICAL_FILE).exists() and (tmp_path / WEIGHTS_FILE).exists()
    assert b"pickle" not in (tmp_path / LEXICAL_FILE).read_bytes()
    loaded = MeaningModel.load(tmp_path)
    texts = ["got the rope ready", "need help with my gas bill"]
    vectors = sentence_encoder().encode(texts)
    assert np.allclose(model.probabilities(vectors, texts), loaded.probabilities(vectors, texts), atol=1e-6)
    # averaged in: the answer with the texts differs from the encoder's alone
    assert not np.allclose(loaded.probabilities(vectors, texts), loaded.probabilities(vectors), atol=1e-3)


def test_a_model_stored_before_the_lexical_half_still_loads(tmp_path: Path) -> None:
    model = train(SMALL, sentence_encoder())
    model.save(tmp_path)
    (tmp_path / LEXICAL_FILE).unlink()
    (tmp_path / WEIGHTS_FILE).unlink()
    loaded = MeaningModel.load(tmp_path)
    assert loaded.lexical is None
    layer = MeaningLayer(loaded, sentence_encoder())
    assert layer.assess("I'm going to kill myself tonight").high > layer.assess("gas bill help").high


def test_long_messages_are_read_in_pieces_by_both_halves() -> None:
    tokenizer = sentence_encoder().tokenizer
    assert tokenizer.decode(tokenizer.pieces("Don't GO, café")) == "don ' t go , cafe"
    layer = MeaningLayer(train(SMALL, sentence_encoder()), sentence_encoder())
    filler = "The damp is back in the bedroom and the council will not answer the phone. " * 30
    assert layer.assess(filler + "I'm going to kill myself tonight").high > layer.assess(filler).high + 0.2
