"""The meaning layer: reading examples.yml, training, storing, and refusing a different encoder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.safety.encoder import EncoderUnavailable, sentence_encoder
from bot.safety.semantic import (
    LONGEST_READ,
    MAX_PARTS,
    PART_TOKENS,
    Example,
    ExamplesError,
    MeaningLayer,
    MeaningModel,
    load_examples,
    load_read_sets,
    parts,
    split,
    train,
)

SMALL = [
    Example("I'm going to kill myself tonight", "high", ("suicide",)),
    Example("I have the pills ready and I'm taking them all now", "high", ("suicide",)),
    Example("I'm standing on the bridge and I'm going to jump", "high", ("suicide",)),
    Example("sometimes I wish I could just disappear", "possible"),
    Example("can you help me with my housing benefit form", "none"),
    Example("what time does the hub open on monday", "none"),
    Example("I'd like to join a gardening group", "none"),
    Example("my landlord won't fix the boiler", "none"),
]


def test_the_project_examples_load_and_cover_every_level() -> None:
    examples = load_examples()
    levels = {level: sum(e.level == level for e in examples) for level in ("high", "possible", "none")}
    assert levels["high"] >= 300 and levels["possible"] >= 80 and levels["none"] >= 400
    kinds = {c for e in examples for c in e.categories}
    assert kinds == {"suicide", "self_harm", "harm_to_others", "abuse", "medical_emergency"}
    assert len({e.text.lower() for e in examples}) == len(examples), "an example is listed twice"


@pytest.mark.parametrize(("content", "message"), [
    ("high: [a, b]\nnone: [c]\n", "list the examples by kind of risk"),
    ("high:\n  sadness: [a]\nnone: [c]\n", "'sadness' under 'high' is not a kind of risk"),
    ("high:\n  suicide: [a]\nnone:\n  x: y\n", "under 'none', write a plain list"),
    ("high:\n  suicide: [a]\n", "needs examples of both 'high' and 'none'"),
    ("urgent:\n  suicide: [a]\nnone: [b]\n", "the top level must be high, possible and none"),
    ("high: [unclosed\n", "is not valid YAML"),
])
def test_bad_examples_files_are_refused_with_a_reason(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "examples.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ExamplesError, match=message):
        load_examples(path)


def test_the_read_sets_load_as_examples_of_every_level() -> None:
    examples = load_read_sets()
    levels = {level: sum(e.level == level for e in examples) for level in ("high", "possible", "none")}
    assert levels["high"] >= 1300 and levels["possible"] >= 300 and levels["none"] >= 1200
    assert all(e.categories for e in examples if e.level == "high")
    assert not any(e.categories for e in examples if e.level == "none")
    assert len({e.text.lower() for e in examples}) == len(examples)
    assert {e.text.lower() for e in examples}.isdisjoint({e.text.lower() for e in load_examples()})


def test_a_bad_read_set_is_refused_with_its_name(tmp_path: Path) -> None:
    (tmp_path / "risk_good.yml").write_text('- {text: "hello", level: none, categories: []}\n', encoding="utf-8")
    assert [e.level for e in load_read_sets(tmp_path)] == ["none"]
    (tmp_path / "risk_bad.yml").write_text('- {text: "hello", level: urgent}\n', encoding="utf-8")
    with pytest.raises(ExamplesError, match="risk_bad.yml"):
        load_read_sets(tmp_path)


def test_a_missing_examples_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExamplesError, match="is missing"):
        load_examples(tmp_path / "examples.yml")


def test_training_recognises_wording_it_was_not_shown() -> None:
    layer = MeaningLayer(train(SMALL, sentence_encoder()), sentence_encoder())
    risky = layer.assess("tonight is the night I end my life")
    ordinary = layer.assess("is there a walking group near Brixton")
    assert risky.high > ordinary.high
    assert risky.nearest == "I'm going to kill myself tonight" and risky.similarity > 0.5
    assert risky.categories == ("suicide",)
    assert ordinary.high < 0.5


def test_two_levels_are_enough_to_train() -> None:
    model = train([e for e in SMALL if e.level != "possible"], sentence_encoder())
    probabilities = model.probabilities(sentence_encoder().encode(["I'm going to jump off the bridge now"]))[0]
    assert probabilities[1] < 1e-6  # "possible" had no examples, so it is never chosen
    assert probabilities[2] > probabilities[0]


def test_training_needs_more_than_one_level() -> None:
    with pytest.raises(ExamplesError):
        train([e for e in SMALL if e.level == "none"], sentence_encoder())


def test_a_stored_model_gives_the_same_answers(tmp_path: Path) -> None:
    model = train(SMALL, sentence_encoder())
    model.save(tmp_path)
    loaded = MeaningModel.load(tmp_path)
    vectors = sentence_encoder().encode(["got the rope ready", "need help with my gas bill"])
    assert np.allclose(model.probabilities(vectors), loaded.probabilities(vectors), atol=1e-6)
    assert loaded.example_texts == [e.text for e in SMALL if e.level != "none"]


def test_a_different_encoder_is_refused() -> None:
    model = train(SMALL, sentence_encoder())
    model.encoder_fingerprint = "not-the-same"
    with pytest.raises(EncoderUnavailable, match="not the one this model was trained with"):
        MeaningLayer(model, sentence_encoder())


def test_risk_at_the_end_of_a_long_message_is_seen() -> None:
    layer = MeaningLayer(train(SMALL, sentence_encoder()), sentence_encoder())
    filler = ("The council still has not fixed the damp in the back bedroom and the kids have been off "
              "school with colds again for most of the last fortnight. ") * 30
    assert layer.assess(filler + "I'm going to kill myself tonight").high > layer.assess(filler).high + 0.2


def test_a_long_message_is_read_whole_and_in_parts() -> None:
    encoder = sentence_encoder()
    assert parts(encoder, "I need help with my rent") == [encoder.tokenizer.pieces("I need help with my rent")]
    text = "The damp is back. " * 20 + "I'm going to kill myself tonight."
    read = parts(encoder, text)
    assert read[0] == encoder.tokenizer.pieces(text)
    assert 2 < len(read) <= MAX_PARTS + 1 and all(len(p) <= PART_TOKENS for p in read[1:])
    assert encoder.tokenizer.pieces("I'm going to kill myself tonight.")[-3:] == read[-1][-3:]
    book = parts(encoder, "word " * 100_000)  # a pasted book: capped, no stops needed
    assert len(book) == MAX_PARTS + 1


def test_a_near_copy_of_an_ordinary_example_is_ordinary() -> None:
    model = train(SMALL, sentence_encoder())
    vectors = sentence_encoder().encode(["what time does the hub open on monday?", "I'm going to kill myself tonight"])
    probabilities = model.probabilities(vectors)
    assert probabilities[0].tolist() == [1.0, 0.0, 0.0]
    assert probabilities[1][2] > 0.3  # a copy of a risk example keeps its risk
    model.ordinary_vectors = None  # older models without the ordinary examples still work
    assert model.probabilities(vectors)[0][0] < 1.0


def test_the_kinds_of_risk_are_those_most_near_examples_share() -> None:
    """One nearest example of another kind does not name the kind; most of the seven near ones do."""
    directions = np.eye(8, dtype=np.float32)
    vectors = np.vstack([directions[0] * 0.99 + directions[1] * 0.14]  # nearest: abuse
                        + [directions[0] * 0.9 + directions[i] * 0.43 for i in range(2, 8)])  # six suicide
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    model = MeaningModel(np.zeros((3, 8), dtype=np.float32), np.zeros(3, dtype=np.float32), "test",
                         [f"example {i}" for i in range(7)], ["high"] * 7, vectors,
                         [["abuse"]] + [["suicide"]] * 6)
    text, similarity, kinds = model.nearest(directions[0])
    assert text == "example 0" and similarity > 0.95
    assert kinds == ["suicide"]
    model.example_categories = [["abuse"]] + [["suicide"], ["self_harm"], ["abuse"], [], [], ["harm_to_others"]]
    assert model.nearest(directions[0])[2] == ["abuse"]  # no kind has half: the nearest example's


def test_split_says_whether_every_part_of_a_message_was_read() -> None:
    """Only a message read to the end, part by part, may be called ordinary as a whole."""
    encoder = sentence_encoder()
    sentence = "We watched the new film at the cinema with my sister last night and it was lovely. "
    assert split(encoder, sentence)[1]
    assert split(encoder, sentence * (MAX_PARTS - 2))[1]
    pieces, whole = split(encoder, sentence * (MAX_PARTS + 3))
    assert not whole and len(pieces) == MAX_PARTS + 1  # evenly spaced parts only
    assert not split(encoder, "a" * (LONGEST_READ + 1))[1]  # cut short


def test_the_least_ordinary_part_is_reported() -> None:
    layer = MeaningLayer(train(SMALL, sentence_encoder()), sentence_encoder())
    chat = "We watched the new film at the cinema with my sister last night and it was lovely. " * 3
    text = chat + "I'm going to kill myself tonight. " + chat
    assessment = layer.assess(text)
    assert assessment.read_whole
    assert assessment.ordinary_least < 1 - assessment.high - assessment.possible + 1e-6
    assert assessment.ordinary_least < layer.assess(chat).ordinary_least
