"""The project's own held-out risk set: kept apart from training, and the figures on it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.config import REPO_ROOT
from bot.safety.evaluate import HELDOUT_SET, evaluate, load_set, rule_assess
from bot.safety.lexicon import SafetyLexicon
from bot.safety.semantic import load_examples, load_read_sets


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", text.lower().replace("\u2019", "'")).strip()


BLIND_SET = HELDOUT_SET.with_name("risk_fresh.yml")
# Written by people who saw none of the word lists, examples or training data, each measured
# once before anyone read it. blind2 to blind19 were then read while the detector was tuned,
# and the meaning layer learns from them (data/safety/read_sets/). blind20 to blind23 were
# measured on the final model of session 7 (and on the model before its last fix, with the
# same figures) and have not been read: their figures are the estimate on unseen wording
# (docs/clinical-safety/README.md).
BLIND_SETS = [HELDOUT_SET.with_name(f"risk_blind{number}.yml") for number in range(20, 24)]
# Those figures (recall of high 1.0, 0.989, 1.0, 1.0; false alarms 0.113, 0.113, 0.025, 0.100),
# with a margin of about 0.02 for arithmetic differences between machines.
BLIND_FLOORS = {
    "risk_blind20": {"recall_high": 0.98, "false_alarm_rate": 0.13},
    "risk_blind21": {"recall_high": 0.97, "false_alarm_rate": 0.13},
    "risk_blind22": {"recall_high": 0.98, "false_alarm_rate": 0.05},
    "risk_blind23": {"recall_high": 0.98, "false_alarm_rate": 0.12},
}
READ_SETS = sorted((REPO_ROOT / "data" / "safety" / "read_sets").glob("risk_blind*.yml"))


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
    examples = {_key(e.text) for e in load_examples() + load_read_sets()}
    return training | lexicon_items | examples


def test_heldout_sets_never_used_for_training(heldout: list[dict], blind: list[dict]) -> None:
    used = _training_and_lexicon_keys()
    blinds = [item for path in BLIND_SETS for item in load_set(path)]
    assert [item["text"] for item in heldout + blind + blinds if _key(item["text"]) in used] == []
    assert {_key(i["text"]) for i in heldout}.isdisjoint({_key(i["text"]) for i in blind})
    assert len(blind) >= 50 and len(blinds) >= 800 and len(READ_SETS) == 18


@pytest.mark.model
def test_whole_pipeline_meets_the_quality_bar_on_the_held_out_set(model_parser, heldout: list[dict]) -> None:
    """The bar the clinical safety case rests on: rules, meaning layer and classifier together."""
    figures = evaluate(heldout, _pipeline(model_parser))
    assert figures["recall_high"] >= 0.98, _counts(figures)
    assert figures["false_alarm_rate"] <= 0.10, _counts(figures)


@pytest.mark.model
@pytest.mark.parametrize("path", BLIND_SETS, ids=lambda p: p.stem)
def test_whole_pipeline_regression_floor_on_blind_sets(model_parser, path: Path) -> None:
    """Today's honest figures on sets written blind (see docs/clinical-safety); worse fails here."""
    figures = evaluate(load_set(path), _pipeline(model_parser))
    assert figures["recall_high"] >= BLIND_FLOORS[path.stem]["recall_high"], _counts(figures)
    assert figures["false_alarm_rate"] <= BLIND_FLOORS[path.stem]["false_alarm_rate"], _counts(figures)


@pytest.mark.model
def test_whole_pipeline_has_learnt_the_read_sets(model_parser) -> None:
    """The read sets are training data now: not an estimate, but a broken meaning layer shows here.

    Before they were learnt, the same pipeline caught 0.96 to 1.0 of their high messages
    with false alarms of 0.01 to 0.14 (sessions 5 and 7); learning from them must not lose
    that (session 7's final model: 0.998 and 0.034 over all 18).
    """
    figures = evaluate([item for path in READ_SETS for item in load_set(path)], _pipeline(model_parser))
    assert figures["recall_high"] >= 0.99, figures["misses"]
    assert figures["false_alarm_rate"] <= 0.05, figures["false_alarms"]


@pytest.mark.model
def test_no_ordinary_help_seeking_message_raises_the_alarm(model_parser) -> None:
    """The 113 held-back ordinary messages (tests/data/nlu_heldout.yml) get neither crisis help nor the question.

    Learning from the read sets once gave "stop this please" and "im homeless and sleeping in
    my car" crisis help; ordinary examples for asking to stop and for homelessness fixed it.
    """
    from bot.nlu.evaluate import load_labelled

    items = load_labelled(REPO_ROOT / "tests" / "data" / "nlu_heldout.yml")
    flagged = [(item["text"], level) for item in items
               if (level := _pipeline(model_parser)(item["text"])[0]) != "none"]
    assert len(items) >= 100 and flagged == []


def _counts(figures: dict) -> str:
    """What a failure on a held-back set may print: counts, never its messages (they would be read)."""
    return (f"{len(figures['misses'])} missed, {len(figures['false_alarms'])} false alarms "
            f"of {figures['messages']} messages")


def _pipeline(model_parser):
    def assess_fn(text: str) -> tuple[str, list[str]]:
        risk = model_parser.parse(text).get("risk") or {}
        return str(risk.get("level", "none")), list(risk.get("categories") or [])
    return assess_fn


def test_rule_layer_regression_floor(figures: dict) -> None:
    """Today's honest figures; a word-list edit that makes them worse fails here.

    Recall of high by the word lists alone was 0.95 until session 8, when a subject word alone
    ("suicide", "rope", "overdose") became "possible": on real posts those words were two thirds
    of the word lists' false highs. Alone the lists now reach 0.940; the meaning layer lifts the
    short messages, and the whole pipeline's bar (0.98, below) is unchanged.
    """
    assert figures["recall_high"] >= 0.935
    assert figures["recall_possible"] >= 0.95
    assert figures["false_alarm_rate"] <= 0.05
    assert figures["false_alarm_rate_high"] <= 0.05
    assert figures["category_recall"]["suicide"] >= 0.95
