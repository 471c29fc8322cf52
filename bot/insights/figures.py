"""The front door's figures for a period, counted by grouped SQL in the app database.

A period is whole days in London time, ``start`` to ``end`` inclusive. Introductions count
from when the person consented; handoffs count from when they were asked for. The time from a
person's first message to a human contact, and the unsure rate, come from the times and counts
the action server keeps on each introduction (``bot/conversation/turns.py``). Calendar weeks and months, and in
hours or out of hours (``bot/hours.py``: opening times and bank holidays), are in London time:
the database counts into London weeks, months and opening hours worked out here, because
SQLite has no time zones.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import DateTime, bindparam, text
from sqlalchemy.engine import Connection

from bot.hours import LONDON, HubHours
from bot.hub.queue import CHANNELS, OUTCOMES, REASONS
from bot.insights import categories as cat
from bot.insights.suppression import suppress
from bot.store.db import get_engine

ABANDONED_AFTER = timedelta(hours=24)
STEP_LABELS = {
    "introducer": "Who the introduction is for (nothing after)",
    "story": "What's been going on",
    "what_matters": "What matters to them",
    "strengths": "What they enjoy or are good at",
    "connections": "Who is around them",
    "offers": "Offers shown",
}
STATUS_LABELS = {"waiting": "Still waiting", "claimed": "With a worker", "handed_back": "Handed back to the assistant"}
NOT_RECORDED = {
    "before_first_message": "Introductions kept before the first message's time was recorded (December 2026) "
                            "have no first message time or message counts, so they are left out of the time "
                            "from first message and of the unsure rate.",
}


@dataclass
class Figures:
    """Everything the page, the CSV and ``bot insights`` show for one period."""

    start: date
    end: date
    introductions: int = 0
    completed: int = 0
    per_month: list[tuple[str, int]] = field(default_factory=list)
    per_week: list[tuple[str, int]] = field(default_factory=list)
    introduced_by: dict[str, int] = field(default_factory=dict)
    channel: dict[str, int] = field(default_factory=dict)
    hours: dict[str, int] = field(default_factory=dict)
    needs: dict[str, int] = field(default_factory=dict)
    strengths: dict[str, int] = field(default_factory=dict)
    offers_shown: dict[str, int] = field(default_factory=dict)
    offers_chosen: dict[str, int] = field(default_factory=dict)
    shown_any_offer: int = 0
    chose_an_offer: int = 0
    handoffs: int = 0
    handoff_reasons: dict[str, int] = field(default_factory=dict)
    handoff_outcomes: dict[str, int] = field(default_factory=dict)
    wait_minutes: dict[str, float | int | None] = field(default_factory=dict)
    first_contact_minutes: dict[str, float | int | None] = field(default_factory=dict)
    unsure: dict[str, float | int | None] = field(default_factory=dict)
    risk_escalations: dict[str, int] = field(default_factory=dict)
    abandoned: dict[str, int] = field(default_factory=dict)
    equalities: dict[str, dict[str, Any]] = field(default_factory=dict)
    wellbeing: dict[str, Any] = field(default_factory=dict)
    not_recorded: dict[str, str] = field(default_factory=lambda: dict(NOT_RECORDED))

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        data["per_month"] = [list(p) for p in self.per_month]
        data["per_week"] = [list(p) for p in self.per_week]
        return data


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period as stored (naive UTC): London midnight of ``start`` to London midnight after ``end``."""
    def utc(day: date) -> datetime:
        return datetime.combine(day, time(0), LONDON).astimezone(timezone.utc).replace(tzinfo=None)
    return utc(start), utc(end + timedelta(days=1))


