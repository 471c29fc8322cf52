"""The optional "about you" questions end to end, switched on (LWFD_ASK_ABOUT_YOU=1), against the
real model and action server: offered after the summary, skippable, kept as codes apart from the
introduction; risk seen in an answer ends them with the crisis contacts."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.insights.models import AboutYou
from bot.store.db import session_scope
from bot.store.models import Introduction
from tests.support.stack import RasaStack, conversation_of

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def stack(trained_model, tmp_path_factory) -> Iterator[RasaStack]:
    running = RasaStack(workdir=tmp_path_factory.mktemp("about-you"), model=trained_model,
                        extra_env={"LWFD_ASK_ABOUT_YOU": "1"}).start()
    yield running
    running.stop()


def _introduce(stack: RasaStack, sender: str) -> str:
    """A short self-introduction up to the confirmed summary; returns the reply to "yes".

    In issue 18's order (as tests/e2e/test_introduction.py walks it): consent, the story, offers
    straight after it, then how and when to be contacted, what matters, enjoys, who is around.
    """
    stack.say(sender, "hi")
    stack.say(sender, "yes")
    stack.say(sender, "my landlord gave me an eviction notice and im behind on universal credit")
    stack.say(sender, "1")
    stack.say(sender, "text me in the afternoon")
    stack.say(sender, "keeping my flat")
    stack.say(sender, "i love cooking")
    stack.say(sender, "nobody really")
    return stack.say(sender, "yes that's right")


def _answers(stack: RasaStack, sender: str) -> list[AboutYou]:
    with session_scope(stack.app_db_url) as session:
        ids = select(Introduction.id).where(Introduction.sender_id == conversation_of(sender))
        return list(session.execute(select(AboutYou).where(AboutYou.introduction_id.in_(ids))).scalars())


def test_answers_and_skips_are_kept_as_codes(stack):
    sender = f"about-you-{uuid.uuid4().hex[:8]}"
    assert "up to 10 short questions about you" in _introduce(stack, sender)
    assert "How old are you?" in stack.say(sender, "yes")
    assert "ethnic group" in stack.say(sender, "34")
    assert "1 African, 2 Caribbean" in stack.say(sender, "2")
    assert "gender" in stack.say(sender, "caribbean")
    assert "disability" in stack.say(sender, "rather not say")
    assert "English your first language" in stack.say(sender, "no")
    assert "satisfied are you with your life" in stack.say(sender, "yes")
    assert "worthwhile" in stack.say(sender, "6")
    assert "happy did you feel yesterday" in stack.say(sender, "7")
    assert "anxious" in stack.say(sender, "skip")
    assert "only ever used in counts" in stack.say(sender, "3")
    [row] = _answers(stack, sender)
    assert (row.age_band, row.ethnicity, row.gender, row.disability, row.first_language) == (
        "25_34", "caribbean", None, "no", "english")
    assert (row.life_satisfaction, row.worthwhile, row.happiness, row.anxiety) == (6, 7, None, 3)


def test_no_thanks_keeps_nothing(stack):
    sender = f"about-you-{uuid.uuid4().hex[:8]}"
    assert "up to 10 short questions about you" in _introduce(stack, sender)
    assert "That's fine" in stack.say(sender, "no thanks")
    assert _answers(stack, sender) == []


def test_risk_in_an_answer_ends_the_questions_with_crisis_contacts(stack):
    sender = f"about-you-{uuid.uuid4().hex[:8]}"
    _introduce(stack, sender)
    stack.say(sender, "yes")
    reply = stack.say(sender, "i want to kill myself tonight")
    assert "999" in reply and "Samaritans" in reply
    assert "How old" not in reply and "only ever used in counts" not in reply
    tracker = stack.tracker(sender)
    assert tracker["slots"]["requested_slot"] is None and not (tracker.get("active_loop") or {}).get("name")
    assert _answers(stack, sender) == []
