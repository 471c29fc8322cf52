"""The Hub's own watch for risk the assistant saw but could not pass on.

Normally the crisis reply (sent by a rule, from ``domain.yml``) is followed by
``action_crisis_followup``, which puts the person at the top of the Hub queue. If the action
server or the app database is down at that moment, the person still gets the crisis numbers,
but nothing tells the Hub. Rasa's event broker still records the message with the safety
component's verdict, so the console reads those events on a timer: any message rated ``high``
with no urgent handoff made for it (open, or updated or closed since) is queued urgent here,
with the same risk record the action would have kept. The action gets a head start
(``GRACE``): the watch only acts on messages older than that.

The row also carries what the person had already said (story, needs, contact wish...): the
broker holds every event of the conversation, so the watch replays that person's slot events
up to the risky message, as Rasa's tracker would, and stores the same ``summary_facts`` as the
action. The Hub worker never has to ask the person to tell it all again.

Several consoles may run: one watch round at a time (the same kind of lock as the retention
purge). Log lines hold counts only, never text or conversation ids.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Table, or_, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from bot.channels.ids import channel_of_id
from bot.config import Settings
from bot.hub.feed import feed_source, last_event_id
from bot.hub.retention import single_runner
from bot.store.db import get_engine, session_scope
from bot.store.models import Handoff

logger = logging.getLogger(__name__)

WATCH_LOCK_KEY = 5_021_030
GRACE = timedelta(seconds=30)  # the action normally queues it within a second or two
CLOCK_SKEW = timedelta(seconds=60)  # Rasa and the action server may run on different machines
LOOK_BACK_EVENTS = 20_000  # on start, how far back (in broker events) to look for missed risk
LOOK_BACK_TIME = timedelta(hours=24)  # and never at messages older than this
BATCH = 500
# Events read per queued person to rebuild their slots, newest first, up to the risky message.
# A whole introduction is a few hundred events; with slots carried into each new session, only
# the latest session matters, so a cap keeps a very long conversation to one bounded query. A
# session longer than the cap loses only slots set before its oldest event read (and not set
# again since): the card then lacks them, as it did before the watch rebuilt slots at all.
SLOT_LOOK_BACK = 2_000
# Rasa 3.6 (DialogueStateTracker.applied_events): these start from nothing; slots carried into
# a new session come after ``session_started`` as ordinary ``slot`` events.
_FRESH_START = ("session_started", "restart")


@dataclass(frozen=True)
class RiskSeen:
    """One message the safety component rated high, as the broker recorded it."""

    event_id: int
    sender_id: str
    channel: str
    at: datetime  # naive UTC, like the app database's times
    text: str
    risk: dict[str, Any]


def _high_risk(event_id: int, data: str) -> RiskSeen | None:
    try:
        event = json.loads(data)
    except (TypeError, ValueError):
        return None
    if not isinstance(event, dict) or event.get("event") != "user":
        return None
    risk = (event.get("parse_data") or {}).get("risk")
    if not isinstance(risk, dict) or risk.get("level") != "high":
        return None
    try:
        at = datetime.fromtimestamp(float(event.get("timestamp")), tz=timezone.utc).replace(tzinfo=None)
    except (TypeError, ValueError):
        return None
    sender_id = str(event.get("sender_id") or "")
    # The id names its channel (bot.channels.ids); an old bare id falls back to the message's.
    channel = channel_of_id(sender_id) or str(event.get("input_channel") or "rest")
    return RiskSeen(event_id, sender_id, channel, at, str(event.get("text") or ""), risk)


def risks_after(url: str, table: Table, after_id: int, up_to: int) -> list[RiskSeen]:
    """Messages rated high with broker ids in (after_id, up_to], oldest first."""
    found: list[RiskSeen] = []
    start = after_id
    while start < up_to:
        try:
            with get_engine(url).connect() as conn:
                rows = conn.execute(
                    select(table.c.id, table.c.data)
                    .where(table.c.id > start, table.c.id <= up_to,
                           table.c.data.like('%"event": "user"%'), table.c.data.like('%"high"%'))
                    .order_by(table.c.id).limit(BATCH)
                ).all()
        except (OperationalError, ProgrammingError):  # Rasa has not created the table yet
            return found
        if not rows:
            break
        for event_id, data in rows:
            seen = _high_risk(int(event_id), data)
            if seen is not None and seen.sender_id:
                found.append(seen)
        start = int(rows[-1][0])
    return found


def _undo_till(applied: list[Mapping[str, Any]], kind: str) -> None:
    """Drop events back to and including the latest of ``kind`` (Rasa's ``_undo_till_previous``)."""
    while applied:
        if applied.pop().get("event") == kind:
            break


def replay_slots(events: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Slot values after ``events`` (oldest first), as Rasa 3.6's tracker replays them.

    Mirrors ``DialogueStateTracker.applied_events`` for what changes slots: a restart or new
    session starts afresh, ``undo`` takes back the latest action and what came after it,
    ``rewind`` the latest message and the action before it (a fallback's slots go with them),
    and ``reset_slots`` empties them. Unset slots are left out (``summary_facts`` reads them
    as missing); no slot it reads has a domain ``initial_value``. Left out: Rasa's trimming of
    a form's earlier turns, which drops only message and action markers, never a slot; it can
    only change how far a later ``undo`` reaches, and only Rasa's interactive training sends
    ``undo``. The tests check the result against Rasa's own tracker, a form included.
    """
    applied: list[Mapping[str, Any]] = []
    for event in events:
        kind = event.get("event")
        if kind in _FRESH_START:
            applied = []
        elif kind == "undo":
            _undo_till(applied, "action")
        elif kind == "rewind":
            _undo_till(applied, "user")
            _undo_till(applied, "action")
        elif kind in ("slot", "reset_slots", "user", "action"):
            applied.append(event)
    slots: dict[str, Any] = {}
    for event in applied:
        if event.get("event") == "reset_slots":
            slots = {}
        elif event.get("event") == "slot" and event.get("name"):
            slots[str(event["name"])] = event.get("value")
    return {name: value for name, value in slots.items() if value is not None}


def slots_at(url: str, table: Table, seen: RiskSeen) -> dict[str, Any] | None:
    """The person's slots as they stood at the risky message (None if the events could not be
    read): one query, this sender only, events up to that message, at most ``SLOT_LOOK_BACK``."""
    try:
        with get_engine(url).connect() as conn:
            rows = conn.execute(
                select(table.c.data)
                .where(table.c.sender_id == seen.sender_id, table.c.id <= seen.event_id)
                .order_by(table.c.id.desc()).limit(SLOT_LOOK_BACK)
            ).scalars().all()
    except (OperationalError, ProgrammingError):  # queued all the same, with the risk only
        return None
    newest_first: list[Mapping[str, Any]] = []
    for data in rows:
        try:
            event = json.loads(data)
        except (TypeError, ValueError):
            continue
        if not isinstance(event, dict):
            continue
        newest_first.append(event)
        if event.get("event") in _FRESH_START:
            break  # nothing before the latest restart or session start counts
    return replay_slots(reversed(newest_first))


def already_flagged(app_url: str, seen: RiskSeen) -> bool:
    """True when an urgent handoff covers this message: still open, or touched since it came."""
    since = seen.at - CLOCK_SKEW
    with session_scope(app_url) as session:
        row = session.execute(
            select(Handoff.id).where(
                Handoff.sender_id == seen.sender_id, Handoff.urgent.is_(True),
                or_(Handoff.status.in_(("waiting", "claimed")), Handoff.updated_at >= since,
                    Handoff.closed_at >= since))
            .limit(1)
        ).first()
    return row is not None


def watch_once(current: Settings, after_id: int, now: datetime | None = None) -> tuple[int, int]:
    """One round: returns (the broker id to carry on from, how many people were queued urgent)."""
    from bot.handoff import current_promise, flag_risk_seen
    from bot.safety.severity import risk_record

    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    url, table = feed_source(current)
    up_to = last_event_id(url, table)
    carry_on = up_to
    queued = 0
    with single_runner(current.database_url, WATCH_LOCK_KEY, "risk-watch-lock") as mine:
        if not mine:
            return after_id, 0
        for seen in risks_after(url, table, after_id, up_to):
            if seen.at > now - GRACE:
                carry_on = seen.event_id - 1  # the action's head start: look again next round
                break
            if seen.at < now - LOOK_BACK_TIME or already_flagged(current.database_url, seen):
                continue
            promise = current_promise(seen.channel)
            flag_risk_seen(seen.sender_id, seen.channel, risk_record(seen.risk, seen.text), promise=promise,
                           slots=slots_at(url, table, seen), url=current.database_url)
            queued += 1
    if queued:
        logger.warning("Risk watch: %d person(s) queued urgent that the assistant could not pass on", queued)
    return carry_on, queued


def starting_point(current: Settings) -> int:
    """Where a console that has just started looks from: a little way back, to catch what was
    missed while no console ran."""
    url, table = feed_source(current)
    return max(0, last_event_id(url, table) - LOOK_BACK_EVENTS)


async def watch_every(current: Settings, interval: float) -> None:
    """Watch for unpassed risk every ``interval`` seconds, for as long as the console runs."""
    after_id: int | None = None
    while True:
        try:
            if after_id is None:
                after_id = await asyncio.to_thread(starting_point, current)
            after_id, _ = await asyncio.to_thread(watch_once, current, after_id)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a database away: the same messages are looked at next round
            logger.warning("Risk watch failed (%s); next try in %.0f s", type(error).__name__, interval)
        await asyncio.sleep(interval)
