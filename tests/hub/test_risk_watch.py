"""The Hub's risk watch: a message rated high that never reached the queue is queued urgent.

Events are written as Rasa's SQL broker writes them (``json.dumps`` of the event, in the
``events`` table); the app database is migrated SQLite. Invented people only. The row the
watch makes carries what the person had already said, rebuilt from the same events.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.config import Settings
from bot.conversation.summary import summary_facts
from bot.handoff import Promise, request_handoff
from bot.hub import risk_watch
from bot.hub.risk_watch import GRACE, replay_slots, starting_point, watch_once
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


def _event(current: Settings, sender: str, event: dict) -> None:
    """Any other event of the conversation (slot, session start, restart...), as the broker keeps it."""
    with get_engine(current.events_database_url).begin() as conn:
        conn.execute(text("INSERT INTO events (sender_id, data) VALUES (:s, :d)"),
                     {"s": sender, "d": json.dumps({"sender_id": sender, **event})})


def _slot(current: Settings, sender: str, name: str, value: object) -> None:
    _event(current, sender, {"event": "slot", "name": name, "value": value})


def _told(current: Settings, sender: str, slots: dict) -> None:
    """The person's introduction so far, with the action server up: a message, then its slots."""
    _said(current, sender, "hi", NOW - timedelta(minutes=10))
    _event(current, sender, {"event": "action", "name": "introduction_form"})
    for name, value in slots.items():
        _slot(current, sender, name, value)
    _event(current, sender, {"event": "action", "name": "action_listen"})


TOLD = {"consent": "yes", "story": "behind on my rent and on my own since he died",
        "needs": ["housing", "money"], "what_matters": "keeping the flat",
        "contact_preference": "text me after 6pm", "person_contact": "07700 900222"}


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


def test_the_urgent_row_carries_what_the_person_had_already_told_the_assistant(current):
    sender = "+447700900222"
    _told(current, sender, TOLD)
    _said(current, sender, "i'm going to end it tonight, i have the tablets here", NOW - timedelta(minutes=2), HIGH)
    assert watch_once(current, 0, now=NOW)[1] == 1
    [row] = _handoffs(current, sender)
    assert row.urgent and row.reason == "risk" and row.risk_level == "high"
    assert row.summary["story"] == "behind on my rent and on my own since he died"
    assert row.summary["needs"] == ["housing", "money"]
    assert row.summary["what_matters"] == "keeping the flat"
    assert row.summary["contact_preference"] == "text me after 6pm"
    assert row.contact_preference == "text me after 6pm"
    assert row.summary["consent"] is True and row.summary["risk_level"] == "high"
    assert "the tablets here" in row.summary["risk"]["words"]
    # The same card as any other: exactly the facts request_handoff keeps, and the risk.
    assert set(row.summary) == set(summary_facts({})) | {"risk"}


def test_the_watch_keeps_no_more_than_the_action_would_have(current):
    """Consent declined: request_handoff still keeps the facts, with consent False; so does the watch."""
    said = {**TOLD, "consent": "no", "risk_flag": "high"}
    _told(current, "web-gi", said)
    _said(current, "web-gi", "i want to end my life", NOW - timedelta(minutes=2), HIGH)
    assert watch_once(current, 0, now=NOW)[1] == 1
    [watched] = _handoffs(current, "web-gi")
    request_handoff("web-ha", "webchat", "risk", said, promise=Promise(False, "x"),
                    risk={**HIGH, "words": "i want to end my life"}, url=current.database_url)
    [acted] = _handoffs(current, "web-ha")
    assert watched.summary["consent"] is False
    assert {k: v for k, v in watched.summary.items() if k != "risk"} == \
        {k: v for k, v in acted.summary.items() if k != "risk"}
    assert watched.contact_preference == acted.contact_preference


