"""SafetyPolicy: the crisis sequence wins over an active form, with nothing remote needed."""

from rasa.shared.core.constants import ACTION_LISTEN_NAME

from bot.safety.policy import SEQUENCES, next_safety_action


def test_high_risk_starts_with_the_crisis_response_even_in_a_form():
    assert next_safety_action("risk_high", [], "introduction_form") == "utter_crisis"


def test_then_the_follow_up_then_back_to_the_form():
    assert next_safety_action("risk_high", ["utter_crisis"], "introduction_form") == "action_crisis_followup"
    assert next_safety_action("risk_high", ["utter_crisis", "action_crisis_followup"],
                              "introduction_form") == "introduction_form"


def test_outside_a_form_it_listens_after_the_sequence():
    assert next_safety_action("risk_high", ["utter_crisis", "action_crisis_followup"], None) == ACTION_LISTEN_NAME


def test_help_gives_the_contacts_then_returns():
    assert next_safety_action("get_help_now", [], None) == "utter_help_contacts"
    assert next_safety_action("get_help_now", ["utter_help_contacts"], "introduction_form") == "introduction_form"


def test_it_steps_aside_once_the_sequence_is_done_or_something_else_ran():
    done = [*SEQUENCES["risk_high"], "introduction_form"]
    assert next_safety_action("risk_high", done, "introduction_form") is None
    assert next_safety_action("risk_high", ["utter_default"], None) is None
    assert next_safety_action("greet", [], "introduction_form") is None
