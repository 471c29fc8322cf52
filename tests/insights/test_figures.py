"""Every figure of a known synthetic month against values worked out here, row by row in Python.

The expected values read the rows through the ORM and count them with plain Python (London
dates via zoneinfo, opening hours via HubHours.is_open, percentiles via numpy), so a wrong
GROUP BY, join, time zone or percentile in ``bot.insights.figures`` shows up as a difference.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import numpy
import pytest
from sqlalchemy import select

from bot.hours import LONDON, HubHours
from bot.hub.queue import CHANNELS
from bot.insights import categories as cat
from bot.insights.export import SUPPRESSED, csv_text, rows
from bot.insights.figures import compute, labels_for
from bot.insights.models import AboutYou
from bot.store.db import session_scope
from bot.store.models import Handoff, Introduction
from tests.insights.conftest import MONTH

END = date(2026, 3, 31)
AS_OF = datetime(2026, 6, 1)


def _london(at: datetime) -> datetime:
    return at.replace(tzinfo=timezone.utc).astimezone(LONDON)


def _in_period(at: datetime) -> bool:
    return MONTH <= _london(at).date() <= END


@pytest.fixture(scope="module")
def world(month_db: str) -> dict:
    with session_scope(month_db) as session:
        intros = [i for i in session.execute(select(Introduction)).scalars() if _in_period(i.created_at)]
        handoffs = [h for h in session.execute(select(Handoff)).scalars() if _in_period(h.created_at)]
        abouts = list(session.execute(select(AboutYou)).scalars())
        senders = {i.id: i.sender_id for i in session.execute(select(Introduction)).scalars()}
        every_intro = list(session.execute(select(Introduction)).scalars())
        every_handoff = list(session.execute(select(Handoff)).scalars())
    return {"url": month_db, "intros": intros, "handoffs": handoffs, "abouts": abouts, "senders": senders,
            "every_intro": every_intro, "every_handoff": every_handoff,
            "fig": compute(month_db, MONTH, END, as_of=AS_OF)}


def test_the_month_is_big_enough_to_mean_something(world):
    assert len(world["intros"]) > 300 and len(world["handoffs"]) > 100 and len(world["abouts"]) > 100


def test_introductions_by_month_week_who_channel_and_hours(world):
    fig, intros = world["fig"], world["intros"]
    hours = HubHours.load()
    assert fig.introductions == len(intros)
    assert fig.completed == sum(i.status == "complete" for i in intros)
    assert dict(fig.per_month) == dict(Counter(_london(i.created_at).strftime("%Y-%m") for i in intros))
    weeks = Counter((_london(i.created_at).date() - timedelta(days=_london(i.created_at).weekday())).isoformat()
                    for i in intros)
    assert dict(fig.per_week) == dict(weeks) and len(weeks) >= 5
    assert fig.introduced_by == dict(Counter(i.introduced_by for i in intros))
    assert fig.channel == dict(Counter(CHANNELS.get(i.channel, i.channel) for i in intros))
    in_hours = sum(hours.is_open(_london(i.created_at)) for i in intros)
    assert fig.hours == {"In Hub hours": in_hours, "Out of hours": len(intros) - in_hours}
    assert 0 < in_hours < len(intros)


def test_needs_strengths_and_offers(world):
    fig, intros = world["fig"], world["intros"]
    assert fig.needs == dict(Counter(n for i in intros for n in set(i.needs or [])))
    assert fig.strengths == dict(Counter(s for i in intros for s in set(i.strengths or [])))
    assert fig.offers_shown == dict(Counter(n for i in intros for n in {o["name"] for o in i.offers_given or []}))
    assert fig.offers_chosen == dict(Counter(i.offer_chosen for i in intros if i.offer_chosen))
    assert fig.shown_any_offer == sum(bool(i.offers_given) for i in intros)
    assert fig.chose_an_offer == sum(i.offer_chosen is not None for i in intros)


def _step(i: Introduction) -> str:
    if i.offers_given:
        return "offers"
    if i.connections is not None:
        return "connections"
    if i.strengths_text is not None or i.strengths:
        return "strengths"
    if i.what_matters is not None:
        return "what_matters"
    if i.story is not None or i.needs:
        return "story"
    return "introducer"


def test_abandoned_introductions_by_step(world):
    fig, intros = world["fig"], world["intros"]
    expected = Counter(_step(i) for i in intros
                       if i.status == "in_progress" and i.updated_at < AS_OF - timedelta(hours=24))
    assert fig.abandoned == {step: expected.get(step, 0) for step in fig.abandoned}
    assert sum(fig.abandoned.values()) == sum(i.status == "in_progress" for i in intros) > 0


def test_nothing_counts_as_abandoned_while_it_may_still_go_on(world):
    last = max(i.updated_at for i in world["intros"] if i.status == "in_progress")
    fig = compute(world["url"], MONTH, END, as_of=last + timedelta(hours=1))
    assert sum(fig.abandoned.values()) == sum(i.status == "in_progress" and i.updated_at < last - timedelta(hours=23)
                                              for i in world["intros"])


def test_handoffs_outcomes_risk_and_waits(world):
    fig, handoffs = world["fig"], world["handoffs"]
    assert fig.handoffs == len(handoffs)
    assert fig.handoff_reasons == dict(Counter(h.reason for h in handoffs))
    outcomes = Counter((h.outcome or "closed_without_outcome") if h.status == "closed" else h.status for h in handoffs)
    assert fig.handoff_outcomes == dict(outcomes)
    risk = [h for h in handoffs if h.reason == "risk"]
    assert fig.risk_escalations == {"all": len(risk), "high": sum(h.risk_level == "high" for h in risk),
                                    "possible": sum(h.risk_level == "possible" for h in risk),
                                    "urgent_handoffs": sum(bool(h.urgent) for h in handoffs)}
    hours = HubHours.load()
    picked = [h for h in handoffs if h.claimed_at]
    for prefix, keep in (("", lambda h: True), ("in_hours_", lambda h: hours.is_open(_london(h.created_at))),
                         ("out_of_hours_", lambda h: not hours.is_open(_london(h.created_at)))):
        waits = [(h.claimed_at - h.created_at).total_seconds() / 60 for h in picked if keep(h)]
        assert len(waits) > 10, prefix
        assert fig.wait_minutes[prefix + "picked_up"] == len(waits)
        assert fig.wait_minutes[prefix + "median"] == pytest.approx(float(numpy.percentile(waits, 50)), abs=0.06)
        assert fig.wait_minutes[prefix + "p90"] == pytest.approx(float(numpy.percentile(waits, 90)), abs=0.06)
        assert fig.wait_minutes[prefix + "p90"] > fig.wait_minutes[prefix + "median"] > 0
    assert fig.wait_minutes["in_hours_median"] < fig.wait_minutes["out_of_hours_median"]


def first_contact_waits(intros, every_intro, every_handoff) -> list[float]:
    """Minutes from each introduction's first message to the first pick-up of a handoff of that
    person's made after it and before their next introduction began."""
    waits = []
    for i in intros:
        if i.first_message_at is None:
            continue
        later = [n.first_message_at for n in every_intro if n.sender_id == i.sender_id
                 and n.first_message_at is not None and n.first_message_at > i.first_message_at]
        picked = [h.claimed_at for h in every_handoff if h.sender_id == i.sender_id and h.claimed_at is not None
                  and h.created_at >= i.first_message_at and not any(t <= h.created_at for t in later)]
        if picked:
            waits.append((min(picked) - i.first_message_at).total_seconds() / 60)
    return waits