def test_slots_set_after_the_risky_message_are_not_used(current):
    sender = "web-ivo"
    _told(current, sender, {"consent": "yes", "story": "lost my job"})
    _said(current, sender, "i've decided to kill myself", NOW - timedelta(minutes=3), HIGH)
    # Later events of the conversation (the same or another turn): not what the person had said then.
    _slot(current, sender, "story", "something said afterwards")
    _slot(current, sender, "contact_preference", "call me")
    _said(current, sender, "ok", NOW - timedelta(minutes=2))
    assert watch_once(current, 0, now=NOW)[1] == 1
    [row] = _handoffs(current, sender)
    assert row.summary["story"] == "lost my job"
    assert row.summary["contact_preference"] is None and row.contact_preference is None


def test_a_restart_or_a_new_session_without_carry_over_starts_afresh(current):
    _told(current, "web-jo", TOLD)
    _event(current, "web-jo", {"event": "restart"})
    _slot(current, "web-jo", "story", "started again")
    _said(current, "web-jo", "i want to end my life", NOW - timedelta(minutes=2), HIGH)
    _told(current, "web-ka", TOLD)
    _event(current, "web-ka", {"event": "session_started"})
    _said(current, "web-ka", "i want to end my life", NOW - timedelta(minutes=2), HIGH)
    assert watch_once(current, 0, now=NOW)[1] == 2
    [jo] = _handoffs(current, "web-jo")
    assert jo.summary["story"] == "started again" and jo.summary["needs"] == [] and jo.summary["consent"] is False
    [ka] = _handoffs(current, "web-ka")
    assert ka.summary["story"] is None and ka.contact_preference is None


def test_slots_carried_into_a_new_session_are_kept(current):
    """actions/session.py carries the answers over as slot events after session_started."""
    _told(current, "web-lu", TOLD)
    _event(current, "web-lu", {"event": "action", "name": "action_session_start"})
    _event(current, "web-lu", {"event": "session_started"})
    for name, value in TOLD.items():
        _slot(current, "web-lu", name, value)
    _slot(current, "web-lu", "returning", True)
    _event(current, "web-lu", {"event": "action", "name": "action_listen"})
    _said(current, "web-lu", "i want to end my life", NOW - timedelta(minutes=2), HIGH)
    assert watch_once(current, 0, now=NOW)[1] == 1
    [row] = _handoffs(current, "web-lu")
    assert row.summary["story"] == TOLD["story"] and row.contact_preference == "text me after 6pm"


def test_an_open_handoffs_summary_is_kept_and_only_what_it_lacks_is_filled(current):
    # Made by the action, with every fact (even empty ones): nothing of it is overwritten.
    request_handoff("web-mo", "webchat", "asked", {"story": "behind on my rent", "consent": "yes"},
                    promise=Promise(False, "someone will be in touch tomorrow"), url=current.database_url)
    _told(current, "web-mo", {**TOLD, "story": "rebuilt story"})
    _said(current, "web-mo", "i want to end my life", NOW - timedelta(minutes=2), HIGH)
    # A waiting row holding only some facts (as rows written before a fact existed): what it lacks
    # is added, what it has is kept, and the risk history is merged as before.
    with session_scope(current.database_url) as session:
        session.add(Handoff(sender_id="web-ned", channel="webchat", reason="asked", urgent=False, status="waiting",
                            risk_level="possible", promise="p", contact_preference="ring the landline",
                            summary={"story": "kept story", "risk_level": "possible",
                                     "risk": {"level": "possible", "reasons": ["low"], "words": "earlier words"}}))
    _told(current, "web-ned", TOLD)
    _said(current, "web-ned", "tonight is the night", NOW - timedelta(minutes=2), HIGH)
    assert watch_once(current, 0, now=NOW)[1] == 2
    [mo] = _handoffs(current, "web-mo")
    assert mo.summary["story"] == "behind on my rent" and mo.summary["needs"] == []
    assert mo.summary["contact_preference"] is None and mo.contact_preference is None
    [ned] = _handoffs(current, "web-ned")
    assert ned.summary["story"] == "kept story" and ned.summary["needs"] == ["housing", "money"]
    assert ned.contact_preference == "ring the landline"
    assert [r["words"] for r in ned.summary["risk"]["history"]] == ["earlier words", "tonight is the night"]


