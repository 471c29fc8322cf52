"""``bot hub add-user`` creates an argon2-hashed account the console accepts."""

from __future__ import annotations

import subprocess
import sys

from bot.hub.auth import check_login
from bot.hub.models import StaffUser
from bot.store.db import session_scope


def _add_user(app_db: str, *args: str, password: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", "hub", "add-user", *args, "--password-stdin",
                           "--url", app_db], input=password + "\n", text=True, capture_output=True)


def test_add_user_from_stdin(app_db):
    done = _add_user(app_db, "sam", "--role", "worker", "--display-name", "Sam", password="a good long password")
    assert done.returncode == 0, done.stderr
    with session_scope(app_db) as session:
        user = session.query(StaffUser).filter_by(username="sam").one()
        assert (user.role, user.display_name) == ("worker", "Sam")
        assert check_login(session, "sam", "a good long password") is not None


def test_add_user_refuses_a_short_password(app_db):
    done = _add_user(app_db, "tim", "--role", "lead", password="short")
    assert done.returncode == 1 and "at least" in done.stderr
    with session_scope(app_db) as session:
        assert session.query(StaffUser).filter_by(username="tim").count() == 0
