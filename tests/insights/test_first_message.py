"""The first message's time and the unsure count, as the action server keeps them, and the two
figures made from them on a small hand-made history (a person who comes back included)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.conversation.records import save_introduction
from bot.conversation.turns import introduction_turns
from bot.insights.figures import compute
from bot.store.db import migrate, session_scope
from bot.store.models import Handoff, Introduction

T0 = datetime(2026, 3, 10, 20, 0, 0)  # London is on GMT on 10 March: naive UTC reads the same


def ts(at: datetime) -> float:
    return at.replace(tzinfo=timezone.utc).timestamp()


def said(text: str, at: datetime, intent: str = "share_story", confidence: float = 0.9) -> dict:
    return {"event": "user", "text": text, "timestamp": ts(at),
            "parse_data": {"intent": {"name": intent, "confidence": confidence}}}


@pytest.fixture()
def app_db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(url)
    return url


def test_turns_count_words_since_the_introduction_began_and_the_unsure_ones():
    events = [
        said("an earlier introduction", T0 - timedelta(hours=2)),
        {"event": "slot", "name": "introduction_id", "value": None},  # started again
        said("hi", T0, "greet", 0.95),
        {"event": "bot", "text": "Hello"},
        said("blah wibble", T0 + timedelta(minutes=1), "nlu_fallback", 0.3),
        said("/affirm", T0 + timedelta(minutes=2), "affirm", 1.0),  # a button: not counted
        said("my landlord maybe", T0 + timedelta(minutes=3), "share_story", 0.45),
        said("yes", T0 + timedelta(minutes=4), "affirm", 0.99),
    ]
    turns = introduction_turns(events, confidence_below=0.6)
    assert turns.first_at == T0
    assert [unsure for _, unsure in turns.said] == [False, True, True, False]


def test_saving_after_every_answer_and_in_a_later_session_counts_each_message_once(app_db):
    slots = {"consent": "yes", "introducer": "self"}
    first_session = [said("hi", T0, "greet", 0.95), said("hmm", T0 + timedelta(minutes=1), "greet", 0.2)]
    intro_id = save_introduction("person-a", "socketio", slots, url=app_db,
                                 turns=introduction_turns(first_session, 0.6))
    save_introduction("person-a", "socketio", slots, introduction_id=intro_id, url=app_db,
                      turns=introduction_turns(first_session, 0.6))  # the same messages again
    later_session = [said("back again", T0 + timedelta(days=2)), said("?", T0 + timedelta(days=2, minutes=1),
                                                                       "nlu_fallback", 0.1)]
    save_introduction("person-a", "socketio", slots, introduction_id=intro_id, url=app_db, complete=True,
                      turns=introduction_turns(later_session, 0.6))
    with session_scope(app_db) as session:
        row = session.get(Introduction, intro_id)
        assert (row.first_message_at, row.messages, row.unsure_messages) == (T0, 4, 2)
        assert row.counted_until == T0 + timedelta(days=2, minutes=1)


def test_no_consent_keeps_nothing_not_even_the_time(app_db):
    assert save_introduction("person-b", "rest", {"consent": "no"}, url=app_db,
                             turns=introduction_turns([said("hi", T0)], 0.6)) is None
    with session_scope(app_db) as session:
        assert session.execute(select(Introduction)).first() is None


def test_first_contact_counts_from_the_first_message_and_not_across_a_later_introduction(app_db):
    def intro(sender: str, first: datetime | None, messages: int | None, unsure: int | None) -> None:
        with session_scope(app_db) as session:
            created = (first or T0) + timedelta(minutes=5)
            session.add(Introduction(sender_id=sender, channel="socketio", consent=True, consent_at=created,
                                     needs=[], strengths=[], offers_given=[], status="complete",
                                     first_message_at=first, messages=messages, unsure_messages=unsure,
                                     created_at=created, updated_at=created))

    def handoff(sender: str, created: datetime, claimed: datetime | None) -> None:
        with session_scope(app_db) as session:
            session.add(Handoff(sender_id=sender, channel="socketio", reason="introduction", summary={},
                                status="claimed" if claimed else "waiting", claimed_at=claimed,
                                created_at=created, updated_at=created))

    # Ana: first message 20:00, asked at 20:10, picked up 20:30 and again later: 30 minutes.
    intro("ana", T0, 6, 1)
    handoff("ana", T0 + timedelta(minutes=10), T0 + timedelta(minutes=30))
    handoff("ana", T0 + timedelta(minutes=40), T0 + timedelta(minutes=45))
    # Ben: two introductions. The first never reached a worker; the second's contact (60 minutes
    # after its own first message) must not count for the first.
    intro("ben", T0, 4, 2)
    intro("ben", T0 + timedelta(days=3), 10, 0)
    handoff("ben", T0 + timedelta(days=3, minutes=20), T0 + timedelta(days=3, minutes=60))
    # Cal: kept before first messages were recorded: left out of both figures, and said so.
    intro("cal", None, None, None)
    handoff("cal", T0 + timedelta(minutes=10), T0 + timedelta(minutes=12))
    fig = compute(app_db, date(2026, 3, 1), date(2026, 3, 31), as_of=datetime(2026, 6, 1))
    assert fig.first_contact_minutes == {"contacted": 2, "median": 45.0, "p90": 57.0, "not_recorded": 1}
    assert fig.unsure == {"introductions": 3, "messages": 20, "unsure": 3, "rate_percent": 15.0}
    # The handoff waits are still there, measured from the handoff (20, 5, 40 and 2 minutes).
    assert fig.wait_minutes["picked_up"] == 4 and fig.wait_minutes["median"] == 12.5


def test_the_completing_action_keeps_the_first_message_and_counts(tmp_path, monkeypatch):
    """As the action server runs it: a rasa_sdk tracker with the conversation's events."""
    import asyncio

    import yaml
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.complete import ActionIntroductionComplete
    from tests.insights.test_about_you import REPO

    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("LWFD_DATABASE_URL", url)
    monkeypatch.setenv("LWFD_REVIEW_CONFIDENCE_BELOW", "0.6")
    migrate(url)
    events = [said("hello there", T0, "greet", 0.97), said("erm the thing", T0 + timedelta(minutes=2), "inform", 0.4),
              said("/affirm", T0 + timedelta(minutes=3), "affirm", 1.0),
              said("no contact thanks", T0 + timedelta(minutes=4), "inform", 0.9)]
    slots = {"consent": "yes", "introducer": "self", "contact_preference": "no contact thanks"}
    tracker = Tracker("invented-person-10", slots, events[-1]["parse_data"], events, False, None, None,
                      "action_listen")
    domain = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
    asyncio.run(ActionIntroductionComplete().run(CollectingDispatcher(), tracker, domain))
    with session_scope(url) as session:
        (row,) = session.execute(select(Introduction)).scalars()
        assert (row.first_message_at, row.messages, row.unsure_messages) == (T0, 3, 1)
