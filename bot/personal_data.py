"""A person's data, lawfully: erase it everywhere, export it for subject access, purge old data.

A conversation is stored in three places: Rasa's tracker store (every event), Rasa's SQL event
broker (the same events again, followed by the Hub), and the app database (introductions,
handoffs, notes, the SMS channel's rows, the audit log, and with RabbitMQ the Hub's copy of the
events in ``hub_feed_events``). :func:`erase_person` removes the
person from all three; audit entries about them are kept but lose the conversation id and any
detail, and one audit line records that an erasure happened, with counts only. The tables are
found from ``Base.metadata`` (every column called ``sender_id`` or ``phone``) plus
``hub_feed_events``, so a table added later is covered without changing this file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Table, delete, inspect, or_, select, text, update
from sqlalchemy.engine import Engine

from bot.config import settings
from bot.store.db import Base, get_engine, session_scope

logger = logging.getLogger(__name__)

PERSON_COLUMNS = ("sender_id", "phone")
AUDIT_TABLE = "hub_audit"
OPEN_HANDOFF = ("waiting", "claimed")
RASA_TABLE = "events"  # the table name of both Rasa's SQL tracker store and its SQL event broker


def _all_tables() -> list[Table]:
    import bot.store.all_models  # noqa: F401  registers every table
    from bot.hub.feed import feed_events_table

    # Children first, so foreign keys never block a delete. The Hub's copy of the event stream
    # (hub_feed_events, filled from RabbitMQ) is an app table declared outside Base.
    return [*reversed(Base.metadata.sorted_tables), feed_events_table]


def identities(sender_id: str, *, exact: bool = False) -> set[str]:
    """Every conversation id the person's rows may carry.

    An SMS person may be given as ``sms:+44...`` or just the number (``bot erase-person
    +447700900123``): both find ``sms:+44...`` and the bare number stored before ids were
    namespaced (``bot.channels.ids.identities``). ``rest:+44...`` is never the SMS person.
    A carer's own introduction (``<id>:carer``) goes with them. ``exact`` (the retention purge,
    which picks one stale conversation) keeps to the id given.
    """
    from bot.channels.ids import identities as id_forms
    from bot.conversation.records import CARER_SUFFIX

    forms = {sender_id} if exact else id_forms(sender_id)
    return forms | {form + CARER_SUFFIX for form in forms}


def phones(forms: Iterable[str]) -> set[str]:
    """The phone numbers behind SMS conversation ids, for the tables keyed by number (hashed)."""
    from bot.channels.ids import phone_of

    return {phone for form in forms if (phone := phone_of(form))}


def _match(table: Table, forms: set[str]) -> Any:
    """Rows of ``table`` that are the person's: by conversation id, or by their number."""
    numbers = phones(forms)
    parts = []
    if "sender_id" in table.c:
        parts.append(table.c["sender_id"].in_(forms))
    if "phone" in table.c and numbers:
        parts.append(table.c["phone"].in_(numbers))
    return or_(*parts) if parts else None


@dataclass
class ErasureReport:
    """How many rows went from where (no personal data: safe to log and audit)."""

    app_rows: dict[str, int] = field(default_factory=dict)
    tracker_events: int = 0
    broker_events: int = 0

    def summary(self) -> str:
        tables = ", ".join(f"{name} {count}" for name, count in sorted(self.app_rows.items()) if count)
        return (f"erased: tracker events {self.tracker_events}, broker events {self.broker_events}; "
                f"app rows: {tables or 'none'}")


def _engine_of(store: Any) -> Engine | None:
    """The SQLAlchemy engine inside a Rasa tracker store or event broker, if it has one."""
    for candidate in (store, getattr(store, "_tracker_store", None), getattr(store, "inner", None)):
        engine = getattr(candidate, "engine", None)
        if isinstance(engine, Engine):
            return engine
    return None


def _delete_rasa_rows(engine: Engine | None, forms: set[str]) -> int:
    if engine is None:
        return 0
    if not inspect(engine).has_table(RASA_TABLE):
        return 0
    total = 0
    with engine.begin() as conn:
        for form in forms:
            total += conn.execute(text(f"DELETE FROM {RASA_TABLE} WHERE sender_id = :s"), {"s": form}).rowcount
    return total


