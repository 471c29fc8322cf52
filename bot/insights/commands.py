"""``bot insights``: the figures for a period as JSON or CSV, and invented data for demos."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, timedelta

from bot.config import settings


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-03-31") from error


def _show(args: argparse.Namespace) -> int:
    from bot.insights.export import csv_text
    from bot.insights.figures import compute

    end = args.to or date.today()
    start = args.from_ or end - timedelta(days=29)
    if start > end:
        print("--from must be on or before --to", file=sys.stderr)
        return 2
    url = args.url or settings().database_url
    figures = [compute(url, start, end)]
    if args.compare_from and args.compare_to:
        figures.append(compute(url, args.compare_from, args.compare_to))
    if args.format == "csv":
        sys.stdout.write(csv_text(figures))
    else:
        payload = [f.as_dict() for f in figures]
        json.dump(payload[0] if len(payload) == 1 else payload, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    return 0


def _generate(args: argparse.Namespace) -> int:
    from bot.insights.synthetic import generate
    from bot.store.db import migrate

    url = args.url or settings().database_url
    migrate(url)
    start = args.start
    if start is None:  # the last ``months`` whole months before this one
        year, month = date.today().year, date.today().month - args.months
        while month <= 0:
            year, month = year - 1, month + 12
        start = date(year, month, 1)
    made = generate(url, start=start, months=args.months, per_month=args.per_month, seed=args.seed,
                    replace=not args.keep)
    print(f"Invented {made.introductions} introductions, {made.handoffs} handoffs and "
          f"{made.about_you} 'about you' answers from {start:%B %Y} for {args.months} month(s).")
    return 0


def _clear(args: argparse.Namespace) -> int:
    from bot.insights.synthetic import clear

    removed = clear(args.url or settings().database_url)
    print(f"Removed {removed} invented introductions (and their handoffs and answers).")
    return 0


def register(subparsers) -> None:
    insights = subparsers.add_parser(
        "insights", help="The service's figures for a period (JSON or CSV); invented data for demos.",
        description="Figures for --from to --to (London dates, inclusive; default the last 30 days).")
    insights.add_argument("--from", dest="from_", type=_day, help="First day, e.g. 2026-03-01.")
    insights.add_argument("--to", type=_day, help="Last day, e.g. 2026-03-31 (default today).")
    insights.add_argument("--compare-from", type=_day, help="A second period to set beside the first.")
    insights.add_argument("--compare-to", type=_day)
    insights.add_argument("--format", choices=("json", "csv"), default="json")
    insights.add_argument("--url", help="Database URL (default: LWFD_DATABASE_URL or var/app.db).")
    insights.set_defaults(func=_show)
    tasks = insights.add_subparsers(dest="insights_command", metavar="TASK")
    gen = tasks.add_parser("generate", help="Write invented introductions (sender ids synthetic-...).")
    gen.add_argument("--months", type=int, default=12)
    gen.add_argument("--per-month", type=int, default=500, help="About this many a month (default 500).")
    gen.add_argument("--start", type=_day, help="First month (default: months back from this month).")
    gen.add_argument("--seed", type=int, default=23)
    gen.add_argument("--keep", action="store_true", help="Keep earlier invented rows (default: replace them).")
    gen.add_argument("--url", help="Database URL.")
    gen.set_defaults(func=_generate)
    clear = tasks.add_parser("clear", help="Remove every invented row; real rows are untouched.")
    clear.add_argument("--url", help="Database URL.")
    clear.set_defaults(func=_clear)
