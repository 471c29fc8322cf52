"""A whole self-introduction over the REST channel, against the real model and action server."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from bot.store.db import session_scope
from bot.store.models import Introduction

pytestmark = pytest.mark.model


def _sender(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


def _begin(stack, sender: str) -> str:
    """Hello, yes to consent, for me: the reply asks what's been going on."""
    stack.say(sender, "hi")
    stack.say(sender, "yes")
    return stack.say(sender, "me")


def _introductions(stack, sender):
    with session_scope(stack.app_db_url) as session:
        return session.execute(select(Introduction).where(Introduction.sender_id == sender)).scalars().all()


def test_full_self_introduction_is_kept_with_needs_and_strengths(rasa_stack):
    sender = _sender("alex")
    assert "Is it OK for us to keep" in rasa_stack.say(sender, "hi")
    assert "for yourself, or for someone else" in rasa_stack.say(sender, "yes")
    assert "what's been going on for you" in rasa_stack.say(sender, "it's for me")
    reply = rasa_stack.say(sender, "my landlord gave me an eviction notice and im behind on universal credit")
    assert "What matters most to you" in reply
    assert "What do you enjoy" in rasa_stack.say(sender, "keeping my flat and feeling less alone")
    assert "Who is around you" in rasa_stack.say(sender, "i love cooking and i used to play football")
    offers = rasa_stack.say(sender, "nobody really")
    assert "Here are some places that might help" in offers and "Reply 1, 2, 3" in offers
    reply = rasa_stack.say(sender, "1")
    assert "Good choice" in reply and "How and when" in reply
    summary = rasa_stack.say(sender, "text me in the afternoon")
    assert "Here's what I've noted" in summary and "housing" in summary and "cooking" in summary
    assert "You chose:" in summary
    rasa_stack.say(sender, "yes that's right")

    [row] = _introductions(rasa_stack, sender)
    assert row.consent is True and row.status == "complete" and row.summary_confirmed is True
    assert {"housing", "money", "connection"} <= set(row.needs)
    assert {"cooking", "sport_activity"} <= set(row.strengths)
    assert row.story.startswith("my landlord") and row.connections == "nobody really"
    assert len(row.offers_given) == 3 and row.offer_chosen == row.offers_given[0]["name"]
    assert rasa_stack.slots(sender)["introduction_done"] is True


def test_someone_introducing_a_friend_is_asked_about_agreement_and_contacts(rasa_stack):
    sender = _sender("sam")
    rasa_stack.say(sender, "hello")
    rasa_stack.say(sender, "yes")
    assert "How do you know them" in rasa_stack.say(sender, "/introduce_other")
    assert "know you're contacting us" in rasa_stack.say(sender, "she's my neighbour")
    assert "best way for the Hub to reach you" in rasa_stack.say(sender, "yes she knows")
    assert "how could the Hub reach them" in rasa_stack.say(sender, "Sam, 07700 900123")
    assert "going on for them" in rasa_stack.say(sender, "skip")
    rasa_stack.say(sender, "she's really lonely since her husband died and she isn't eating")
    [row] = _introductions(rasa_stack, sender)
    assert row.introduced_by == "someone_else" and row.person_agrees is True
    assert row.introducer_relationship == "she's my neighbour"
    assert row.introducer_contact == "Sam, 07700 900123" and row.person_contact is None
    assert "connection" in row.needs


def test_no_consent_keeps_nothing_and_still_gives_ways_to_get_help(rasa_stack):
    sender = _sender("noconsent")
    rasa_stack.say(sender, "hi")
    reply = rasa_stack.say(sender, "no")
    assert "I won't pass anything on" in reply and "116 123" in reply
    assert _introductions(rasa_stack, sender) == []
    assert "not keeping anything" in rasa_stack.say(sender, "hello")


def test_unclear_consent_answer_is_explained_not_guessed(rasa_stack):
    sender = _sender("unclear")
    rasa_stack.say(sender, "hi")
    reply = rasa_stack.say(sender, "what do you do with it")
    assert "Sorry, I didn't catch that" in reply or "I'm the Living Well assistant" in reply
    assert rasa_stack.slots(sender)["consent"] is None


