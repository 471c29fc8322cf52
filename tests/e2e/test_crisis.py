"""The crisis path end to end: risk seen in any turn, with the real model and servers.

These tests also stop the action server and point the app database at an address where
nothing listens, because the crisis response must reach the person anyway.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from bot.store.db import session_scope
from bot.store.models import Handoff
from tests.support.stack import RasaStack, conversation_of

pytestmark = pytest.mark.model

CRISIS_NUMBERS = ("999", "116 123", "85258", "111")


def _sender(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


def _has_crisis_contacts(reply: str) -> bool:
    return all(number in reply for number in CRISIS_NUMBERS)


def _begin(stack, sender: str) -> str:
    """Hello, yes to consent, for me: the reply asks what's been going on."""
    stack.say(sender, "hi")
    stack.say(sender, "yes")
    return stack.say(sender, "me")


def _handoffs(stack, sender):
    with session_scope(stack.app_db_url) as session:
        return session.execute(select(Handoff).where(Handoff.sender_id == conversation_of(sender))).scalars().all()


def test_crisis_in_the_first_message(rasa_stack):
    sender = _sender("first")
    reply = rasa_stack.say(sender, "i want to kill myself tonight")
    assert _has_crisis_contacts(reply)
    assert "Are you safe right now?" in reply
    [handoff] = _handoffs(rasa_stack, sender)
    assert handoff.urgent and handoff.reason == "risk" and handoff.risk_level == "high"
    assert "suicide" in handoff.summary["risk"]["categories"]
    assert rasa_stack.slots(sender)["risk_flag"] == "high"


def test_crisis_mid_introduction_stays_with_the_person_and_carries_on_only_if_they_want(rasa_stack):
    sender = _sender("mid")
    assert "what's been going on for you" in _begin(rasa_stack, sender)
    reply = rasa_stack.say(sender, "honestly i dont want to be alive anymore")
    assert _has_crisis_contacts(reply)
    assert "Are you safe right now?" in reply
    assert "going on for you" not in reply and "What matters" not in reply  # not straight back to the form
    reply = rasa_stack.say(sender, "yes")
    assert "Would you like to carry on" in reply
    reply = rasa_stack.say(sender, "yes")
    assert "going on for you" in reply  # back to the introduction, where it was
    assert rasa_stack.slots(sender)["risk_flag"] == "high"


def test_not_safe_right_now_and_a_second_crisis_gets_a_shorter_reminder(rasa_stack):
    sender = _sender("again")
    first = rasa_stack.say(sender, "i have the pills here and i'm going to take them all")
    assert _has_crisis_contacts(first)
    reply = rasa_stack.say(sender, "no")
    assert "call 999 now" in reply
    second = rasa_stack.say(sender, "i want to die")
    assert "I'm still here with you" in second and "116 123" in second
    assert "I'm really glad you told me" not in second  # never the same long message word for word
    [handoff] = _handoffs(rasa_stack, sender)
    assert len(handoff.summary["risk"]["history"]) == 2  # every risk kept for the Hub
    assert handoff.summary["risk"]["words"].startswith("i have the pills here")


def test_the_answer_to_the_safety_question_is_not_lost_after_help(rasa_stack):
    sender = _sender("help-between")
    assert "are you thinking about ending your life" in rasa_stack.say(sender, "i can't cope anymore")
    assert _has_crisis_contacts(rasa_stack.say(sender, "help"))
    reply = rasa_stack.say(sender, "yes")
    assert "I'm really glad you told me" in reply and "Are you safe right now?" in reply
    assert any(h.urgent for h in _handoffs(rasa_stack, sender))


def test_text_speak_by_sms_wording_is_caught(rasa_stack):
    sender = _sender("sms")
    assert _has_crisis_contacts(rasa_stack.say(sender, "cant do this no more gonna kms"))


def test_im_fine_never_clears_the_flag_and_help_stays_one_word_away(rasa_stack):
    sender = _sender("fine")
    rasa_stack.say(sender, "i took a load of pills an hour ago")
    rasa_stack.say(sender, "no im fine you misunderstood")
    assert rasa_stack.slots(sender)["risk_flag"] == "high"
    assert _has_crisis_contacts(rasa_stack.say(sender, "help"))
    assert any(h.urgent for h in _handoffs(rasa_stack, sender))


def test_idioms_do_not_raise_the_alarm(rasa_stack):
    sender = _sender("idiom")
    _begin(rasa_stack, sender)
    reply = rasa_stack.say(sender, "this debt is killing me, i could murder a takeaway")
    assert "116 123" not in reply and "places that might help" in reply
    assert rasa_stack.slots(sender)["risk_flag"] is None


def test_a_possible_sign_gets_one_caring_question(rasa_stack):
    sender = _sender("possible")
    _begin(rasa_stack, sender)
    reply = rasa_stack.say(sender, "i just can't cope anymore, what's the point")
    assert "are you thinking about ending your life" in reply
    reply = rasa_stack.say(sender, "no")
    # What they wrote is their story: kept, not asked for again, and offers follow.
    assert "Thank you for answering" in reply and "going on for you" not in reply
    assert "places that might help" in reply
    assert "can't cope anymore" in rasa_stack.slots(sender)["story"]


