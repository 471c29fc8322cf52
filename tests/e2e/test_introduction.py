"""A whole self-introduction over the REST channel, against the real model and action server."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from bot.store.db import session_scope
from bot.store.models import Introduction
from tests.support.stack import conversation_of

pytestmark = pytest.mark.model


def _sender(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


def _begin(stack, sender: str) -> str:
    """Hello and yes to consent: the reply asks what's been going on."""
    stack.say(sender, "hi")
    return stack.say(sender, "yes")


def _introductions(stack, sender):
    with session_scope(stack.app_db_url) as session:
        return session.execute(select(Introduction)
                               .where(Introduction.sender_id == conversation_of(sender))).scalars().all()


OFFERS = "places that might help"
STORY = "my landlord gave me an eviction notice and im behind on universal credit"


def test_full_self_introduction_is_kept_with_needs_and_strengths(rasa_stack):
    sender = _sender("alex")
    assert "Can I keep what you tell me" in rasa_stack.say(sender, "hi")
    assert "what's been going on" in rasa_stack.say(sender, "yes")
    offers = rasa_stack.say(sender, STORY)
    assert OFFERS in offers and "Choose one" in offers
    reply = rasa_stack.say(sender, "1")
    assert "Good choice" in reply and "How and when" in reply  # "I'm" in the story: for themselves
    assert "What matters most to you" in rasa_stack.say(sender, "text me in the afternoon")
    assert "What do you enjoy" in rasa_stack.say(sender, "keeping my flat and feeling less alone")
    assert "Who is around you" in rasa_stack.say(sender, "i love cooking and i used to play football")
    summary = rasa_stack.say(sender, "nobody really")
    assert "Here's what I've noted" in summary and STORY in summary and "housing" in summary
    assert "You chose:" in summary and '"text me in the afternoon"' in summary
    rasa_stack.say(sender, "yes that's right")

    [row] = _introductions(rasa_stack, sender)
    assert row.consent is True and row.status == "complete" and row.summary_confirmed is True
    assert {"housing", "money", "connection"} <= set(row.needs)
    assert {"cooking", "sport_activity"} <= set(row.strengths)
    assert row.story == STORY and row.connections == "nobody really"
    first_round = [o for o in row.offers_given if o["round"] == 1]
    assert len(first_round) == 3 and row.offer_chosen == first_round[0]["name"]
    # Once we knew they enjoy cooking and football, one more idea for that came (round 2).
    assert all(o["round"] == 2 for o in row.offers_given[3:])
    assert rasa_stack.slots(sender)["introduction_done"] is True


def test_a_story_as_the_first_message_is_kept_and_not_asked_again(rasa_stack):
    sender = _sender("first")
    reply = rasa_stack.say(sender, "my husband died in the spring and i've got behind on the rent")
    assert "Can I keep what you tell me" in reply
    assert rasa_stack.slots(sender)["story"].startswith("my husband died")
    assert _introductions(rasa_stack, sender) == []  # nothing kept before consent
    offers = rasa_stack.say(sender, "yes")
    assert OFFERS in offers and "what's been going on" not in offers  # offers at the 2nd reply
    [row] = _introductions(rasa_stack, sender)
    assert row.story.startswith("my husband died") and "housing" in row.needs
    assert "relationships" not in row.needs  # "husband" is not a relationship problem


def test_a_story_in_answer_to_consent_is_kept_and_consent_asked_once_more(rasa_stack):
    sender = _sender("consentstory")
    rasa_stack.say(sender, "hello")
    reply = rasa_stack.say(sender, "i'm in debt and my landlord wants me out")
    assert "Thank you for telling me" in reply and "Sorry, I didn't catch that" not in reply
    assert "Can I keep what you tell me" in reply
    offers = rasa_stack.say(sender, "yes")
    assert OFFERS in offers
    [row] = _introductions(rasa_stack, sender)
    assert row.story == "i'm in debt and my landlord wants me out"


