"""The introduction form's validation, driven with rasa-sdk trackers (no model, no servers)."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.control import ActionGoBack
from actions.introduction_form import ValidateIntroductionForm


def _tracker(text: str, *, intent: str = "share_story", needs: tuple[str, ...] = (), slots: dict | None = None,
             requested: str | None = None, asked: tuple[str, ...] = (), active: bool = True,
             strengths: tuple[str, ...] = (), said_last: str | None = None) -> Tracker:
    entities = [{"entity": "need", "value": n} for n in needs]
    entities += [{"entity": "strength", "value": s} for s in strengths]
    values: dict[str, Any] = {"requested_slot": requested, "needs": [], "strengths": []}
    values.update(slots or {})
    events = [{"event": "slot", "name": "requested_slot", "value": name} for name in asked]
    if said_last:
        events += [{"event": "bot", "text": "...", "metadata": {"utter_action": said_last}}]
    events += [{"event": "user", "text": text}]
    return Tracker("someone", values, {"text": text, "intent": {"name": intent}, "entities": entities},
                   events, False, None, {"name": "introduction_form"} if active else {}, "action_listen")


def _validate(method: str, value: Any, tracker: Tracker) -> tuple[dict[str, Any], list[str]]:
    dispatcher = CollectingDispatcher()
    result = getattr(ValidateIntroductionForm(), method)(value, dispatcher, tracker, {})
    if inspect.isawaitable(result):  # validators that reach the database run off the event loop
        result = asyncio.run(result)
    return result, [m.get("response") or m.get("text") for m in dispatcher.messages]


def test_a_story_as_the_first_message_is_kept_with_its_needs_and_who_it_is_for():
    tracker = _tracker("i'm worried about my dad, he is behind on his rent", needs=("money",), active=False)
    events = ValidateIntroductionForm()._opening_story(tracker)
    kept = {e["name"]: e["value"] for e in events}
    assert kept["story"].startswith("i'm worried") and kept["needs"] == ["money"]
    assert kept["introducer"] == "someone_else"


def test_a_hello_is_not_a_story():
    assert ValidateIntroductionForm()._opening_story(_tracker("hi", intent="greet", active=False)) == []


def test_a_story_in_answer_to_consent_is_kept_and_consent_asked_again():
    tracker = _tracker("my husband died and i'm behind on the rent", needs=("housing",), requested="consent")
    result, said = _validate("validate_consent", "my husband died and i'm behind on the rent", tracker)
    assert result["consent"] is None and result["story"].startswith("my husband died")
    assert result["consent_asked"] == "yes"
    assert result["introducer"] == "self" and said == ["utter_consent_after_story"]


def test_a_story_the_classifier_took_for_no_is_still_a_story():
    text = "no one helps me and i can't pay the rent"
    result, said = _validate("validate_consent", "no", _tracker(text, intent="deny", needs=("money",),
                                                                 requested="consent"))
    assert result["consent"] is None and result["story"] == text


def test_what_does_that_mean_is_answered():
    result, said = _validate("validate_consent", "what does that mean?",
                             _tracker("what does that mean?", intent="nlu_fallback", requested="consent"))
    # asked again without a second hello (the domain's utter_ask_consent variant for consent_asked)
    assert result == {"consent": None, "consent_asked": "yes"} and said == ["utter_consent_meaning"]


def test_for_my_son_at_the_story_question_sets_who_and_asks_the_story_again():
    result, _ = _validate("validate_story", "for my son", _tracker("for my son", requested="story"))
    assert result == {"story": None, "introducer": "someone_else"}


def test_no_the_contact_bit_goes_straight_to_that_question():
    tracker = _tracker("no, the contact bit is wrong", intent="deny", requested="summary_confirmed")
    result, _ = _validate("validate_summary_confirmed", "change", tracker)
    assert result == {"contact_preference": None, "summary_confirmed": None, "summary_part": None}


def test_not_about_money_takes_the_needs_off_and_asks_the_story_again():
    tracker = _tracker("it's not about money", intent="deny", requested="summary_confirmed")
    result, _ = _validate("validate_summary_confirmed", "change", tracker)
    assert result["story"] is None and result["needs"] == []


def test_a_postcode_at_the_offers_searches_nearer():
    shown = [{"id": "a", "name": "Garden Club", "text": "Garden Club", "round": 1}]
    tracker = _tracker("SE5 8AZ", requested="offer_choice", slots={"offers_given": shown})
    result, _ = _validate("validate_offer_choice", "SE5 8AZ", tracker)
    assert result == {"offer_choice": None, "postcode": "SE5 8AZ"}


SHOWN = [{"id": "a", "name": "Garden Club", "text": "Garden Club", "round": 1},
         {"id": "b", "name": "Money Advice", "text": "Money Advice", "round": 1}]


def test_the_story_told_at_the_offers_is_kept_and_the_offers_searched_again_for_what_is_new():
    text = "it's for my dad really, he's stopped going out since the summer and he's lonely"
    tracker = _tracker(text, intent="introduce_other", needs=("connection",), requested="offer_choice",
                       slots={"offers_given": SHOWN, "needs": ["money"], "story": "behind on the rent"})
    result, said = _validate("validate_offer_choice", text, tracker)
    assert result["offer_choice"] is None  # asked again, with offers for what was just said
    assert result["story"] == f"behind on the rent\n{text}"
    assert result["needs"] == ["money", "connection"] and result["introducer"] == "someone_else"
    assert result["offer_focus"] == ["connection"]  # the next offers lead with what was just said
    assert said == ["utter_offer_told_more"]


def test_what_they_enjoy_at_the_offers_is_used():
    tracker = _tracker("i like gardening", intent="tell_strengths", strengths=("gardening",),
                       requested="offer_choice", slots={"offers_given": SHOWN, "needs": ["money"], "story": "rent"})
    result, said = _validate("validate_offer_choice", "i like gardening", tracker)
    assert result["offer_choice"] is None and result["strengths"] == ["gardening"]
    assert result["offer_focus"] == ["gardening"]
    assert said == ["utter_offer_told_more"]


def test_more_story_with_nothing_new_to_match_is_kept_and_the_introduction_goes_on():
    text = "he used to be so chatty, it's hard to watch him like this"
    tracker = _tracker(text, requested="offer_choice",
                       slots={"offers_given": SHOWN, "needs": ["connection"], "story": "my dad is lonely"})
    result, said = _validate("validate_offer_choice", text, tracker)
    assert result["offer_choice"] == "none" and result["story"].endswith(text)
    assert said == ["utter_offer_kept_story"]


def test_a_short_reply_we_cannot_read_is_asked_about_once_then_the_introduction_goes_on():
    tracker = _tracker("hmm", intent="nlu_fallback", requested="offer_choice", slots={"offers_given": SHOWN})
    result, said = _validate("validate_offer_choice", "hmm", tracker)
    assert result == {"offer_choice": None} and said == ["utter_offer_which"]
    tracker = _tracker("hmm", intent="nlu_fallback", requested="offer_choice", slots={"offers_given": SHOWN},
                       said_last="utter_offer_which")
    result, said = _validate("validate_offer_choice", "hmm", tracker)
    assert result == {"offer_choice": "none"} and said == ["utter_offer_none"]


def test_a_number_at_the_offers_still_chooses():
    tracker = _tracker("2", intent="nlu_fallback", requested="offer_choice", slots={"offers_given": SHOWN})
    result, said = _validate("validate_offer_choice", "2", tracker)
    assert result == {"offer_choice": "Money Advice"} and said == ["utter_offer_chosen"]


def test_nobody_around_adds_loneliness_but_family_words_add_no_need():
    result, _ = _validate("validate_connections", "nobody really", _tracker("nobody really", requested="connections"))
    assert result["needs"] == ["connection"]
    result, _ = _validate("validate_connections", "my husband and my sister",
                          _tracker("my husband and my sister", needs=("relationships",), requested="connections"))
    assert "needs" not in result


def test_go_back_clears_the_last_answer_only():
    tracker = _tracker("go back", intent="go_back", requested="what_matters",
                       asked=("consent", "story", "offer_choice", "introducer", "contact_preference",
                              "what_matters"),
                       slots={"contact_preference": "text me", "story": "x"})
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionGoBack().run(dispatcher, tracker, {}))
    assert {e["name"]: e["value"] for e in events} == {"contact_preference": None, "requested_slot": None}
    assert dispatcher.messages[0]["response"] == "utter_go_back"


def test_go_back_at_the_first_question_says_there_is_nothing_to_go_back_to():
    tracker = _tracker("go back", intent="go_back", requested="consent", asked=("consent",))
    dispatcher = CollectingDispatcher()
    assert asyncio.run(ActionGoBack().run(dispatcher, tracker, {})) == []
    assert dispatcher.messages[0]["response"] == "utter_go_back_nothing"


def test_go_back_at_the_offers_shows_the_same_offers_again():
    shown = [{"id": "a", "name": "A", "text": "A", "round": 1}]
    tracker = _tracker("go back", intent="go_back", requested="offer_choice", asked=("consent", "offer_choice"),
                       slots={"offers_given": shown})
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionGoBack().run(dispatcher, tracker, {}))
    assert events == [{"event": "slot", "timestamp": None, "name": "offers_given", "value": []}]


def _paused_by_the_safety_question(first_run: bool) -> Tracker:
    """A daughter's story read as possible risk at "How do you know them?", then "no"."""
    story = "He's stopped going out since the summer. Mum died in the spring and he just sits in his chair"
    events: list[dict[str, Any]] = []
    if not first_run:
        events += [{"event": "user", "text": "it's for my dad", "parse_data": {"intent": {"name": "share_story"}}},
                   {"event": "action", "name": "introduction_form"}]
    events += [{"event": "user", "text": story,
                "parse_data": {"intent": {"name": "risk_possible"},
                               "entities": [{"entity": "need", "value": "connection"}]}},
               {"event": "action", "name": "action_deactivate_loop"}, {"event": "active_loop", "name": None},
               {"event": "action", "name": "utter_safety_check"},
               {"event": "user", "text": "no, he's just low", "parse_data": {"intent": {"name": "share_story"}}},
               {"event": "action", "name": "utter_safety_check_no"},
               # Rasa adds the form's own run here before it asks the action server to validate.
               {"event": "slot", "name": "requested_slot", "value": None},
               {"event": "action", "name": "introduction_form"}]
    slots = {"requested_slot": "relationship", "needs": [], "strengths": [],
             "story": None if first_run else "it's for my dad", "consent": "yes"}
    return Tracker("someone", slots, {"text": "no, he's just low", "intent": {"name": "share_story"}, "entities": []},
                   events, False, None, {}, "utter_safety_check_no")


