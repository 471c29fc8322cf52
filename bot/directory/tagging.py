"""Needs and strengths codes for an offer, and where each came from.

Taxonomy terms are mapped through ``data/directory/taxonomy_map.yml`` (edited by
co-production groups, not programmers). Most real exports have no terms, so offers without
any are tagged from their name and description by the assistant's own lexicon and marked
``inferred``: the same words that pick needs out of a person's story pick them out of an
offer, and a person can later confirm them as ``curated``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.config import REPO_ROOT
from bot.taxonomy import NEEDS, STRENGTHS

TAXONOMY_MAP = REPO_ROOT / "data" / "directory" / "taxonomy_map.yml"


class TaxonomyMapError(ValueError):
    """The taxonomy map names an unknown code or is badly formed."""


@dataclass(frozen=True)
class TagSet:
    """Tags decided for one offer: ``(kind, code) -> source``, plus unmapped term names."""

    tags: dict[tuple[str, str], str] = field(default_factory=dict)
    unmapped_terms: tuple[str, ...] = ()

    def codes(self, kind: str) -> list[str]:
        return sorted(code for (k, code) in self.tags if k == kind)


@dataclass(frozen=True)
class TaxonomyMap:
    """Lower-cased term name or id -> (needs, strengths)."""

    entries: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]

    @classmethod
    def load(cls, path: Path | None = None) -> TaxonomyMap:
        path = Path(path or TAXONOMY_MAP)
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        entries: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        for number, item in enumerate(document.get("terms") or [], start=1):
            if not isinstance(item, dict):
                raise TaxonomyMapError(f"{path}: entry {number} is not 'term: ...' with needs")
            needs = tuple(item.get("needs") or ())
            strengths = tuple(item.get("strengths") or ())
            for code in needs:
                if code not in NEEDS:
                    raise TaxonomyMapError(f"{path}: entry {number}: unknown need '{code}'")
            for code in strengths:
                if code not in STRENGTHS:
                    raise TaxonomyMapError(f"{path}: entry {number}: unknown strength '{code}'")
            keys = [str(item[k]).strip().lower() for k in ("term", "id") if item.get(k)]
            if not keys:
                raise TaxonomyMapError(f"{path}: entry {number} has neither 'term' nor 'id'")
            for key in keys:
                entries[key] = (needs, strengths)
        return cls(entries)

    def lookup(self, term_id: str | None, name: str | None) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        for key in (name, term_id):
            if key and str(key).strip().lower() in self.entries:
                return self.entries[str(key).strip().lower()]
        return None


@functools.lru_cache(maxsize=4)
def default_map() -> TaxonomyMap:
    """The shipped taxonomy map, read once per process."""
    return TaxonomyMap.load()


def tag_offer(
    name: str,
    description: str,
    terms: Iterable[tuple[str | None, str | None]] = (),
    curated_needs: Iterable[str] = (),
    curated_strengths: Iterable[str] = (),
    taxonomy_map: TaxonomyMap | None = None,
) -> TagSet:
    """Decide an offer's tags: curated first, then mapped taxonomy terms, else inferred.

    ``terms`` are ``(id, name)`` pairs. Inference runs only when the offer has neither
    taxonomy terms nor curated needs, so a person's or a taxonomy's judgement is never
    diluted by word matching.
    """
    tags: dict[tuple[str, str], str] = {}
    for code in curated_needs:
        tags[("need", code)] = "curated"
    for code in curated_strengths:
        tags[("strength", code)] = "curated"
    terms = list(terms)
    mapping = taxonomy_map or default_map()
    unmapped: list[str] = []
    for term_id, term_name in terms:
        found = mapping.lookup(term_id, term_name)
        if found is None:
            unmapped.append(str(term_name or term_id))
            continue
        for code in found[0]:
            tags.setdefault(("need", code), "taxonomy")
        for code in found[1]:
            tags.setdefault(("strength", code), "taxonomy")
    if not terms and not any(kind == "need" for kind, _ in tags):
        from bot.lexicon import load_lexicon

        lexicon = load_lexicon()
        text = f"{name}. {description}"
        for code in lexicon.needs(text):
            tags.setdefault(("need", code), "inferred")
        for code in lexicon.strengths(text):
            tags.setdefault(("strength", code), "inferred")
    return TagSet(tags, tuple(unmapped))
