"""A failed statement never puts a person's words in an error or a log line, on every engine.

Each engine the service runs on (the app database's, Rasa's tracker store and SQL event broker
as ``endpoints.yml`` selects them, and Alembic's migration engine) is made to fail a statement
carrying a person's words (a SQLite trigger refuses the write), with SQLAlchemy's statement log
on. The raised error and the log must hold the statement but not the words. A plain engine shows
that the same check catches a leak.
"""

from __future__ import annotations

import json
import logging
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from bot.personal_data import _engine_of
from bot.store.db import get_engine, migrate, session_scope

WORDS = "my landlord hit me and I am scared to go home"
PHONE = "07700 900651"
HIDDEN = "SQL parameters hidden due to hide_parameters=True"


def _refuse(engine: Engine, table: str, when: str = "INSERT") -> None:
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TRIGGER refuse_{when.lower()} BEFORE {when} ON {table} "
                          "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"))


def _leaks(error: BaseException, caplog: pytest.LogCaptureFixture, secret: str) -> list[str]:
    said = {"str": str(error), "repr": repr(error), "log": caplog.text}
    return [where for where, blob in said.items() if secret in blob]


@pytest.fixture(autouse=True)
def statement_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # SQLAlchemy logs each statement's values
    return caplog


def _fail_insert(engine: Engine) -> BaseException:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    _refuse(engine, "notes")
    with pytest.raises(Exception) as caught:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO notes (body) VALUES (:b)"), {"b": WORDS})
    return caught.value


def test_the_check_catches_an_engine_that_shows_parameters(tmp_path, caplog):
    error = _fail_insert(create_engine(f"sqlite:///{tmp_path / 'plain.db'}", future=True))
    assert {"str", "log"} <= set(_leaks(error, caplog, WORDS))


def test_the_app_database_engine(tmp_path, caplog):
    error = _fail_insert(get_engine(f"sqlite:///{tmp_path / 'app.db'}"))
    assert "refused by the test" in str(error) and HIDDEN in str(error)
    assert _leaks(error, caplog, WORDS) == []


def _user_tracker(sender: str):
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker(sender, slots=[])
    tracker.update(UserUttered(WORDS, timestamp=time.time()))
    return tracker


async def test_rasas_tracker_store_as_endpoints_yml_selects_it(tmp_path, caplog):
    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.utils.endpoints import EndpointConfig

    store = TrackerStore.create(EndpointConfig(url=f"sqlite:///{tmp_path / 'tracker.db'}",
                                               type="bot.engines.tracker_store.RetryingSQLTrackerStore"),
                                Domain.empty())
    engine = _engine_of(store)
    assert engine is not None and type(getattr(store, "_tracker_store", store)).__name__ == "RetryingSQLTrackerStore"
    _refuse(engine, "events")
    with pytest.raises(Exception) as caught:
        await store.save(_user_tracker("web-hidden-1"))
    assert HIDDEN in str(caught.value)
    assert _leaks(caught.value, caplog, WORDS) == []


async def test_rasas_sql_event_broker_as_endpoints_yml_selects_it(tmp_path, caplog):
    from rasa.utils.endpoints import EndpointConfig

    from bot.engines.broker import EventBrokerFromUrl

    broker = await EventBrokerFromUrl.from_endpoint_config(EndpointConfig(url=f"sqlite:///{tmp_path / 'events.db'}"))
    engine = _engine_of(broker)
    assert engine is not None
    _refuse(engine, "events")
    with pytest.raises(Exception) as caught:
        broker.publish({"sender_id": "web-hidden-2", "event": "user", "text": WORDS, "timestamp": time.time()})
    assert HIDDEN in str(caught.value)
    assert _leaks(caught.value, caplog, WORDS) == []
    assert _leaks(caught.value, caplog, json.dumps(WORDS)[1:-1]) == []


def test_alembics_migration_engine(tmp_path, caplog):
    """Migration 0026's downgrade writes contact details back in plain text: refused, they stay hidden."""
    from alembic import command

    from bot.store.db import alembic_config
    from bot.store.models import Handoff

    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    migrate(url)
    with session_scope(url) as session:
        session.add(Handoff(sender_id="web-hidden-3", channel="webchat", reason="asked", status="waiting",
                            summary={}, contact_preference=f"text me on {PHONE}"))
    # Later migrations rebuild the handoffs table on the way down (SQLite), which would drop the
    # refusing trigger: step down to 0026 first.
    command.downgrade(alembic_config(url), "0026_protect_phones")
    _refuse(get_engine(url), "handoffs", "UPDATE")
    with pytest.raises(Exception) as caught:
        command.downgrade(alembic_config(url), "0025_consent_wording")
    assert "refused by the test" in str(caught.value) and HIDDEN in str(caught.value)
    assert _leaks(caught.value, caplog, PHONE) == []
