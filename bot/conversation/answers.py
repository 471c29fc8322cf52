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


# Words after a leading "no" that make it something other than an answer ("no one cares").
_NOT_AN_ANSWER_AFTER_NO = {"one", "way", "idea", "longer", "more", "matter", "point", "reason", "hope",
                           "choice", "future", "sleep", "energy", "money", "food", "friends", "family"}
# Words that make a leading yes or no less than a plain answer ("no, but sometimes I wish...").
_HEDGES = re.compile(
    r"\b(but|though|tho|although|except|unless|sometimes|maybe|might|perhaps|not sure|unsure|"
    r"don'?t know|dunno|idk|not always|used to|kind of|kinda|sort of|a bit|a little|at times|"
    r"some days|on and off|not now|not right now|yet|anymore|any more)\b",
    re.IGNORECASE,
)


def safety_answer(text: str, question: str) -> str | None:
    """'yes' or 'no' when a message plainly answers a safety question, else None.

    Safety questions are answered in full sentences ("No! nobody is suicidal, he is just low"),
    which the intent classifier reads as a story. A leading yes or no counts as the answer only
    when nothing hedges it. ``question`` is ``"ending_life"`` ("are you thinking about ending
    your life?") or ``"safe_now"``/``"carry_on"``: to the first, a leading yes counts even
    when hedged, because a hedged yes to that question still needs the crisis help."""
    norm = _normalise(text)
    words = norm.split()
    if not words or (len(words) > 1 and words[0] == "no" and words[1] in _NOT_AN_ANSWER_AFTER_NO):
        return None
    said = yes_or_no(text)
    hedged = bool(_HEDGES.search(norm))
    if said is None and words[0] in {"yes", "yeah", "yep", "yeh", "yea", "yup", "ya"}:
        said = "yes"
    if said is None and words[0] in {"no", "nah", "nope"}:
        said = "no"
    if said == "yes" and question == "ending_life":
        return "yes"
    if said is not None and hedged:
        return None
    return said


_UNSURE = re.compile(
    r"^(?:i\s*)?(?:(?:really|honestly|just)\s+)?(?:don'?t know|dont know|dunno|idk|not sure|no idea|"
    r"not really sure|unsure|maybe|possibly|i'?m not sure|im not sure|can'?t say|hard to say|kind of|kinda|"
    r"sort of|not really)\b"
)


def is_unsure(text: str) -> bool:
    """True when an answer says the person does not know ("I don't know", "not sure", "skip").

    Asked "are you safe right now?", not knowing is never taken as safe."""
    norm = _normalise(text)
    return is_skip(norm) or bool(_UNSURE.match(norm))


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


_RELATION = re.compile(
    r"\b(?:my|our)\s+(friend|mate|son|daughter|mum|mom|mother|dad|father|brother|sister|partner|"
    r"husband|wife|boyfriend|girlfriend|neighbou?r|client|patient|grand\w+|aunt|uncle|cousin|nephew|"
    r"niece|colleague|flatmate|tenant|child|kid)\b",
    re.IGNORECASE,
)


_NAMED_FOR = re.compile(r"\b(?:about|for|on behalf of|help|helping|support|supporting)\s+" + _RELATION.pattern[2:],
                        re.IGNORECASE)


def relationship_in(text: str) -> str | None:
    """"dad" from "I'm texting about my dad": who the person is to the one introducing them,
    so "How do you know them?" is not asked when they have already said."""
    named = _NAMED_FOR.search(text or "")
    if named:
        return named.group(1).lower()
    found = {m.group(1).lower() for m in _RELATION.finditer(text or "")}
    return found.pop() if len(found) == 1 else None  # "my mum died, and my dad...": unclear


_RELATION_WORDS = re.compile(
    r"\b(friend|mate|son|daughter|mum|mom|mother|dad|father|brother|sister|partner|husband|wife|"
    r"boyfriend|girlfriend|neighbou?r|client|patient|grand\w+|aunt|uncle|cousin|nephew|niece|"
    r"colleague|flatmate|tenant|child|kid|family|relative|related|gp|doctor|nurse|carer|care|"
    r"worker|support|key ?worker|landlord|teacher|manager|his|her|their|in-law|step\w*|ex)\b",
    re.IGNORECASE,
)


def names_a_relationship(text: str) -> bool:
    """True when an answer to "How do you know them?" says how ("I'm his daughter", "GP")."""
    return bool(_RELATION_WORDS.search(text or ""))


def has_words(text: str) -> bool:
    """True when a message holds at least one letter or digit (not only emoji or spaces)."""
    return bool(re.search(r"\w", text or ""))


# --- Reading answers with word boundaries (never ``"new" in text``) -------------------------

def _has(pattern: str, text: str) -> bool:
    """True when the pattern matches whole words of the text (case-insensitive)."""
    return re.search(rf"\b(?:{pattern})\b", _normalise(text)) is not None


def resume_choice(text: str) -> str | None:
    """'fresh', 'continue', or None, from an answer to "pick up or start fresh?"."""
    fresh = _has(r"fresh|new|start again|start over|again|different|something else", text)
    carry = _has(r"pick up|carry on|continue|keep going|where i left off|same|resume", text)
    if fresh and not carry:
        return "fresh"
    if carry and not fresh:
        return "continue"
    return None


