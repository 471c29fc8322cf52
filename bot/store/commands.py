"""``bot db upgrade``: bring the app database schema up to date."""

from __future__ import annotations

import argparse

from bot.config import settings
from bot.store.db import migrate


def _upgrade(args: argparse.Namespace) -> int:
    url = args.url or settings().database_url
    migrate(url)
    print(f"Database is up to date: {url.split('@')[-1]}")
    return 0


def register(subparsers) -> None:
    db = subparsers.add_parser("db", help="App database tasks.")
    db_sub = db.add_subparsers(dest="db_command", metavar="TASK")
    db_sub.required = True
    upgrade = db_sub.add_parser("upgrade", help="Create or update the tables (safe to repeat).")
    upgrade.add_argument("--url", help="Database URL (default: LWFD_DATABASE_URL or var/app.db).")
    upgrade.set_defaults(func=_upgrade)
