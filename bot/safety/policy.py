"""``SafetyPolicy``: crisis help first, even in the middle of a form, even with parts down.

Rasa's RulePolicy lets an active form act before any rule, and the form only steps aside
after asking the action server to validate the answer. With the action server down, a
message of risk in the middle of the introduction would get no reply. This policy runs
above RulePolicy and decides, from the conversation so far (:func:`plan`):

- ``risk_high``: the crisis contacts (a shorter reminder if they were already sent in this
  conversation), the urgent flag for the Hub, then the introduction is set aside and the
  person is asked whether they are safe right now. It returns to the introduction only if
  they say they want to.
- the answer to a safety question (``affirm``/``deny`` after "are you thinking about ending
  your life?", "are you safe right now?" or "shall we carry on?") is read as that answer even
  when the person asked for "help" in between, and a sentence that plainly starts with yes or
  no ("No! nobody is suicidal, he's just low") is that answer too, unless it reads as risk.
- ``get_help_now``: the contacts, then back to whatever was happening.
- while a Hub worker holds the conversation (the ``hub_worker`` slot, set by the console when
  a worker claims it: Rasa's supported way for outside code to change a conversation), the
  assistant stays silent, except that risk still gets the crisis contacts and the urgent flag.

Every response lives in domain.yml, so none needs the action server or the database.
``action_crisis_followup`` (urgent flag for the Hub, honest promise) runs after the person
already has the numbers; if it fails, they have still been helped. The rules in
data/rules.yml say the same; this policy makes sure safety wins.
"""

from __future__ import annotations

from dataclasses import dataclass
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

from bot.conversation.answers import is_unsure, safety_answer

FORM = "introduction_form"
DEACTIVATE = "action_deactivate_loop"
FOLLOWUP = "action_crisis_followup"
# The questions whose yes/no answer this policy reads, and what it does with each answer.
SAFETY_QUESTION = "utter_safety_check"  # "are you thinking about ending your life ...?"
SAFE_NOW_QUESTION = "utter_ask_safe_now"  # "are you safe right now?"
SAFE_NOW_AGAIN = "utter_ask_safe_now_again"  # asked once more when the answer was neither
CARRY_ON_QUESTION = "utter_safe_now_yes"  # "I'm glad. Would you like to carry on ...?"
QUESTIONS = (SAFETY_QUESTION, SAFE_NOW_QUESTION, SAFE_NOW_AGAIN, CARRY_ON_QUESTION)
# What may come between a question and its answer without the answer being lost.
_HELP_INTENTS = {"get_help_now"}
_IN_BETWEEN_ACTIONS = {"utter_help_contacts", ACTION_LISTEN_NAME, "action_extract_slots", None}


@dataclass(frozen=True)
class View:
    """What the policy needs to know about a conversation (built from a tracker by :func:`view_of`)."""

    intent: str | None
    done: tuple[str, ...]  # actions run since the person's latest message
    active_loop: str | None = None
    hub_worker: bool = False  # a Hub worker holds the conversation
    introduction_done: bool = False
    pending: str | None = None  # the safety question this message answers, if any
    crisis_sent_before: bool = False  # the full crisis contacts were sent earlier in this conversation
    answer: str | None = None  # "yes"/"no" when the words plainly answer the pending question
    unsure: bool = False  # "I don't know", "not sure", "skip": never taken as safe


# Intents the words of an answer never override: risk is always heard as risk, and a request
# for help is always answered.
_NEVER_OVERRIDDEN = {"risk_high", "risk_possible", "get_help_now", "affirm", "deny"}
_QUESTION_KIND = {SAFETY_QUESTION: "ending_life", SAFE_NOW_QUESTION: "safe_now", SAFE_NOW_AGAIN: "safe_now",
                  CARRY_ON_QUESTION: "carry_on"}


def _said(view: View) -> str | None:
    """The person's answer as an intent: the classifier's, or a plain yes/no in a sentence."""
    if view.intent in _NEVER_OVERRIDDEN or view.answer is None:
        return view.intent
    return {"yes": "affirm", "no": "deny"}[view.answer]