def test_a_story_that_paused_the_introduction_for_the_safety_question_is_kept():
    kept = {e["name"]: e["value"] for e in ValidateIntroductionForm()._set_aside_story(
        _paused_by_the_safety_question(first_run=False))}
    assert kept["story"].startswith("it's for my dad\nHe's stopped going out")
    assert "no, he's just low" not in kept["story"] and kept["needs"] == ["connection"]


def test_a_first_message_that_paused_for_the_safety_question_is_kept_as_the_story():
    kept = {e["name"]: e["value"] for e in ValidateIntroductionForm()._set_aside_story(
        _paused_by_the_safety_question(first_run=True))}
    assert kept["story"].startswith("He's stopped going out") and kept["needs"] == ["connection"]


def test_a_set_aside_story_is_not_added_twice():
    tracker = _paused_by_the_safety_question(first_run=False)
    tracker.slots["story"] = ("it's for my dad\nHe's stopped going out since the summer. Mum died in the spring "
                              "and he just sits in his chair")
    assert ValidateIntroductionForm()._set_aside_story(tracker) == []


def test_a_hello_about_someone_else_says_who_it_is_for():
    events = ValidateIntroductionForm()._opening_story(_tracker("Hi, I'm texting about my dad", intent="greet",
                                                                active=False))
    kept = {e["name"]: e["value"] for e in events}
    assert kept == {"introducer": "someone_else", "relationship": "writing about my dad"}