def test_yes_to_the_safety_question_gets_crisis_contacts(rasa_stack):
    sender = _sender("possible-yes")
    rasa_stack.say(sender, "i can't cope anymore")
    assert _has_crisis_contacts(rasa_stack.say(sender, "yes"))
    assert any(h.urgent for h in _handoffs(rasa_stack, sender))


def test_a_young_person_is_also_given_childline(rasa_stack):
    sender = _sender("young")
    reply = rasa_stack.say(sender, "im 15 and i want to die")
    assert "0800 1111" in reply and _has_crisis_contacts(reply)


@pytest.fixture
def stack_without_actions(rasa_stack):
    """The shared stack: the test stops its action server; it runs again afterwards, whatever happened."""
    try:
        yield rasa_stack
    finally:
        if rasa_stack._actions is None or rasa_stack._actions.poll() is not None:
            rasa_stack.start_actions()


def test_crisis_reaches_the_person_when_the_action_server_is_down(stack_without_actions):
    stack = stack_without_actions
    sender = _sender("down")
    _begin(stack, sender)
    stack.stop_actions()
    try:
        assert _has_crisis_contacts(stack.say(sender, "i want to end my life"))
        assert _has_crisis_contacts(stack.say(_sender("down-first"), "i'm going to hurt myself"))
        assert _has_crisis_contacts(stack.say(sender, "help"))
    finally:
        stack.start_actions()


@pytest.fixture(scope="module")
def stack_without_database(trained_model, tmp_path_factory):
    stack = RasaStack(
        workdir=tmp_path_factory.mktemp("nodb"), model=trained_model,
        extra_env={"LWFD_DATABASE_URL": "postgresql://lwfd@127.0.0.1:9/unreachable?connect_timeout=2"},
    ).start()
    yield stack
    stack.stop()


def test_crisis_reaches_the_person_when_the_app_database_is_unreachable(stack_without_database):
    sender = _sender("nodb")
    reply = stack_without_database.say(sender, "i want to kill myself")
    assert _has_crisis_contacts(reply)
    assert "say \"help\"" in reply and "Are you safe right now?" in reply


@pytest.fixture
def frozen_clock(rasa_stack):
    yield rasa_stack.set_clock
    rasa_stack.set_clock(None)


def test_crisis_out_of_hours_promises_the_next_working_morning_not_a_live_worker(rasa_stack, frozen_clock):
    frozen_clock("2026-11-29T02:00:00")  # a Sunday, 2 a.m.
    reply = rasa_stack.say(_sender("sunday"), "i want to kill myself")
    assert _has_crisis_contacts(reply)
    assert "The Hub is closed now" in reply and "on Monday morning" in reply
    assert "join this chat" not in reply


def test_crisis_in_hours_with_nobody_on_duty_promises_contact_today(rasa_stack, frozen_clock):
    frozen_clock("2026-12-01T10:00:00")  # a Tuesday morning
    reply = rasa_stack.say(_sender("tuesday"), "i'm going to end my life")
    assert _has_crisis_contacts(reply)
    assert "later today" in reply and "join this chat" not in reply


def test_crisis_on_a_bank_holiday_is_not_promised_today(rasa_stack, frozen_clock):
    frozen_clock("2026-12-25T11:00:00")  # Christmas Day
    reply = rasa_stack.say(_sender("christmas"), "i want to die")
    assert "The Hub is closed now" in reply and "today" not in reply.split("Hub is closed now")[1]


def test_while_a_worker_holds_the_conversation_crisis_gets_the_numbers_and_marks_it_urgent(rasa_stack):
    from tests.support.stack import http_json

    sender = _sender("held")
    rasa_stack.say(sender, "hi")
    rasa_stack.say(sender, "can i talk to a person")
    [handoff] = _handoffs(rasa_stack, sender)
    assert not handoff.urgent
    # What the Hub console does when a worker claims the conversation (bot/hub/rasa_client.py).
    http_json("POST", f"{rasa_stack.rasa_url}/conversations/rest:{sender}/tracker/events?token={rasa_stack.token}",
              [{"event": "active_loop", "name": None}, {"event": "slot", "name": "hub_worker", "value": "Sam"}])
    assert rasa_stack.send(sender, "i'm ok just waiting for the worker") == []  # the worker answers, not the bot
    reply = rasa_stack.say(sender, "actually i want to kill myself")
    assert _has_crisis_contacts(reply) and "let your Hub worker know" in reply
    assert "Are you safe right now?" not in reply  # the worker is with them
    [handoff] = _handoffs(rasa_stack, sender)
    assert handoff.urgent and handoff.risk_level == "high" and handoff.reason == "risk"
    assert _has_crisis_contacts(rasa_stack.say(sender, "help"))
    assert rasa_stack.send(sender, "thanks") == []
