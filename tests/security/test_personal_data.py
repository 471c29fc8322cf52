"""Erasure, retention and export on real SQLite databases shaped as Rasa leaves them."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.cli import main
from bot.personal_data import (
    declined_conversations,
    erase_person,
    export_person,
    find_anywhere,
    parse_age,
    purge_older_than,
)
from bot.store.db import get_engine, session_scope
from bot.store.models import Handoff, Introduction, utcnow

DAY = 86400.0


@pytest.fixture
def stores(tmp_path, app_db):
    tracker = get_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    broker = get_engine(f"sqlite:///{tmp_path / 'events.db'}")
    with tracker.begin() as conn:
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, "
                          "timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)"))
    with broker.begin() as conn:
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)"))
    return app_db, tracker, broker


def _say(stores, sender: str, event: dict, age_days: float = 0.0) -> None:
    _, tracker, broker = stores
    stamp = time.time() - age_days * DAY
    event = {**event, "timestamp": stamp}
    with tracker.begin() as conn:
        conn.execute(text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :t, :ts, :d)"),
                     {"s": sender, "t": event["event"], "ts": stamp, "d": json.dumps(event)})
    with broker.begin() as conn:
        conn.execute(text("INSERT INTO events (sender_id, data) VALUES (:s, :d)"),
                     {"s": sender, "d": json.dumps(event)})


def _person(stores, sender: str, story: str, age_days: float = 0.0, handoff_status: str = "closed") -> None:
    from bot.hub.consumer import store_event

    app_db = stores[0]
    _say(stores, sender, {"event": "user", "text": story}, age_days)
    # The Hub's copy of the event, as its RabbitMQ consumer stores it in the app database.
    store_event(app_db, json.dumps({"sender_id": sender, "event": "user", "text": story}).encode())
    with session_scope(app_db) as session:
        session.add(Introduction(sender_id=sender, channel="twilio", consent=True, story=story))
        session.add(Handoff(sender_id=sender, channel="twilio", reason="asked", status=handoff_status,
                            summary={"story": story}))


def test_erase_person_leaves_nothing_in_any_store(stores):
    app_db, tracker, broker = stores
    _person(stores, "+447700900501", "my landlord is evicting me")
    _person(stores, "+447700900502", "someone else entirely")
    assert find_anywhere(["landlord"], app_url=app_db, engines=[tracker, broker])
    report = erase_person("+447700900501", app_url=app_db, tracker_engine=tracker, broker_engine=broker)
    assert report.tracker_events == 1 and report.broker_events == 1 and report.app_rows["handoffs"] == 1
    assert report.app_rows["hub_feed_events"] == 1
    assert find_anywhere(["landlord", "447700900501"], app_url=app_db, engines=[tracker, broker]) == []
    assert find_anywhere(["someone else entirely"], app_url=app_db, engines=[tracker, broker])


def test_purge_keeps_recent_and_open_and_erases_old(stores):
    app_db, tracker, broker = stores
    _person(stores, "old-person", "an old story", age_days=200)
    _person(stores, "old-but-waiting", "still waiting", age_days=200, handoff_status="waiting")
    _person(stores, "recent-person", "a recent story", age_days=3)
    reports = purge_older_than(parse_age("180d"), app_url=app_db, tracker_engine=tracker, broker_engine=broker)
    assert len(reports) == 1
    engines = [tracker, broker]
    assert find_anywhere(["an old story"], app_url=app_db, engines=engines) == []
    assert find_anywhere(["still waiting"], app_url=app_db, engines=engines)
    assert find_anywhere(["a recent story"], app_url=app_db, engines=engines)


def test_declined_consent_keeps_only_what_safety_needs(stores):
    _say(stores, "declined", {"event": "user", "text": "just browsing"}, age_days=2)
    _say(stores, "declined", {"event": "slot", "name": "consent", "value": "no"}, age_days=2)
    _say(stores, "declined-at-risk", {"event": "slot", "name": "consent", "value": "no"}, age_days=2)
    _say(stores, "declined-at-risk", {"event": "slot", "name": "risk_flag", "value": "high"}, age_days=2)
    _say(stores, "declined-today", {"event": "slot", "name": "consent", "value": "no"}, age_days=0)
    _say(stores, "agreed", {"event": "slot", "name": "consent", "value": "yes"}, age_days=2)
    found = declined_conversations(utcnow() - timedelta(hours=24), app_url=stores[0], tracker_engine=stores[1])
    assert found == ["declined"]


def test_export_and_the_commands(stores, tmp_path, capsys):
    app_db, tracker, broker = stores
    _person(stores, "+447700900503", "I would like help with money")
    exported = export_person("+447700900503", app_url=app_db, tracker_engine=tracker)
    assert exported["tables"]["introductions"][0]["story"] == "I would like help with money"
    assert exported["conversation"][0]["text"] == "I would like help with money"
    out = tmp_path / "export.json"
    urls = ["--url", app_db, "--tracker-url", str(tracker.url)]
    assert main(["export-person", "+447700900503", "--out", str(out), *urls]) == 0
    assert "help with money" in out.read_text()
    assert main(["purge", "--older-than", "180d", "--dry-run", *urls, "--events-url", str(broker.url)]) == 0
    assert "Would erase 0" in capsys.readouterr().out
    assert main(["erase-person", "+447700900503", *urls, "--events-url", str(broker.url)]) == 0
    assert find_anywhere(["help with money"], app_url=app_db, engines=[tracker, broker]) == []
    with pytest.raises(ValueError):
        parse_age("six months")


def test_phone_numbers_are_stored_as_lookup_hashes_and_contacts_encrypted(app_db):
    from bot.channels.models import SmsOptOut
    from bot.channels.optout import is_opted_out, record_opt_out

    record_opt_out("+44 7700 900504", url=app_db)
    assert is_opted_out("+447700900504", url=app_db)
    with session_scope(app_db) as session:
        session.add(Handoff(sender_id="web-x", channel="webchat", reason="asked", status="waiting", summary={},
                            contact_preference="call 07700 900505 after 6pm"))
    engine = get_engine(app_db)
    with engine.connect() as conn:
        stored_phone = conn.execute(text("SELECT phone FROM sms_opt_out")).scalar()
        stored_contact = conn.execute(text("SELECT contact_preference FROM handoffs")).scalar()
    assert "7700" not in stored_phone and len(stored_phone) == 32
    assert "07700 900505" not in stored_contact and stored_contact.startswith("gAAAA")
    with session_scope(app_db) as session:
        assert session.query(Handoff).one().contact_preference == "call 07700 900505 after 6pm"
        assert session.query(SmsOptOut).filter(SmsOptOut.phone == "+447700900504").count() == 1


def test_the_migration_protects_rows_written_before(tmp_path):
    from alembic import command

    from bot.channels.optout import is_opted_out
    from bot.store.db import alembic_config, migrate

    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0025_consent_wording")  # the one before phones were protected
    with get_engine(url).begin() as conn:
        conn.execute(text("INSERT INTO sms_opt_out (phone, opted_out, updated_at) "
                          "VALUES ('+447700900506', 1, '2026-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO handoffs (sender_id, channel, reason, status, urgent, risk_level, "
                          "summary, contact_preference, created_at, updated_at) VALUES ('x', 'webchat', 'asked', "
                          "'waiting', 0, 'none', '{}', 'text me on 07700 900507', :at, :at)"),
                     {"at": "2026-01-01 00:00:00"})
    migrate(url)
    assert is_opted_out("+447700900506", url=url)  # a STOP from before is still honoured
    with get_engine(url).connect() as conn:
        assert "900506" not in conn.execute(text("SELECT phone FROM sms_opt_out")).scalar()
        assert "900507" not in conn.execute(text("SELECT contact_preference FROM handoffs")).scalar()
    with session_scope(url) as session:
        assert session.query(Handoff).one().contact_preference == "text me on 07700 900507"


# -- conversation ids namespaced by channel (issue 20) ----------------------------------------------

def test_erase_and_export_by_phone_find_the_sms_conversation_and_the_old_bare_one(stores):
    """``bot erase-person +44...`` finds ``sms:+44...``, rows stored under the bare number before
    ids were namespaced, and the SMS tables kept by number; a REST sender that looks alike is
    someone else."""
    from bot.channels.models import SmsButtons
    from bot.channels.optout import record_opt_out
    from bot.conversation.records import CARER_SUFFIX

    app_db, tracker, broker = stores
    phone = "+447700900511"
    _person(stores, f"sms:{phone}", "my landlord is evicting me")
    _person(stores, phone, "an older story from before")  # a conversation stored under the bare number
    _person(stores, "rest:447700900511", "a REST tester who is not this person")
    record_opt_out(phone, url=app_db)
    with session_scope(app_db) as session:
        session.add(SmsButtons(phone=phone, buttons=[{"title": "Phone call", "payload": "/call"}]))
        session.add(Introduction(sender_id=f"sms:{phone}{CARER_SUFFIX}", channel="twilio", consent=True,
                                 story="I look after my mum"))

    exported = export_person("+44 7700 900511", app_url=app_db, tracker_engine=tracker)
    stories = {row["story"] for row in exported["tables"]["introductions"]}
    assert stories == {"my landlord is evicting me", "an older story from before", "I look after my mum"}
    assert {e["text"] for e in exported["conversation"]} == {"my landlord is evicting me",
                                                             "an older story from before"}
    assert exported["tables"]["sms_opt_out"] and exported["tables"]["sms_buttons"]

    report = erase_person(phone, app_url=app_db, tracker_engine=tracker, broker_engine=broker)
    assert report.tracker_events == 2 and report.broker_events == 2 and report.app_rows["sms_buttons"] == 1
    engines = [tracker, broker]
    assert find_anywhere(["landlord", "older story", "look after my mum", "sms:+447700900511"],
                         app_url=app_db, engines=engines) == []
    assert find_anywhere(["a REST tester"], app_url=app_db, engines=engines)  # rest:447... untouched


def test_erasing_a_rest_conversation_never_touches_the_sms_person(stores):
    app_db, tracker, broker = stores
    _person(stores, "sms:+447700900512", "the SMS person's story")
    erase_person("rest:sms:447700900512", app_url=app_db, tracker_engine=tracker, broker_engine=broker)
    erase_person("rest:447700900512", app_url=app_db, tracker_engine=tracker, broker_engine=broker)
    assert find_anywhere(["the SMS person's story"], app_url=app_db, engines=[tracker, broker])


def test_the_purge_erases_only_the_stale_conversation(stores):
    """A bare-number conversation from before, quiet for long, goes; the same person's current
    ``sms:`` conversation stays."""
    app_db, tracker, broker = stores
    _person(stores, "+447700900513", "an old story", age_days=200)
    _person(stores, "sms:+447700900513", "a story from this week", age_days=2)
    reports = purge_older_than(parse_age("180d"), app_url=app_db, tracker_engine=tracker, broker_engine=broker)
    assert len(reports) == 1
    assert find_anywhere(["an old story"], app_url=app_db, engines=[tracker, broker]) == []
    assert find_anywhere(["a story from this week"], app_url=app_db, engines=[tracker, broker])
