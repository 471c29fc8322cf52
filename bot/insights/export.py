"""The figures as flat rows (section, item, value) for CSV, one value column per period."""

from __future__ import annotations

import csv
import io
from typing import Any

from bot.insights.categories import WELLBEING
from bot.insights.figures import Figures, labels_for

SUPPRESSED = "suppressed (under 5)"
_SECTIONS = [  # (field, section title)
    ("introduced_by", "Who introduced"), ("channel", "Channel"), ("hours", "When"),
    ("needs", "Needs"), ("strengths", "Strengths"), ("offers_shown", "Offers shown"),
    ("offers_chosen", "Offers chosen"), ("handoff_reasons", "Handoffs by reason"),
    ("handoff_outcomes", "Handoff outcomes"), ("abandoned", "Abandoned introductions by last answer kept"),
]


def rows(fig: Figures) -> list[tuple[str, str, Any]]:
    """Every figure of one period as (section, item, value); hidden counts say so."""
    out: list[tuple[str, str, Any]] = [
        ("Summary", "Introductions", fig.introductions), ("Summary", "Introductions completed", fig.completed),
        ("Summary", "Shown at least one offer", fig.shown_any_offer),
        ("Summary", "Chose an offer", fig.chose_an_offer), ("Summary", "Handoffs to the Hub", fig.handoffs),
    ]
    out += [("Introductions per month", month, n) for month, n in fig.per_month]
    out += [("Introductions per week (from Monday)", week, n) for week, n in fig.per_week]
    for name, title in _SECTIONS:
        labels = labels_for(name)
        out += [(title, labels.get(key, key), n) for key, n in getattr(fig, name).items()]
    for prefix, when in (("", ""), ("in_hours_", ", asked in Hub hours"), ("out_of_hours_", ", asked out of hours")):
        section = "Wait for a worker (minutes)"
        out += [(section, f"Handoffs picked up{when}", fig.wait_minutes.get(prefix + "picked_up")),
                (section, f"Median{when}", fig.wait_minutes.get(prefix + "median")),
                (section, f"90th percentile{when}", fig.wait_minutes.get(prefix + "p90"))]
    first, section = fig.first_contact_minutes, "Time from first message to a human contact (minutes)"
    out += [(section, "Introductions that reached a worker", first.get("contacted")),
            (section, "Median", first.get("median")), (section, "90th percentile", first.get("p90")),
            (section, "Introductions with no first message time kept", first.get("not_recorded"))]
    unsure, section = fig.unsure, "The assistant's unsure rate"
    out += [(section, "Introductions counted", unsure.get("introductions")),
            (section, "People's messages", unsure.get("messages")),
            (section, "Messages the assistant was unsure about", unsure.get("unsure")),
            (section, "Unsure rate (percent)", unsure.get("rate_percent"))]
    risk = fig.risk_escalations
    out += [("Risk escalations", "Handoffs for risk", risk.get("all")),
            ("Risk escalations", "High risk", risk.get("high")),
            ("Risk escalations", "Possible risk", risk.get("possible")),
            ("Risk escalations", "Urgent handoffs (any reason)", risk.get("urgent_handoffs"))]
    for dimension in fig.equalities.values():
        for key, title in (("by_who", "by who introduced"), ("by_channel", "by channel")):
            table = dimension[key]
            section = f"{dimension['title']} {title}"
            for r, row_label in enumerate(table["rows"]):
                for c, column in enumerate(table["columns"]):
                    out.append((section, f"{row_label} / {column}", _shown(table["cells"][r][c])))
                out.append((section, f"{row_label} / all", _shown(table["row_totals"][r])))
            for c, column in enumerate(table["columns"]):
                out.append((section, f"all / {column}", _shown(table["column_totals"][c])))
            out.append((section, "all / all", _shown(table["total"])))
    averages = fig.wellbeing.get("averages", {})
    change = fig.wellbeing.get("change", {})
    for key, label in WELLBEING.items():
        out.append(("Wellbeing (ONS4, 0 to 10), average", label, _shown(averages.get(key, {}).get("mean"))))
        out.append(("Wellbeing (ONS4, 0 to 10), people answering", label, averages.get(key, {}).get("people")))
        out.append(("Wellbeing change for people who came back", label,
                    _shown(change.get(key, {}).get("mean_change"))))
    out.append(("Wellbeing change for people who came back", "People",
                _shown(fig.wellbeing.get("returning_people"))))
    out += [("Not recorded", key, "not available: " + why) for key, why in fig.not_recorded.items()]
    return out


def _shown(value: Any) -> Any:
    return SUPPRESSED if value is None else value


def period_label(fig: Figures) -> str:
    return f"{fig.start.isoformat()} to {fig.end.isoformat()}"


def csv_text(figures: list[Figures]) -> str:
    """CSV with one value column per period (two periods side by side for comparing)."""
    merged: dict[tuple[str, str], list[Any]] = {}
    for k, fig in enumerate(figures):
        for section, item, value in rows(fig):
            merged.setdefault((section, item), [""] * len(figures))[k] = value
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "item", *(period_label(f) for f in figures)])
    for (section, item), values in merged.items():
        writer.writerow([section, item, *values])
    return buffer.getvalue()
