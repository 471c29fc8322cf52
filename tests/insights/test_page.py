"""The insights page and its CSV in the real console: leads only, figures from the database."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

import numpy
import pytest
from sqlalchemy import select

from bot.hub.models import AuditEntry
from bot.store.db import session_scope
from bot.store.models import Handoff, Introduction
from tests.hub.support import Staff
from tests.insights.console import PERIODS, console_with_month
from tests.insights.test_figures import _london, first_contact_waits


@pytest.fixture(scope="module")
def console(tmp_path_factory) -> Iterator[tuple[str, str]]:
    with console_with_month(tmp_path_factory.mktemp("insights-page")) as (process, app_db):
        yield process.url, app_db


def _count(app_db: str, first: date, last: date) -> int:
    with session_scope(app_db) as session:
        return sum(first <= _london(i.created_at).date() <= last
                   for i in session.execute(select(Introduction)).scalars())


@pytest.mark.parametrize("role", ["insights_worker", "insights_coproduction"])
def test_other_roles_are_refused(console, role):
    url, _ = console
    staff = Staff(url)
    assert staff.login(role).status_code == 303
    assert staff.page("/insights").status_code == 403
    assert staff.page("/insights.csv").status_code == 403


def test_nobody_logged_in_is_sent_to_log_in(console):
    url, _ = console
    staff = Staff(url)
    assert staff.page("/insights").status_code == 303
    assert staff.page("/insights.csv").status_code == 303


def test_a_lead_sees_both_periods_with_charts_and_numbers(console):
    url, app_db = console
    staff = Staff(url)
    assert staff.login("insights_lead").status_code == 303
    page = staff.page("/insights?" + PERIODS)
    assert page.status_code == 200
    html = page.text
    a, b = _count(app_db, date(2026, 3, 16), date(2026, 3, 31)), _count(app_db, date(2026, 3, 1), date(2026, 3, 15))
    assert f"<th scope=\"row\">Introductions</th><td>{a}</td><td>{b}</td>" in html
    assert html.count("<svg") >= 10 and html.count("<title id=") == html.count("<svg")
    assert "Period A: 16 Mar 2026 to 31 Mar 2026" in html
    assert "Ethnic group by who introduced, period A" in html
    assert "left out of the time from first message and of the unsure rate" in html
    # The two figures made from the first message's time and the unsure counts, from the rows.
    with session_scope(app_db) as session:
        every_intro = list(session.execute(select(Introduction)).scalars())
        every_handoff = list(session.execute(select(Handoff)).scalars())
    in_a = [i for i in every_intro if date(2026, 3, 16) <= _london(i.created_at).date() <= date(2026, 3, 31)]
    in_b = [i for i in every_intro if date(2026, 3, 1) <= _london(i.created_at).date() <= date(2026, 3, 15)]
    waits = [first_contact_waits(part, every_intro, every_handoff) for part in (in_a, in_b)]
    assert ('<th scope="row">Introductions that reached a worker</th>'
            f"<td>{len(waits[0])}</td><td>{len(waits[1])}</td>") in html
    p90 = [round(float(numpy.percentile(w, 90)), 1) for w in waits]
    assert f'<th scope="row">90th percentile, minutes</th><td>{p90[0]}</td><td>{p90[1]}</td>' in html
    rates = []
    for part in (in_a, in_b):
        counted = [i for i in part if i.messages is not None]
        rates.append(round(100.0 * sum(i.unsure_messages for i in counted) / sum(i.messages for i in counted), 1))
    assert f'<th scope="row">Unsure rate, percent</th><td>{rates[0]}</td><td>{rates[1]}</td>' in html
    assert "<script" not in html.split("</head>")[1]  # the charts need no script
    with session_scope(app_db) as session:
        actions = [e.action for e in session.execute(select(AuditEntry)).scalars()]
    assert "view_insights" in actions


def test_the_csv_export_matches_the_database(console):
    url, app_db = console
    staff = Staff(url)
    staff.login("insights_lead")
    answer = staff.page("/insights.csv?" + PERIODS)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in answer.headers["Content-Disposition"]
    parsed = list(csv.reader(io.StringIO(answer.text)))
    assert parsed[0] == ["section", "item", "2026-03-16 to 2026-03-31", "2026-03-01 to 2026-03-15"]
    row = next(r for r in parsed if r[:2] == ["Summary", "Introductions"])
    assert row[2:] == [str(_count(app_db, date(2026, 3, 16), date(2026, 3, 31))),
                       str(_count(app_db, date(2026, 3, 1), date(2026, 3, 15)))]


def test_dates_that_do_not_work_are_refused_plainly(console):
    url, _ = console
    staff = Staff(url)
    staff.login("insights_lead")
    answer = staff.page("/insights?from=2026-03-31&to=2026-03-01")
    assert answer.status_code == 400 and "start on or before" in answer.text
    assert staff.page("/insights?from=yesterday").status_code == 400


def test_part_weeks_are_named_so_a_short_week_is_not_read_as_a_drop():
    from bot.insights.figures import Figures
    from bot.insights.page import part_weeks

    a = Figures(start=date(2026, 3, 16), end=date(2026, 3, 31),
                per_week=[("2026-03-16", 84), ("2026-03-23", 85), ("2026-03-30", 24)])
    b = Figures(start=date(2026, 3, 1), end=date(2026, 3, 15),
                per_week=[("2026-02-23", 10), ("2026-03-02", 86), ("2026-03-09", 81)])
    note = part_weeks([a, b], ["A", "B"])
    assert note == ("Part-weeks, counted only for the days inside the period: 2026-03-30 (2 days of A); "
                    "2026-02-23 (1 day of B).")
    whole = Figures(start=date(2026, 3, 2), end=date(2026, 3, 15), per_week=[("2026-03-02", 5), ("2026-03-09", 6)])
    assert part_weeks([whole], ["A"]) == ""
