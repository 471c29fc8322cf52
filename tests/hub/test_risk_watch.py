"""The Hub's risk watch: a message rated high that never reached the queue is queued urgent.

Events are written as Rasa's SQL broker writes them (``json.dumps`` of the event, in the
``events`` table); the app database is migrated SQLite. Invented people only.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.config import Settings
from bot.handoff import Promise, request_handoff
from bot.hub.risk_watch import GRACE, starting_point, watch_once
from bot.store.db import get_engine, migrate, session_scope
from bot.store.models import Handoff

NOW = datetime(2026, 12, 7, 3, 0, 0)
HIGH = {"level": "high", "categories": ["suicide"], "reasons": ["has a plan and the means"]}


@pytest.fixture()
def current(tmp_path: Path) -> Settings:
    app_db = f"sqlite:///{tmp_path / 'app.db'}"
    events_db = f"sqlite:///{tmp_path / 'events.db'}"
    migrate(app_db)
    with get_engine(events_db).begin() as conn:
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)"))
    return Settings(database_url=app_db, events_database_url=events_db)


def _said(current: Settings, sender: str, words: str, at: datetime, risk: dict | None = None,
          channel: str = "twilio") -> None:
    stamp = at.replace(tzinfo=timezone.utc).timestamp()
    event = {"event": "user", "sender_id": sender, "timestamp": stamp, "text": words, "input_channel": channel,
             "parse_data": {"text": words, "intent": {"name": "share_story"}, **({"risk": risk} if risk else {})}}
    with get_engine(current.events_database_url).begin() as conn:
        conn.execute(text("INSERT INTO events (sender_id, data) VALUES (:s, :d)"),
                     {"s": sender, "d": json.dumps(event)})


def _handoffs(current: Settings, sender: str) -> list[Handoff]:
    with session_scope(current.database_url) as session:
        rows = session.execute(select(Handoff).where(Handoff.sender_id == sender)).scalars().all()
        session.expunge_all()
        return list(rows)


def test_a_disclosure_the_action_could_not_queue_is_queued_urgent_with_the_persons_words(current):
    _said(current, "+447700900111", "hi", NOW - timedelta(minutes=3))
    _said(current, "+447700900111", "i have saved up my pills and i'm going to take them tonight",
          NOW - timedelta(minutes=2), HIGH)
    carry_on, queued = watch_once(current, 0, now=NOW)
    assert queued == 1 and carry_on == 2
    [row] = _handoffs(current, "+447700900111")
    assert row.urgent and row.reason == "risk" and row.risk_level == "high" and row.channel == "twilio"
    assert row.promise  # the honest promise for now, as the action would have made it
    assert "saved up my pills" in row.summary["risk"]["words"]
    # The next round finds nothing new: nobody is queued twice.
    assert watch_once(current, 0, now=NOW + timedelta(minutes=1)) == (2, 0)
    assert len(_handoffs(current, "+447700900111")) == 1


def test_the_action_gets_a_head_start(current):
    _said(current, "web-ada", "i want to end my life", NOW - GRACE / 2, HIGH, channel="webchat")
    assert watch_once(current, 0, now=NOW) == (0, 0)  # looked at again next round
    assert _handoffs(current, "web-ada") == []
    assert watch_once(current, 0, now=NOW + GRACE) == (1, 1)


def test_what_the_action_queued_is_left_alone(current):
    at = NOW - timedelta(minutes=2)
    _said(current, "web-bo", "i want to end my life", at, HIGH)
    promise = Promise(False, "someone will be in touch")
    request_handoff("web-bo", "webchat", "risk", {"risk_flag": "high", "story": "x"}, promise=promise,
                    risk={**HIGH, "words": "i want to end my life"}, url=current.database_url)
    assert watch_once(current, 0, now=NOW)[1] == 0
    assert len(_handoffs(current, "web-bo")) == 1


def test_a_closed_conversation_is_not_reopened_for_a_message_it_already_dealt_with(current):
    _said(current, "web-cy", "i want to end my life", NOW - timedelta(hours=2), HIGH)
    with session_scope(current.database_url) as session:
        session.add(Handoff(sender_id="web-cy", channel="webchat", reason="risk", urgent=True, status="closed",
                            risk_level="high", summary={}, created_at=NOW - timedelta(hours=2),
                            updated_at=NOW - timedelta(hours=1), closed_at=NOW - timedelta(hours=1)))
    assert watch_once(current, 0, now=NOW)[1] == 0
    # A new disclosure after the close is a new message: it is queued.
    _said(current, "web-cy", "i'm going to do it tonight", NOW - timedelta(minutes=5), HIGH)
    assert watch_once(current, 0, now=NOW)[1] == 1
    assert [h.status for h in _handoffs(current, "web-cy")] == ["closed", "waiting"]


def test_a_waiting_handoff_keeps_what_the_person_said_and_becomes_urgent(current):
    promise = Promise(False, "someone will be in touch tomorrow")
    request_handoff("web-di", "webchat", "asked", {"story": "behind on my rent", "consent": "yes"}, promise=promise,
                    url=current.database_url)
    _said(current, "web-di", "i can't go on, i'm going to end it", NOW - timedelta(minutes=2), HIGH)
    assert watch_once(current, 0, now=NOW)[1] == 1
    [row] = _handoffs(current, "web-di")
    assert row.urgent and row.reason == "risk" and row.summary["story"] == "behind on my rent"
    assert row.promise == "someone will be in touch tomorrow"


def test_possible_risk_and_old_messages_are_not_queued_by_the_watch(current):
    _said(current, "web-ed", "i feel so low", NOW - timedelta(minutes=2), {"level": "possible", "reasons": ["low"]})
    _said(current, "web-fa", "i wanted to end my life", NOW - timedelta(days=3), HIGH)
    assert watch_once(current, 0, now=NOW)[1] == 0
    assert starting_point(current) == 0  # a console that starts looks back over what it missed


def test_no_events_table_yet_is_not_an_error(tmp_path: Path):
    app_db = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(app_db)
    current = Settings(database_url=app_db, events_database_url=f"sqlite:///{tmp_path / 'none.db'}")
    assert watch_once(current, 0, now=NOW) == (0, 0)
