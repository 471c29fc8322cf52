"""Invented introductions, handoffs and "about you" answers for demos, tests and benchmarks.

Rows go into the real app tables, shaped as the action server and the Hub console write them,
so every figure is computed from them exactly as from real ones. Nothing here is a real
person: every sender id starts with ``synthetic-`` and the words are marked as invented.
The same seed gives the same rows.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import delete, func, select, text

from bot.hours import LONDON, HubHours
from bot.insights.categories import AGE_BANDS, ETHNICITIES, FIRST_LANGUAGES, GENDERS
from bot.insights.models import AboutYou
from bot.store.db import get_engine
from bot.store.models import Handoff, Introduction
from bot.taxonomy import STRENGTHS

PREFIX = "synthetic-"

# Weights are invented, loosely shaped like an inner London borough and an out-of-hours door.
_HOUR_WEIGHTS = [3, 2, 1.5, 1, 1, 1, 1.5, 2, 3, 4, 4, 4, 4, 4, 4, 4, 5, 6, 7, 8, 8, 7, 6, 4]
_NEED_WEIGHTS = {"emotional_support": 30, "connection": 18, "housing": 15, "money": 15, "work": 8,
                 "relationships": 8, "physical_health": 6, "daily_living": 6, "caring": 4,
                 "substance_use": 4, "learning": 3, "legal": 3}
_ETHNICITY_WEIGHTS = {"white_british": 36, "irish": 2, "gypsy_traveller": 0.3, "roma": 0.3,
                      "other_white": 14, "african": 12, "caribbean": 9, "other_black": 4,
                      "white_black_caribbean": 3, "white_black_african": 1.5, "white_asian": 1.5,
                      "other_mixed": 2, "bangladeshi": 1, "chinese": 1.5, "indian": 1.5,
                      "pakistani": 1, "other_asian": 2, "arab": 1, "any_other": 2}
_AGE_WEIGHTS = {"under_18": 2, "18_24": 16, "25_34": 26, "35_44": 20, "45_54": 16, "55_64": 12, "65_plus": 8}
_GENDER_WEIGHTS = {"woman": 55, "man": 41, "non_binary": 3, "another": 1}
_OFFERS = [
    ("syn-walk", "Brockwell walking group (invented)"), ("syn-cafe", "Tuesday peer support cafe (invented)"),
    ("syn-debt", "Debt advice drop-in (invented)"), ("syn-garden", "Community garden mornings (invented)"),
    ("syn-choir", "Open-door choir (invented)"), ("syn-housing", "Housing rights advice line (invented)"),
    ("syn-work", "Back-to-work coaching (invented)"), ("syn-carers", "Carers' circle (invented)"),
    ("syn-cook", "Cook-and-eat club (invented)"), ("syn-digital", "Computer help sessions (invented)"),
]
_OUTCOMES = {"signposted": 45, "booked_call": 25, "hub_appointment": 18, "crisis_team": 4, "no_contact": 8}
_RELATIONSHIPS = ["friend", "partner", "parent", "GP surgery", "support worker", "neighbour"]
# Questions in the order they are asked: an unfinished introduction stops after one of them.
STOP_STEPS = ("introducer", "story", "what_matters", "strengths", "connections", "offers")


@dataclass
class Generated:
    """What was written, for the caller to print."""

    introductions: int = 0
    handoffs: int = 0
    about_you: int = 0
    first: datetime | None = None
    last: datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _utc_naive(local: datetime) -> datetime:
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _month_starts(start: date, months: int) -> list[date]:
    out, year, month = [], start.year, start.month
    for _ in range(months):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _moment(rng: random.Random, month: date) -> datetime:
    """A London time in the month, busier in the evening (the front door is mostly out of hours)."""
    days = (_month_starts(month, 2)[1] - month).days
    day = month + timedelta(days=rng.randrange(days))
    hour = rng.choices(range(24), weights=_HOUR_WEIGHTS)[0]
    local = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), LONDON)
    return _utc_naive(local)


def _wellbeing(rng: random.Random, base: dict[str, int], lift: float) -> dict[str, int | None]:
    """ONS4 answers; someone coming back starts from their last answers, a little better."""
    def score(mean: float) -> int:
        return max(0, min(10, round(rng.gauss(mean, 1.8))))

    first = {"life_satisfaction": 5.0, "worthwhile": 5.8, "happiness": 4.9, "anxiety": 5.6}
    values = {}
    for name, mean in first.items():
        if base.get(name) is None:
            values[name] = score(mean)
        else:
            step = -lift if name == "anxiety" else lift
            values[name] = max(0, min(10, round(base[name] + step + rng.gauss(0, 1.0))))
    return {name: (None if rng.random() < 0.08 else value) for name, value in values.items()}


def _wait(rng: random.Random, hours: HubHours, created: datetime, urgent: bool) -> timedelta:
    """How long until a worker picks the handoff up: minutes when open, next opening when not."""
    median = 6 if urgent else 35
    extra = timedelta(minutes=max(1.0, rng.lognormvariate(math.log(median), 0.8)))
    local = created.replace(tzinfo=timezone.utc).astimezone(LONDON)
    if hours.is_open(local):
        return extra
    return _utc_naive(hours.next_opening(local)) - created + extra


def generate(url: str, *, start: date, months: int = 1, per_month: int = 500, seed: int = 23,
             replace: bool = True, hours: HubHours | None = None) -> Generated:
    """Write ``per_month`` invented introductions for each month from ``start`` (roughly: the
    count varies a little month to month), with their handoffs and "about you" answers."""
    rng = random.Random(seed)
    said_rng = random.Random(seed * 7919 + 1)  # its own stream: the other rows stay as they were
    hours = hours or HubHours.load()
    engine = get_engine(url)
    if replace:
        clear(url)
    with engine.begin() as conn:
        next_intro = int(conn.execute(select(func.coalesce(func.max(Introduction.id), 0))).scalar()) + 1
        next_handoff = int(conn.execute(select(func.coalesce(func.max(Handoff.id), 0))).scalar()) + 1
        next_about = int(conn.execute(select(func.coalesce(func.max(AboutYou.id), 0))).scalar()) + 1
    intros: list[dict[str, Any]] = []
    handoffs: list[dict[str, Any]] = []
    abouts: list[dict[str, Any]] = []
    # People who may come back: sender -> (when they last came, their last answers).
    people: dict[str, tuple[datetime, dict[str, Any] | None]] = {}
    pool: list[str] = []  # senders in the order they first came
    for month in _month_starts(start, months):
        count = max(1, round(per_month * rng.uniform(0.9, 1.1)))
        moments = sorted(_moment(rng, month) for _ in range(count))
        for created in moments:
            sender, earlier = f"{PREFIX}{seed}-{len(intros) + 1}", None
            if pool and rng.random() < 0.08:
                candidate = rng.choice(pool)
                last, answers = people[candidate]
                if created - last > timedelta(days=21):  # people come back after a few weeks
                    sender, earlier = candidate, answers
            intro, handoff, about = _one(rng, hours, created, sender, earlier, next_intro)
            intro.update(_said(said_rng, intro))
            intros.append(intro)
            if handoff is not None:
                handoff["id"] = next_handoff
                next_handoff += 1
                handoffs.append(handoff)
            if about is not None:
                about["id"] = next_about
                next_about += 1
                abouts.append(about)
            if sender not in people:
                pool.append(sender)
            people[sender] = (created, about or earlier)
            next_intro += 1
    with engine.begin() as conn:
        for table, rows in ((Introduction.__table__, intros), (Handoff.__table__, handoffs),
                            (AboutYou.__table__, abouts)):
            for chunk in range(0, len(rows), 1000):
                conn.execute(table.insert(), rows[chunk:chunk + 1000])
        if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for table in ("introductions", "handoffs", "about_you"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
    return Generated(len(intros), len(handoffs), len(abouts),
                     intros[0]["created_at"] if intros else None, intros[-1]["created_at"] if intros else None)


def _one(rng: random.Random, hours: HubHours, created: datetime, sender: str,
         earlier: dict[str, Any] | None, intro_id: int
         ) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]:
    channel = "socketio" if rng.random() < 0.6 else "twilio"
    someone_else = rng.random() < 0.28
    complete = rng.random() < 0.8
    stop = None if complete else rng.choice(STOP_STEPS)
    reached = STOP_STEPS if stop is None else STOP_STEPS[:STOP_STEPS.index(stop) + 1]
    needs = sorted(set(rng.choices(list(_NEED_WEIGHTS), weights=list(_NEED_WEIGHTS.values()),
                                   k=rng.choice((1, 1, 2, 2, 3)))))
    strengths = sorted(set(rng.sample(sorted(STRENGTHS), k=rng.choice((0, 1, 1, 2)))))
    offers: list[dict[str, Any]] = []
    if "offers" in reached and rng.random() < 0.85:
        for oid, name in rng.sample(_OFFERS, k=rng.choice((1, 2, 3, 3))):
            offers.append({"id": oid, "name": name, "text": name, "reason": "invented", "round": 1})
    chosen = rng.choice(offers)["name"] if offers and complete and rng.random() < 0.45 else None
    updated = created + timedelta(minutes=rng.uniform(3, 25))
    intro = {
        "id": intro_id, "sender_id": sender, "channel": channel, "consent": True, "consent_at": created,
        "introduced_by": "someone_else" if someone_else else "self",
        "introducer_relationship": rng.choice(_RELATIONSHIPS) if someone_else else None,
        "person_agrees": True if someone_else else None, "introducer_contact": None, "person_contact": None,
        "story": "Invented for a demo." if "story" in reached else None,
        "needs": needs if "story" in reached else [],
        "what_matters": "Invented: feeling settled." if "what_matters" in reached else None,
        "strengths": strengths if "strengths" in reached else [],
        "strengths_text": "Invented." if "strengths" in reached and not strengths else None,
        "connections": "Invented: a friend." if "connections" in reached else None,
        "offers_given": offers, "offer_chosen": chosen, "summary_confirmed": complete,
        "status": "complete" if complete else "in_progress", "created_at": created, "updated_at": updated,
    }
    handoff = _handoff(rng, hours, created, updated, sender, channel, needs, complete)
    about = None
    if complete and rng.random() < 0.65:
        def maybe(value: str) -> str | None:
            return None if rng.random() < 0.12 else value

        wellbeing = _wellbeing(rng, dict(earlier or {}), lift=0.8)
        keep = earlier or {}
        about = {
            "introduction_id": intro_id, "asked_at": updated,
            "age_band": keep.get("age_band") or maybe(_pick(rng, _AGE_WEIGHTS)),
            "ethnicity": keep.get("ethnicity") or maybe(_pick(rng, _ETHNICITY_WEIGHTS)),
            "gender": keep.get("gender") or maybe(_pick(rng, _GENDER_WEIGHTS)),
            "disability": keep.get("disability") or maybe("yes" if rng.random() < 0.35 else "no"),
            "first_language": keep.get("first_language") or maybe("english" if rng.random() < 0.75 else "other"),
            **wellbeing,
        }
        assert about["age_band"] in AGE_BANDS or about["age_band"] is None
        assert about["ethnicity"] in ETHNICITIES or about["ethnicity"] is None
        assert about["gender"] in GENDERS or about["gender"] is None
        assert about["first_language"] in FIRST_LANGUAGES or about["first_language"] is None
    return intro, handoff, about


def _said(rng: random.Random, intro: dict[str, Any]) -> dict[str, Any]:
    """The first message's time (a few minutes before consent) and the message counts, as the
    action server keeps them; a few rows have none, like rows kept before these were recorded."""
    if rng.random() < 0.03:
        return {"first_message_at": None, "messages": None, "unsure_messages": None, "counted_until": None}
    messages = rng.randint(2, 6) + 2 * sum(1 for field_name in ("story", "what_matters", "connections")
                                           if intro[field_name] is not None) + rng.randint(0, 8)
    unsure = sum(rng.random() < 0.11 for _ in range(messages))
    return {"first_message_at": intro["created_at"] - timedelta(seconds=rng.uniform(20, 900)),
            "messages": messages, "unsure_messages": unsure, "counted_until": intro["updated_at"]}


def _handoff(rng: random.Random, hours: HubHours, created: datetime, updated: datetime, sender: str,
             channel: str, needs: list[str], complete: bool) -> dict[str, Any] | None:
    roll = rng.random()
    if roll < 0.04:
        reason, level = "risk", "high" if rng.random() < 0.6 else "possible"
        at = created + (updated - created) / 2
    elif roll < 0.10:
        reason, level, at = "asked", "none", created + (updated - created) / 3
    elif complete and roll < 0.62:
        reason, level, at = "introduction", "none", updated
    else:
        return None
    urgent = level == "high"
    row: dict[str, Any] = {
        "sender_id": sender, "channel": channel, "reason": reason, "urgent": urgent, "risk_level": level,
        "summary": {"needs": needs, "invented": True}, "contact_preference": None,
        "promise": "Invented promise.", "status": "waiting", "claimed_by": None, "outcome": None,
        "created_at": at, "updated_at": at, "claimed_at": None, "closed_at": None,
    }
    if rng.random() < 0.93:
        claimed = at + _wait(rng, hours, at, urgent)
        row.update(status="claimed", claimed_by=f"{PREFIX}worker-{rng.randint(1, 6)}", claimed_at=claimed,
                   updated_at=claimed)
        fate = rng.random()
        if fate < 0.85:
            closed = claimed + timedelta(minutes=rng.uniform(10, 90))
            outcome = "crisis_team" if urgent and rng.random() < 0.5 else _pick(rng, _OUTCOMES)
            row.update(status="closed", outcome=outcome, closed_at=closed, updated_at=closed)
        elif fate < 0.95:
            row.update(status="handed_back", updated_at=claimed + timedelta(minutes=rng.uniform(5, 30)))
    return row


def clear(url: str) -> int:
    """Remove every invented row (sender ids starting ``synthetic-``); real rows are untouched."""
    engine = get_engine(url)
    with engine.begin() as conn:
        ids = select(Introduction.id).where(Introduction.sender_id.like(PREFIX + "%"))
        conn.execute(delete(AboutYou).where(AboutYou.introduction_id.in_(ids)))
        conn.execute(delete(Handoff).where(Handoff.sender_id.like(PREFIX + "%")))
        return int(conn.execute(delete(Introduction).where(Introduction.sender_id.like(PREFIX + "%"))).rowcount)
