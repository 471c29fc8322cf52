"""The risk word lists co-production groups and clinicians edit, read from ``data/safety/``.

Kept apart from the matcher so the lists can be checked, fingerprinted (a lexicon edit
makes ``rasa train`` retrain) and loaded without building spaCy objects.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.config import REPO_ROOT

LEXICON_DIR = REPO_ROOT / "data" / "safety"
FILES = ("risk_phrases.yml", "idioms.yml", "negations.yml", "spellings.yml")
LEVELS = ("none", "possible", "high")
CATEGORIES = ("suicide", "self_harm", "harm_to_others", "abuse", "medical_emergency")
GENERAL = "general"  # a "possible" phrase that names no particular kind of risk


class SafetyLexiconError(ValueError):
    """A safety word list is missing or badly formed (names an unknown level or category)."""


@dataclass(frozen=True)
class RiskPhrase:
    """One phrase as written in risk_phrases.yml, with its level and category."""

    level: str
    category: str
    pattern: str


@dataclass(frozen=True)
class SafetyLexicon:
    """Everything the rule layer needs, as plain data."""

    phrases: tuple[RiskPhrase, ...]
    idioms: tuple[str, ...] = ()
    negation_cues: tuple[str, ...] = ("not", "never", "no")
    terminators: tuple[str, ...] = ("but",)
    pseudo_negations: tuple[str, ...] = ()
    past_markers: tuple[str, ...] = ()
    present_markers: tuple[str, ...] = ()
    # Words that suggest a message talks ABOUT risk (a film, a course, a joke, a crisis now
    # over). Never enough alone: see ``talking_about`` in negations.yml and component.py.
    talking_about: tuple[str, ...] = ()
    window: int = 6
    spellings: dict[str, str] = field(default_factory=dict)
    # The safety net: a "means" word and an "intent" word in one sentence make "possible".
    together_means: tuple[tuple[str, str], ...] = ()  # (category, word)
    together_intent: tuple[str, ...] = ()
    # Means or a dangerous place with someone there now, in one sentence, make "high".
    present_means: tuple[tuple[str, str], ...] = ()  # (category, word)
    presence: tuple[str, ...] = ()
    # A "possible" sign of one of these kinds of risk, in a message that names a time close
    # at hand ("tonight", "in an hour"), makes "high".
    soon_categories: tuple[str, ...] = ()
    soon: tuple[str, ...] = ()

    @classmethod
    def load(cls, directory: Path | None = None) -> SafetyLexicon:
        """Read the four YAML files from ``directory`` (default ``data/safety``)."""
        directory = Path(directory or LEXICON_DIR)
        docs = {name: _read(directory / name) for name in FILES}
        phrases: list[RiskPhrase] = []
        risk_doc = dict(docs["risk_phrases.yml"] or {})
        together = risk_doc.pop("together", None) or {}
        means = _means(together, "together")
        present_with = risk_doc.pop("present_with", None) or {}
        present_means = _means(present_with, "present_with")
        soon = risk_doc.pop("soon", None) or {}
        soon_categories = _strings(soon, "categories")
        if set(soon_categories) - set(CATEGORIES):
            raise SafetyLexiconError(f"risk_phrases.yml, soon: unknown categories "
                                     f"{sorted(set(soon_categories) - set(CATEGORIES))}")
        for level, groups in risk_doc.items():
            if level not in ("possible", "high"):
                raise SafetyLexiconError(f"risk_phrases.yml: unknown level {level!r}")
            for category, items in (groups or {}).items():
                allowed = CATEGORIES + ((GENERAL,) if level == "possible" else ())
                if category not in allowed:
                    raise SafetyLexiconError(f"risk_phrases.yml: unknown category {category!r} under {level}")
                phrases.extend(RiskPhrase(level, category, _check_pattern(_clean(p))) for p in items or [] if _clean(p))
        negations = docs["negations.yml"] or {}
        spellings = (docs["spellings.yml"] or {}).get("spellings") or {}
        return cls(
            phrases=tuple(phrases),
            idioms=_strings(docs["idioms.yml"], "idioms"),
            negation_cues=_strings(negations, "negation_cues"),
            terminators=_strings(negations, "terminators"),
            pseudo_negations=_strings(negations, "pseudo_negations"),
            past_markers=_strings(negations, "past_markers"),
            present_markers=_strings(negations, "present_markers"),
            talking_about=_strings(negations, "talking_about"),
            window=int(negations.get("window", 6)),
            spellings={_clean(k): _clean(v) for k, v in spellings.items() if _clean(k)},
            together_means=tuple(means),
            together_intent=_strings(together, "intent"),
            present_means=tuple(present_means),
            presence=_strings(present_with, "presence"),
            soon_categories=soon_categories,
            soon=_strings(soon, "words"),
        )


_UNIT = re.compile(r"\([^()]*\)|[^\s()]+|[()]")


def pattern_units(pattern: str) -> list[list[list[str]]]:
    """A phrase split into its units, each a list of alternatives, each a list of words.

    ``kill him|her`` has two units; ``(much longer|for long|by morning)`` is one unit with
    three alternatives of two words each. Why brackets: a bar only separates single words,
    so ``much longer|for long`` silently means "much", "longer or for", "long", which once
    left a phrase that could never match. Bad brackets raise :class:`SafetyLexiconError`.
    """
    units: list[list[list[str]]] = []
    for token in _UNIT.findall(pattern):
        if token in ("(", ")"):
            face = re.search(r"[:;=]-?[()]|[()]-?[:;]", pattern)
            hint = (" (brackets only group choices, so a face such as :( cannot be matched: "
                    "leave it out)") if face else ""
            raise SafetyLexiconError(f'"{pattern}": a bracket is not closed, or one bracket is inside '
                                     f"another{hint}")
        if token.startswith("("):
            alternatives = [alt.split() for alt in token[1:-1].split("|")]
            if len(alternatives) < 2 or any(not words for words in alternatives):
                raise SafetyLexiconError(f'"{pattern}": write brackets as (first words|other words), '
                                         "with something either side of each |")
            if any(word in ("...", "<many>") or "|" in word for words in alternatives for word in words):
                raise SafetyLexiconError(f'"{pattern}": ... and <many> cannot go inside brackets')
            if any(word == "=" for words in alternatives for word in words):
                raise SafetyLexiconError(f'"{pattern}": an = must be followed by a word')
            units.append(alternatives)
        else:
            alternatives = token.split("|")
            if any(alt in ("", "=") for alt in alternatives):
                raise SafetyLexiconError(f'"{pattern}": a | needs a word on both sides, and an = a word after it '
                                         "(for choices of several words use brackets: (go away|disappear))")
            units.append([[alt] for alt in alternatives])
    return units


def _check_pattern(pattern: str) -> str:
    pattern_units(pattern)
    return pattern


def _means(section: dict[str, Any], name: str) -> list[tuple[str, str]]:
    means: list[tuple[str, str]] = []
    for category, items in (section.get("means") or {}).items():
        if category not in CATEGORIES:
            raise SafetyLexiconError(f"risk_phrases.yml: unknown category {category!r} under {name}")
        for word in items or []:
            word = _clean(word)
            if any(mark in word for mark in "()|=") or "..." in word:
                raise SafetyLexiconError(f'risk_phrases.yml, {name} means: "{word}" is matched exactly as '
                                         "written, so it cannot use ( ) | = or ...: list each choice on its own line")
            if word:
                means.append((category, word))
    return means


def _read(path: Path) -> Any:
    if not path.exists():
        raise SafetyLexiconError(f"safety word list missing: {path}")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SafetyLexiconError(f"{path.name} is not valid YAML: {error}") from error


def _clean(value: Any) -> str:
    if isinstance(value, bool):
        raise SafetyLexiconError('a word such as no, yes, on or off must be in quotes, e.g. - "no"')
    return " ".join(str(value).lower().replace("\u2019", "'").split()) if value is not None else ""


def _strings(document: dict[str, Any] | None, key: str) -> tuple[str, ...]:
    return tuple(_check_pattern(_clean(v)) for v in ((document or {}).get(key) or []) if _clean(v))


def fingerprint(directory: Path | None = None) -> str:
    """A hash of the word-list files, so an edit to any of them changes the model."""
    directory = Path(directory or LEXICON_DIR)
    digest = hashlib.sha256()
    for name in FILES:
        path = directory / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()
