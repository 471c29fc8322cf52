"""Staff passwords, lock-out, sessions and CSRF tokens.

Passwords are argon2 hashes. A session is a random cookie whose SHA-256 is stored, so the
database alone never lets anyone log in, and logging out really ends it. Each session has
its own CSRF token that every POST form must send back.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.hub.models import ROLES, StaffSession, StaffUser
from bot.store.models import utcnow

MAX_FAILED_LOGINS = 5
LOCK_OUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
# Checked against when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password-" + secrets.token_hex(8))


@dataclass(frozen=True)
class StaffIdentity:
    """The logged-in person as the views need them (no password hash)."""

    user_id: int
    username: str
    display_name: str
    role: str
    on_duty: bool
    csrf_token: str


class AccountError(ValueError):
    """A staff account cannot be created as asked."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(session: Session, username: str, password: str, role: str,
                display_name: str | None = None) -> StaffUser:
    """Add a staff account; refuses unknown roles, duplicate names and short passwords."""
    username = username.strip()
    if role not in ROLES:
        raise AccountError(f"Role must be one of: {', '.join(ROLES)}.")
    if not username or len(username) > 64 or any(ch.isspace() for ch in username):
        raise AccountError("Username must be 1 to 64 characters with no spaces.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters.")
    if session.execute(select(StaffUser).where(StaffUser.username == username)).scalar():
        raise AccountError(f"There is already an account called {username}.")
    user = StaffUser(username=username, password_hash=hash_password(password), role=role,
                     display_name=(display_name or username).strip())
    session.add(user)
    session.flush()
    return user


def check_login(session: Session, username: str, password: str,
                now: datetime | None = None) -> StaffUser | None:
    """The user if the password is right; always exactly one argon2 check (constant time).

    Pauses after wrong tries are :class:`LoginLimits`' job (per name and address, per address,
    per name), so that nobody elsewhere can lock a worker out of their own account.
    """
    user = session.execute(select(StaffUser).where(StaffUser.username == username.strip())).scalar()
    if user is None:
        _verify(_DUMMY_HASH, password)
        return None
    if _verify(user.password_hash, password):
        user.failed_logins = 0
        user.locked_until = None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        return user
    user.failed_logins = (user.failed_logins or 0) + 1  # kept for the audit of an account
    return None


class LoginLimits:
    """Failed logins counted per name *and address*, per address, and per name from anywhere.

    A name (known or not: the answer never tells which) is paused for one address after
    ``per_pair`` failures from it, so someone elsewhere cannot lock a worker out; an address is
    paused after ``per_address`` failures whatever the names; a name is paused everywhere after
    ``per_name`` failures from many addresses (slow, spread-out guessing). Pauses last
    ``LOCK_OUT`` from the last failure. Kept in the console's one process.
    """

    def __init__(self, per_pair: int = MAX_FAILED_LOGINS, per_address: int = 20, per_name: int = 50,
                 window: timedelta = LOCK_OUT) -> None:
        self.limits = {"pair": per_pair, "address": per_address, "name": per_name}
        self.window = window
        self._failures: dict[tuple[str, str], list[datetime]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(username: str, address: str) -> dict[str, tuple[str, str]]:
        name = username.strip().lower()
        return {"pair": ("pair", f"{name}\n{address}"), "address": ("address", address), "name": ("name", name)}

    def paused_until(self, username: str, address: str, now: datetime | None = None) -> datetime | None:
        """When logging in as ``username`` from ``address`` is allowed again (None: it is now)."""
        now = now or utcnow()
        until = None
        with self._lock:
            for kind, key in self._keys(username, address).items():
                recent = [t for t in self._failures.get(key, []) if t > now - self.window]
                if len(recent) >= self.limits[kind]:
                    ends = max(recent) + self.window
                    until = ends if until is None or ends > until else until
        return until

    def failed(self, username: str, address: str, now: datetime | None = None) -> None:
        now = now or utcnow()
        with self._lock:
            for key in self._keys(username, address).values():
                recent = [t for t in self._failures.get(key, []) if t > now - self.window]
                self._failures[key] = (recent + [now])[-200:]
            if len(self._failures) > 100_000:  # a spray of names cannot fill memory
                self._failures.clear()

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._failures.pop(self._keys(username, address)["pair"], None)


def verify_nothing(password: str) -> None:
    """Spend the time of one password check, so a paused login answers as slowly as any other."""
    _verify(_DUMMY_HASH, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: StaffUser, now: datetime | None = None) -> str:
    """A new session for ``user``; returns the cookie value (only its hash is stored)."""
    now = now or utcnow()
    session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(token_hash=_token_hash(token), user_id=user.id,
                             csrf_token=secrets.token_urlsafe(32), created_at=now,
                             expires_at=now + SESSION_LIFETIME))
    return token


def identify(session: Session, token: str | None, now: datetime | None = None) -> StaffIdentity | None:
    """Who holds this cookie, or None when it is missing, unknown or expired."""
    if not token:
        return None
    now = now or utcnow()
    row = session.get(StaffSession, _token_hash(token))
    if row is None or row.expires_at <= now:
        return None
    user = session.get(StaffUser, row.user_id)
    if user is None:
        return None
    return StaffIdentity(user.id, user.username, user.display_name or user.username, user.role,
                         bool(user.on_duty), row.csrf_token)


def end_session(session: Session, token: str | None) -> None:
    """Log out: the cookie stops working at once."""
    if token:
        session.execute(delete(StaffSession).where(StaffSession.token_hash == _token_hash(token)))


def csrf_ok(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of the session's CSRF token with the form's."""
    return bool(expected and given) and hmac.compare_digest(str(expected), str(given))


def login_csrf_token(secret: str, nonce: str) -> str:
    """The login form's CSRF token: a signature of a per-browser nonce kept in a cookie."""
    return hmac.new(secret.encode(), nonce.encode(), hashlib.sha256).hexdigest()
