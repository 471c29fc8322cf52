"""Retention runs by itself: the Hub console, a real process, purges on its timer.

Rasa's tables are made as Rasa leaves them on SQLite; conversations are seeded after the console
has started, so what goes is taken by the timer, not by a purge at start-up.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.config import Settings
from bot.hub.consumer import store_event
from bot.hub.retention import purge_lock, purge_once
from bot.personal_data import find_anywhere
from bot.store.db import get_engine, migrate, session_scope
from bot.store.models import Handoff, Introduction
from tests.hub.support import HubProcess
from tests.support.engines import PG, PG_ADMIN_URL, reachable

DAY = 86400.0
OLD_STORY = "the damp in the flat made my chest bad last winter"
DECLINED_STORY = "only having a look at what you do"
KEPT_STORY = "my neighbour helps with my shopping on tuesdays"
OLD_PHONE = "+447700900641"


def _tables(workdir: Path) -> tuple[str, str, str]:
    app_db = f"sqlite:///{workdir / 'app.db'}"
    tracker_db = f"sqlite:///{workdir / 'tracker.db'}"
    events_db = f"sqlite:///{workdir / 'events.db'}"
    migrate(app_db)
    with get_engine(tracker_db).begin() as conn:
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, "
                          "timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)"))
    with get_engine(events_db).begin() as conn:
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)"))
    return app_db, tracker_db, events_db


def _say(dbs: tuple[str, str, str], sender: str, event: dict, age_days: float) -> None:
    app_db, tracker_db, events_db = dbs
    stamp = time.time() - age_days * DAY
    event = {"sender_id": sender, **event, "timestamp": stamp}
    with get_engine(tracker_db).begin() as conn:
        conn.execute(text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :t, :ts, :d)"),
                     {"s": sender, "t": event["event"], "ts": stamp, "d": json.dumps(event)})
    with get_engine(events_db).begin() as conn:
        conn.execute(text("INSERT INTO events (sender_id, data) VALUES (:s, :d)"),
                     {"s": sender, "d": json.dumps(event)})
    store_event(app_db, json.dumps(event).encode())  # the Hub's own copy, as from RabbitMQ


def _person(dbs: tuple[str, str, str], sender: str, story: str, consent: str, age_days: float) -> None:
    _say(dbs, sender, {"event": "user", "text": story}, age_days)
    _say(dbs, sender, {"event": "slot", "name": "consent", "value": consent}, age_days)
    if consent == "yes":
        with session_scope(dbs[0]) as session:
            session.add(Introduction(sender_id=sender, channel="twilio", consent=True, story=story))
            session.add(Handoff(sender_id=sender, channel="twilio", reason="asked", status="closed",
                                summary={"story": story}))


@pytest.fixture
def console(tmp_path: Path) -> Iterator[tuple[HubProcess, tuple[str, str, str]]]:
    dbs = _tables(tmp_path)
    process = HubProcess(tmp_path, "http://127.0.0.1:9", "stand-in-token", dbs[0], dbs[2],
                         extra_env={"LWFD_HUB_SAFETY_CHECK_SECONDS": "0", "LWFD_PURGE_INTERVAL_SECONDS": "2",
                                    "LWFD_TRACKER_DATABASE_URL": dbs[1]}).start()
    yield process, dbs
    process.stop()


def test_the_console_purges_old_and_declined_conversations_on_its_timer(console):
    process, dbs = console
    app_db, tracker_db, events_db = dbs
    engines = [get_engine(tracker_db), get_engine(events_db)]
    time.sleep(1.0)  # the round at start-up has run on empty tables
    _person(dbs, OLD_PHONE, OLD_STORY, "yes", age_days=200)
    _person(dbs, "web-declined", DECLINED_STORY, "no", age_days=2)
    _person(dbs, "web-kept", KEPT_STORY, "yes", age_days=3)
    needles = [OLD_STORY, DECLINED_STORY, OLD_PHONE[1:], "web-declined"]
    assert len(find_anywhere(needles, app_url=app_db, engines=engines)) >= 6  # the search can find them

    deadline = time.monotonic() + 30
    while find_anywhere(needles, app_url=app_db, engines=engines) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert find_anywhere(needles, app_url=app_db, engines=engines) == []
    kept = find_anywhere([KEPT_STORY], app_url=app_db, engines=engines)
    where = {(Path(line.split(":")[0]).name, line.split(":")[1]) for line in kept}
    assert where >= {("app.db", "introductions"), ("app.db", "hub_feed_events"), ("tracker.db", "events"),
                     ("events.db", "events")}, kept

    log = (process.workdir / "hub.log").read_text()
    assert "Retention purge: erased 2 conversation(s)" in log, log[-2000:]
    for secret in (OLD_STORY, DECLINED_STORY, KEPT_STORY, "7700900641", "web-declined", "web-kept"):
        assert secret not in log


def test_one_purge_at_a_time_on_sqlite(tmp_path: Path):
    app_db = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(app_db)
    current = Settings(database_url=app_db, tracker_database_url=f"sqlite:///{tmp_path / 'tracker.db'}",
                       events_database_url=f"sqlite:///{tmp_path / 'events.db'}")
    with purge_lock(app_db) as first:
        assert first
        with purge_lock(app_db) as second:  # another console (flock: per open file, so also in-process)
            assert not second
        assert purge_once(current) is None
    assert purge_once(current) is not None


def test_one_purge_at_a_time_on_postgresql():
    if not reachable(PG):
        pytest.fail("PostgreSQL is not running on 127.0.0.1:5432")
    with purge_lock(PG_ADMIN_URL) as first:
        assert first
        with purge_lock(PG_ADMIN_URL) as second:  # a second pooled connection: another session
            assert not second
    with purge_lock(PG_ADMIN_URL) as again:
        assert again