def test_offers_come_within_three_replies_after_a_hello(rasa_stack):
    sender = _sender("three")
    rasa_stack.say(sender, "hi")
    rasa_stack.say(sender, "yes")
    assert OFFERS in rasa_stack.say(sender, "i feel so lonely since i moved here")


def test_what_does_that_mean_is_answered_then_consent_is_asked_again(rasa_stack):
    sender = _sender("meaning")
    rasa_stack.say(sender, "hi")
    reply = rasa_stack.say(sender, "what does that mean?")
    assert "a Hub worker can read what you tell me" in reply and "Can I keep what you tell me" in reply
    assert rasa_stack.slots(sender)["consent"] is None


def test_no_consent_keeps_nothing_and_still_gives_offers_and_crisis_contacts(rasa_stack):
    sender = _sender("noconsent")
    rasa_stack.say(sender, "hi")
    reply = rasa_stack.say(sender, "no")
    assert "I won't pass anything on to the Hub" in reply and "116 123" in reply and "999" in reply
    assert "I won't keep it" in reply  # what would you like help with
    offers = rasa_stack.say(sender, "i can't pay my bills")
    assert OFFERS in offers
    reply = rasa_stack.say(sender, "none")
    assert "Nothing from this chat is kept" in reply
    assert _introductions(rasa_stack, sender) == []
    assert "not keeping anything" in rasa_stack.say(sender, "hello")


def test_unclear_consent_answer_is_explained_not_guessed(rasa_stack):
    sender = _sender("unclear")
    rasa_stack.say(sender, "hi")
    reply = rasa_stack.say(sender, "what do you do with it")
    assert "Sorry, I didn't catch that" in reply or "a Hub worker can read" in reply
    assert rasa_stack.slots(sender)["consent"] is None


def test_every_question_can_be_skipped(rasa_stack):
    sender = _sender("skipper")
    _begin(rasa_stack, sender)
    replies = [rasa_stack.say(sender, "skip") for _ in range(7)]
    assert "Here's what I've noted" in replies[-1]
    assert "Nothing yet, and that's OK." in replies[-1]
    slots = rasa_stack.slots(sender)
    assert slots["story"] == "skipped" and slots["connections"] == "skipped"


def test_go_back_asks_the_last_question_again_and_keeps_the_rest(rasa_stack):
    sender = _sender("back")
    _begin(rasa_stack, sender)
    rasa_stack.say(sender, STORY)
    assert "How and when" in rasa_stack.say(sender, "none")
    assert "What matters most" in rasa_stack.say(sender, "text me")
    reply = rasa_stack.say(sender, "go back")
    assert "let's go back" in reply and "How and when" in reply
    # ("call me ..." here is read as asking for a person: a known gap, see docs/conversation.md)
    assert "What matters most" in rasa_stack.say(sender, "ring me after 2pm")
    slots = rasa_stack.slots(sender)
    assert slots["contact_preference"] == "ring me after 2pm" and slots["story"] == STORY


def test_stop_asks_to_confirm_and_carry_on_returns_to_the_question(rasa_stack):
    sender = _sender("stopper")
    _begin(rasa_stack, sender)
    assert "Would you like to stop here?" in rasa_stack.say(sender, "stop")
    assert "what's been going on" in rasa_stack.say(sender, "no")
    assert "Would you like to stop here?" in rasa_stack.say(sender, "stop")
    assert "come back any time" in rasa_stack.say(sender, "yes")


def test_start_again_begins_a_new_introduction_and_keeps_the_old_record(rasa_stack):
    sender = _sender("again")
    _begin(rasa_stack, sender)
    rasa_stack.say(sender, "i'm stressed about money")
    reply = rasa_stack.say(sender, "start again")
    assert "start again from the beginning" in reply and "Can I keep what you tell me" in reply
    assert rasa_stack.slots(sender)["story"] is None
    assert len(_introductions(rasa_stack, sender)) == 1


