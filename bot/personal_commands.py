"""``bot export-person``, ``bot erase-person`` and ``bot purge``: subject access, erasure, retention."""

from __future__ import annotations

import argparse
import json
import sys

from bot.config import settings
from bot.store.db import get_engine


def _engines(args: argparse.Namespace) -> dict:
    current = settings()
    return {"app_url": args.url or current.database_url,
            "tracker_engine": get_engine(args.tracker_url or current.tracker_database_url)}


def _broker(args: argparse.Namespace):
    """Rasa's SQL event broker table; None with RabbitMQ (its copy, hub_feed_events, is an app table)."""
    current = settings()
    if args.events_url:
        return get_engine(args.events_url)
    return None if current.uses_rabbitmq else get_engine(current.events_database_url)


def _export(args: argparse.Namespace) -> int:
    from bot.personal_data import export_person

    data = export_person(args.conversation_id, **_engines(args))
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        print(f"Written to {args.out}")
    else:
        sys.stdout.write(text + "\n")
    return 0


def _erase(args: argparse.Namespace) -> int:
    from bot.personal_data import erase_person

    report = erase_person(args.conversation_id, broker_engine=_broker(args), **_engines(args))
    print(report.summary())
    return 0


def _purge(args: argparse.Namespace) -> int:
    from bot.personal_data import parse_age, purge_older_than

    try:
        age = parse_age(args.older_than)
        declined = parse_age(args.declined_older_than) if args.declined_older_than else None
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    reports = purge_older_than(age, broker_engine=_broker(args),
                               dry_run=args.dry_run, declined_age=declined, **_engines(args))
    verb = "Would erase" if args.dry_run else "Erased"
    extra = f", or declined consent and quiet for {args.declined_older_than}" if declined else ""
    print(f"{verb} {len(reports)} conversation(s) quiet for longer than {args.older_than}{extra} "
          "(open handoffs and STOP requests kept).")
    return 0


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="App database URL (default: LWFD_DATABASE_URL).")
    parser.add_argument("--tracker-url", help="Rasa tracker store URL (default: LWFD_TRACKER_DATABASE_URL).")


def register(subparsers) -> None:
    export = subparsers.add_parser("export-person", help="Everything held about one person, as JSON "
                                                         "(subject access request).")
    export.add_argument("conversation_id", help="The conversation id (an SMS person's phone number).")
    export.add_argument("--out", help="Write to this file instead of the screen.")
    _common(export)
    export.set_defaults(func=_export)

    erase = subparsers.add_parser("erase-person", help="Erase one person from every store (no undo).")
    erase.add_argument("conversation_id")
    erase.add_argument("--events-url", help="Rasa event broker URL (default: LWFD_EVENTS_DATABASE_URL).")
    _common(erase)
    erase.set_defaults(func=_erase)

    purge = subparsers.add_parser("purge", help="Erase conversations quiet for longer than an age (retention).")
    purge.add_argument("--older-than", required=True, help="An age like 180d, 26w or 48h.")
    purge.add_argument("--declined-older-than", default="24h",
                       help="Also erase conversations of people who declined consent (no high risk seen) "
                            "quiet for this long (default 24h; '' to skip).")
    purge.add_argument("--dry-run", action="store_true", help="Only count what would go.")
    purge.add_argument("--events-url", help="Rasa event broker URL (default: LWFD_EVENTS_DATABASE_URL).")
    _common(purge)
    purge.set_defaults(func=_purge)
