"""The group's language guide (``data/language.yml``): words to avoid and the limits.

The guide is data the co-production group edits; this module reads it and finds the words
it bans in a piece of text, as whole words, ignoring capitals, and not inside the ordinary
phrases the group allows ("just in case").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml


@dataclass(frozen=True)
class AvoidRule:
    words: tuple[str, ...]
    say_instead: str
    unless_part_of: tuple[str, ...] = ()
    why: str = ""


@dataclass(frozen=True)
class WordFound:
    word: str  # as written in the text
    rule: AvoidRule


@dataclass
class LanguageGuide:
    avoid: list[AvoidRule] = field(default_factory=list)
    reading_ease_at_least: float = 60.0
    reading_ease_exempt: dict[str, str] = field(default_factory=dict)  # reply name -> reason
    max_texts: int = 3
    min_examples: int = 5
    too_similar: float = 0.97

    def words_to_avoid(self, text: str) -> list[WordFound]:
        """Banned words in ``text``, in the order they appear."""
        found: list[tuple[int, WordFound]] = []
        for rule in self.avoid:
            allowed = [(m.start(), m.end()) for phrase in rule.unless_part_of
                       for m in _phrase_pattern(phrase).finditer(text)]
            for word in rule.words:
                for match in _phrase_pattern(word).finditer(text):
                    if any(start <= match.start() and match.end() <= end for start, end in allowed):
                        continue
                    found.append((match.start(), WordFound(match.group(0), rule)))
        found.sort(key=lambda pair: pair[0])
        return [item for _, item in found]


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


class GuideError(ValueError):
    """The guide file itself is not in the expected shape; the message says how to fix it."""


def _as_list(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise GuideError(f"{where} should be a list of words in square brackets, like [patient, case]")


def load_guide(path: Path) -> LanguageGuide:
    """Read the guide; a missing file gives the default guide with no banned words."""
    if not path.exists():
        return LanguageGuide()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    guide = LanguageGuide()
    for number, entry in enumerate(data.get("avoid") or [], start=1):
        if not isinstance(entry, dict) or not entry.get("words"):
            raise GuideError(f"{path.name}: entry {number} under 'avoid' needs a 'words:' list")
        guide.avoid.append(AvoidRule(
            words=_as_list(entry.get("words"), f"{path.name}: entry {number} 'words'"),
            say_instead=str(entry.get("say_instead") or "other words"),
            unless_part_of=_as_list(entry.get("unless_part_of"), f"{path.name}: entry {number} 'unless_part_of'"),
            why=str(entry.get("why") or ""),
        ))
    ease = data.get("reading_ease") or {}
    guide.reading_ease_at_least = float(ease.get("at_least", guide.reading_ease_at_least))
    for item in ease.get("exempt") or []:
        if not isinstance(item, dict) or "reply" not in item or not item.get("why"):
            raise GuideError(f"{path.name}: each reading_ease exemption needs 'reply:' and 'why:'")
        guide.reading_ease_exempt[str(item["reply"])] = str(item["why"])
    texts = data.get("text_messages") or {}
    guide.max_texts = int(texts.get("at_most", guide.max_texts))
    examples = data.get("examples") or {}
    guide.min_examples = int(examples.get("at_least_per_intent", guide.min_examples))
    guide.too_similar = float(examples.get("too_similar", guide.too_similar))
    return guide