def test_a_person_coming_back_can_pick_up_where_they_left_off(rasa_stack):
    sender = _sender("returning")
    _begin(rasa_stack, sender)
    rasa_stack.say(sender, "i lost my job and feel so low")
    rasa_stack.trigger_intent(sender, "session_start")  # what Rasa does after a long gap
    assert "pick up where you left off, or start fresh" in rasa_stack.say(sender, "hi")
    assert "Choose one" in rasa_stack.say(sender, "pick up where i left off")  # the offers again
    assert rasa_stack.slots(sender)["story"] == "i lost my job and feel so low"


def test_a_person_coming_back_can_start_fresh(rasa_stack):
    sender = _sender("fresh")
    _begin(rasa_stack, sender)
    rasa_stack.say(sender, "my partner left and i cant pay the rent")
    rasa_stack.trigger_intent(sender, "session_start")
    rasa_stack.say(sender, "hello")
    reply = rasa_stack.say(sender, "start fresh")
    assert "what's been going on" in reply
    assert rasa_stack.slots(sender)["story"] is None


def test_the_summary_understands_which_part_and_a_wrong_need_can_be_taken_off(rasa_stack):
    sender = _sender("corrector")
    for text in ["hi", "yes", "i'm lonely and my relationship ended", "none", "skip", "skip", "skip"]:
        reply = rasa_stack.say(sender, text)
    reply = rasa_stack.say(sender, "skip")
    assert "Is that right?" in reply and "relationships" in reply
    assert "what's been going on" in rasa_stack.say(sender, "no, it's not about relationships")
    reply = rasa_stack.say(sender, "i'm lonely since i moved here")
    assert "Here's what I've noted" in reply and "relationships" not in reply and "feeling alone" in reply
    assert "Which part" in rasa_stack.say(sender, "change something")
    assert "How and when" in rasa_stack.say(sender, '/correct{"summary_part": "contact_preference"}')
    assert "Contact: \"text me\"" in rasa_stack.say(sender, "text me")


def test_someone_introducing_their_dad_is_asked_about_agreement_contacts_and_themselves(rasa_stack):
    sender = _sender("jo")
    _begin(rasa_stack, sender)
    offers = rasa_stack.say(sender, "i'm worried about my dad, he hasn't left the house since mum died")
    assert OFFERS in offers
    # "worried about my dad": neither who it is for nor how they know him is asked
    assert "know you're contacting us" in rasa_stack.say(sender, "none")
    assert "best way for the Hub to reach you" in rasa_stack.say(sender, "yes he knows")
    assert "how could the Hub reach them" in rasa_stack.say(sender, "Jo, 07700 900123")
    assert "you or them" in rasa_stack.say(sender, "through me please")
    assert "What matters most to them" in rasa_stack.say(sender, "call me after 5")
    rasa_stack.say(sender, "that he gets out and sees people")
    rasa_stack.say(sender, "he loves bowls")
    assert "support for yourself as well" in rasa_stack.say(sender, "just me and my brother")
    reply = rasa_stack.say(sender, "yes please, i'm exhausted looking after him")
    assert "support for yourself too" in reply and "Support for you as a carer: yes." in reply
    [row] = _introductions(rasa_stack, sender)
    assert row.introduced_by == "someone_else" and row.person_agrees is True
    assert row.introducer_relationship == "writing about my dad" and row.introducer_contact == "Jo, 07700 900123"
    assert "connection" in row.needs and "sport_activity" in row.strengths
    [carer] = _introductions(rasa_stack, sender + ":carer")
    assert carer.needs == ["caring"] and carer.introducer_contact == "Jo, 07700 900123"
    assert carer.story == "yes please, i'm exhausted looking after him"


def test_a_postcode_brings_nearer_places_and_no_postcode_is_fine(rasa_stack):
    sender = _sender("postcode")
    _begin(rasa_stack, sender)
    rasa_stack.say(sender, "i want to meet people, i'm so lonely")
    nearer = rasa_stack.say(sender, "SW9 8AA")
    assert "nearer SW9 8AA" in nearer
    assert rasa_stack.slots(sender)["postcode"] == "SW9 8AA"
    other = _sender("nopostcode")
    _begin(rasa_stack, other)
    rasa_stack.say(other, "i want to meet people, i'm so lonely")
    assert "How and when" in rasa_stack.say(other, "i'd rather not say")
    assert rasa_stack.slots(other)["postcode"] is None


