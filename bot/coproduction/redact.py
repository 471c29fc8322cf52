"""Take personal details out of a message before it is kept for a co-production review.

Reviewers are volunteers, not the person's worker: they see what the assistant misread, never
who said it. Structured details (phone numbers, emails, postcodes, NHS numbers, dates of birth,
street addresses) are found by patterns; names are found by spaCy token rules after the words
people put before a name ("my name is", "I'm", "my son", "Dr", "regards,"). A blank English
spaCy pipeline is used (its tokenizer and stop words): no model download.

Each detail is replaced by its kind in brackets, so "I'm Sarah, 07700 900123" becomes
"I'm [name], [phone number]". Measured on ``tests/data/redaction_set.yml`` by ``bot redact eval``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PLACEHOLDERS = {
    "name": "[name]",
    "phone": "[phone number]",
    "email": "[email]",
    "postcode": "[postcode]",
    "nhs_number": "[NHS number]",
    "date": "[date]",
    "address": "[address]",
}

_MONTHS = ("jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_SUFFIXES = ("road|rd|street|st|lane|ln|avenue|ave|close|way|grove|gardens|gdns|drive|dr|place|pl|"
             "crescent|terrace|court|ct|square|sq|hill|park|row|walk|mews|rise|parade|green|vale|"
             "estate|house|buildings|mansions|villas|hall")

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")),
    # UK numbers: +44 or 0, then 9 or 10 more digits, with spaces, dashes or brackets between.
    ("phone", re.compile(r"(?<![\w+])(?:\+44[\s-]?(?:\(0\)[\s-]?)?|\(?0)\d(?:[\s\-)]{0,2}\d){8,9}(?!\d)")),
    ("nhs_number", re.compile(r"(?<![\d£$.,])[1-9]\d{2}[\s-]?\d{3}[\s-]?\d{4}(?![\d,])")),
    ("postcode", re.compile(r"(?<![\w])[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}(?!\w)")),
    ("date", re.compile(r"(?<![\d.])\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})(?![\d.])")),
    ("date", re.compile(r"(?<![\d.])(?:19|20)\d{2}-\d{1,2}-\d{1,2}(?![\d.])")),
    ("date", re.compile(rf"(?<!\w)\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+\d{{4}}(?!\d)",
                        re.IGNORECASE)),
    ("date", re.compile(rf"(?<!\w)(?:{_MONTHS})\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?\d{{4}}(?!\d)",
                        re.IGNORECASE)),
    # A house number (and flat), one to three words, then a street word: "flat 3, 27 Coldharbour Lane".
    ("address", re.compile(
        rf"(?<!\w)(?:(?:flat|apartment|apt|unit)\s+\d+[a-z]?,?\s+)?\d{{1,4}}[a-z]?,?\s+"
        rf"(?:[A-Za-z][A-Za-z'-]*\s+){{1,3}}(?:{_SUFFIXES})(?!\w)", re.IGNORECASE)),
    ("address", re.compile(r"(?<!\w)(?:flat|apartment|apt)\s+\d+[a-z]?(?!\w)", re.IGNORECASE)),
    # A street without a number, after "live on/at/in": capitalised words then a street word.
    ("address", re.compile(rf"(?<=\blive (?:on|at|in) )(?:[A-Z][A-Za-z'-]*\s+){{1,3}}(?:{_SUFFIXES})(?!\w)",
                           re.IGNORECASE)),
]

# Words after which a name follows, however it is typed ("my name is aisha").
_STRONG_CUES = [
    ["my", "name", "is"], ["my", "name", "'s"], ["my", "names"], ["name", "is"], ["name", "'s"],
    ["i", "'m", "called"], ["i", "m", "called"], ["i", "am", "called"],
    ["call", "me"], ["calls", "me"], ["known", "as"],
    ["regards", ","], ["regards"], ["love", "from"], ["signed"],
]
# Words after which a capitalised word, or a common first name, is a name ("I'm Daniel").
_WEAK_CUES = [["i", "'m"], ["i", "m"], ["i", "am"], ["this", "is"], ["it", "'s"], ["its"], ["it", "is"]]
_RELATIONS = ("son", "daughter", "mum", "mom", "mother", "dad", "father", "partner", "husband", "wife",
              "boyfriend", "girlfriend", "friend", "mate", "brother", "sister", "nan", "nana", "gran",
              "grandma", "grandad", "granddad", "carer", "neighbour", "aunt", "auntie", "uncle", "cousin",
              "niece", "nephew", "child", "kid", "baby", "flatmate", "housemate", "ex", "stepdad",
              "stepmum", "worker", "gp", "doctor", "nurse", "teacher", "social")
_TITLES = ("dr", "mr", "mrs", "ms", "miss", "mx", "prof", "nurse")

# Capitalised words that follow "I'm" or "my son" but are not names.
_NOT_NAMES = set("""
ok okay fine good great well alright sorry scared afraid worried tired exhausted struggling lonely sad
angry upset anxious depressed stressed desperate done lost stuck confused homeless pregnant disabled
deaf blind autistic sober clean black white mixed asian british english irish scottish welsh polish
african caribbean christian muslim jewish hindu sikh buddhist catholic gay lesbian bi trans queer
straight single married divorced widowed unemployed retired here there back home out new old young
called going getting trying having feeling writing messaging texting calling living staying working
looking worried really very so just still also always never not too quite literally honestly actually
christmas easter eid diwali ramadan monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december
hospital nhs gp hub council police lambeth london brixton universal credit tesco
""".split()) | set(_RELATIONS) | {"mummy", "daddy", "grandpa", "granny", "sir", "madam"}


@dataclass(frozen=True)
class Detail:
    """One personal detail found in a message: where it is and what kind."""

    start: int
    end: int
    kind: str
    text: str


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    path = Path(__file__).with_name("first_names.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _pipeline():
    """spaCy blank English, with a Matcher holding the name cues."""
    import spacy
    from spacy.matcher import Matcher

    nlp = spacy.blank("en")
    matcher = Matcher(nlp.vocab)
    matcher.add("STRONG", [[{"LOWER": w} for w in cue] for cue in _STRONG_CUES])
    matcher.add("WEAK", [[{"LOWER": w} for w in cue] for cue in _WEAK_CUES])
    matcher.add("RELATION", [[{"LOWER": {"IN": ["my", "our", "his", "her", "their"]}},
                              {"LOWER": {"IN": list(_RELATIONS)}}, {"ORTH": ",", "OP": "?"}]])
    matcher.add("TITLE", [[{"LOWER": {"IN": list(_TITLES)}}, {"ORTH": ".", "OP": "?"}]])
    matcher.add("HERE", [[{"IS_TITLE": True}, {"LOWER": "here"}]])
    # A sign-off: "Thanks, Priya" or "cheers Tom" closing the message.
    matcher.add("SIGNOFF", [[{"LOWER": {"IN": ["thanks", "thank", "cheers", "best", "love", "from"]}},
                             {"LOWER": "you", "OP": "?"}, {"ORTH": ",", "OP": "?"}, {"IS_TITLE": True},
                             {"IS_TITLE": True, "OP": "?"}, {"IS_PUNCT": True, "OP": "?"}]])
    from spacy.lang.en.stop_words import STOP_WORDS
    return nlp, matcher, frozenset(STOP_WORDS)


def _is_word(token) -> bool:
    return token.is_alpha and len(token.text) >= 2


def _not_a_name(token, stop_words: frozenset[str]) -> bool:
    lower = token.lower_
    return lower in stop_words or lower in _NOT_NAMES or not _is_word(token)


def _name_tokens(doc, index: int, strong: bool, stop_words: frozenset[str]) -> list:
    """The name starting at token ``index`` (first name and up to two capitalised more)."""
    if index >= len(doc):
        return []
    first = doc[index]
    if _not_a_name(first, stop_words):
        return []
    known = first.lower_ in _first_names()
    if not (strong or known or first.text[0].isupper()):
        return []
    tokens = [first]
    for token in doc[index + 1:index + 3]:
        if token.is_title and not _not_a_name(token, stop_words) and token.whitespace_ is not None:
            tokens.append(token)
        else:
            break
    return tokens


def _names(text: str) -> list[Detail]:
    nlp, matcher, stop_words = _pipeline()
    doc = nlp(text)
    found: list[Detail] = []
    for match_id, start, end in matcher(doc):
        kind = nlp.vocab.strings[match_id]
        if kind == "SIGNOFF":
            if end != len(doc) or (doc[end - 1].is_punct and doc[end - 1].text not in {".", "!", "x"}):
                continue
            words = [t for t in doc[start + 1:end] if t.is_title]
            tokens = [t for t in words if not _not_a_name(t, stop_words)]
            if tokens != words:
                tokens = []
        elif kind == "HERE":
            # "Ben here": a capitalised word opening the message or after a greeting.
            before = doc[start - 1].lower_ if start > 0 else ""
            if start > 0 and before not in {",", ".", "!", "hi", "hello", "hiya", "hey"}:
                continue
            tokens = _name_tokens(doc, start, False, stop_words)[:1]
        else:
            strong = kind == "STRONG"
            if kind == "RELATION" and doc[end - 1].text != "," and end < len(doc) and doc[end].text == ",":
                end += 1
            tokens = _name_tokens(doc, end, strong, stop_words)
            if kind in ("RELATION", "WEAK", "TITLE") and tokens and not (
                    tokens[0].text[0].isupper() or tokens[0].lower_ in _first_names()):
                tokens = []
        if tokens:
            start_char, end_char = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
            found.append(Detail(start_char, end_char, "name", text[start_char:end_char]))
    return found


def find_details(text: str) -> list[Detail]:
    """Every personal detail in ``text``, in order, overlapping finds merged (longest wins)."""
    found: list[Detail] = []
    for kind, pattern in _PATTERNS:
        found.extend(Detail(m.start(), m.end(), kind, m.group(0)) for m in pattern.finditer(text))
    found.extend(_names(text))
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    merged: list[Detail] = []
    for detail in found:
        if merged and detail.start < merged[-1].end:
            last = merged[-1]
            if detail.end > last.end:
                merged[-1] = Detail(last.start, detail.end, last.kind, text[last.start:detail.end])
            continue
        merged.append(detail)
    return merged


def redact(text: str) -> str:
    """``text`` with every personal detail replaced by its kind in brackets."""
    out, position = [], 0
    for detail in find_details(text):
        out.append(text[position:detail.start])
        out.append(PLACEHOLDERS[detail.kind])
        position = detail.end
    out.append(text[position:])
    return "".join(out)


def redact_note(text: str, known_names: Iterable[str] = ()) -> str:
    """A staff member's note (a worker's reason for changing a risk level), redacted harder
    than a person's message: staff write names bare ("Frank's daughter Sarah"), with no "my
    name is" before them. Names the conversation itself gave, and any capitalised word that
    is a common first name, become [name] as well as everything :func:`redact` finds."""
    out = redact(text)
    names = {n.strip() for n in known_names if n and len(n.strip()) > 1}
    for name in sorted(names, key=len, reverse=True):
        out = re.sub(rf"\b{re.escape(name)}\b", PLACEHOLDERS["name"], out, flags=re.IGNORECASE)
    first = _first_names()
    return re.sub(r"\b[A-Z][a-z]+\b", lambda m: PLACEHOLDERS["name"] if m.group(0).lower() in first else m.group(0),
                  out)


def names_in(texts: Iterable[str]) -> list[str]:
    """The names :func:`redact` finds in some messages (to take them out of notes about them too)."""
    return [d.text for text in texts for d in find_details(text) if d.kind == "name"]
