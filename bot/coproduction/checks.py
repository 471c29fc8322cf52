"""Checks a volunteer understands: each problem names the file, the line and the fix.

Run by ``bot check-data`` (and so by ``make check-data`` and ``make test``) and, one reply at
a time, by the Hub's editing pages. The rules come from the group's own guide,
``data/language.yml``; the SMS sums from ``bot/channels/sms_text.py``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import textstat
import yaml

from bot import taxonomy
from bot.channels.sms_text import encoding, numbered_choices, segments, smart_encode
from bot.coproduction.data_files import Example, Lookup, ResponseText, read_nlu, read_responses, relative
from bot.coproduction.language import LanguageGuide, load_guide


@dataclass(frozen=True)
class Problem:
    """One thing to fix, in words a volunteer can act on."""

    check: str  # short name of the check, for tests and for grouping
    file: str
    line: int
    what: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.what}\n    How to fix: {self.fix}"


@dataclass(frozen=True)
class TextMessageView:
    """How a reply reads as a text message."""

    text: str
    characters: int
    texts: int
    encoding: str


def as_text_message(text: str, buttons: Iterable[str] = ()) -> TextMessageView:
    """The reply as the SMS channel sends it: choices numbered, curly quotes made plain."""
    rendered = smart_encode(numbered_choices(text, [{"title": b} for b in buttons]))
    return TextMessageView(rendered, len(rendered), segments(rendered), encoding(rendered))


def reading_ease(text: str) -> float:
    """Flesch reading ease (higher is easier; 60 or more is plain English)."""
    return float(textstat.flesch_reading_ease(text))


# --- replies -------------------------------------------------------------------------------

def check_reply(reply: ResponseText, guide: LanguageGuide) -> list[Problem]:
    """Everything wrong with one version of one reply."""
    problems: list[Problem] = []
    where = reply.label
    for part, words in [("", reply.text)] + [(f' (button "{b}")', b) for b in reply.buttons]:
        for found in guide.words_to_avoid(words):
            why = f" {found.rule.why}" if found.rule.why else ""
            problems.append(Problem(
                "language", reply.file, reply.line,
                f'{where}{part} says "{found.word}", a word our language guide avoids.{why}',
                f'Say "{found.rule.say_instead}" instead of "{found.word}" (guide: data/language.yml).',
            ))
    if reply.text.strip() and reply.name not in guide.reading_ease_exempt:
        score = reading_ease(reply.text)
        if score < guide.reading_ease_at_least:
            problems.append(Problem(
                "reading_ease", reply.file, reply.line,
                f"{where} is hard to read: reading ease {score:.0f}, our target is at least "
                f"{guide.reading_ease_at_least:.0f}.",
                "Use shorter sentences and shorter, everyday words. If this reply must stay as it "
                "is, add it to reading_ease: exempt: in data/language.yml with the reason.",
            ))
    if reply.sent_by_text:
        view = as_text_message(reply.text, reply.buttons)
        if view.texts > guide.max_texts:
            problems.append(Problem(
                "sms_length", reply.file, reply.line,
                f"{where} is {view.texts} text messages long ({view.characters} characters, "
                f"{view.encoding}); our limit is {guide.max_texts}.",
                _shorten_advice(view, guide.max_texts),
            ))
    return problems


def _shorten_advice(view: TextMessageView, max_texts: int) -> str:
    advice = "Make it shorter: say one thing, or split it into two replies."
    if view.encoding == "UCS-2":
        advice += (" It has an emoji or a special letter, so each text holds only 70 characters;"
                   " taking it out roughly doubles what fits.")
    else:
        advice += f" {max_texts} texts hold about {153 * max_texts if max_texts > 1 else 160} plain characters."
    return advice


def check_replies(replies: Iterable[ResponseText], guide: LanguageGuide) -> list[Problem]:
    return [problem for reply in replies for problem in check_reply(reply, guide)]


# --- training examples ---------------------------------------------------------------------

def _plain(text: str) -> str:
    """Casefold and collapse spaces: two examples equal under this are the same example."""
    return " ".join(text.casefold().split())


def _bare(text: str) -> str:
    """Also without punctuation: "that's ok" and "thats ok!" are one message to the model."""
    return " ".join(re.sub(r"[^\w\s]", "", text.casefold()).split())


def check_examples(examples: list[Example], guide: LanguageGuide,
                   intents: Iterable[str] = ()) -> list[Problem]:
    problems: list[Problem] = []
    by_bare: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        if not example.text.strip():
            problems.append(Problem("empty_example", example.file, example.line,
                                    f'an empty example under intent "{example.intent}".',
                                    "Delete the line, or write what a person might say after the dash."))
            continue
        by_bare[_bare(example.text)].append(example)
    for group in by_bare.values():
        names = sorted({e.intent for e in group})
        if len(names) > 1:
            first = group[0]
            others = ", ".join(f"{e.file} line {e.line} ({e.intent})" for e in group[1:])
            problems.append(Problem(
                "two_intents", first.file, first.line,
                f'the example "{first.text}" is under intent "{first.intent}" and also under '
                f"{' and '.join(repr(n) for n in names if n != first.intent)} ({others}). "
                "The assistant cannot learn two meanings for the same words.",
                "Keep it under the one intent it really means and delete the other line.",
            ))
    by_intent: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        if example.text.strip():
            by_intent[example.intent].append(example)
    for intent in sorted(set(by_intent) | set(intents)):
        items = by_intent.get(intent, [])
        problems.extend(_check_one_intent(intent, items, guide))
    return problems


def _check_one_intent(intent: str, items: list[Example], guide: LanguageGuide) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, Example] = {}
    distinct: list[Example] = []
    for example in items:
        key = _plain(example.text)
        if key in seen:
            first = seen[key]
            problems.append(Problem(
                "duplicate_example", example.file, example.line,
                f'the example "{example.text}" is written twice under intent "{intent}" '
                f"(also {first.file} line {first.line}).",
                "Delete one of the two lines.",
            ))
            continue
        seen[key] = example
        distinct.append(example)
    if len(distinct) < guide.min_examples:
        where = items[0] if items else None
        problems.append(Problem(
            "too_few_examples", where.file if where else "domain.yml", where.line if where else 1,
            f'intent "{intent}" has {len(distinct)} different example(s); it needs at least '
            f"{guide.min_examples} to learn from.",
            "Add more examples of how people really say this, one a line starting with \"- \".",
        ))
    keys = [_plain(e.text) for e in distinct]
    for i in range(len(distinct)):
        for j in range(i + 1, len(distinct)):
            matcher = SequenceMatcher(None, keys[i], keys[j], autojunk=False)
            if matcher.quick_ratio() < guide.too_similar:
                continue
            if matcher.ratio() >= guide.too_similar:
                a, b = distinct[i], distinct[j]
                problems.append(Problem(
                    "too_similar", b.file, b.line,
                    f'the example "{b.text}" is almost the same as "{a.text}" ({a.file} line {a.line}), '
                    f'both under intent "{intent}". It teaches the assistant nothing new.',
                    "Delete it, or change it to another way people really say this.",
                ))
    return problems


# --- word lists and the directory's category map -----------------------------------------

_CODES = {"need": taxonomy.NEEDS, "strength": taxonomy.STRENGTHS}


def check_lookups(lookups: list[Lookup]) -> list[Problem]:
    problems: list[Problem] = []
    known = ", ".join([f"need_{c}" for c in taxonomy.NEEDS] + [f"strength_{c}" for c in taxonomy.STRENGTHS])
    for lookup in lookups:
        kind, _, code = lookup.name.partition("_")
        if kind not in _CODES or code not in _CODES[kind]:
            problems.append(Problem(
                "lookup_code", lookup.file, lookup.line,
                f'the word list "{lookup.name}" maps to no need or strength code, so its words '
                "are never used.",
                f"Rename it to one of: {known} (or ask a lead to add a new code to DESIGN.md).",
            ))
        for value, line in lookup.values:
            if not value.strip():
                problems.append(Problem("lookup_value", lookup.file, line,
                                        f'an empty line in the word list "{lookup.name}".',
                                        "Delete the line, or write the word after the dash."))
    return problems


def check_taxonomy_map(path: Path, root: Path) -> list[Problem]:
    """Every need and strength in the directory's category map must be a known code."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    data = yaml.safe_load("\n".join(lines)) or {}
    problems: list[Problem] = []
    rel = relative(path, root)
    for term in data.get("terms") or []:
        if not isinstance(term, dict):
            continue
        name = str(term.get("term") or term.get("id") or "")
        line = next((n for n, text in enumerate(lines, start=1) if re.search(
            r"(term|id):\s*[\"']?" + re.escape(name) + r"[\"']?\s*$", text)), 1)
        for kind, key in (("need", "needs"), ("strength", "strengths")):
            for code in term.get(key) or []:
                if str(code) not in _CODES[kind]:
                    problems.append(Problem(
                        "lookup_code", rel, line,
                        f'the category "{name}" lists the {kind} "{code}", which is not one of our codes.',
                        f"Use one of: {', '.join(_CODES[kind])}.",
                    ))
    return problems


# --- everything ----------------------------------------------------------------------------

def domain_intents(domain_path: Path) -> list[str]:
    data = yaml.safe_load(domain_path.read_text(encoding="utf-8")) or {}
    names = []
    for item in data.get("intents") or []:
        names.append(next(iter(item)) if isinstance(item, dict) else str(item))
    return names


def check_project(root: Path) -> list[Problem]:
    """All the checks on the project at ``root`` (its domain.yml, data/ and language guide)."""
    guide = load_guide(root / "data" / "language.yml")
    domain = root / "domain.yml"
    problems = check_replies(read_responses(domain, root), guide)
    examples, lookups = read_nlu(root / "data" / "nlu", root)
    problems += check_examples(examples, guide, domain_intents(domain))
    problems += check_lookups(lookups)
    problems += check_taxonomy_map(root / "data" / "directory" / "taxonomy_map.yml", root)
    return problems