def test_my_dad_in_the_first_message_means_how_do_you_know_them_is_not_asked():
    tracker = _tracker("I'm worried about my dad, he has stopped eating", needs=("daily_living",), active=False)
    kept = {e["name"]: e["value"] for e in ValidateIntroductionForm()._opening_story(tracker)}
    assert kept["introducer"] == "someone_else" and kept["relationship"] == "writing about my dad"


def test_a_widow_talking_about_her_husband_is_not_introducing_him():
    tracker = _tracker("my husband died in march and i can't manage the rent on my own", needs=("housing",),
                       active=False)
    kept = {e["name"]: e["value"] for e in ValidateIntroductionForm()._opening_story(tracker)}
    assert kept["introducer"] == "self" and "relationship" not in kept


def test_what_he_enjoys_at_how_do_you_know_them_is_kept_with_the_story():
    text = "he loves bowls and he's a great cook"
    tracker = _tracker(text, intent="nlu_fallback", strengths=("sport_activity", "cooking"), requested="relationship",
                       slots={"story": "he is lonely", "introducer": "someone_else"})
    result, said = _validate("validate_relationship", text, tracker)
    assert result["story"] == "he is lonely\nhe loves bowls and he's a great cook"
    assert result["strengths"] == ["sport_activity", "cooking"] and result["relationship"] == "skipped"
    assert said == ["utter_kept_with_story"]


def test_how_you_know_them_is_still_an_answer():
    for text in ("I'm his daughter", "their GP", "friend"):
        result, _ = _validate("validate_relationship", text, _tracker(text, intent="introduce_other",
                                                                    requested="relationship"))
        assert result == {"relationship": text}


def test_a_chosen_offer_is_not_confirmed_again_when_the_introduction_resumes():
    shown = [{"id": "sample-017", "name": "Brockwell Walking Group", "text": "Brockwell Walking Group. Call 020",
              "round": 1}]
    tracker = _tracker("text me on this number after 6pm", intent="tell_contact", requested=None,
                       slots={"offers_given": shown, "offer_choice": "Brockwell Walking Group"})
    result, said = _validate("validate_offer_choice", "Brockwell Walking Group", tracker)
    assert result == {"offer_choice": "Brockwell Walking Group"} and said == []


def test_consent_asked_again_after_the_safety_question_has_no_second_hello():
    tracker = _paused_by_the_safety_question(first_run=False)
    tracker.slots["consent"] = None
    kept = {e["name"]: e["value"] for e in ValidateIntroductionForm()._set_aside_story(tracker)}
    assert kept["consent_asked"] == "yes"
    first = _paused_by_the_safety_question(first_run=True)
    first.slots["consent"] = None
    assert "consent_asked" not in {e["name"] for e in ValidateIntroductionForm()._set_aside_story(first)}
