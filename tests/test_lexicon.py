from pathlib import Path

import pytest

from bot.lexicon import Lexicon, LexiconError, load_lexicon, read_lookup_tables
from bot.taxonomy import NEEDS, STRENGTHS


def test_every_need_and_strength_code_has_a_word_list():
    tables = load_lexicon().tables
    assert set(tables["need"]) == set(NEEDS)
    assert set(tables["strength"]) == set(STRENGTHS)


def test_needs_found_in_a_rambling_message_in_order():
    text = "ugh my landlord is a nightmare and im skint, universal credit late again, so lonely"
    assert load_lexicon().needs(text) == ["housing", "money", "connection"]


def test_plurals_and_case_match():
    assert "housing" in load_lexicon().needs("LANDLORDS are the worst")


def test_strengths():
    assert load_lexicon().strengths("I paint and play Football") == ["creative", "sport_activity"]


def test_empty_and_emoji_text_find_nothing():
    assert load_lexicon().matches("") == [] and load_lexicon().needs("😢🙏") == []


def test_an_unknown_code_is_named(tmp_path: Path):
    bad = tmp_path / "bad.yml"
    bad.write_text('version: "3.1"\nnlu:\n- lookup: need_flying\n  examples: |\n    - wings\n')
    with pytest.raises(LexiconError, match="need_flying"):
        read_lookup_tables([bad])


def test_a_small_lexicon_matches_multiword_phrases():
    lexicon = Lexicon({"need": {"housing": ["sofa surfing"]}, "strength": {}})
    match = lexicon.matches("been sofa surfing for weeks")[0]
    assert (match.code, match.phrase) == ("housing", "sofa surfing")
