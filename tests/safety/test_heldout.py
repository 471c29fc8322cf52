"""The project's own held-out risk set: kept apart from training, and the figures on it."""

from __future__ import annotations

import re

import pytest
import yaml

from bot.config import REPO_ROOT
from bot.safety.evaluate import HELDOUT_SET, evaluate, load_set, rule_assess
from bot.safety.lexicon import SafetyLexicon


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", text.lower().replace("\u2019", "'")).strip()


BLIND_SET = HELDOUT_SET.with_name("risk_fresh.yml")


@pytest.fixture(scope="module")
def heldout() -> list[dict]:
    return load_set()


@pytest.fixture(scope="module")
def blind() -> list[dict]:
    return load_set(BLIND_SET)


@pytest.fixture(scope="module")
def figures(heldout: list[dict]) -> dict:
    return evaluate(heldout, rule_assess)


def test_heldout_set_is_big_and_half_hard_negatives(heldout: list[dict]) -> None:
    assert len(heldout) >= 300
    levels = [item["level"] for item in heldout]
    assert 0.4 <= levels.count("none") / len(levels) <= 0.6
    assert levels.count("high") >= 60 and levels.count("possible") >= 15
    assert len({_key(item["text"]) for item in heldout}) == len(heldout)  # no duplicates


def _training_and_lexicon_keys() -> set[str]:
    training: set[str] = set()
    for path in (REPO_ROOT / "data" / "nlu").rglob("*.yml"):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []) or []:
            for line in str(block.get("examples", "")).splitlines():
                if line.strip().startswith("-"):
                    training.add(_key(line.strip()[1:]))
    lexicon = SafetyLexicon.load()
    lexicon_items = {_key(p.pattern) for p in lexicon.phrases} | {_key(i) for i in lexicon.idioms}
    return training | lexicon_items


def test_heldout_sets_never_used_for_training(heldout: list[dict], blind: list[dict]) -> None:
    used = _training_and_lexicon_keys()
    assert [item["text"] for item in heldout + blind if _key(item["text"]) in used] == []
    assert {_key(i["text"]) for i in heldout}.isdisjoint({_key(i["text"]) for i in blind})
    assert len(blind) >= 50


@pytest.mark.xfail(strict=True, reason=(
    "Quality bar for the whole pipeline. The rule layer alone reaches recall of high 0.96 "
    "(5 of 117 missed, listed by `bot safety eval`); the trained classifier is meant to close "
    "the gap: measure with `bot safety eval --model`. Strict: remove this mark once it passes."))
def test_rule_layer_meets_quality_bar(figures: dict) -> None:
    assert figures["recall_high"] >= 0.98
    assert figures["false_alarm_rate"] <= 0.10


def test_rule_layer_regression_floor(figures: dict) -> None:
    """Today's honest figures; a word-list edit that makes them worse fails here."""
    assert figures["recall_high"] >= 0.95
    assert figures["recall_possible"] >= 0.95
    assert figures["false_alarm_rate"] <= 0.05
    assert figures["false_alarm_rate_high"] <= 0.05
    assert figures["category_recall"]["suicide"] >= 0.95
