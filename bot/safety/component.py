"""``RiskDetector``: the Rasa NLU component that looks for risk in every message.

It runs last in the pipeline, after DIETClassifier and FallbackClassifier, so whatever the
conversation is doing (mid-form, after handoff, first message) risk is checked. It combines
the rule layer (``bot.safety.detector``, word lists in ``data/safety/``) with the meaning
layer (``bot.safety.semantic``, a sentence encoder and classifiers trained on
``data/safety/examples.yml``). The meaning layer can raise the rules' level and, where the
message has words of talking ABOUT risk and it is very sure there is none, set the rules'
level aside. The trained intent classifier's ``risk_high`` intent stands in as the second
signal only when the meaning layer could not load.
It adds ``risk`` to the parse result, rewrites the intent
to ``risk_high``/``risk_possible`` so rules in ``data/rules.yml`` fire without the action
server, and adds ``risk_level``/``risk_flag``/``young_person`` entities so slots fill
without it too.

The word lists and the trained meaning layer are stored in the model when it is trained
(the model that was tested is the model that runs) and hashed into the fingerprint, so
editing a list or the examples retrains.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.safety import lexicon as lexicon_files
from bot.safety.detector import RiskAssessment, RuleLayer
from bot.safety.encoder import EncoderUnavailable, sentence_encoder
from bot.safety.lexicon import SafetyLexicon
from bot.safety.postlayer import PostLayer
from bot.safety.postlayer import fingerprint as post_fingerprint
from bot.safety.postlayer import train as train_post_layer
from bot.safety.semantic import (
    EXAMPLES_FILE,
    PART_TOKENS,
    READ_SETS_DIR,
    Example,
    MeaningAssessment,
    MeaningLayer,
    MeaningModel,
    load_examples,
    load_read_sets,
    read_set_files,
)
from bot.safety.semantic import train as train_meaning
from bot.safety.severity import explicit

logger = logging.getLogger(__name__)

RISK_HIGH = "risk_high"
RISK_POSSIBLE = "risk_possible"
RISK_INTENTS = (RISK_HIGH, RISK_POSSIBLE)
EXTRACTOR = "RiskDetector"


def _lexicon_dir(config: dict[str, Any]) -> Path:
    configured = Path(config.get("lexicon_dir") or lexicon_files.LEXICON_DIR)
    if not configured.is_absolute() and not configured.exists():
        configured = lexicon_files.REPO_ROOT / configured
    return configured


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class RiskDetector(GraphComponent):
    """Combines rule matches and the trained ``risk_high`` intent into one risk level."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Where the word lists and examples.yml are read from at training time.
            "lexicon_dir": "data/safety",
            # Meaning layer: P(high) at least this makes "high", unless the rule layer set a
            # phrase aside ("not", an everyday saying, the past) ... (0.5 until the
            # classifier's soft signals were limited to when the meaning layer is off. On the
            # development sets, blind2 to blind9 pooled: 0.4 caught 658 of 671 high messages
            # with false alarms 0.048; 0.5 caught 652 (0.043); 0.35 caught 662 (0.064), but
            # made "stop this please" and "getting my washing done" crisis messages.)
            "meaning_high_threshold": 0.4,
            # ... in which case the meaning layer must be at least this sure.
            "meaning_set_aside_threshold": 0.8,
            # With no word-list sign at all, the meaning layer alone gives crisis help only
            # from this P(high); from meaning_high_threshold up to it, it asks the safety
            # question (a "yes" gets crisis help). Calibration part of the real posts, session
            # 11: ordinary posts rated high 71 -> 61 of 1,276 (100 to 500 characters: 22 -> 13),
            # suicide-forum and RallyPoint risk posts flagged unchanged (131/141, 260/278),
            # none of the 497 high messages of the unlearnt written sets lost; 9 real risk
            # posts are asked the question instead of given the numbers at once. 0.6 lost 4
            # written high messages. "he just sits in his chair" (0.41) got crisis help.
            "meaning_alone_high_threshold": 0.5,
            # Meaning layer: P(possible) + P(high) at least this makes "possible" (nothing set
            # aside). Lower than the 0.7 used before the lexical half was averaged in (its
            # answers are less extreme); 0.5 asked the question about chopping onions.
            "meaning_possible_threshold": 0.55,
            # Meaning layer: rule layer says "possible" and P(high) at least this: "high".
            "meaning_escalate_threshold": 0.2,
            # The message has words that suggest it talks ABOUT risk (negations.yml,
            # talking_about: "leaflets", "the film", "lol") and the meaning layer's P(none) is
            # at least this, for every part of the message: the rule layer's level is set aside
            # ("none"). On the development sets (3,029 messages, session 5) no risky message
            # with such a word came within 0.14 of this (the closest: 0.71, "lol not gonna be
            # around for the exam results ... weedkiller, should work right"; none was set
            # aside), while ordinary ones (a teacher asking how to support a pupil, an A-level
            # essay) sat at 0.86 to 0.89: 0.9 left those as false alarms.
            "meaning_talking_about_threshold": 0.85,
            # Regularisation of the meaning classifier (larger fits the examples more closely).
            "meaning_regularisation": 8.0,
            # Only when the meaning layer is OFF (it could not load): the classifier says
            # risk_high at least this sure, and the rule layer found nothing and set nothing
            # aside: treat as "possible". With the meaning layer on, this caught no message
            # on any development set that the meaning layer missed, and made 4 to 6 in 100
            # ordinary messages ("that quiz was a killer") false alarms.
            "classifier_possible_threshold": 0.8,
            # Only when the meaning layer is OFF: rule layer says "possible" and the
            # classifier says risk_high at least this sure: treat as "high".
            "classifier_escalate_threshold": 0.9,
            # Post layer (postlayer.py), long messages only: the whole message reads like posts
            # from people at risk at least this much: the safety question, where nothing else
            # fired. On the real posts' calibration part (five-fold, out of fold) 0.1 flagged
            # 0.950 of suicide-forum posts, with ordinary posts flagged 0.184; 0.15 flagged 0.908
            # and 0.085. Safety first: 0.1.
            "post_raise_threshold": 0.1,
            # ... and at least this much for a non-explicit word-list sign to stay "high", or for
            # the meaning layer to raise the level of a long message (calibration: ordinary
            # posts rated high 0.014 pooled at 0.3).
            "post_gate_threshold": 0.3,
            # ... and below this a long message reads nothing like risk (a pension question, a
            # parking ticket): a word-list sign that is only "possible" (a subject word such as
            # "suicide", "can't cope") is set aside, unless the message also has a high sign.
            # As calibrated on the calibration part together with the two thresholds above.
            "post_quiet_threshold": 0.05,
            # ... but in a long message that does not read like risk the meaning layer still gives
            # crisis help when at least this sure: a calm goodbye note ("I intend to drink it
            # tonight ... my daughter is not the one to find me") can read like nothing on a forum.
            # Calibration part (1,276 ordinary posts, 141 suicide-forum posts): at 0.6 (session 8)
            # ordinary posts rated high 0.189 (0.049 without it), suicide-forum posts flagged
            # 0.929 either way; at 0.9, 0.058.
            "post_meaning_sure_threshold": 0.9,
            # ... and when at least this sure (but below the line above), the safety question. On
            # the read sets (written) 7 long hidden disclosures sit between 0.6 and 0.9, four with
            # no other sign. On real posts it flags no more suicide-forum posts at any setting,
            # and asks ordinary posts: 0.6 -> flagged 0.251, 0.7 -> 0.187, 0.8 -> 0.150 (0.135
            # without it). 0.8 keeps the question for the surest of them, at the bar's edge.
            "post_meaning_ask_threshold": 0.8,
            # When a risk intent is overruled, the next intent must be at least this sure,
            # otherwise nlu_fallback (keep equal to FallbackClassifier's threshold).
            "fallback_threshold": 0.35,
        }

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """A hash of the word lists, examples and read sets: editing any of them makes ``rasa train`` retrain this."""
        directory = _lexicon_dir(config)
        examples = directory / EXAMPLES_FILE
        digest = hashlib.sha256(lexicon_files.fingerprint(directory).encode())
        digest.update(examples.read_bytes() if examples.exists() else b"<missing>")
        digest.update(post_fingerprint().encode())
        for path in read_set_files(directory):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 layer: RuleLayer, meaning: MeaningLayer | None = None, post: PostLayer | None = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._layer = layer
        self._meaning = meaning
        self._post = post

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> RiskDetector:
        return cls(config, model_storage, resource, RuleLayer(SafetyLexicon.load(_lexicon_dir(config))))

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> RiskDetector:
        """Use the word lists and meaning layer stored in the model.

        A model without word lists (older than them) reads data/safety. If the meaning layer
        cannot be loaded (missing, or the installed encoder differs from the one it was
        trained with) the detector still runs on rules and the classifier, and says so
        loudly: refusing to start would leave nobody answering crisis messages.
        """
        meaning = post = None
        try:
            with model_storage.read_from(resource) as path:
                layer = RuleLayer(SafetyLexicon.load(path))
                post = PostLayer.load(Path(path))
                if post is None:
                    logger.error("RiskDetector: no post layer in the model; long messages are read part by part")
                try:
                    meaning = MeaningLayer(MeaningModel.load(Path(path)), sentence_encoder())
                except (FileNotFoundError, ValueError, KeyError, EncoderUnavailable) as error:
                    logger.error("RiskDetector: the meaning layer is OFF (%s); retrain the model", error)
        except (ValueError, FileNotFoundError):
            logger.warning("RiskDetector: no word lists in the model, reading %s", _lexicon_dir(config))
            layer = RuleLayer(SafetyLexicon.load(_lexicon_dir(config)))
        return cls(config, model_storage, resource, layer, meaning, post)

    def train(self, training_data: TrainingData) -> Resource:
        """Store the word lists and the trained meaning layer in the model.

        The lists and examples are checked first: a broken file fails training. The meaning
        layer learns from examples.yml, the read blind sets in ``read_sets/``, and the
        assistant's own intent examples (``risk_high``/``risk_possible`` as risk, every other
        intent as ordinary messages).
        """
        source = _lexicon_dir(self._config)
        self._layer = RuleLayer(SafetyLexicon.load(source))
        examples = (load_examples(source / EXAMPLES_FILE) + load_read_sets(source / READ_SETS_DIR)
                    + _intent_examples(training_data))
        self._meaning = MeaningLayer(
            train_meaning(examples, sentence_encoder(), self._config["meaning_regularisation"]),
            sentence_encoder())
        self._post = train_post_layer()
        with self._model_storage.write_to(self._resource) as path:
            for name in lexicon_files.FILES:
                shutil.copyfile(source / name, Path(path) / name)
            self._meaning.model.save(Path(path))
            self._post.save(Path(path))
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._process_one(message)
        return messages

    # --- combining ----------------------------------------------------------------------
    def _process_one(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        rules = self._layer.assess(text)
        intent = message.get(INTENT) or {}
        ranking = message.get(INTENT_RANKING_KEY) or []
        classifier = _classifier_top(intent, ranking)
        post = self._post.score(text) if self._post is not None and self._is_long(text) else None
        reads_like_risk = post is None or post >= self._config["post_gate_threshold"]
        # Every message is read by the meaning layer: in a long message that does not read like
        # risk it may still give crisis help when it is sure (see _sure_despite_post).
        meaning = self._meaning.assess(text) if self._meaning and text.strip() else None
        set_aside = self._talking_about(rules, meaning)
        if set_aside:
            level, reasons, by_meaning, categories = "none", [], False, []
        else:
            level, reasons, by_meaning = self._combine(rules, classifier, meaning if reads_like_risk else None,
                                                       classifier_may_raise=post is None)
            categories = list(rules.categories)
            if post is not None:
                level, reasons = self._read_whole(level, reasons, rules, post)
                raised = self._sure_despite_post(level, rules, meaning) if not reads_like_risk else None
                if raised:
                    level, by_meaning = raised, True
                    how = "sure enough whatever the post layer says" if raised == "high" else "enough to ask"
                    reasons = reasons + [f'it means much the same as "{meaning.nearest}" (meaning layer: '
                                         f"high {meaning.high:.2f}, {how})"]
        if meaning is not None and by_meaning:
            categories = [c for c in lexicon_files.CATEGORIES if c in categories or c in meaning.categories]
        message.set("risk", {
            "level": level,
            "categories": categories,
            "reasons": reasons,
            "classifier_intent": intent.get("name"),
            "classifier_top": classifier,
            "meaning": meaning.as_dict() if meaning else None,
            "post": round(post, 4) if post is not None else None,
            "young_person": rules.young_person,
            "set_aside": set_aside,
        }, add_to_output=True)
        if level == "high":
            message.set(INTENT, {"name": RISK_HIGH, "confidence": 1.0}, add_to_output=True)
        elif level == "possible":
            message.set(INTENT, {"name": RISK_POSSIBLE, "confidence": 1.0}, add_to_output=True)
        elif intent.get("name") in RISK_INTENTS:
            message.set(INTENT, self._next_best(ranking), add_to_output=True)
        entities = []
        if level != "none":
            entities.append(self._entity("risk_level", level, text))
        if level == "high":
            entities.append(self._entity("risk_flag", "high", text))
        if rules.young_person:
            entities.append(self._entity("young_person", "true", text))
        if entities:
            message.set(ENTITIES, (message.get(ENTITIES) or []) + entities, add_to_output=True)

    def _is_long(self, text: str) -> bool:
        """Long enough to be read in parts: where the post layer judges the message as a whole."""
        if self._meaning is not None:
            return len(self._meaning.encoder.tokenizer.pieces(text[:4000])) > PART_TOKENS
        return len(text) > 4 * PART_TOKENS

    def _sure_despite_post(self, level: str, rules: RiskAssessment,
                           meaning: MeaningAssessment | None) -> str | None:
        """A calm goodbye in a long message may read like nothing on a forum: a very sure meaning
        layer still gives crisis help, a fairly sure one asks the safety question. Returns the
        raised level, or None. (Crisis help from 0.6 made one long ordinary post in five high.)"""
        if meaning is None or level == "high" or rules.set_aside:
            return None
        if meaning.high >= self._config["post_meaning_sure_threshold"]:
            return "high"
        if level == "none" and meaning.high >= self._config["post_meaning_ask_threshold"]:
            return "possible"
        return None

    def _read_whole(self, level: str, reasons: list[str], rules: RiskAssessment, post: float) -> tuple[str, list[str]]:
        """The post layer's say on a long message (see postlayer.py)."""
        said = f"the whole message {{}} posts from people at risk (post layer {post:.2f})"
        high_signs = [r for r in rules.reasons if "(high)" in r]
        if (level == "high" and rules.level == "high" and post < self._config["post_gate_threshold"]
                and not any(explicit(r) for r in high_signs)):
            return "possible", reasons + [said.format("does not read like")]
        if level == "none" and not rules.set_aside and post >= self._config["post_raise_threshold"]:
            return "possible", reasons + [said.format("reads like")]
        if level == "possible" and rules.level == "possible" and not high_signs \
                and post < self._config["post_quiet_threshold"]:
            return "none", []
        return level, reasons

    def _talking_about(self, rules: RiskAssessment, meaning: MeaningAssessment | None) -> list[str]:
        """Why the rule layer's level is set aside, or nothing: only when two signals agree.

        "I'm a nurse, we did overdose training today, any leaflets?" fires the rule layer on
        "overdose". Words like "training" or "leaflets" are not enough to set that aside on
        their own ("I'm a nurse and I've taken 40 of my tablets" is high), so the meaning
        layer must also be very sure that no part of the message carries risk, and must have
        read all of it: in a long film chat, "I have taken 40 of my tablets tonight" is one
        sentence, and a message cut short or read in samples is never set aside. Without a
        meaning layer nothing is set aside: a fault can only make the detector more cautious.
        """
        if rules.level == "none" or not rules.talking_about or meaning is None or not meaning.read_whole:
            return []
        ordinary = meaning.ordinary_least
        if ordinary < self._config["meaning_talking_about_threshold"]:
            return []
        words = ", ".join(f'"{word}"' for word in rules.talking_about[:3])
        return [f"talking about risk rather than at risk: {words}, and the meaning layer is "
                f"{ordinary:.2f} sure it carries no risk (rule layer said {rules.level}: "
                f"{'; '.join(rules.reasons[:2])})"]

    def _combine(self, rules: RiskAssessment, classifier: dict[str, Any],
                 meaning: MeaningAssessment | None = None,
                 classifier_may_raise: bool = True) -> tuple[str, list[str], bool]:
        """The rule level, raised by the meaning layer (or, when it is off, a sure classifier).

        Returns the level, the reasons, and whether the meaning layer raised the level (its
        nearest examples then name the kinds of risk).

        Where the rules set a phrase aside ("not", an everyday saying, the past) the meaning
        layer must be surer ("I'm not suicidal" sits close to "I'm suicidal" for a sentence
        encoder), and neither it nor the classifier can make such a message "possible".
        """
        level, reasons, by_meaning = rules.level, list(rules.reasons), False
        if meaning is not None and level != "high":
            said_meaning = (f'it means much the same as "{meaning.nearest}" '
                            f"(meaning layer: high {meaning.high:.2f}, possible {meaning.possible:.2f})")
            needed = self._config["meaning_set_aside_threshold" if rules.set_aside else "meaning_high_threshold"]
            if meaning.high >= needed:
                if (level == "none" and not rules.set_aside
                        and meaning.high < self._config["meaning_alone_high_threshold"]):
                    return "possible", reasons + [said_meaning + ", enough to ask"], True
                return "high", reasons + [said_meaning], True
            if level == "possible" and meaning.high >= self._config["meaning_escalate_threshold"]:
                return "high", reasons + [said_meaning], True
            if (level == "none" and not rules.set_aside
                    and meaning.high + meaning.possible >= self._config["meaning_possible_threshold"]):
                level, reasons, by_meaning = "possible", reasons + [said_meaning], True
        if meaning is not None or not classifier_may_raise:
            return level, reasons, by_meaning
        # The meaning layer is off: the trained intent classifier is the fallback second signal.
        name, confidence = classifier.get("name"), float(classifier.get("confidence") or 0.0)
        said = f"the trained classifier recognised {name} (confidence {confidence:.2f})"
        escalate = self._config["classifier_escalate_threshold"]
        if level == "possible" and name == RISK_HIGH and confidence >= escalate:
            return "high", reasons + [said], by_meaning
        # Only a sure ``risk_high`` raises the alarm on its own: the classifier's softer
        # ``risk_possible`` class proved too noisy ("hi, a friend said to message you" at 0.9+),
        # and "possible" is the rule layer's to give.
        if (level == "none" and not rules.set_aside and name == RISK_HIGH
                and confidence >= self._config["classifier_possible_threshold"]):
            return "possible", reasons + [said], by_meaning
        return level, reasons, by_meaning

    def _next_best(self, ranking: list[dict[str, Any]]) -> dict[str, Any]:
        for candidate in ranking:
            name = candidate.get("name")
            if name in RISK_INTENTS or name == DEFAULT_NLU_FALLBACK_INTENT_NAME:
                continue
            if float(candidate.get("confidence") or 0.0) >= self._config["fallback_threshold"]:
                return {"name": name, "confidence": candidate.get("confidence")}
            break
        return {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": self._config["fallback_threshold"]}

    def _entity(self, name: str, value: str, text: str) -> dict[str, Any]:
        return {"entity": name, "value": value, "start": 0, "end": len(text),
                "confidence_entity": 1.0, "extractor": EXTRACTOR}


def _intent_examples(training_data: TrainingData) -> list[Example]:
    """The assistant's intent examples as meaning-layer examples: risk intents as risk, the rest as none."""
    levels = {RISK_HIGH: "high", RISK_POSSIBLE: "possible"}
    return [Example(text, levels.get(message.get(INTENT), "none"))
            for message in training_data.intent_examples
            if (text := (message.get(TEXT) or "").strip())]


def _classifier_top(intent: dict[str, Any], ranking: list[dict[str, Any]]) -> dict[str, Any]:
    """The trained classifier's own best guess, looking past FallbackClassifier's nlu_fallback."""
    for candidate in [intent, *ranking]:
        if candidate and candidate.get("name") not in (None, DEFAULT_NLU_FALLBACK_INTENT_NAME):
            return {"name": candidate.get("name"), "confidence": candidate.get("confidence")}
    return {"name": None, "confidence": 0.0}