def test_time_from_first_message_to_a_human_contact_and_the_unsure_rate(world):
    fig, intros = world["fig"], world["intros"]
    waits = first_contact_waits(intros, world["every_intro"], world["every_handoff"])
    assert len(waits) > 100
    first = fig.first_contact_minutes
    assert first["contacted"] == len(waits)
    assert first["median"] == pytest.approx(float(numpy.percentile(waits, 50)), abs=0.06)
    assert first["p90"] == pytest.approx(float(numpy.percentile(waits, 90)), abs=0.06)
    assert first["not_recorded"] == sum(i.first_message_at is None for i in intros) > 0
    # The first message comes before the handoff, so this wait is longer than the handoff's own.
    assert first["median"] > fig.wait_minutes["median"]
    counted = [i for i in intros if i.messages is not None]
    messages, unsure = sum(i.messages for i in counted), sum(i.unsure_messages for i in counted)
    assert fig.unsure == {"introductions": len(counted), "messages": messages, "unsure": unsure,
                          "rate_percent": round(100.0 * unsure / messages, 1)}
    assert 0 < unsure < messages


def _latest_about(world) -> dict[int, AboutYou]:
    latest: dict[int, AboutYou] = {}
    for a in world["abouts"]:
        if a.introduction_id not in latest or a.id > latest[a.introduction_id].id:
            latest[a.introduction_id] = a
    return latest


