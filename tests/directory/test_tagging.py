"""Tags: mapped from taxonomy terms, else inferred from words, curated kept as given."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.directory import models as m
from bot.directory.importer import import_path
from bot.directory.tagging import TaxonomyMap, TaxonomyMapError, default_map, tag_offer
from bot.store.db import session_scope
from bot.taxonomy import NEEDS, STRENGTHS
from tests.directory.conftest import service, write_json


def test_shipped_taxonomy_map_uses_only_known_codes() -> None:
    mapping = default_map()
    assert mapping.lookup(None, "walking groups") == (("connection", "physical_health"),
                                                      ("sport_activity", "nature_gardening"))
    for needs, strengths in mapping.entries.values():
        assert set(needs) <= set(NEEDS) and set(strengths) <= set(STRENGTHS)


def test_taxonomy_terms_map_to_codes_and_are_marked_taxonomy() -> None:
    tags = tag_offer("Anything", "Words about housing are ignored here",
                     [("t1", "Debt advice"), ("t2", "Something local")])
    assert tags.tags == {("need", "money"): "taxonomy"}
    assert tags.unmapped_terms == ("Something local",)


def test_offers_without_terms_are_inferred_from_name_and_description() -> None:
    tags = tag_offer("Evening choir", "Sing with others if you feel lonely")
    assert tags.tags[("need", "connection")] == "inferred"
    assert tags.tags[("strength", "music")] == "inferred"


def test_curated_tags_win_and_stop_inference() -> None:
    tags = tag_offer("Evening choir", "Sing with others if you feel lonely", curated_needs=["emotional_support"])
    assert tags.tags == {("need", "emotional_support"): "curated"}


def test_bad_map_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "map.yml"
    path.write_text("terms:\n- term: Food\n  needs: [snacks]\n", encoding="utf-8")
    with pytest.raises(TaxonomyMapError, match="unknown need 'snacks'"):
        TaxonomyMap.load(path)


def test_import_stores_tag_sources(db_url: str, tmp_path: Path) -> None:
    records = [
        service("t1", "Money help", service_taxonomys=[{"taxonomy": {"id": "x", "name": "Benefits advice"}}]),
        service("t2", "Garden club", description="Grow vegetables in the garden and meet people"),
        service("t3", "Cafe", needs=["connection", "not_a_code"]),
    ]
    with session_scope(db_url) as session:
        report = import_path(write_json(tmp_path / "t.json", records), session)
    assert "record 2 (t3 / Cafe): needs: unknown need code 'not_a_code'" in str(report.warnings[0])
    with session_scope(db_url) as session:
        by_id = {s.oruk_id: {(t.kind, t.code, t.source) for t in s.tags} for s in session.query(m.Service)}
    assert by_id["t1"] == {("need", "money", "taxonomy")}
    assert ("strength", "nature_gardening", "inferred") in by_id["t2"]
    assert by_id["t3"] == {("need", "connection", "curated")}