def percentile(sorted_values: list[float], share: float) -> float | None:
    """Linear interpolation between closest ranks (as numpy's default and PostgreSQL's percentile_cont)."""
    if not sorted_values:
        return None
    position = share * (len(sorted_values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


class _Sql:
    """The few expressions that differ between SQLite and PostgreSQL."""

    def __init__(self, dialect: str) -> None:
        self.pg = dialect == "postgresql"

    def seconds(self, a: str, b: str) -> str:
        return f"EXTRACT(EPOCH FROM ({b} - {a}))" if self.pg else f"((julianday({b}) - julianday({a})) * 86400.0)"

    def each_text(self, column: str) -> str:
        return f"json_array_elements_text({column}) AS j(value)" if self.pg else f"json_each({column}) AS j"

    def each_name(self, column: str) -> tuple[str, str]:
        if self.pg:
            return f"json_array_elements({column}) AS j(value)", "j.value->>'name'"
        return f"json_each({column}) AS j", "json_extract(j.value, '$.name')"


def _query(conn: Connection, sql: str, **params: Any) -> list[Any]:
    statement = text(sql)
    for name, value in params.items():
        if isinstance(value, datetime):
            statement = statement.bindparams(bindparam(name, type_=DateTime()))
    return list(conn.execute(statement, params))


INTRO_IN = "i.consent AND i.created_at >= :start AND i.created_at < :end"
HANDOFF_IN = "h.created_at >= :start AND h.created_at < :end"


def compute(url: str, start: date, end: date, *, as_of: datetime | None = None,
            hours: HubHours | None = None) -> Figures:
    """Count every figure for the period ``start`` to ``end`` (London dates, inclusive).

    ``as_of`` (naive UTC, default now) decides which unfinished introductions count as
    abandoned: those untouched for 24 hours by then.
    """
    hours = hours or HubHours.load()
    as_of = as_of or datetime.now(timezone.utc).replace(tzinfo=None)
    lo, hi = bounds(start, end)
    engine = get_engine(url)
    sql = _Sql(engine.dialect.name)
    fig = Figures(start, end)
    p = {"start": lo, "end": hi}
    with engine.connect() as conn:
        total, completed = _query(conn, "SELECT COUNT(*), SUM(CASE WHEN i.status = 'complete' THEN 1 ELSE 0 END) "
                                        f"FROM introductions i WHERE {INTRO_IN}", **p)[0]
        fig.introductions, fig.completed = int(total or 0), int(completed or 0)
        _calendar(conn, fig, start, end, hours)
        fig.introduced_by = _counts(conn, f"SELECT i.introduced_by, COUNT(*) FROM introductions i WHERE {INTRO_IN} "
                                          "GROUP BY i.introduced_by", p)
        fig.channel = _merge(_counts(conn, f"SELECT i.channel, COUNT(*) FROM introductions i WHERE {INTRO_IN} "
                                           "GROUP BY i.channel", p), CHANNELS)
        fig.needs = _counts(conn, f"SELECT j.value, COUNT(DISTINCT i.id) FROM introductions i, "
                                  f"{sql.each_text('i.needs')} WHERE {INTRO_IN} GROUP BY j.value", p)
        fig.strengths = _counts(conn, f"SELECT j.value, COUNT(DISTINCT i.id) FROM introductions i, "
                                      f"{sql.each_text('i.strengths')} WHERE {INTRO_IN} GROUP BY j.value", p)
        source, name = sql.each_name("i.offers_given")
        fig.offers_shown = _counts(conn, f"SELECT {name} AS n, COUNT(DISTINCT i.id) FROM introductions i, {source} "
                                         f"WHERE {INTRO_IN} GROUP BY n", p)
        fig.offers_chosen = _counts(conn, f"SELECT i.offer_chosen, COUNT(*) FROM introductions i WHERE {INTRO_IN} "
                                          "AND i.offer_chosen IS NOT NULL GROUP BY i.offer_chosen", p)
        shown, chose = _query(conn, "SELECT SUM(CASE WHEN json_array_length(i.offers_given) > 0 THEN 1 ELSE 0 END), "
                                    "SUM(CASE WHEN i.offer_chosen IS NOT NULL THEN 1 ELSE 0 END) "
                                    f"FROM introductions i WHERE {INTRO_IN}", **p)[0]
        fig.shown_any_offer, fig.chose_an_offer = int(shown or 0), int(chose or 0)
        fig.abandoned = _abandoned(conn, p, as_of)
        _handoffs(conn, sql, fig, p, hours)
        fig.first_contact_minutes = _first_contact(conn, sql, p)
        fig.unsure = _unsure(conn, p)
        fig.equalities = _equalities(conn, p)
        fig.wellbeing = _wellbeing(conn, p)
    return fig


def _counts(conn: Connection, statement: str, params: dict[str, Any]) -> dict[str, int]:
    rows = _query(conn, statement, **params)
    return dict(sorted(((str(k), int(v)) for k, v in rows if k is not None), key=lambda kv: (-kv[1], kv[0])))


def _merge(raw: dict[str, int], labels: dict[str, str]) -> dict[str, int]:
    merged: Counter[str] = Counter()
    for key, value in raw.items():
        merged[labels.get(key, key)] += value
    return dict(sorted(merged.items(), key=lambda kv: (-kv[1], kv[0])))


def _utc(local: datetime) -> datetime:
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _midnight(day: date) -> datetime:
    return _utc(datetime.combine(day, time(0), LONDON))


def _span_cte(spans: list[tuple[str, datetime, datetime]]) -> tuple[str, dict[str, Any]]:
    """A ``span(label, s, e)`` table of labelled time spans (naive UTC) for one query."""
    values = ", ".join(f"(:l{k}, :s{k}, :e{k})" for k in range(len(spans)))
    params: dict[str, Any] = {}
    for k, (label, lo, hi) in enumerate(spans):
        params.update({f"l{k}": label, f"s{k}": lo, f"e{k}": hi})
    return f"WITH span(label, s, e) AS (VALUES {values}) ", params


def _spans(conn: Connection, spans: list[tuple[str, datetime, datetime]]) -> dict[str, int]:
    """Introductions counted into labelled time spans (naive UTC), one grouped query.

    The spans are London weeks, months or opening hours worked out here, so the database
    groups exactly by London time although SQLite knows no time zones.
    """
    if not spans:
        return {}
    cte, params = _span_cte(spans)
    rows = _query(conn, f"{cte}SELECT span.label, COUNT(i.id) FROM span "
                        "JOIN introductions i ON i.created_at >= span.s AND i.created_at < span.e AND i.consent "
                        "GROUP BY span.label", **params)
    return {str(label): int(n) for label, n in rows}


def _open_spans(start: date, end: date, hours: HubHours) -> list[tuple[str, datetime, datetime]]:
    """The Hub's opening hours in the period, as UTC spans labelled "open"."""
    out = []
    day = start
    while day <= end:
        if not hours.is_closed_day(day):
            opens, closes = hours.opening[day.weekday()]
            out.append(("open", _utc(datetime.combine(day, opens, LONDON)),
                        _utc(datetime.combine(day, closes, LONDON))))
        day += timedelta(days=1)
    return out


def _calendar(conn: Connection, fig: Figures, start: date, end: date, hours: HubHours) -> None:
    """Per London week and month, and in or out of Hub hours (opening times, bank holidays)."""
    lo, hi = bounds(start, end)
    weeks, months = [], []
    monday = start - timedelta(days=start.weekday())
    while monday <= end:
        weeks.append((monday.isoformat(), max(lo, _midnight(monday)), min(hi, _midnight(monday + timedelta(days=7)))))
        monday += timedelta(days=7)
    first = start.replace(day=1)
    while first <= end:
        following = (first + timedelta(days=32)).replace(day=1)
        months.append((first.strftime("%Y-%m"), max(lo, _midnight(first)), min(hi, _midnight(following))))
        first = following
    fig.per_week = [(w, n) for w, n in sorted(_spans(conn, weeks).items()) if n]
    fig.per_month = [(m, n) for m, n in sorted(_spans(conn, months).items()) if n]
    in_hours = _spans(conn, _open_spans(start, end, hours)).get("open", 0)
    fig.hours = {"In Hub hours": in_hours, "Out of hours": fig.introductions - in_hours}


_STEP_CASE = """CASE
  WHEN json_array_length(i.offers_given) > 0 THEN 'offers'
  WHEN i.connections IS NOT NULL THEN 'connections'
  WHEN i.strengths_text IS NOT NULL OR json_array_length(i.strengths) > 0 THEN 'strengths'
  WHEN i.what_matters IS NOT NULL THEN 'what_matters'
  WHEN i.story IS NOT NULL OR json_array_length(i.needs) > 0 THEN 'story'
  ELSE 'introducer' END"""


def _abandoned(conn: Connection, params: dict[str, Any], as_of: datetime) -> dict[str, int]:
    """Unfinished introductions untouched for a day, by the furthest question with an answer kept."""
    rows = _query(conn, f"SELECT {_STEP_CASE} AS step, COUNT(*) FROM introductions i WHERE {INTRO_IN} "
                        "AND i.status = 'in_progress' AND i.updated_at < :cutoff GROUP BY step",
                  cutoff=as_of - ABANDONED_AFTER, **params)
    found = {str(k): int(v) for k, v in rows}
    return {step: found.get(step, 0) for step in STEP_LABELS}


def _handoffs(conn: Connection, sql: _Sql, fig: Figures, p: dict[str, Any], hours: HubHours) -> None:
    fig.handoff_reasons = _counts(conn, f"SELECT h.reason, COUNT(*) FROM handoffs h WHERE {HANDOFF_IN} "
                                        "GROUP BY h.reason", p)
    fig.handoffs = sum(fig.handoff_reasons.values())
    outcomes: Counter[str] = Counter()
    for status, outcome, count in _query(conn, f"SELECT h.status, h.outcome, COUNT(*) FROM handoffs h "
                                               f"WHERE {HANDOFF_IN} GROUP BY h.status, h.outcome", **p):
        key = (outcome or "closed_without_outcome") if status == "closed" else status
        outcomes[key] += int(count)
    fig.handoff_outcomes = dict(sorted(outcomes.items(), key=lambda kv: (-kv[1], kv[0])))
    risk = _counts(conn, f"SELECT h.risk_level, COUNT(*) FROM handoffs h WHERE {HANDOFF_IN} AND h.reason = 'risk' "
                         "GROUP BY h.risk_level", p)
    urgent = _query(conn, f"SELECT COUNT(*) FROM handoffs h WHERE {HANDOFF_IN} AND h.urgent", **p)[0][0]
    fig.risk_escalations = {"all": sum(risk.values()), "high": risk.get("high", 0),
                            "possible": risk.get("possible", 0), "urgent_handoffs": int(urgent or 0)}
    fig.wait_minutes = {}
    spans = _open_spans(fig.start, fig.end, hours)
    for prefix, where in (("", ""), ("in_hours_", "AND EXISTS"), ("out_of_hours_", "AND NOT EXISTS")):
        fig.wait_minutes.update({prefix + k: v for k, v in _waits(conn, sql, p, where, spans).items()})


def _waits(conn: Connection, sql: _Sql, p: dict[str, Any], within: str,
           spans: list[tuple[str, datetime, datetime]]) -> dict[str, Any]:
    """Picked-up handoffs and their waits' median and 90th percentile, in minutes.

    ``within`` ("AND EXISTS" or "AND NOT EXISTS") keeps handoffs asked for in (or out of) Hub hours.
    """
    seconds = sql.seconds("h.created_at", "h.claimed_at")
    cte, params = "", dict(p)
    claimed = f"{HANDOFF_IN} AND h.claimed_at IS NOT NULL"
    if within:
        cte, span_params = _span_cte(spans or [("open", datetime(1970, 1, 1), datetime(1970, 1, 1))])
        params.update(span_params)
        claimed += f" {within} (SELECT 1 FROM span WHERE h.created_at >= span.s AND h.created_at < span.e)"
    n = int(_query(conn, f"{cte}SELECT COUNT(*) FROM handoffs h WHERE {claimed}", **params)[0][0] or 0)
    median, p90 = _median_p90(conn, n, f"{cte}SELECT rn, secs FROM (SELECT {seconds} AS secs, ROW_NUMBER() OVER "
                                       f"(ORDER BY {seconds}, h.id) AS rn FROM handoffs h WHERE {claimed}) ranked",
                              params)
    return {"picked_up": n, "median": median, "p90": p90}


def _median_p90(conn: Connection, n: int, ranked: str, params: dict[str, Any]) -> tuple[float | None, float | None]:
    """Median and 90th percentile in minutes of ``ranked`` (rows ``rn, secs``, ``n`` of them).

    Only the rows either side of each percentile's position leave the database.
    """
    if not n:
        return None, None
    ranks = sorted({math.floor(s * (n - 1)) + 1 for s in (0.5, 0.9)} | {math.ceil(s * (n - 1)) + 1 for s in (0.5, 0.9)})
    marks = ", ".join(f":r{k}" for k in range(len(ranks)))
    rows = _query(conn, f"{ranked} WHERE rn IN ({marks})", **params, **{f"r{k}": r for k, r in enumerate(ranks)})
    at = {int(rn): float(secs) for rn, secs in rows}
    out = []
    for share in (0.5, 0.9):
        position = share * (n - 1)
        low, high = at[math.floor(position) + 1], at[math.ceil(position) + 1]
        out.append(round((low + (high - low) * (position - math.floor(position))) / 60.0, 1))
    return out[0], out[1]


# Each introduction in the period with its first message's time, and the first time a worker
# picked up a handoff of that person's made after that message and before their next
# introduction began (a person who comes back starts a new introduction).
_FIRST_CONTACT = f"""SELECT i.id AS iid, i.first_message_at AS f, MIN(h.claimed_at) AS c
FROM introductions i JOIN handoffs h ON h.sender_id = i.sender_id AND h.claimed_at IS NOT NULL
  AND h.created_at >= i.first_message_at
  AND NOT EXISTS (SELECT 1 FROM introductions n WHERE n.sender_id = i.sender_id
                  AND n.first_message_at > i.first_message_at AND n.first_message_at <= h.created_at)
WHERE {INTRO_IN} AND i.first_message_at IS NOT NULL
GROUP BY i.id, i.first_message_at"""


def _first_contact(conn: Connection, sql: _Sql, p: dict[str, Any]) -> dict[str, Any]:
    """Time from a person's first message to a worker picking them up, median and 90th percentile.

    Counted per introduction in the period that reached a worker; ``not_recorded`` is how many
    introductions in the period have no first message time (kept before it was recorded).
    """
    seconds = sql.seconds("fc.f", "fc.c")
    n = int(_query(conn, f"WITH fc AS ({_FIRST_CONTACT}) SELECT COUNT(*) FROM fc", **p)[0][0] or 0)
    median, p90 = _median_p90(conn, n, f"WITH fc AS ({_FIRST_CONTACT}) SELECT rn, secs FROM (SELECT {seconds} "
                                       f"AS secs, ROW_NUMBER() OVER (ORDER BY {seconds}, fc.iid) AS rn FROM fc) ranked",
                              p)
    missing = _query(conn, f"SELECT COUNT(*) FROM introductions i WHERE {INTRO_IN} AND i.first_message_at IS NULL",
                     **p)[0][0]
    return {"contacted": n, "median": median, "p90": p90, "not_recorded": int(missing or 0)}


def _unsure(conn: Connection, p: dict[str, Any]) -> dict[str, Any]:
    """The share of people's messages (in words) the assistant was unsure about, in the period."""
    counted, messages, unsure = _query(conn, "SELECT COUNT(*), SUM(i.messages), SUM(i.unsure_messages) "
                                             f"FROM introductions i WHERE {INTRO_IN} AND i.messages IS NOT NULL",
                                       **p)[0]
    messages, unsure = int(messages or 0), int(unsure or 0)
    return {"introductions": int(counted or 0), "messages": messages, "unsure": unsure,
            "rate_percent": round(100.0 * unsure / messages, 1) if messages else None}


_ANSWERS = ("age_band", "ethnicity", "gender", "disability", "first_language")
_EQUALITIES_SQL = ("SELECT " + ", ".join(f"a.{c}" for c in _ANSWERS)
                   + ", CASE WHEN a.id IS NULL THEN 1 ELSE 0 END AS not_asked, i.introduced_by, i.channel, COUNT(*) "
                   "FROM introductions i "
                   "LEFT JOIN (SELECT introduction_id, MAX(id) AS latest FROM about_you GROUP BY introduction_id) l "
                   "ON l.introduction_id = i.id LEFT JOIN about_you a ON a.id = l.latest "
                   f"WHERE {INTRO_IN} GROUP BY " + ", ".join(f"a.{c}" for c in _ANSWERS)
                   + ", not_asked, i.introduced_by, i.channel")


def _equalities(conn: Connection, p: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each equalities question against who introduced and channel, suppressed for display.

    Rows are the answers plus "rather not say" and "not asked", so each table's total is
    every introduction in the period: a published figure, which is why secondary
    suppression matters. One grouped query (the latest answers of each introduction) feeds
    every table.
    """
    grouped = _query(conn, _EQUALITIES_SQL, **p)
    out: dict[str, dict[str, Any]] = {}
    who_columns = ["self", "someone_else"]
    for dimension, (title, column, codes) in cat.DIMENSIONS.items():
        position = _ANSWERS.index(column)
        rows = list(codes) + [cat.NOT_SAID, cat.NOT_ASKED]
        by_who: dict[str, Counter[str]] = defaultdict(Counter)
        by_channel: dict[str, Counter[str]] = defaultdict(Counter)
        for row in grouped:
            not_asked, introduced_by, channel, count = row[len(_ANSWERS):]
            code = cat.NOT_ASKED if not_asked else cat.dimension_code(dimension, row[position])
            by_who[code][introduced_by] += int(count)
            by_channel[code][CHANNELS.get(channel, channel)] += int(count)
        channels = sorted({c for counter in by_channel.values() for c in counter})  # those in use
        labels = [cat.label(dimension, code) for code in rows]
        out[dimension] = {
            "title": title,
            "by_who": suppress(labels, ["Self-introduction", "Introduced by someone else"],
                               [[by_who[r][c] for c in who_columns] for r in rows]).as_dict(),
            "by_channel": suppress(labels, channels, [[by_channel[r][c] for c in channels] for r in rows]).as_dict(),
        }
    return out


_WELLBEING_COLUMNS = tuple(cat.WELLBEING)


def _wellbeing(conn: Connection, p: dict[str, Any]) -> dict[str, Any]:
    """Average ONS4 answers in the period, and the change for people who answered more than once.

    Any average from fewer than 5 people is hidden (``None``).
    """
    averages: dict[str, Any] = {}
    select_avgs = ", ".join(f"AVG(a.{c} * 1.0), COUNT(a.{c})" for c in _WELLBEING_COLUMNS)
    row = _query(conn, f"SELECT {select_avgs} FROM about_you a WHERE a.asked_at >= :start AND a.asked_at < :end",
                 **p)[0]
    for k, column in enumerate(_WELLBEING_COLUMNS):
        mean, n = row[2 * k], int(row[2 * k + 1] or 0)
        averages[column] = {"people": n if n >= 5 else None, "mean": round(float(mean), 2) if n >= 5 else None}
    ranked = ("SELECT i.sender_id AS person, a.asked_at, "
              + ", ".join(f"a.{c}" for c in _WELLBEING_COLUMNS)
              + ", ROW_NUMBER() OVER (PARTITION BY i.sender_id ORDER BY a.asked_at, a.id) AS first_rank, "
              "ROW_NUMBER() OVER (PARTITION BY i.sender_id ORDER BY a.asked_at DESC, a.id DESC) AS last_rank, "
              "COUNT(*) OVER (PARTITION BY i.sender_id) AS answers "
              "FROM about_you a JOIN introductions i ON i.id = a.introduction_id WHERE a.asked_at < :end")
    changes = ", ".join(f"AVG((l.{c} - f.{c}) * 1.0), COUNT(l.{c} - f.{c})" for c in _WELLBEING_COLUMNS)
    row = _query(conn, f"WITH r AS ({ranked}) SELECT COUNT(*), {changes} FROM r f JOIN r l "
                       "ON l.person = f.person AND l.last_rank = 1 AND f.first_rank = 1 "
                       "WHERE f.answers > 1 AND l.asked_at >= :start", **p)[0]
    returning = int(row[0] or 0)
    change: dict[str, Any] = {}
    for k, column in enumerate(_WELLBEING_COLUMNS):
        mean, n = row[1 + 2 * k], int(row[2 + 2 * k] or 0)
        change[column] = {"people": n if n >= 5 else None, "mean_change": round(float(mean), 2) if n >= 5 else None}
    return {"averages": averages, "returning_people": returning if returning >= 5 else None, "change": change}


def labels_for(section: str) -> dict[str, str]:
    """Plain words for the codes a section holds (for the page and the CSV)."""
    from bot.taxonomy import NEEDS, STRENGTHS

    return {"needs": NEEDS, "strengths": STRENGTHS, "introduced_by": {"self": "Self-introduction",
            "someone_else": "Introduced by someone else"}, "handoff_reasons": REASONS,
            "handoff_outcomes": {**OUTCOMES, **STATUS_LABELS, "closed_without_outcome": "Closed, no outcome"},
            "abandoned": STEP_LABELS}.get(section, {})