def test_equalities_tables_match_the_answers_and_hide_small_cells(world):
    fig, intros = world["fig"], world["intros"]
    latest = _latest_about(world)
    for dimension, (_, column, codes) in cat.DIMENSIONS.items():
        codes_in_order = list(codes) + [cat.NOT_SAID, cat.NOT_ASKED]
        raw: Counter[tuple[str, str]] = Counter()
        for i in intros:
            answer = latest.get(i.id)
            code = cat.NOT_ASKED if answer is None else cat.dimension_code(dimension, getattr(answer, column))
            raw[(code, i.introduced_by)] += 1
        table = fig.equalities[dimension]["by_who"]
        assert table["rows"] == [cat.label(dimension, c) for c in codes_in_order]
        for r, code in enumerate(codes_in_order):
            for c, who in enumerate(("self", "someone_else")):
                shown = table["cells"][r][c]
                if raw[(code, who)] < 5:
                    assert shown is None, (dimension, code, who)
                assert shown is None or shown == raw[(code, who)]
            row_total = raw[(code, "self")] + raw[(code, "someone_else")]
            assert table["row_totals"][r] in (None, row_total)
        assert table["total"] == len(intros)
        channel_table = fig.equalities[dimension]["by_channel"]
        assert channel_table["total"] == len(intros)
        for c, channel in enumerate(channel_table["columns"]):
            expected = sum(CHANNELS.get(i.channel, i.channel) == channel for i in intros)
            assert channel_table["column_totals"][c] in (None, expected)


def test_wellbeing_averages_and_change_for_people_who_came_back(world):
    fig = world["fig"]
    in_period = [a for a in world["abouts"] if _in_period(a.asked_at)]
    for key in cat.WELLBEING:
        values = [getattr(a, key) for a in in_period if getattr(a, key) is not None]
        assert fig.wellbeing["averages"][key]["people"] == len(values)
        assert fig.wellbeing["averages"][key]["mean"] == pytest.approx(sum(values) / len(values), abs=0.006)
    by_person: dict[str, list[AboutYou]] = {}
    for a in sorted(world["abouts"], key=lambda a: (a.asked_at, a.id)):
        by_person.setdefault(world["senders"][a.introduction_id], []).append(a)
    returners = [answers for answers in by_person.values() if len(answers) > 1 and _in_period(answers[-1].asked_at)]
    shown = fig.wellbeing["returning_people"]
    assert shown == (len(returners) if len(returners) >= 5 else None)


def test_a_twelve_month_history_shows_change_for_people_who_came_back(tmp_path):
    from bot.insights.synthetic import generate
    from bot.store.db import migrate

    url = f"sqlite:///{tmp_path / 'year.db'}"
    migrate(url)
    generate(url, start=date(2025, 4, 1), months=12, per_month=120, seed=7)
    start, end = date(2025, 10, 1), date(2026, 3, 31)
    fig = compute(url, start, end, as_of=AS_OF)
    with session_scope(url) as session:
        senders = {i.id: i.sender_id for i in session.execute(select(Introduction)).scalars()}
        answers = sorted(session.execute(select(AboutYou)).scalars(), key=lambda a: (a.asked_at, a.id))
    by_person: dict[str, list[AboutYou]] = {}
    for a in answers:
        if _london(a.asked_at).date() <= end:
            by_person.setdefault(senders[a.introduction_id], []).append(a)
    returners = [x for x in by_person.values() if len(x) > 1 and _london(x[-1].asked_at).date() >= start]
    assert fig.wellbeing["returning_people"] == len(returners) >= 5
    for key in cat.WELLBEING:
        diffs = [getattr(x[-1], key) - getattr(x[0], key) for x in returners
                 if getattr(x[-1], key) is not None and getattr(x[0], key) is not None]
        change = fig.wellbeing["change"][key]
        if len(diffs) >= 5:
            assert change == {"people": len(diffs), "mean_change": pytest.approx(sum(diffs) / len(diffs), abs=0.006)}
        else:
            assert change == {"people": None, "mean_change": None}
    # The generator makes people who come back a little better on average.
    assert fig.wellbeing["change"]["worthwhile"]["mean_change"] > 0


