"""SafetyPolicy: the crisis conversation, from real Rasa trackers, with nothing remote needed."""

from __future__ import annotations

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.safety.policy import View, plan, view_of


def _said(intent: str) -> list:
    return [UserUttered("x", intent={"name": intent, "confidence": 1.0})]


def _did(*names: str) -> list:
    return [ActionExecuted(name) for name in names]


def _next(*events) -> str | None:
    flat = [e for group in events for e in group]
    return plan(view_of(DialogueStateTracker.from_events("person", flat)))


IN_FORM = [ActiveLoop("introduction_form"), SlotSet("requested_slot", "story")]


def test_high_risk_in_the_form_sets_it_aside_and_asks_if_the_person_is_safe():
    steps = []
    events = [IN_FORM, _said("risk_high")]
    for _ in range(5):
        name = _next(*events)
        steps.append(name)
        events.append(_did(name))
        if name == "action_deactivate_loop":
            events.append([ActiveLoop(None)])
    assert steps == ["utter_crisis", "action_crisis_followup", "action_deactivate_loop",
                     "utter_ask_safe_now", ACTION_LISTEN_NAME]


def test_high_risk_outside_the_form_does_not_deactivate_anything():
    assert _next(_said("risk_high"), _did("utter_crisis", "action_crisis_followup")) == "utter_ask_safe_now"


def test_the_second_crisis_gets_the_shorter_reminder():
    first = [_said("risk_high"), _did("utter_crisis", "action_crisis_followup", "utter_ask_safe_now",
                                      ACTION_LISTEN_NAME)]
    assert _next(*first, _said("risk_high")) == "utter_crisis_again"


def test_safe_now_then_carry_on_returns_to_the_introduction():
    asked = [_said("risk_high"), _did("utter_crisis", "action_crisis_followup", "utter_ask_safe_now",
                                      ACTION_LISTEN_NAME)]
    assert _next(*asked, _said("affirm")) == "utter_safe_now_yes"
    offered = [*asked, _said("affirm"), _did("utter_safe_now_yes", ACTION_LISTEN_NAME)]
    assert _next(*offered, _said("affirm")) == "utter_carry_on"
    assert _next(*offered, _said("affirm"), _did("utter_carry_on")) == "introduction_form"
    assert _next(*offered, _said("deny")) == "utter_stay_here"


def test_not_safe_now_gets_the_urgent_words():
    asked = [_said("risk_high"), _did("utter_crisis", "action_crisis_followup", "utter_ask_safe_now",
                                      ACTION_LISTEN_NAME)]
    assert _next(*asked, _said("deny")) == "utter_not_safe_now"


def test_the_answer_to_the_safety_question_survives_asking_for_help_in_between():
    asked = [_said("risk_possible"), _did("utter_safety_check", ACTION_LISTEN_NAME)]
    helped = [*asked, _said("get_help_now"), _did("utter_help_contacts", ACTION_LISTEN_NAME)]
    assert _next(*helped, _said("affirm")) == "utter_crisis"
    twice = [*helped, _said("get_help_now"), _did("utter_help_contacts", ACTION_LISTEN_NAME)]
    assert _next(*twice, _said("affirm")) == "utter_crisis"


def test_anything_else_in_between_means_a_yes_is_not_read_as_the_answer():
    asked = [_said("risk_possible"), _did("utter_safety_check", ACTION_LISTEN_NAME)]
    moved_on = [*asked, _said("greet"), _did("utter_greet_again", ACTION_LISTEN_NAME)]
    assert _next(*moved_on, _said("affirm")) is None


def test_help_during_the_form_gives_the_contacts_then_returns_to_it():
    assert _next(IN_FORM, _said("get_help_now")) == "utter_help_contacts"
    assert _next(IN_FORM, _said("get_help_now"), _did("utter_help_contacts")) == "introduction_form"


def test_while_a_worker_holds_the_conversation_only_risk_and_help_get_an_answer():
    held = [SlotSet("hub_worker", "Sam")]
    assert _next(held, _said("share_story")) == ACTION_LISTEN_NAME
    assert _next(held, _said("risk_possible")) == ACTION_LISTEN_NAME
    assert _next(held, _said("risk_high")) == "utter_crisis"
    assert _next(held, _said("risk_high"), _did("utter_crisis")) == "utter_crisis_worker_told"
    assert _next(held, _said("risk_high"), _did("utter_crisis", "utter_crisis_worker_told")) == \
        "action_crisis_followup"
    assert _next(held, _said("get_help_now")) == "utter_help_contacts"


