"""Keyboard mash is not understood; nothing a person writes on purpose is called mash."""

from __future__ import annotations

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.config import REPO_ROOT
from bot.nlu.nonsense import FALLBACK_INTENT, NonsenseGuard, is_keyboard_mash


@pytest.mark.parametrize("text", [
    "asdf qwerty", "asdf", "qwerty", "jkljkl", "zxcvbnm", "poiuytrewq", "lkjh", "jjjjjjj",
    "fhdjsk", "zxqvbnm", "asdfjkl", "ASDF!!", "qwerty asdfgh zxcv",
])
def test_mash_is_recognised(text):
    assert is_keyboard_mash(text)


@pytest.mark.parametrize("text", [
    "", "   ", "?", "123", "SW9 8EJ", "ok", "k", "ty", "thnx", "thx", "pls", "hmm", "hmmmm", "grrrr",
    "nvm", "idk",
    "zxqvb", "https", "NSPCC", "CPTSD", "pffft", "psssst", "ffs", "tbh", "brb",
    "zxqv blorp", "asdf i mean yes", "qwerty keyboard",
    "type", "pretty", "were", "query", "rhythm", "rhythms", "strength", "help", "none", "more",
    "9am", "2pm", "07700 900123", "no", "yes", "x", "xx", "xxx", "xxxx", "xxxxxx", "crying", "sadness", "lol",
])
def test_words_people_type_are_not_mash(text):
    assert not is_keyboard_mash(text)


def _training_examples() -> list[str]:
    texts = []
    for path in sorted((REPO_ROOT / "data" / "nlu").rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    texts.append(line.strip()[2:])
    return texts


def test_no_training_example_is_mash():
    examples = _training_examples()
    assert len(examples) > 500
    assert [t for t in examples if is_keyboard_mash(t)] == []


def test_no_real_post_is_mash_and_almost_no_real_word_is():
    """Real public posts (the calibration part): none is mash, and mash words are vanishingly rare."""
    import re

    from bot.safety.realtext import posts

    calibration = posts("calibration")
    assert len(calibration) > 1000
    assert [p.text[:40] for p in calibration if is_keyboard_mash(p.text)] == []
    words = {w.lower() for p in calibration for w in re.findall(r"[A-Za-z]+", p.text)}
    flagged = sorted(w for w in words if is_keyboard_mash(w))
    assert len(flagged) / len(words) < 0.001, flagged[:50]


def test_the_component_turns_mash_into_not_understood_and_leaves_words_alone():
    guard = NonsenseGuard()
    mash = Message(data={TEXT: "asdf qwerty", INTENT: {"name": "thanks", "confidence": 0.93},
                         INTENT_RANKING_KEY: [{"name": "thanks", "confidence": 0.93}]})
    words = Message(data={TEXT: "thanks so much", INTENT: {"name": "thanks", "confidence": 0.93}})
    guard.process([mash, words])
    assert mash.get(INTENT)["name"] == FALLBACK_INTENT
    assert mash.get(INTENT_RANKING_KEY)[1]["name"] == "thanks"
    assert words.get(INTENT)["name"] == "thanks"
