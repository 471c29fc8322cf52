"""RiskDetector as Rasa runs it, with Message objects shaped like DIET + FallbackClassifier output."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.safety.component import RiskDetector
from bot.safety.lexicon import FILES, LEXICON_DIR
from bot.safety.semantic import MeaningAssessment


@pytest.fixture(scope="module")
def detector(tmp_path_factory: pytest.TempPathFactory) -> RiskDetector:
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    return RiskDetector.create(RiskDetector.get_default_config(), storage, Resource("risk_detector"),
                               ExecutionContext(GraphSchema({}), "test"))


def message(text: str, ranking: list[tuple[str, float]], fallback: bool = False) -> Message:
    """A message as DIETClassifier (and optionally FallbackClassifier) leave it."""
    ranked = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    intent = dict(ranked[0]) if ranked else {"name": None, "confidence": 0.0}
    if fallback:
        intent = {"name": "nlu_fallback", "confidence": 0.35}
        ranked = [dict(intent), *ranked]
    return Message(data={TEXT: text, INTENT: intent, INTENT_RANKING_KEY: ranked,
                         ENTITIES: [{"entity": "need", "value": "housing", "start": 0, "end": 3}]})


def run(detector: RiskDetector, msg: Message) -> Message:
    return detector.process([msg])[0]


def entity_values(msg: Message) -> dict[str, Any]:
    return {e["entity"]: e["value"] for e in msg.get(ENTITIES) if e.get("extractor") == "RiskDetector"}


def test_rule_high_overrides_intent_keeps_ranking(detector: RiskDetector) -> None:
    msg = message("can't do rent and honestly i want to kill myself", [("share_story", 0.8), ("risk_high", 0.1)])
    ranking_before = [dict(r) for r in msg.get(INTENT_RANKING_KEY)]
    run(detector, msg)
    assert msg.get(INTENT) == {"name": "risk_high", "confidence": 1.0}
    assert msg.get(INTENT_RANKING_KEY) == ranking_before
    risk = msg.get("risk")
    assert risk["level"] == "high" and risk["categories"] == ["suicide"]
    assert risk["classifier_intent"] == "share_story"
    assert any("kill myself" in r for r in risk["reasons"])
    assert entity_values(msg) == {"risk_level": "high", "risk_flag": "high"}
    assert msg.get(ENTITIES)[0]["entity"] == "need"  # other components' entities kept
    spans = [(e["start"], e["end"]) for e in msg.get(ENTITIES) if e.get("extractor") == "RiskDetector"]
    assert set(spans) == {(0, len(msg.get(TEXT)))}


def test_risk_is_in_the_parse_output(detector: RiskDetector) -> None:
    msg = run(detector, message("kms", [("greet", 0.9)]))
    output = msg.as_dict_nlu() if hasattr(msg, "as_dict_nlu") else msg.as_dict(only_output_properties=True)
    assert output["risk"]["level"] == "high"


def test_possible_sets_risk_possible(detector: RiskDetector) -> None:
    msg = run(detector, message("i can't cope anymore", [("share_story", 0.7), ("risk_high", 0.2)]))
    assert msg.get(INTENT) == {"name": "risk_possible", "confidence": 1.0}
    assert msg.get("risk")["level"] == "possible"
    assert entity_values(msg) == {"risk_level": "possible"}


def test_classifier_risk_over_an_idiom_is_cleared_to_next_intent(detector: RiskDetector) -> None:
    msg = run(detector, message("this debt is killing me", [("risk_high", 0.9), ("share_story", 0.08)]))
    assert msg.get("risk")["level"] == "none"
    assert msg.get("risk")["classifier_intent"] == "risk_high"
    assert msg.get(INTENT) == {"name": "nlu_fallback", "confidence": 0.35}  # next best too unsure
    assert entity_values(msg) == {}
    msg = run(detector, message("I'm not suicidal, just need housing help",
                                [("risk_high", 0.55), ("share_story", 0.4)]))
    assert msg.get(INTENT) == {"name": "share_story", "confidence": 0.4}


def test_sure_classifier_without_rule_match_is_at_least_possible(detector: RiskDetector) -> None:
    # "standing on the bridge now" used to be missed by the rules; it is caught now (present_with)
    text = "the water looks so peaceful from up here"
    msg = run(detector, message(text, [("risk_high", 0.93), ("share_story", 0.05)]))
    assert msg.get("risk")["level"] == "possible"
    assert msg.get(INTENT)["name"] == "risk_possible"
    assert any("classifier" in r for r in msg.get("risk")["reasons"])


def test_classifier_possible_alone_does_not_raise_the_alarm(detector: RiskDetector) -> None:
    msg = run(detector, message("hi, a friend said to message you", [("risk_possible", 0.95), ("greet", 0.04)]))
    assert msg.get("risk")["level"] == "none"
    assert msg.get(INTENT)["name"] != "risk_possible"
    assert entity_values(msg) == {}


def test_unsure_classifier_without_rule_match_is_none(detector: RiskDetector) -> None:
    text = "the water looks so peaceful from up here"
    msg = run(detector, message(text, [("risk_high", 0.5), ("share_story", 0.45)]))
    assert msg.get("risk")["level"] == "none"
    assert msg.get(INTENT) == {"name": "share_story", "confidence": 0.45}


def test_rule_possible_and_sure_classifier_escalate_to_high(detector: RiskDetector) -> None:
    msg = run(detector, message("i feel like giving up", [("risk_high", 0.95), ("share_story", 0.03)]))
    assert msg.get("risk")["level"] == "high"
    assert msg.get(INTENT)["name"] == "risk_high"


def test_risk_seen_after_fallback_classifier(detector: RiskDetector) -> None:
    msg = run(detector, message("wanna die", [("greet", 0.3), ("risk_high", 0.28)], fallback=True))
    assert msg.get(INTENT)["name"] == "risk_high"
    assert msg.get("risk")["classifier_intent"] == "nlu_fallback"
    assert msg.get("risk")["classifier_top"]["name"] == "greet"


def test_ordinary_message_left_alone(detector: RiskDetector) -> None:
    msg = run(detector, message("I'm so stressed about rent", [("share_story", 0.9), ("risk_high", 0.05)]))
    assert msg.get(INTENT) == {"name": "share_story", "confidence": 0.9}
    assert msg.get("risk")["level"] == "none"
    assert entity_values(msg) == {}


def test_young_person_entity(detector: RiskDetector) -> None:
    msg = run(detector, message("im 14 and i want to die", [("share_story", 0.6)]))
    assert entity_values(msg) == {"risk_level": "high", "risk_flag": "high", "young_person": "true"}
    msg = run(detector, message("I'm 16 and need help with college", [("share_story", 0.9)]))
    assert entity_values(msg) == {"young_person": "true"}
    assert msg.get(INTENT)["name"] == "share_story"


def test_empty_message_without_intent(detector: RiskDetector) -> None:
    msg = run(detector, Message(data={TEXT: ""}))
    assert msg.get("risk")["level"] == "none"
    assert msg.get(INTENT) is None


def test_fingerprint_follows_the_word_lists(tmp_path: Path) -> None:
    copy = tmp_path / "safety"
    shutil.copytree(LEXICON_DIR, copy)
    config = {**RiskDetector.get_default_config(), "lexicon_dir": str(copy)}
    before = RiskDetector.fingerprint_addon(config)
    assert before == RiskDetector.fingerprint_addon(config)
    with (copy / "idioms.yml").open("a", encoding="utf-8") as handle:
        handle.write("  - dead chuffed\n")
    assert RiskDetector.fingerprint_addon(config) != before


def test_trained_model_keeps_its_own_word_lists(tmp_path: Path) -> None:
    copy = tmp_path / "safety"
    shutil.copytree(LEXICON_DIR, copy)
    config = {**RiskDetector.get_default_config(), "lexicon_dir": str(copy)}
    (tmp_path / "model").mkdir()
    storage = LocalModelStorage(tmp_path / "model")
    resource = Resource("risk_detector")
    context = ExecutionContext(GraphSchema({}), "test")
    (copy / "examples.yml").write_text(SMALL_EXAMPLES, encoding="utf-8")
    shutil.rmtree(copy / "read_sets")  # a small model: the examples above only
    RiskDetector.create(config, storage, resource, context).train(TrainingData())
    for name in (*FILES, "examples.yml"):
        (copy / name).write_text("not: [valid", encoding="utf-8")  # later edits must not leak in
    loaded = RiskDetector.load(config, storage, resource, context)
    msg = run(loaded, message("kms", [("greet", 0.9)]))
    assert msg.get("risk")["level"] == "high"


SMALL_EXAMPLES = """
high:
  suicide:
    - "I'm going to kill myself tonight"
    - "the pills are lined up and I'm taking them now"
