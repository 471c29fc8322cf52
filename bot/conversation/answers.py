"""Reading short free-text answers the intent classifier may not be sure about.

People answer "yeh go on", "nah", "dunno" or "1": these helpers turn such answers into
the values the conversation needs, and say None when the answer is really unclear.
"""

from __future__ import annotations

import re

_YES = {
    "yes", "y", "yeah", "yea", "yeh", "yep", "yup", "ya", "ok", "okay", "k", "kk", "sure", "fine",
    "alright", "aight", "go on", "go ahead", "of course", "please", "yes please", "that's ok",
    "thats ok", "that's fine", "thats fine", "correct", "right", "that's right", "thats right",
    "agreed", "i agree", "definitely", "absolutely", "1",
}
_NO = {
    "no", "n", "nah", "nope", "no thanks", "no thank you", "not really", "i'd rather not",
    "id rather not", "rather not", "don't", "dont", "no way", "2",
}
_SKIP = {
    "skip", "pass", "next", "dunno", "don't know", "dont know", "i don't know", "i dont know",
    "idk", "not sure", "rather not say", "prefer not to say", "no comment", "n/a", "na",
}
_SOMEONE_ELSE = re.compile(
    r"\b(my|our|a|for)\s+(friend|mate|son|daughter|mum|mom|mother|dad|father|brother|sister|"
    r"partner|husband|wife|boyfriend|girlfriend|neighbou?r|client|patient|grand\w+|aunt|uncle|"
    r"cousin|nephew|niece|colleague|flatmate|tenant|child|kid)\b|\bsomeone else\b|\bon behalf\b",
    re.IGNORECASE,
)
_SELF = re.compile(r"\b(me|myself|for me|i am|i'm|im)\b", re.IGNORECASE)


def _normalise(text: str) -> str:
    text = re.sub(r"[^\w\s'/]", " ", (text or "").lower())
    return re.sub(r"\s+", " ", text).strip()


def yes_or_no(text: str) -> str | None:
    """'yes', 'no', or None when the answer is not clearly either."""
    norm = _normalise(text)
    if norm in _YES:
        return "yes"
    if norm in _NO:
        return "no"
    words = norm.split()
    if words and words[0] in {"yes", "yeah", "yep", "yeh", "ok", "okay", "sure"} and len(words) <= 6:
        return "yes"
    if words and words[0] in {"no", "nah", "nope"} and len(words) <= 6:
        return "no"
    return None


def is_skip(text: str) -> bool:
    """True when the answer means 'skip this question'."""
    return _normalise(text) in _SKIP


def who_for(text: str) -> str | None:
    """'self' or 'someone_else' from a free-text answer to 'who is this for?'."""
    if _SOMEONE_ELSE.search(text or ""):
        return "someone_else"
    norm = _normalise(text)
    if norm in {"1"} or _SELF.search(norm):
        return "self"
    if norm in {"2"}:
        return "someone_else"
    return None


def has_words(text: str) -> bool:
    """True when a message holds at least one letter or digit (not only emoji or spaces)."""
    return bool(re.search(r"\w", text or ""))