def test_the_promise_says_when_and_how_the_person_asked(rasa_stack):
    sender = _sender("promise")
    rasa_stack.set_clock("2026-12-06T03:00:00")  # a Sunday, 3 a.m.; the Hub opens Monday at 9
    try:
        _begin(rasa_stack, sender)
        rasa_stack.say(sender, STORY)
        reply = rasa_stack.say(sender, "none")
        assert "closed now; the team is back on Monday morning" in reply
        for text in ["text me on 07700 900789 in the morning", "skip", "skip", "skip"]:
            rasa_stack.say(sender, text)
        reply = rasa_stack.say(sender, "yes")
    finally:
        rasa_stack.set_clock(None)
    assert "contact you in the morning on Monday, by text." in reply
    assert "contact details you gave" not in reply


@pytest.mark.parametrize("text", [
    "",
    "   ",
    "😢😢😢",
    "asdfghjkl qwerty",
    "Hola, necesito ayuda con mi casa por favor",
    "I " + "really don't know what to do anymore with everything going on " * 80,
])
def test_any_input_gets_a_sensible_reply(rasa_stack, text):
    sender = _sender("odd")
    replies = rasa_stack.send(sender, text)
    assert replies, f"no reply to {text[:30]!r}"
    assert all(m.get("text") for m in replies)


def test_the_same_message_twice_gets_a_reply_both_times(rasa_stack):
    sender = _sender("twice")
    rasa_stack.say(sender, "hi")
    rasa_stack.say(sender, "yes")
    first = rasa_stack.send(sender, "skip")
    second = rasa_stack.send(sender, "skip")
    assert first and second


def test_after_the_introduction_nonsense_gets_a_warm_not_understood(rasa_stack):
    sender = _sender("done")
    rasa_stack.say(sender, "hi")
    rasa_stack.say(sender, "no")
    rasa_stack.say(sender, "skip")  # what would you like help with
    assert "Nothing from this chat is kept" in rasa_stack.say(sender, "none")  # the offers
    reply = rasa_stack.say(sender, "asdf qwerty")  # ("zxqv blorp" is read as stop by this model)
    assert "not sure I understood" in reply or "not keeping anything" in reply


def test_offers_can_be_refused_or_more_asked_for(rasa_stack):
    sender = _sender("offers")
    rasa_stack.say(sender, "hi")
    rasa_stack.say(sender, "yes")
    first = rasa_stack.say(sender, "i'm in debt and my landlord wants me out")
    assert "Here are some places that might help" in first
    more = rasa_stack.say(sender, "others")
    assert "Here are some others" in more
    shown = rasa_stack.slots(sender)["offers_given"]
    assert len({o["id"] for o in shown}) == len(shown) == 6  # never the same offer twice
    assert "How and when" in rasa_stack.say(sender, "none of these")
    assert rasa_stack.slots(sender)["offer_choice"] == "none"


def _offers_for(rasa_stack, sender, when):
    rasa_stack.set_clock(when)
    try:
        for text in ["hi", "yes", "my landlord is evicting me and i've got debts everywhere"]:
            rasa_stack.say(sender, text)
        return rasa_stack.slots(sender)["offers_given"]
    finally:
        rasa_stack.set_clock(None)


def test_at_two_on_a_sunday_morning_only_reachable_offers_are_given(rasa_stack):
    offers = _offers_for(rasa_stack, _sender("night"), "2026-11-29T02:00:00")
    assert len(offers) == 3
    for offer in offers:
        assert offer["reason"].startswith(("open 24/7", "open now")), offer


def test_on_a_tuesday_morning_a_local_daytime_offer_comes_first(rasa_stack):
    offers = _offers_for(rasa_stack, _sender("morning"), "2026-12-01T10:00:00")
    assert "Open now" in offers[0]["text"]
    assert "in person" in offers[0]["reason"], offers[0]
