"""``SafetyPolicy``: crisis help first, even in the middle of a form, even with parts down.

Rasa's RulePolicy lets an active form act before any rule, and the form only steps aside
after asking the action server to validate the answer. With the action server down, a
message of risk in the middle of the introduction would get no reply. This policy runs
above RulePolicy and predicts, from the latest message alone:

- ``risk_high``      -> ``utter_crisis`` -> ``action_crisis_followup`` -> back to the form (or listen)
- ``get_help_now``   -> ``utter_help_contacts`` -> back to the form (or listen)

The crisis responses live in domain.yml, so they need neither the action server nor the
database. ``action_crisis_followup`` (urgent flag for the Hub, honest promise) runs after
the person already has the numbers; if it fails, they have still been helped. The same
steps are written as rules in data/rules.yml, which this policy agrees with; it only makes
sure they win.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

# After the person's message with this intent, these actions, in this order.
SEQUENCES: dict[str, tuple[str, ...]] = {
    "risk_high": ("utter_crisis", "action_crisis_followup"),
    "get_help_now": ("utter_help_contacts",),
}


def next_safety_action(intent: str | None, actions_since_message: list[str], active_loop: str | None) -> str | None:
    """The action the safety sequence wants next, or None to leave it to the other policies."""
    steps = SEQUENCES.get(intent or "")
    if not steps:
        return None
    done = len(actions_since_message)
    if actions_since_message != list(steps[:done]):
        return None  # something else is already happening; do not interfere
    if done < len(steps):
        return steps[done]
    if done == len(steps):
        return active_loop or ACTION_LISTEN_NAME
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class SafetyPolicy(Policy):
    """Predicts the crisis sequence with certainty and a priority above RulePolicy."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": 7}  # RulePolicy is 6

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, **kwargs: Any) -> None:
        super().__init__(config, model_storage, resource, execution_context, **kwargs)

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: dict[str, Any] | None = None,
                                     **kwargs: Any) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        message = tracker.latest_message
        intent = message.intent.get("name") if message is not None else None
        name = next_safety_action(intent, _actions_since_latest_message(tracker), tracker.active_loop_name)
        if name is None or name not in domain.action_names_or_texts:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(name)] = 1.0
        # Rasa's ensemble lets a form's "happy path" prediction (flagged as not depending on
        # the user's input) overrule every other policy. Our prediction carries the same flag,
        # so the two are compared by confidence and then priority, and safety wins.
        return self._prediction(probabilities, is_no_user_prediction=True)


def _actions_since_latest_message(tracker: DialogueStateTracker) -> list[str]:
    """Names of the actions run since the person's latest message (listen excluded)."""
    from rasa.shared.core.events import ActionExecuted, UserUttered

    names: list[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted) and event.action_name not in (ACTION_LISTEN_NAME, None):
            names.append(event.action_name)
    names.reverse()
    # action_extract_slots runs after every message and is not part of the sequence.
    return [n for n in names if n != "action_extract_slots"]
