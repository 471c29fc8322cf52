"""``RiskDetector``: the Rasa NLU component that looks for risk in every message.

It runs last in the pipeline, after DIETClassifier and FallbackClassifier, so whatever the
conversation is doing (mid-form, after handoff, first message) risk is checked. It combines
the rule layer (``bot.safety.detector``, word lists in ``data/safety/``) with the trained
classifier's ``risk_high`` intent, adds ``risk`` to the parse result, rewrites the intent
to ``risk_high``/``risk_possible`` so rules in ``data/rules.yml`` fire without the action
server, and adds ``risk_level``/``risk_flag``/``young_person`` entities so slots fill
without it too.

The word lists are copied into the model when it is trained (the model that was tested
is the model that runs) and hashed into the fingerprint, so editing a list retrains.
"""

from __future__ import annotations

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
from bot.safety.lexicon import SafetyLexicon
from bot.safety.while_paused import install as install_crisis_while_paused

# The Rasa server loads this module with the model: crisis help while a worker holds the
# conversation is installed alongside the detector that makes it necessary.
install_crisis_while_paused()

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
            # Where the word lists are read from at training time.
            "lexicon_dir": "data/safety",
            # Classifier says risk (risk_high or risk_possible) at least this sure, and the
            # rule layer found nothing and set nothing aside: treat as "possible".
            "classifier_possible_threshold": 0.8,
            # Rule layer says "possible" and the classifier says risk_high at least this
            # sure: two independent signals, treat as "high".
            "classifier_escalate_threshold": 0.9,
            # When a risk intent is overruled, the next intent must be at least this sure,
            # otherwise nlu_fallback (keep equal to FallbackClassifier's threshold).
            "fallback_threshold": 0.35,
        }

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """A hash of the word lists: editing any of them makes ``rasa train`` retrain this."""
        return lexicon_files.fingerprint(_lexicon_dir(config))

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 layer: RuleLayer) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._layer = layer

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> RiskDetector:
        return cls(config, model_storage, resource, RuleLayer(SafetyLexicon.load(_lexicon_dir(config))))

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> RiskDetector:
        """Use the word lists stored in the model; fall back to data/safety for old models."""
        try:
            with model_storage.read_from(resource) as path:
                layer = RuleLayer(SafetyLexicon.load(path))
        except (ValueError, FileNotFoundError):
            logger.warning("RiskDetector: no word lists in the model, reading %s", _lexicon_dir(config))
            layer = RuleLayer(SafetyLexicon.load(_lexicon_dir(config)))
        return cls(config, model_storage, resource, layer)

    def train(self, training_data: TrainingData) -> Resource:
        """Copy the word lists into the model (checked first: a broken list fails training)."""
        source = _lexicon_dir(self._config)
        self._layer = RuleLayer(SafetyLexicon.load(source))
        with self._model_storage.write_to(self._resource) as path:
            for name in lexicon_files.FILES:
                shutil.copyfile(source / name, Path(path) / name)
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
        level, reasons = self._combine(rules, classifier)
        message.set("risk", {
            "level": level,
            "categories": list(rules.categories),
            "reasons": reasons,
            "classifier_intent": intent.get("name"),
            "classifier_top": classifier,
            "young_person": rules.young_person,
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

    def _combine(self, rules: RiskAssessment, classifier: dict[str, Any]) -> tuple[str, list[str]]:
        """The rule level, raised by a sure classifier unless the rules set a phrase aside."""
        level, reasons = rules.level, list(rules.reasons)
        name, confidence = classifier.get("name"), float(classifier.get("confidence") or 0.0)
        said = f"the trained classifier recognised {name} (confidence {confidence:.2f})"
        escalate = self._config["classifier_escalate_threshold"]
        if level == "possible" and name == RISK_HIGH and confidence >= escalate:
            return "high", reasons + [said]
        # Only a sure ``risk_high`` raises the alarm on its own: the classifier's softer
        # ``risk_possible`` class proved too noisy ("hi, a friend said to message you" at 0.9+),
        # and "possible" is the rule layer's to give.
        if (level == "none" and not rules.set_aside and name == RISK_HIGH
                and confidence >= self._config["classifier_possible_threshold"]):
            return "possible", reasons + [said]
        return level, reasons

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


def _classifier_top(intent: dict[str, Any], ranking: list[dict[str, Any]]) -> dict[str, Any]:
    """The trained classifier's own best guess, looking past FallbackClassifier's nlu_fallback."""
    for candidate in [intent, *ranking]:
        if candidate and candidate.get("name") not in (None, DEFAULT_NLU_FALLBACK_INTENT_NAME):
            return {"name": candidate.get("name"), "confidence": candidate.get("confidence")}
    return {"name": None, "confidence": 0.0}