def is_alone(text: str) -> bool:
    """True when an answer about who is around says nobody is."""
    return _has(r"no one|noone|no-one|nobody|no body|on my own|by myself|alone|not really anyone|"
                r"no friends|no family|nobody really", text.replace("-", " "))


# Which part of the summary a person means, in their words.
_PART_PATTERNS = {
    "needs": r"help with|needs?|not about|wrong thing|(?:take|leave) (?:that|it|\w+) off|remove|"
             r"(?:not|don't need|dont need|nothing to do with) (?:help with )?(?:money|housing|work|"
             r"relationships?|family|drink|drugs|debt|benefits|rent|loneliness|being alone)",
    "story": r"story|going on|happened|problem|what's been|whats been",
    "what_matters": r"matters?|different|want|goal",
    "strengths_text": r"enjoy|good at|strengths?|hobby|hobbies|like doing|helped",
    "connections": r"around|family|friends?|who|people|support",
    "contact_preference": r"contact|phone|number|email|call|text|when|time",
}


def summary_part(text: str) -> str | None:
    """The part of the summary a person wants to change, or None when it is unclear."""
    for part, pattern in _PART_PATTERNS.items():
        if _has(pattern, text):
            return part
    return None


def summary_answer(text: str) -> tuple[str | None, str | None]:
    """('yes' | 'change' | None, part or None) from an answer to "is that right?".

    "yes" is yes; "no" or "change something" asks which part; "no, the contact bit" names the
    part straight away.
    """
    said = yes_or_no(text)
    part = summary_part(text)
    if said == "yes" and not _has(r"but|except|apart from|although", text):
        return "yes", None
    if part is not None:
        return "change", part
    if said == "no" or _has(r"change|wrong|not right|fix|edit|but", text):
        return "change", None
    return None, None


def wants_no_contact(text: str) -> bool:
    """True when the answer about contact says "please don't contact me"."""
    norm = _normalise(text)
    if norm in {"no", "none", "no thanks", "no thank you", "nope", "nah"}:
        return True
    return _has(r"no contact|don't contact|dont contact|do not contact|not contact me|"
                r"don't want (?:to be )?contact(?:ed)?|dont want (?:to be )?contact(?:ed)?|"
                r"leave me alone", text)


def asks_meaning(text: str) -> bool:
    """True when the person asks what the consent question means."""
    return _has(r"what does (?:that|it|this) mean|what do you mean|mean by|what do you keep|"
                r"what will you keep|who sees|who will see|why do you|what happens to|"
                r"what is kept|how long|explain|what for", text)


def is_go_back(text: str) -> bool:
    """True when the person asks to go back to the last question."""
    return _has(r"go back|back a step|previous question|last question|undo|change my (?:last )?answer|"
                r"change that answer", text)


# Someone writing about another person (not themselves): "worried about my dad".
_ABOUT_OTHER = re.compile(
    r"\b(?:worried|worrying|concerned|asking|writing|messaging|texting|contacting|getting in touch|"
    r"here)\s+(?:you\s+)?(?:about|for|on behalf of)\s+(?:my|our|a|him|her|them)\b"
    r"|\bon behalf of\b|\bsomeone else\b|\bfor my\s+(?:friend|mate|son|daughter|mum|mom|mother|dad|"
    r"father|brother|sister|partner|husband|wife|neighbou?r|client|grand\w+|child|kid)\b"
    r"|\b(?:help|helping|support|supporting)\s+my\s+(?:friend|mate|son|daughter|mum|mom|mother|dad|"
    r"father|brother|sister|partner|husband|wife|neighbou?r|client|grand\w+|child|kid)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|me|my|myself)\b", re.IGNORECASE)


def story_about(text: str) -> str | None:
    """Who a story is about: 'someone_else' for "I'm worried about my dad", 'self' for a story
    told in the first person, None when it cannot be told (then we ask)."""
    if _ABOUT_OTHER.search(text or ""):
        return "someone_else"
    if _FIRST_PERSON.search(text or ""):
        return "self"
    return None


STORY_INTENTS = frozenset({"share_story", "tell_what_matters", "tell_connections", "tell_strengths",
                           "introduce_other", "nlu_fallback"})
STORY_MIN_WORDS = 4


def looks_like_story(text: str, *, intent: str | None = None, has_need: bool = False) -> bool:
    """True when a message (not an answer to a question) is the person telling their story.

    A need word ("rent", "lonely") or a story-like intent with a few words is enough; yes,
    no, skip and a bare hello never are.
    """
    if not has_words(text) or yes_or_no(text) is not None or is_skip(text):
        return False
    words = len(_normalise(text).split())
    if has_need and words >= 2:
        return True
    if intent in STORY_INTENTS and words >= STORY_MIN_WORDS:
        return True
    return words >= 8


_PHONE = re.compile(r"(?:\+44\s?|0)\d(?:[\s-]?\d){8,10}\b")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")


def has_contact_details(text: str) -> bool:
    """True when an answer holds a phone number or an email address."""
    return bool(_PHONE.search(text or "") or _EMAIL.search(text or ""))


_POSTCODE = re.compile(r"\b([a-z]{1,2}\d[a-z\d]?)(?:\s*(\d[a-z]{2}))?\b", re.IGNORECASE)


def postcode(text: str) -> str | None:
    """A UK postcode or postcode district in an answer ("SE5 8AZ", "se5"), upper case."""
    match = _POSTCODE.search(text or "")
    if not match:
        return None
    return " ".join(part for part in (match.group(1), match.group(2)) if part).upper()