def sequence(view: View) -> tuple[str, ...] | None:
    """The actions the safety path wants after this message, in order (None: not ours)."""
    crisis = "utter_crisis_again" if view.crisis_sent_before else "utter_crisis"
    # Whatever form is running (the introduction, the about-you questions) is set aside while
    # the person is asked whether they are safe, so their answer is never taken for the form's.
    set_aside = (DEACTIVATE,) if view.active_loop or DEACTIVATE in view.done else ()
    if view.hub_worker:
        if view.intent == "risk_high":
            return (crisis, "utter_crisis_worker_told", FOLLOWUP)
        if view.intent == "get_help_now":
            return ("utter_help_contacts",)
        return ()  # everything else waits for the worker
    if view.intent == "risk_high":
        return (crisis, FOLLOWUP, *set_aside, SAFE_NOW_QUESTION)
    if view.intent == "get_help_now":  # the contacts, then back to the form if it is running
        return ("utter_help_contacts", FORM) if view.active_loop == FORM else ("utter_help_contacts",)
    said = _said(view)
    if view.pending == SAFETY_QUESTION:
        if said == "affirm":
            return (crisis, FOLLOWUP, *set_aside, SAFE_NOW_QUESTION)
        if said == "deny":
            return ("utter_safety_check_no",) if view.introduction_done else ("utter_safety_check_no", FORM)
    if view.pending in (SAFE_NOW_QUESTION, SAFE_NOW_AGAIN):
        if said == "affirm":
            return (CARRY_ON_QUESTION,)
        if said == "deny" or (view.unsure and view.intent not in _NEVER_OVERRIDDEN):
            return ("utter_not_safe_now",)  # not sure they are safe: the same urgent words
        if view.pending == SAFE_NOW_QUESTION and view.intent not in _NEVER_OVERRIDDEN:
            # Anything else ("text me after 6pm"): the question was not answered, so it is asked
            # once more before anything else happens; the introduction never just carries on.
            return (SAFE_NOW_AGAIN,)
    if view.pending == CARRY_ON_QUESTION:
        if said == "affirm":
            return ("utter_carry_on",) if view.introduction_done else ("utter_carry_on", FORM)
        if said == "deny":
            return ("utter_stay_here",)
    return None


def plan(view: View) -> str | None:
    """The next action for this conversation, or None to leave the choice to the other policies."""
    steps = sequence(view)
    if steps is None:
        return None
    done = [name for name in view.done if name not in (ACTION_LISTEN_NAME, "action_extract_slots")]
    if done != list(steps[:len(done)]):
        return None  # something else is already happening; do not interfere
    if len(done) < len(steps):
        return steps[len(done)]
    if len(done) == len(steps) and steps and steps[-1] == FORM:
        return None  # the form is running again: its own prediction follows
    return ACTION_LISTEN_NAME if len(done) == len(steps) else None


def view_of(tracker: DialogueStateTracker) -> View:
    """The :class:`View` of a Rasa tracker."""
    from rasa.shared.core.events import ActionExecuted, UserUttered

    message = tracker.latest_message
    intent = message.intent.get("name") if message is not None else None
    events = list(tracker.applied_events())
    done: list[str] = []
    index = len(events) - 1
    while index >= 0 and not isinstance(events[index], UserUttered):
        event = events[index]
        if isinstance(event, ActionExecuted) and event.action_name:
            done.append(event.action_name)
        index -= 1
    done.reverse()
    crisis_before = any(isinstance(e, ActionExecuted) and e.action_name == "utter_crisis"
                        for e in events[:max(index, 0)])
    pending = _pending_question(events[:max(index, 0)])
    text = (message.text or "") if message is not None else ""
    answer = safety_answer(text, _QUESTION_KIND[pending]) if pending and text else None
    unsure = bool(pending) and answer is None and is_unsure(text)
    return View(intent=intent, done=tuple(done), active_loop=tracker.active_loop_name,
                hub_worker=bool(tracker.get_slot("hub_worker")),
                introduction_done=tracker.get_slot("introduction_done") is True,
                pending=pending, crisis_sent_before=crisis_before, answer=answer, unsure=unsure)


def _pending_question(events: list[Any]) -> str | None:
    """The safety question the person's latest message answers: the last question asked, with
    nothing but requests for help (and their answers) since."""
    from rasa.shared.core.events import ActionExecuted, UserUttered

    for event in reversed(events):
        if isinstance(event, ActionExecuted):
            if event.action_name in QUESTIONS:
                return event.action_name
            if event.action_name not in _IN_BETWEEN_ACTIONS:
                return None
        elif isinstance(event, UserUttered) and event.intent.get("name") not in _HELP_INTENTS:
            return None
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class SafetyPolicy(Policy):
    """Predicts the safety path with certainty and a priority above RulePolicy."""

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
        name = plan(view_of(tracker))
        if name is None or name not in domain.action_names_or_texts:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(name)] = 1.0
        # Rasa's ensemble lets a form's "happy path" prediction (flagged as not depending on
        # the user's input) overrule every other policy. Our prediction carries the same flag,
        # so the two are compared by confidence and then priority, and safety wins.
        return self._prediction(probabilities, is_no_user_prediction=True)