def erase_person(sender_id: str, *, app_url: str | None = None, tracker_engine: Engine | None = None,
                 broker_engine: Engine | None = None, keep_opt_out: bool = False,
                 exact: bool = False) -> ErasureReport:
    """Remove ``sender_id`` from the tracker store, the event broker and every app table.

    Engines default to ``LWFD_TRACKER_DATABASE_URL`` and ``LWFD_EVENTS_DATABASE_URL`` (no SQL
    broker with RabbitMQ: its copy is ``hub_feed_events``, an app table).
    ``keep_opt_out`` keeps a STOP (retention purges keep it so a STOP is still honoured).
    ``exact`` erases only the conversation id given (see :func:`identities`).
    """
    current = settings()
    app_url = app_url or current.database_url
    tracker_engine = tracker_engine or get_engine(current.tracker_database_url)
    if broker_engine is None and not current.uses_rabbitmq:
        broker_engine = get_engine(current.events_database_url)
    forms = identities(sender_id, exact=exact)
    report = ErasureReport()
    with session_scope(app_url) as session:
        for table in _all_tables():
            match = _match(table, forms)
            if match is None:
                continue
            if table.name == AUDIT_TABLE:
                values = {"sender_id": None, "detail": None}
                if "handoff_id" in table.c:
                    values["handoff_id"] = None
                result = session.execute(update(table).where(match).values(**values))
            elif keep_opt_out and table.name == "sms_opt_out":
                continue
            else:
                result = session.execute(delete(table).where(match))
            report.app_rows[table.name] = int(result.rowcount or 0)
    report.tracker_events = _delete_rasa_rows(tracker_engine, forms)
    report.broker_events = _delete_rasa_rows(broker_engine, forms)
    with session_scope(app_url) as session:
        from bot.hub.audit import record

        record(session, "person", "erasure", detail=report.summary())
    logger.info("Erasure done: %s", report.summary())
    return report