def test_csv_holds_every_figure_of_the_period(world):
    fig = world["fig"]
    parsed = list(csv.reader(io.StringIO(csv_text([fig]))))
    assert parsed[0] == ["section", "item", "2026-03-01 to 2026-03-31"]
    table = {(s, i): v for s, i, v in parsed[1:]}
    assert len(table) == len(parsed) - 1, "a (section, item) pair appears twice"
    intros, handoffs = world["intros"], world["handoffs"]
    assert table[("Summary", "Introductions")] == str(len(intros))
    assert table[("Summary", "Handoffs to the Hub")] == str(len(handoffs))
    assert table[("Introductions per month", "2026-03")] == str(len(intros))
    assert table[("Who introduced", "Self-introduction")] == str(sum(i.introduced_by == "self" for i in intros))
    needs = labels_for("needs")
    for code, n in Counter(n for i in intros for n in set(i.needs or [])).items():
        assert table[("Needs", needs[code])] == str(n)
    risk = [h for h in handoffs if h.reason == "risk"]
    assert table[("Risk escalations", "Handoffs for risk")] == str(len(risk))
    waits = [(h.claimed_at - h.created_at).total_seconds() / 60 for h in handoffs if h.claimed_at]
    median = float(table[("Wait for a worker (minutes)", "Median")])
    assert median == pytest.approx(numpy.percentile(waits, 50), abs=0.06)
    assert table[("Ethnic group by who introduced", "all / all")] == str(len(intros))
    section = "Time from first message to a human contact (minutes)"
    waits = first_contact_waits(intros, world["every_intro"], world["every_handoff"])
    assert table[(section, "Introductions that reached a worker")] == str(len(waits))
    assert float(table[(section, "90th percentile")]) == pytest.approx(numpy.percentile(waits, 90), abs=0.06)
    counted = [i for i in intros if i.messages is not None]
    rate = 100.0 * sum(i.unsure_messages for i in counted) / sum(i.messages for i in counted)
    assert float(table[("The assistant's unsure rate", "Unsure rate (percent)")]) == pytest.approx(rate, abs=0.051)
    assert table[("The assistant's unsure rate", "People's messages")] == str(sum(i.messages for i in counted))
    assert "not available" in table[("Not recorded", "before_first_message")]
    hidden = [v for (s, _), v in table.items() if s.endswith("by who introduced") and v == SUPPRESSED]
    assert hidden, "a month of 400 has small cells, and they must read as suppressed"
    assert all(v.isdigit() or v == SUPPRESSED for (s, _), v in table.items() if " by " in s and "Ethnic" in s)
    assert len(rows(fig)) == len(table)


def test_two_periods_side_by_side_in_one_csv(world):
    first = compute(world["url"], date(2026, 3, 1), date(2026, 3, 15), as_of=AS_OF)
    second = compute(world["url"], date(2026, 3, 16), date(2026, 3, 31), as_of=AS_OF)
    parsed = list(csv.reader(io.StringIO(csv_text([first, second]))))
    assert parsed[0][2:] == ["2026-03-01 to 2026-03-15", "2026-03-16 to 2026-03-31"]
    line = next(r for r in parsed if r[:2] == ["Summary", "Introductions"])
    assert int(line[2]) + int(line[3]) == len(world["intros"])
    assert int(line[2]) == sum(_london(i.created_at).date() <= date(2026, 3, 15) for i in world["intros"])