def test_a_long_conversation_is_read_in_one_bounded_query(current, monkeypatch):
    monkeypatch.setattr(risk_watch, "SLOT_LOOK_BACK", 50)
    sender = "web-ola"
    _told(current, sender, {"consent": "yes", "story": "too long ago to be read"})
    for _ in range(60):
        _event(current, sender, {"event": "bot", "text": "..."})
    _slot(current, sender, "contact_preference", "email me")
    _said(current, sender, "i want to end my life", NOW - timedelta(minutes=2), HIGH)
    assert watch_once(current, 0, now=NOW)[1] == 1
    [row] = _handoffs(current, sender)
    assert row.summary["contact_preference"] == "email me" and row.summary["story"] is None


def test_an_odd_slot_value_does_not_stop_the_urgent_flag(current):
    _told(current, "web-pia", {"story": "kept if it can be", "needs": 5})
    _said(current, "web-pia", "i want to end my life", NOW - timedelta(minutes=2), HIGH)
    assert watch_once(current, 0, now=NOW)[1] == 1
    [row] = _handoffs(current, "web-pia")
    assert row.urgent and row.summary["risk_level"] == "high" and "story" not in row.summary


def test_slots_are_replayed_as_rasa_replays_them():
    """The rebuild agrees with Rasa 3.6's own tracker on a conversation with a form, a fallback
    that rewinds the message it did not understand, reset slots, a restart and a new session."""
    from rasa.shared.core.events import (
        ActionExecuted,
        ActiveLoop,
        AllSlotsReset,
        BotUttered,
        Restarted,
        SessionStarted,
        SlotSet,
        UserUtteranceReverted,
        UserUttered,
    )
    from rasa.shared.core.slots import AnySlot
    from rasa.shared.core.trackers import DialogueStateTracker

    def turn(words: str, *slots: tuple[str, object]) -> list:
        return [ActionExecuted("action_listen"), UserUttered(words, {"name": "inform"}),
                *[SlotSet(name, value) for name, value in slots]]

    form = [ActionExecuted("introduction_form"), ActiveLoop("introduction_form"), SlotSet("requested_slot", "x")]
    events = [
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
        *turn("hi"), *form,
        *turn("yes", ("consent", "yes")), *form,
        *turn("asdfgh", ("story", "asdfgh")), ActionExecuted("action_default_fallback"),
        BotUttered("sorry"), UserUtteranceReverted(),
        *turn("behind on rent", ("story", "behind on rent"), ("needs", ["housing"])), *form,
        *turn("start again", ("postcode", "LS1")), ActionExecuted("action_reset"), AllSlotsReset(),
        *turn("my story again", ("story", "on my own"), ("contact_preference", "text me")), *form,
        *turn("text me after 6", ("contact_preference", "text me after 6")), *form,
    ]
    carried = [SlotSet("story", "on my own"), SlotSet("contact_preference", "text me after 6")]
    cases = [
        events,
        [*events, ActionExecuted("action_session_start"), SessionStarted(), *carried,
         ActionExecuted("action_listen"), *turn("more", ("what_matters", "my cat"))],
        [*events, ActionExecuted("action_restart"), Restarted(), *turn("new", ("story", "fresh"))],
        [*events, *turn("??", ("what_matters", "??")), ActionExecuted("action_default_fallback"),
         UserUtteranceReverted()],
    ]
    for case in cases:
        names = {e.key for e in case if isinstance(e, SlotSet)}
        tracker = DialogueStateTracker.from_events("x", case, slots=[AnySlot(n, mappings=[]) for n in names])
        expected = {k: v for k, v in tracker.current_slot_values().items() if v is not None}
        assert replay_slots(json.loads(json.dumps(e.as_dict())) for e in case) == expected