def export_person(sender_id: str, *, app_url: str | None = None, tracker_engine: Engine | None = None,
                  broker_engine: Engine | None = None) -> dict[str, Any]:
    """Everything held about ``sender_id``, as JSON-ready data (for a subject access request)."""
    current = settings()
    app_url = app_url or current.database_url
    tracker_engine = tracker_engine or get_engine(current.tracker_database_url)
    forms = identities(sender_id)
    out: dict[str, Any] = {"conversation_id": sender_id, "exported_at": _now().isoformat(), "tables": {}}
    with session_scope(app_url) as session:
        for table in _all_tables():
            match = _match(table, forms)
            if match is None:
                continue
            rows = session.execute(select(table).where(match)).mappings().all()
            if rows:
                out["tables"][table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    events: list[Any] = []
    if inspect(tracker_engine).has_table(RASA_TABLE):
        with tracker_engine.connect() as conn:
            for form in forms:
                for (data,) in conn.execute(text(f"SELECT data FROM {RASA_TABLE} WHERE sender_id = :s "
                                                 "ORDER BY id"), {"s": form}):
                    events.append(json.loads(data) if isinstance(data, str) else data)
    out["conversation"] = [e for e in events if isinstance(e, dict) and e.get("event") in ("user", "bot")]
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _now() -> datetime:
    return datetime.now(timezone.utc)


def stale_conversations(cutoff: datetime, *, app_url: str | None = None,
                        tracker_engine: Engine | None = None) -> list[str]:
    """Conversation ids whose last event is older than ``cutoff`` and with no open handoff."""
    current = settings()
    tracker_engine = tracker_engine or get_engine(current.tracker_database_url)
    if not inspect(tracker_engine).has_table(RASA_TABLE):
        return []
    with tracker_engine.connect() as conn:
        rows = conn.execute(text(f"SELECT sender_id, MAX(timestamp) FROM {RASA_TABLE} GROUP BY sender_id")).all()
    old = [str(sender) for sender, last in rows if last is not None and float(last) < cutoff.timestamp()]
    from bot.store.models import Handoff

    with session_scope(app_url or current.database_url) as session:
        open_ids = set(session.execute(select(Handoff.sender_id)
                                       .where(Handoff.status.in_(OPEN_HANDOFF))).scalars())
    return [sender for sender in old if sender not in open_ids]


def declined_conversations(cutoff: datetime, *, app_url: str | None = None,
                           tracker_engine: Engine | None = None) -> list[str]:
    """Quiet since ``cutoff``, consent last answered "no", and no high risk ever seen.

    What a person who declined leaves behind is kept only while it may matter for their safety:
    a conversation where high risk was seen stays (for the Hub's follow-up) until the normal
    retention purge.
    """
    current = settings()
    tracker_engine = tracker_engine or get_engine(current.tracker_database_url)
    if not inspect(tracker_engine).has_table(RASA_TABLE):
        return []
    consent: dict[str, Any] = {}
    risky: set[str] = set()
    last_seen: dict[str, float] = {}
    with tracker_engine.connect() as conn:
        for sender, data, stamp in conn.execute(text(
                f"SELECT sender_id, data, timestamp FROM {RASA_TABLE} ORDER BY id")):
            last_seen[sender] = max(last_seen.get(sender, 0.0), float(stamp or 0.0))
            try:
                event = json.loads(data) if isinstance(data, str) else (data or {})
            except ValueError:
                continue
            if event.get("event") != "slot":
                continue
            if event.get("name") == "consent":
                consent[sender] = event.get("value")
            elif event.get("name") == "risk_flag" and event.get("value") == "high":
                risky.add(sender)
    declined = [s for s, value in consent.items()
                if value == "no" and s not in risky and last_seen.get(s, 0.0) < cutoff.timestamp()]
    from bot.store.models import Handoff

    with session_scope(app_url or current.database_url) as session:
        open_ids = set(session.execute(select(Handoff.sender_id)
                                       .where(Handoff.status.in_(OPEN_HANDOFF))).scalars())
    return [sender for sender in declined if sender not in open_ids]


def purge_older_than(age: timedelta, *, app_url: str | None = None, tracker_engine: Engine | None = None,
                     broker_engine: Engine | None = None, dry_run: bool = False,
                     declined_age: timedelta | None = None) -> list[ErasureReport]:
    """Erase every conversation quiet for longer than ``age`` (open handoffs are kept; STOPs kept),
    and, with ``declined_age``, those of people who declined consent quiet for that long."""
    cutoff = _now() - age
    senders = stale_conversations(cutoff, app_url=app_url, tracker_engine=tracker_engine)
    if declined_age is not None:
        senders += [s for s in declined_conversations(_now() - declined_age, app_url=app_url,
                                                      tracker_engine=tracker_engine) if s not in senders]
    if dry_run:
        return [ErasureReport() for _ in senders]
    return [erase_person(sender, app_url=app_url, tracker_engine=tracker_engine, broker_engine=broker_engine,
                         keep_opt_out=True, exact=True) for sender in senders]


def parse_age(value: str) -> timedelta:
    """``180d``, ``12w``, ``36h`` as a timedelta."""
    units = {"d": "days", "w": "weeks", "h": "hours"}
    value = value.strip().lower()
    if len(value) < 2 or value[-1] not in units or not value[:-1].isdigit():
        raise ValueError("Write an age like 180d, 26w or 48h.")
    return timedelta(**{units[value[-1]]: int(value[:-1])})


def find_anywhere(needles: Iterable[str], *, app_url: str, engines: Iterable[Engine]) -> list[str]:
    """Where any of ``needles`` still appears in any text of any table (for tests and checks)."""
    found: list[str] = []
    for engine in [get_engine(app_url), *engines]:
        inspector = inspect(engine)
        with engine.connect() as conn:
            for name in inspector.get_table_names():
                for row in conn.execute(text(f'SELECT * FROM "{name}"')):
                    blob = json.dumps([str(v) for v in row])
                    for needle in needles:
                        if needle in blob:
                            found.append(f"{engine.url.database}:{name}: {needle}")
    return found