possible:
  general:
    - "sometimes I wish I could disappear"
none:
  - "can you help with my housing form"
  - "what time do you open"
"""


class FixedMeaning:
    """A meaning layer that always answers the same: for testing how the answers combine."""

    def __init__(self, high: float, possible: float = 0.0, *, ordinary_least: float | None = None,
                 read_whole: bool = True) -> None:
        least = 1.0 - high - possible if ordinary_least is None else ordinary_least
        self.answer = MeaningAssessment(high, possible, "I won't be a burden much longer", 0.8, ("suicide",),
                                        least, read_whole)

    def assess(self, text: str) -> MeaningAssessment:
        return self.answer


def with_meaning(detector: RiskDetector, high: float, possible: float = 0.0) -> RiskDetector:
    return RiskDetector(detector._config, detector._model_storage, detector._resource, detector._layer,
                        FixedMeaning(high, possible))


def test_meaning_alone_raises_high_and_says_why(detector: RiskDetector) -> None:
    msg = run(with_meaning(detector, 0.8), message("gave the dog to my neighbour, it's all in order now",
                                                    [("share_story", 0.9)]))
    risk = msg.get("risk")
    assert risk["level"] == "high" and msg.get(INTENT)["name"] == "risk_high"
    assert any("means much the same as" in r for r in risk["reasons"])
    assert risk["meaning"]["high"] == 0.8
    assert risk["categories"] == ["suicide"]  # the kind of risk of the example it is nearest


def test_meaning_alone_a_little_over_the_bar_asks_rather_than_gives_crisis_help(detector: RiskDetector) -> None:
    # "he just sits in his chair" (a daughter about her dad) reached 0.41 and got crisis help.
    msg = run(with_meaning(detector, 0.45), message("he just sits in his chair", [("share_story", 0.9)]))
    risk = msg.get("risk")
    assert risk["level"] == "possible" and msg.get(INTENT)["name"] == "risk_possible"
    assert any("enough to ask" in r for r in risk["reasons"])
    # From the crisis bar, crisis help; and a word-list sign with any meaning is still high.
    assert run(with_meaning(detector, 0.5), message("he just sits in his chair",
                                                    [("share_story", 0.9)])).get("risk")["level"] == "high"
    msg = run(with_meaning(detector, 0.45), message("i feel hopeless, i've got the tablets here",
                                                    [("share_story", 0.9)]))
    assert msg.get("risk")["level"] == "high"


def test_meaning_must_be_surer_to_overrule_a_not(detector: RiskDetector) -> None:
    text = "I'm not suicidal, I just need help with housing"
    msg = run(with_meaning(detector, 0.7, 0.25), message(text, [("share_story", 0.9)]))
    assert msg.get("risk")["level"] == "none"
    assert msg.get(INTENT)["name"] == "share_story"
    msg = run(with_meaning(detector, 0.85), message(text, [("share_story", 0.9)]))
    assert msg.get("risk")["level"] == "high"


def test_meaning_below_the_bar_leaves_an_ordinary_message_alone(detector: RiskDetector) -> None:
    msg = run(with_meaning(detector, 0.2, 0.2), message("my cat died last week", [("share_story", 0.9)]))
    assert msg.get("risk")["level"] == "none"


def test_meaning_possible_asks_the_safety_question(detector: RiskDetector) -> None:
    msg = run(with_meaning(detector, 0.3, 0.3), message("disappearing sounds nice rn", [("share_story", 0.9)]))
    assert msg.get("risk")["level"] == "possible"
    msg = run(with_meaning(detector, 0.2, 0.25), message("disappearing sounds nice rn", [("share_story", 0.9)]))
    assert msg.get("risk")["level"] == "none"


def test_rule_possible_and_some_meaning_escalate_to_high(detector: RiskDetector) -> None:
    msg = run(with_meaning(detector, 0.35), message("i feel like giving up", [("share_story", 0.9)]))
    assert msg.get("risk")["level"] == "high"
    msg = run(with_meaning(detector, 0.1), message("i feel like giving up", [("share_story", 0.9)]))
    assert msg.get("risk")["level"] == "possible"


NURSE = ("I'm a nurse and we had training today on someone who took an overdose, have you got leaflets "
         "for patients")


def test_talking_about_risk_is_set_aside_only_when_the_meaning_layer_agrees(detector: RiskDetector) -> None:
    """Words of talking ABOUT risk plus a very sure meaning layer: ordinary. Either alone: not."""
    assert run(detector, message(NURSE, [("share_story", 0.9)])).get("risk")["level"] == "high"  # no meaning layer
    msg = run(with_meaning(detector, 0.02, 0.03), message(NURSE, [("share_story", 0.9)]))
    risk = msg.get("risk")
    assert risk["level"] == "none" and risk["categories"] == [] and risk["reasons"] == []
    assert "training" in risk["set_aside"][0] and "0.95 sure" in risk["set_aside"][0]
    assert msg.get(INTENT)["name"] == "share_story" and entity_values(msg) == {}
    # just under the bar (0.84 sure there is no risk, the bar is 0.85): the rule's level stands
    below, above = with_meaning(detector, 0.05, 0.11), with_meaning(detector, 0.04, 0.1)
    assert run(below, message(NURSE, [("share_story", 0.9)])).get("risk")["level"] == "high"
    assert run(above, message(NURSE, [("share_story", 0.9)])).get("risk")["level"] == "none"
    # the same sure meaning layer, without the words, does not overrule a rule
    assert run(with_meaning(detector, 0.0, 0.0), message("i took an overdose an hour ago",
                                                         [("share_story", 0.9)])).get("risk")["level"] == "high"
    # and the words never hide an emergency the meaning layer sees
    assert run(with_meaning(detector, 0.6), message("I'm a nurse and I've taken 40 of my tablets lol",
                                                    [("share_story", 0.9)])).get("risk")["level"] == "high"
    # a "possible" is set aside on the same terms
    assert run(with_meaning(detector, 0.02, 0.03), message("doing an essay on why people feel hopeless",
                                                           [("share_story", 0.9)])).get("risk")["level"] == "none"


@pytest.mark.parametrize(("least", "whole"), [(0.5, True), (0.97, False)])
def test_nothing_is_set_aside_unless_every_part_was_read_and_looks_ordinary(detector: RiskDetector, least: float,
                                                                              whole: bool) -> None:
    """The whole message may look ordinary while one sentence in it does not, or was never read."""
    meaning = FixedMeaning(0.02, 0.03, ordinary_least=least, read_whole=whole)
    sure = RiskDetector(detector._config, detector._model_storage, detector._resource, detector._layer, meaning)
    assert run(sure, message(NURSE, [("share_story", 0.9)])).get("risk")["level"] == "high"


def test_classifier_is_only_the_second_signal_when_the_meaning_layer_is_off(detector: RiskDetector) -> None:
    """With the meaning layer on, a sure risk_high classifier alone adds only false alarms."""
    text = "that quiz was a killer, my brain hurts"
    assert run(detector, message(text, [("risk_high", 0.99)])).get("risk")["level"] == "possible"
    assert run(with_meaning(detector, 0.05), message(text, [("risk_high", 0.99)])).get("risk")["level"] == "none"
    assert run(with_meaning(detector, 0.05), message("i feel like giving up",
                                                     [("risk_high", 0.99)])).get("risk")["level"] == "possible"


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, LocalModelStorage, Resource]:
    """A RiskDetector trained on the project's own examples.yml, stored as Rasa stores it."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("trained"))
    resource = Resource("risk_detector")
    config = RiskDetector.get_default_config()
    context = ExecutionContext(GraphSchema({}), "test")
    intents = TrainingData([Message(data={TEXT: "what time do you open", INTENT: "ask_hours"})])
    RiskDetector.create(config, storage, resource, context).train(intents)
    return config, storage, resource


