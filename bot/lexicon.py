"""Needs and strengths found in free text, from the word lists co-production groups edit.

The word lists are Rasa lookup tables in ``data/nlu/lookups/`` named ``need_<code>`` and
``strength_<code>``: one source for the assistant (through the NLU component in
``bot.nlu.lexicon_extractor``), the directory's inferred tags and ``bot analyse``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.config import REPO_ROOT
from bot.taxonomy import NEEDS, STRENGTHS

LOOKUP_DIR = REPO_ROOT / "data" / "nlu" / "lookups"
KINDS = {"need": NEEDS, "strength": STRENGTHS}


@dataclass(frozen=True)
class LexiconMatch:
    """One phrase found in a text: which kind (need or strength), which code, where."""

    kind: str
    code: str
    start: int
    end: int
    phrase: str


class LexiconError(ValueError):
    """A word list names a code that is not in the taxonomy, or is badly formed."""


def read_lookup_tables(paths: Iterable[Path]) -> dict[str, dict[str, list[str]]]:
    """Read ``need_*``/``strength_*`` lookup tables from Rasa NLU YAML files."""
    tables: dict[str, dict[str, list[str]]] = {kind: {} for kind in KINDS}
    for path in paths:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        for item in document.get("nlu", []) or []:
            name = item.get("lookup") if isinstance(item, dict) else None
            if not name or "_" not in name:
                continue
            kind, code = name.split("_", 1)
            if kind not in KINDS:
                continue
            if code not in KINDS[kind]:
                raise LexiconError(f"{path}: lookup '{name}' names an unknown {kind} code '{code}'")
            phrases = [
                line.strip()[1:].strip().lower()
                for line in str(item.get("examples", "")).splitlines()
                if line.strip().startswith("-")
            ]
            tables[kind].setdefault(code, []).extend(p for p in phrases if p)
    return tables


class Lexicon:
    """Phrase matcher over the needs and strengths word lists (spaCy, blank English)."""

    def __init__(self, tables: dict[str, dict[str, list[str]]]):
        import spacy
        from spacy.matcher import PhraseMatcher

        self.tables = tables
        self._nlp = spacy.blank("en")
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        for kind, codes in tables.items():
            for code, phrases in codes.items():
                variants = set()
                for phrase in phrases:
                    variants.add(phrase)
                    if " " not in phrase and not phrase.endswith("s"):
                        variants.add(phrase + "s")
                    variants.add(phrase.replace("'", "’"))
                patterns = [self._nlp.make_doc(v) for v in sorted(variants)]
                self._matcher.add(f"{kind}:{code}", patterns)

    @classmethod
    def from_files(cls, paths: Iterable[Path] | None = None) -> Lexicon:
        """Build from lookup files (default: every YAML file in data/nlu/lookups)."""
        if paths is None:
            paths = sorted(LOOKUP_DIR.glob("*.yml"))
        return cls(read_lookup_tables(paths))

    def matches(self, text: str) -> list[LexiconMatch]:
        """Every phrase found, longest first where phrases overlap within one kind."""
        if not text or not text.strip():
            return []
        doc = self._nlp.make_doc(text[:20000])
        found: list[LexiconMatch] = []
        for match_id, start, end in self._matcher(doc):
            kind, code = self._nlp.vocab.strings[match_id].split(":", 1)
            span = doc[start:end]
            found.append(LexiconMatch(kind, code, span.start_char, span.end_char, span.text))
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        return found

    def codes(self, text: str, kind: str) -> list[str]:
        """Codes of one kind found in the text, in order of first mention, no repeats."""
        seen: list[str] = []
        for match in self.matches(text):
            if match.kind == kind and match.code not in seen:
                seen.append(match.code)
        return seen

    def needs(self, text: str) -> list[str]:
        """Need codes found in the text."""
        return self.codes(text, "need")

    def strengths(self, text: str) -> list[str]:
        """Strength codes found in the text."""
        return self.codes(text, "strength")


@functools.lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The shared lexicon from data/nlu/lookups, built once per process."""
    return Lexicon.from_files()
