"""Keyboard mash ("asdf qwerty", a phone in a pocket) is read as not understood.

A classifier trained on what people say has to put every message somewhere, and letter
soup lands on whichever intent its letters happen to resemble: "asdf qwerty" came out as
*thanks* ("You're welcome.") and "zxqv" as *stop*. This component runs after the
classifier and, only when every word in the message is mash, replaces the intent with
Rasa's ``nlu_fallback``, so the person gets "I'm not sure I understood" and nothing else
happens. It never touches a message with one ordinary word in it, and the risk check
(last in the pipeline) still reads every message.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

FALLBACK_INTENT = "nlu_fallback"
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_VOWELS = set("aeiouy")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_MIN_RUN = 4  # "asd" or "jkl" alone could be initials; four keys in a row are not a word
_MIN_NO_VOWEL = 6  # "thnx", "pls", "hmm", "pffft" and "https" are words in a text message


def _keyboard_run(word: str) -> bool:
    """Four or more neighbouring keys in order, either way along one row."""
    if len(word) < _MIN_RUN:
        return False
    return any(word in row or word in row[::-1] for row in _ROWS)


def _is_mash(typed: str) -> bool:
    """One word that no one types on purpose."""
    if not typed.isascii() or not typed.isalpha():
        return False
    word = typed.lower()
    if _keyboard_run(word):
        return True
    if len(set(word)) == 1 and len(word) >= _MIN_RUN and word[0] != "x":  # "jjjj"; "xxxx" are kisses
        return True
    if (len(word) >= _MIN_NO_VOWEL and typed.islower() and not (set(word) & _VOWELS)
            and len(set(word)) >= 4):
        return True  # "fhdjsk"; not "hmmmm", "psssst", "https" or capitals ("NSPCC", "CPTSD")
    # Runs made of pieces of keyboard rows: "asdfjkl", "qwertyasdf".
    return len(word) >= 6 and _made_of_runs(word)


def _made_of_runs(word: str) -> bool:
    """The word splits into keyboard runs of at least three keys each."""
    ok = [False] * (len(word) + 1)
    ok[0] = True
    for end in range(3, len(word) + 1):
        for start in range(0, end - 2):
            piece = word[start:end]
            if ok[start] and any(piece in row or piece in row[::-1] for row in _ROWS):
                ok[end] = True
                break
    return ok[-1]


def is_keyboard_mash(text: str) -> bool:
    """True only when the message has words and every one of them is mash."""
    words = _WORD.findall(text or "")
    letters = [w for w in words if any(c.isalpha() for c in w)]
    return bool(letters) and len(letters) == len(words) and all(_is_mash(w) for w in letters)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class NonsenseGuard(GraphComponent):
    """Turns a keyboard-mash message's intent into ``nlu_fallback``."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> NonsenseGuard:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if is_keyboard_mash(message.get(TEXT) or ""):
                ranking = message.get(INTENT_RANKING_KEY) or []
                message.data[INTENT] = {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.data[INTENT_RANKING_KEY] = [dict(message.data[INTENT])] + list(ranking)
        return messages