def test_a_trained_detector_recognises_indirect_wording(trained) -> None:
    config, storage, resource = trained
    loaded = RiskDetector.load(config, storage, resource, ExecutionContext(GraphSchema({}), "test"))
    # None of these is in examples.yml or the word lists.
    for text in ("Posted the house keys back through the letterbox. Everything is sorted now, "
                 "nobody has to worry about me after tonight",
                 "been stockpiling my meds for months, got enough now, tonight's the night"):
        risk = run(loaded, message(text, [("share_story", 0.9)])).get("risk")
        assert risk["level"] == "high", (text, risk)
        assert risk["meaning"]["nearest_example"]
    for text in ("can I bring my daughter to the knitting group on thursday",
                 "my phone's about to die, will text back tomorrow"):
        assert run(loaded, message(text, [("share_story", 0.9)])).get("risk")["level"] == "none", text


FILM_CHAT = ("Watched a film last night with my sister. The film was about a family in Leeds. "
             "The acting in the film was lovely and the music was great. We had popcorn and then a curry. ")


@pytest.mark.parametrize("before", [1, 3, 20])
def test_a_crisis_inside_a_long_chat_about_a_film_is_never_set_aside(trained, before: int) -> None:
    """Talking-about words elsewhere in a long message do not hide one sentence of crisis."""
    config, storage, resource = trained
    loaded = RiskDetector.load(config, storage, resource, ExecutionContext(GraphSchema({}), "test"))
    text = FILM_CHAT * before + "I have taken 40 of my tablets tonight. " + FILM_CHAT * 2
    risk = run(loaded, message(text, [("share_story", 0.9)])).get("risk")
    assert risk["level"] == "high" and not risk["set_aside"], risk["meaning"]


