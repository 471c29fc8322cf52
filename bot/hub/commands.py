"""``bot hub add-user`` and ``bot hub run``: create staff accounts and start the console."""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.config import settings
from bot.hub.models import ROLES
from bot.store.db import session_scope


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    second = getpass.getpass("Password again: ")
    if first != second:
        raise SystemExit("The two passwords are different; nothing was saved.")
    return first


def _add_user(args: argparse.Namespace) -> int:
    from bot.hub.auth import AccountError, create_user

    password = _read_password(args)
    url = args.url or settings().database_url
    try:
        with session_scope(url) as session:
            create_user(session, args.username, password, args.role, args.display_name)
    except AccountError as error:
        print(f"Not saved: {error}", file=sys.stderr)
        return 1
    print(f"Account {args.username} ({args.role}) created.")
    return 0


def _run(_args: argparse.Namespace) -> int:
    from bot.hub.__main__ import main

    main()
    return 0


def register(subparsers) -> None:
    hub = subparsers.add_parser("hub", help="Hub console: staff accounts and the console app.")
    hub_sub = hub.add_subparsers(dest="hub_command", metavar="TASK")
    hub_sub.required = True
    add = hub_sub.add_parser("add-user", help="Create a staff account (asks for the password twice).")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--display-name", help="The name the person sees on replies (default: username).")
    add.add_argument("--password-stdin", action="store_true", help="Read the password from one line of stdin.")
    add.add_argument("--url", help="Database URL (default: LWFD_DATABASE_URL or var/app.db).")
    add.set_defaults(func=_add_user)
    run = hub_sub.add_parser("run", help="Start the Hub console.")
    run.set_defaults(func=_run)
