"""What the insights page shows, built from two periods' figures (kept apart from the web code)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup

from bot.insights import charts
from bot.insights.categories import WELLBEING
from bot.insights.export import period_label
from bot.insights.figures import Figures, labels_for

MAX_DAYS = 731


class PeriodError(ValueError):
    """The dates asked for do not make a period."""


@dataclass
class Section:
    """One figure: a heading, a chart and the numbers for each period beside it."""

    id: str
    title: str
    labels: list[str]
    values: list[list[Any]]  # one list per period, aligned with labels
    chart: Markup | None = None
    note: str = ""
    extra: list[Markup] = field(default_factory=list)


def periods(query: dict[str, str], today: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """Period A and period B from the page's query (default: the last 28 days and the 28 before)."""
    def day(name: str) -> date | None:
        value = (query.get(name) or "").strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise PeriodError(f"{value!r} is not a date (use YYYY-MM-DD).") from error

    a_end = day("to") or today
    a_start = day("from") or a_end - timedelta(days=27)
    length = a_end - a_start
    b_end = day("compare_to") or a_start - timedelta(days=1)
    b_start = day("compare_from") or b_end - length
    for start, end in ((a_start, a_end), (b_start, b_end)):
        if start > end:
            raise PeriodError("A period must start on or before the day it ends.")
        if (end - start).days > MAX_DAYS:
            raise PeriodError("A period can be at most two years.")
    return (a_start, a_end), (b_start, b_end)


def _keyed(figs: list[Figures], name: str) -> Section:
    labels_map = labels_for(name)
    keys: list[str] = []
    for fig in figs:
        keys += [k for k in getattr(fig, name) if k not in keys]
    labels = [labels_map.get(k, k) for k in keys]
    values = [[getattr(fig, name).get(k, 0) for k in keys] for fig in figs]
    return Section(name, "", labels, values)


def part_weeks(figs: list[Figures], names: list[str]) -> str:
    """Name the weeks a period holds only part of, so a short first or last week is not read as a drop."""
    parts = []
    for fig, name in zip(figs, names, strict=True):
        for monday, _ in fig.per_week:
            first = date.fromisoformat(monday)
            days = (min(fig.end, first + timedelta(days=6)) - max(fig.start, first)).days + 1
            if days < 7:
                parts.append(f"{monday} ({'1 day' if days == 1 else f'{days} days'} of {name})")
    return ("Part-weeks, counted only for the days inside the period: " + "; ".join(parts) + ".") if parts else ""


def _no_data(value: Any) -> Any:
    """A median or rate with nothing to count from is "none yet", never read as "suppressed"."""
    return "none yet" if value is None else value