def test_a_worker_asking_for_leaflets_is_not_a_crisis(trained) -> None:
    config, storage, resource = trained
    loaded = RiskDetector.load(config, storage, resource, ExecutionContext(GraphSchema({}), "test"))
    text = "I'm a school nurse and we had self harm training this week, have you got any leaflets for parents?"
    risk = run(loaded, message(text, [("share_story", 0.9)])).get("risk")
    assert risk["level"] == "none" and risk["set_aside"], risk


def test_a_model_without_a_meaning_layer_still_detects_risk(trained, tmp_path: Path,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    config, storage, resource = trained
    copy = LocalModelStorage(tmp_path)
    with storage.read_from(resource) as stored, copy.write_to(resource) as target:
        for item in Path(stored).iterdir():
            if not item.name.startswith("semantic"):
                shutil.copyfile(item, Path(target) / item.name)
    loaded = RiskDetector.load(config, copy, resource, ExecutionContext(GraphSchema({}), "test"))
    assert "meaning layer is OFF" in caplog.text
    risk = run(loaded, message("kms", [("greet", 0.9)])).get("risk")
    assert risk["level"] == "high" and risk["meaning"] is None


def test_fingerprint_follows_the_examples(tmp_path: Path) -> None:
    copy = tmp_path / "safety"
    shutil.copytree(LEXICON_DIR, copy)
    config = {**RiskDetector.get_default_config(), "lexicon_dir": str(copy)}
    before = RiskDetector.fingerprint_addon(config)
    with (copy / "examples.yml").open("a", encoding="utf-8") as handle:
        handle.write('  - "is the hub open on boxing day"\n')
    assert RiskDetector.fingerprint_addon(config) != before


def test_fingerprint_follows_the_read_sets(tmp_path: Path) -> None:
    copy = tmp_path / "safety"
    shutil.copytree(LEXICON_DIR, copy)
    config = {**RiskDetector.get_default_config(), "lexicon_dir": str(copy)}
    before = RiskDetector.fingerprint_addon(config)
    with (copy / "read_sets" / "risk_blind2.yml").open("a", encoding="utf-8") as handle:
        handle.write('- {text: "is the hub open on boxing day", level: none, categories: []}\n')
    edited = RiskDetector.fingerprint_addon(config)
    assert edited != before
    (copy / "read_sets" / "risk_blind2.yml").rename(copy / "read_sets" / "risk_blind2b.yml")
    assert RiskDetector.fingerprint_addon(config) != edited


class _Post:
    """A post layer that always gives one score (the real one is learnt at rasa train)."""

    def __init__(self, score: float) -> None:
        self.value = score

    def score(self, text: str) -> float:
        return self.value


LONG_TAIL = (" I have been meaning to write for a while about the letters from the council, the rent, the"
             " bus pass renewal and the forms for my mum's care assessment, which all came in the same week.")


@pytest.mark.parametrize(("text", "post", "level"), [
    # a sign that is not explicit (someone else's story): crisis help only if it reads like risk
    ("My neighbour said people kill themselves over debts like this." + LONG_TAIL, 0.1, "possible"),
    ("My neighbour said people kill themselves over debts like this." + LONG_TAIL, 0.5, "high"),
    # an explicit statement is never softened, however ordinary the rest reads
    ("I took 30 tablets an hour ago." + LONG_TAIL, 0.0, "high"),
    # a subject word alone: nothing when it reads nothing like risk, the question when it reads a little like it
    ("The pension has a suicide clause, what does that mean for us?" + LONG_TAIL, 0.01, "none"),
    ("The pension has a suicide clause, what does that mean for us?" + LONG_TAIL, 0.2, "possible"),
    # no word-list sign at all: the question only when the whole message reads like risk
    ("Everything keeps piling up and I am so tired of all of it." + LONG_TAIL, 0.2, "possible"),
    ("Everything keeps piling up and I am so tired of all of it." + LONG_TAIL, 0.05, "none"),
])
def test_the_post_layer_reads_a_long_message_whole(detector: RiskDetector, text: str, post: float,
                                                     level: str) -> None:
    detector._post = _Post(post)
    try:
        msg = run(detector, message(text, [("share_story", 0.9)]))
    finally:
        detector._post = None
    assert msg.get("risk")["level"] == level, msg.get("risk")["reasons"]


def test_a_short_message_is_read_as_before_whatever_the_post_layer_says(detector: RiskDetector) -> None:
    detector._post = _Post(0.99)
    try:
        msg = run(detector, message("my rent went up again", [("share_story", 0.9)]))
    finally:
        detector._post = None
    assert msg.get("risk")["level"] == "none" and msg.get("risk")["post"] is None