def test_every_question_can_be_skipped(rasa_stack):
    sender = _sender("skipper")
    rasa_stack.say(sender, "hi")
    rasa_stack.say(sender, "yes")
    rasa_stack.say(sender, "skip")  # who is this for: skipping means themselves
    replies = [rasa_stack.say(sender, "skip") for _ in range(6)]
    assert "Here's what I've noted" in replies[-1]
    assert "Nothing yet, and that's OK." in replies[-1]
    slots = rasa_stack.slots(sender)
    assert slots["story"] == "skipped" and slots["connections"] == "skipped"


def test_stop_asks_to_confirm_and_carry_on_returns_to_the_question(rasa_stack):
    sender = _sender("stopper")
    _begin(rasa_stack, sender)
    assert "Would you like to stop here?" in rasa_stack.say(sender, "stop")
    assert "what's been going on for you" in rasa_stack.say(sender, "no")
    assert "Would you like to stop here?" in rasa_stack.say(sender, "stop")
    assert "come back any time" in rasa_stack.say(sender, "yes")


def test_start_again_begins_a_new_introduction_and_keeps_the_old_record(rasa_stack):
    sender = _sender("again")
    _begin(rasa_stack, sender)
    rasa_stack.say(sender, "i'm stressed about money")
    reply = rasa_stack.say(sender, "start again")
    assert "start again from the beginning" in reply and "Is it OK for us to keep" in reply
    assert rasa_stack.slots(sender)["story"] is None
    assert len(_introductions(rasa_stack, sender)) == 1


def test_a_person_coming_back_can_pick_up_where_they_left_off(rasa_stack):
    sender = _sender("returning")
    _begin(rasa_stack, sender)
    rasa_stack.say(sender, "i lost my job and feel so low")
    rasa_stack.trigger_intent(sender, "session_start")  # what Rasa does after a long gap
    assert "pick up where you left off, or start fresh" in rasa_stack.say(sender, "hi")
    assert "What matters most to you" in rasa_stack.say(sender, "pick up where i left off")
    assert rasa_stack.slots(sender)["story"] == "i lost my job and feel so low"


def test_a_person_coming_back_can_start_fresh(rasa_stack):
    sender = _sender("fresh")
    _begin(rasa_stack, sender)
    rasa_stack.say(sender, "my partner left and i cant pay the rent")
    rasa_stack.trigger_intent(sender, "session_start")
    rasa_stack.say(sender, "hello")
    reply = rasa_stack.say(sender, "start fresh")
    assert "for yourself, or for someone else" in reply
    assert rasa_stack.slots(sender)["story"] is None


def test_the_summary_can_be_corrected(rasa_stack):
    sender = _sender("corrector")
    for text in ["hi", "yes", "me", "i'm lonely", "skip", "skip", "skip", "none", "skip"]:
        reply = rasa_stack.say(sender, text)
    assert "Is that right?" in reply
    assert "Which part" in rasa_stack.say(sender, "change something")
    assert "going on for you" in rasa_stack.say(sender, '/correct{"summary_part": "story"}')
    reply = rasa_stack.say(sender, "actually it's my housing, the flat is damp")
    assert "Here's what I've noted" in reply and "housing" in reply


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
    first = rasa_stack.send(sender, "me")
    second = rasa_stack.send(sender, "me")
    assert first and second


def test_after_the_introduction_nonsense_gets_a_warm_not_understood(rasa_stack):
    sender = _sender("done")
    rasa_stack.say(sender, "hi")
    rasa_stack.say(sender, "no")
    reply = rasa_stack.say(sender, "zxqv blorp")
    assert "not sure I understood" in reply or "not keeping anything" in reply


def test_offers_can_be_refused_or_more_asked_for(rasa_stack):
    sender = _sender("offers")
    for text in ["hi", "yes", "me", "i'm in debt and my landlord wants me out", "skip", "skip"]:
        rasa_stack.say(sender, text)
    first = rasa_stack.say(sender, "my brother")
    assert "Here are some places that might help" in first
    more = rasa_stack.say(sender, "show me more")
    assert "Here are some others" in more
    shown = rasa_stack.slots(sender)["offers_given"]
    assert len({o["id"] for o in shown}) == len(shown) == 6  # never the same offer twice
    assert "How and when" in rasa_stack.say(sender, "none of these")
    assert rasa_stack.slots(sender)["offer_choice"] == "none"


def _offers_for(rasa_stack, sender, when):
    rasa_stack.set_clock(when)
    try:
        for text in ["hi", "yes", "me", "my landlord is evicting me and i've got debts everywhere", "skip", "skip"]:
            rasa_stack.say(sender, text)
        rasa_stack.say(sender, "no one")
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