def sections(figs: list[Figures]) -> list[Section]:
    """Every figure on the page, in reading order, with a chart where a picture helps."""
    names = [period_label(f) for f in figs]
    out: list[Section] = []

    def add(section: Section, title: str, chart: bool = True, note: str = "") -> None:
        section.title, section.note = title, note
        if chart and section.labels:
            section.chart = charts.bars(f"chart-{section.id}", title, section.labels,
                                        list(zip(names, section.values, strict=True)))
        out.append(section)

    summary = Section("summary", "", ["Introductions", "Completed", "Shown at least one offer", "Chose an offer",
                                      "Handoffs to the Hub"],
                      [[f.introductions, f.completed, f.shown_any_offer, f.chose_an_offer, f.handoffs] for f in figs])
    add(summary, "Introductions and handoffs")
    weeks = Section("per_week", "", [], [])
    weeks.extra = [charts.columns(f"chart-weeks-{k}", f"Introductions per week, {names[k]}",
                                  [w for w, _ in f.per_week], [n for _, n in f.per_week]) for k, f in enumerate(figs)]
    weeks.labels = sorted({w for f in figs for w, _ in f.per_week})
    weeks.values = [[dict(f.per_week).get(w, "") for w in weeks.labels] for f in figs]
    add(weeks, "Introductions per week (weeks start on Monday)", chart=False, note=part_weeks(figs, names))
    months = Section("per_month", "", sorted({m for f in figs for m, _ in f.per_month}), [])
    months.values = [[dict(f.per_month).get(m, "") for m in months.labels] for f in figs]
    add(months, "Introductions per month", chart=False)
    add(_keyed(figs, "introduced_by"), "Self-introduction or introduced by someone else")
    add(_keyed(figs, "channel"), "Channel")
    add(_keyed(figs, "hours"), "In Hub hours or out of hours", note="Hub hours as in config/hours.yml, "
        "with England's bank holidays closed; counted at the moment the person consented.")
    waits = Section("waits", "", [], [[] for _ in figs])
    for prefix, when in (("", "all"), ("in_hours_", "asked in Hub hours"), ("out_of_hours_", "asked out of hours")):
        waits.labels += [f"Handoffs picked up by a worker ({when})", f"Median wait, minutes ({when})",
                         f"90th percentile wait, minutes ({when})"]
        for k, f in enumerate(figs):
            waits.values[k] += [f.wait_minutes.get(prefix + key) for key in ("picked_up", "median", "p90")]
    add(waits, "Time to a human contact, from the handoff", chart=False,
        note="From when the person was handed to the Hub queue to when a worker picked them up.")
    first = Section("first_contact", "", ["Introductions that reached a worker", "Median, minutes",
                                          "90th percentile, minutes", "Introductions with no first message time kept"],
                    [[_no_data(f.first_contact_minutes.get(k)) for k in ("contacted", "median", "p90", "not_recorded")]
                     for f in figs])
    add(first, "Time from first message to a human contact", chart=False,
        note="From the person's first message of an introduction to the first time a worker picked up "
             "one of their handoffs (before any later introduction of theirs).")
    unsure = Section("unsure", "", ["Introductions counted", "People's messages",
                                    "Messages the assistant was unsure about", "Unsure rate, percent"],
                     [[_no_data(f.unsure.get(k)) for k in ("introductions", "messages", "unsure", "rate_percent")]
                      for f in figs])
    add(unsure, "The assistant's unsure rate", chart=False,
        note="Messages in words (not button presses) the assistant could not understand or was less "
             "than sure about (below the review inbox's confidence setting, LWFD_REVIEW_CONFIDENCE_BELOW).")
    add(_keyed(figs, "needs"), "Needs mentioned")
    add(_keyed(figs, "strengths"), "Strengths mentioned")
    add(_keyed(figs, "offers_shown"), "Offers signposted (introductions shown each)")
    add(_keyed(figs, "offers_chosen"), "Offers chosen")
    add(_keyed(figs, "handoff_outcomes"), "Handoff outcomes")
    risk = Section("risk", "", ["Handoffs for risk", "High risk", "Possible risk", "Urgent handoffs (any reason)"],
                   [[f.risk_escalations.get(k) for k in ("all", "high", "possible", "urgent_handoffs")] for f in figs])
    add(risk, "Risk escalations", note="Counted from the Hub queue. A crisis reply given while the "
        "database was down leaves no handoff, so it is not counted here.")
    add(_keyed(figs, "abandoned"), "Introductions left unfinished, by the last answer kept",
        note="Unfinished and untouched for 24 hours. A skipped question keeps no answer, so the step "
             "shown is the furthest question with an answer kept.")
    wellbeing = Section("wellbeing", "", [], [[] for _ in figs])
    for key, label in WELLBEING.items():
        wellbeing.labels += [f"{label}: average (0 to 10)", f"{label}: people answering",
                             f"{label}: change for people who came back"]
        for k, f in enumerate(figs):
            average = f.wellbeing["averages"][key]
            wellbeing.values[k] += [average["mean"], average["people"], f.wellbeing["change"][key]["mean_change"]]
    wellbeing.labels.append("People who came back and answered again")
    for k, f in enumerate(figs):
        wellbeing.values[k].append(f.wellbeing["returning_people"])
    add(wellbeing, "Personal wellbeing (ONS4)", chart=False,
        note="The four ONS personal wellbeing questions, optional. Not a clinical score. An average from "
             "fewer than 5 people is not shown. Change is each person's latest answers minus their first.")
    return out