def test_handed_back_the_assistant_answers_again():
    assert _next([SlotSet("hub_worker", "Sam"), SlotSet("hub_worker", None)], _said("share_story")) is None


def test_it_steps_aside_when_something_else_already_ran():
    assert plan(View(intent="risk_high", done=("utter_default",))) is None
    assert plan(View(intent="greet", done=())) is None


def test_any_running_form_is_set_aside_for_the_crisis_question():
    about_you = [ActiveLoop("about_you_form"), SlotSet("requested_slot", "about_you_age")]
    assert _next(about_you, _said("risk_high"), _did("utter_crisis", "action_crisis_followup")) == \
        "action_deactivate_loop"


def _wrote(text: str, intent: str) -> list:
    return [UserUttered(text, intent={"name": intent, "confidence": 0.6})]


ASKED_ABOUT_LIFE = [_said("risk_possible"), _did("utter_safety_check", ACTION_LISTEN_NAME)]


def test_a_plain_no_in_a_sentence_answers_the_safety_question():
    # A daughter, asked whether her dad (or she) is thinking about ending his life.
    for text in ("No! nobody is suicidal. he is just lonely and low", "no, he's just low",
                 "Nope. He's lonely, that's all"):
        assert _next(*ASKED_ABOUT_LIFE, _wrote(text, "share_story")) == "utter_safety_check_no", text


def test_a_yes_in_a_sentence_to_the_safety_question_gets_crisis_help_even_when_hedged():
    for text in ("yes, I think about it most nights", "yeah but I wouldn't do it"):
        assert _next(*ASKED_ABOUT_LIFE, _wrote(text, "share_story")) == "utter_crisis", text


def test_a_hedged_no_is_not_taken_as_an_answer():
    for text in ("no but sometimes I wish I wouldn't wake up", "no not anymore", "no one would miss me"):
        assert _next(*ASKED_ABOUT_LIFE, _wrote(text, "share_story")) is None, text


def test_words_never_override_risk_or_a_request_for_help():
    assert _next(*ASKED_ABOUT_LIFE, _wrote("no, I'm going to take all my tablets", "risk_high")) == "utter_crisis"
    assert _next(*ASKED_ABOUT_LIFE, _wrote("no I just want it all to stop", "risk_possible")) is None
    assert _next(*ASKED_ABOUT_LIFE, _wrote("no, I need help", "get_help_now")) == "utter_help_contacts"


def test_sentences_answer_are_you_safe_now_only_when_unhedged():
    asked = [_said("risk_high"), _did("utter_crisis", "action_crisis_followup", "utter_ask_safe_now",
                                      ACTION_LISTEN_NAME)]
    assert _next(*asked, _wrote("no, not at all tonight", "share_story")) == "utter_not_safe_now"
    assert _next(*asked, _wrote("yes I'm at my sister's", "share_story")) == "utter_safe_now_yes"
    # hedged: neither yes nor no, so asked once more
    assert _next(*asked, _wrote("yes but I don't know about later", "share_story")) == "utter_ask_safe_now_again"


ASKED_IF_SAFE = [_said("risk_high"), _did("utter_crisis", "action_crisis_followup", "utter_ask_safe_now",
                                          ACTION_LISTEN_NAME)]


def test_not_knowing_whether_you_are_safe_gets_the_urgent_words():
    # Walked by SMS: "i don't know" here let the introduction carry on with the contact question.
    for text in ("i don't know", "not sure", "dunno", "idk really", "skip"):
        assert _next(*ASKED_IF_SAFE, _wrote(text, "nlu_fallback")) == "utter_not_safe_now", text


def test_an_answer_to_something_else_asks_once_more_before_anything_goes_on():
    other = _wrote("text me on this number after 6pm", "tell_contact")
    assert _next(*ASKED_IF_SAFE, other) == "utter_ask_safe_now_again"
    again = [*ASKED_IF_SAFE, _wrote("text me after 6pm", "tell_contact"), _did("utter_ask_safe_now_again",
                                                                               ACTION_LISTEN_NAME)]
    assert _next(*again, _wrote("yes", "affirm")) == "utter_safe_now_yes"
    assert _next(*again, _wrote("i don't know", "nlu_fallback")) == "utter_not_safe_now"
    assert _next(*again, _wrote("my rent is the problem", "share_story")) is None  # asked twice: no loop
    # Risk is still heard as risk, never as a non-answer.
    assert _next(*ASKED_IF_SAFE, _wrote("I've got the pills here", "risk_high")) == "utter_crisis_again"
