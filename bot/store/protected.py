"""Column types that keep phone numbers and contact details unreadable at rest.

One key from the environment, ``LWFD_DATA_KEY`` (any long random string; ``bot.config``
refuses to start without a real one outside development), gives two keys:

- ``PhoneLookup``: the column stores a keyed hash (HMAC-SHA256, 32 hex characters) of the
  normalised number, never the number. Equality queries work unchanged
  (``SmsOptOut.phone == "+447700900123"`` hashes the right-hand side), but nothing can be
  read back: used where we only ever need to *find* a number (opt-outs, SMS de-duplication,
  numbered choices).
- ``EncryptedText``: Fernet (``cryptography``) encryption of free text such as contact
  details. A value written before encryption was switched on is read as it is.

Losing ``LWFD_DATA_KEY`` makes encrypted contact details unreadable and opt-outs unfindable:
keep it with the other secrets and back it up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.types import String, Text, TypeDecorator

from bot.config import settings

LOOKUP_CHARS = 32


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[bytes, Fernet]:
    lookup = hashlib.sha256(b"lwfd-lookup:" + secret.encode()).digest()
    fernet = Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"lwfd-fernet:" + secret.encode()).digest()))
    return lookup, fernet


def lookup_hash(phone: str, secret: str | None = None) -> str:
    """The keyed hash stored for ``phone`` (spaces removed first, as ``normalise_phone`` does)."""
    key, _ = _keys(secret or settings().data_key)
    normalised = "".join(str(phone).split())
    return hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()[:LOOKUP_CHARS]


def encrypt(value: str, secret: str | None = None) -> str:
    return _keys(secret or settings().data_key)[1].encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(value: str, secret: str | None = None) -> str:
    """The plain text; a value that is not one of our tokens (written before) comes back as is."""
    try:
        return _keys(secret or settings().data_key)[1].decrypt(value.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError, UnicodeEncodeError):
        return value


def _is_lookup(value: str) -> bool:
    return len(value) == LOOKUP_CHARS and all(ch in "0123456789abcdef" for ch in value)


class PhoneLookup(TypeDecorator):
    """Stores only a keyed hash of a phone number (see module docstring)."""

    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        value = str(value)
        return value if _is_lookup(value) else lookup_hash(value)

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        return value


class EncryptedText(TypeDecorator):
    """Free text encrypted with Fernet at rest (see module docstring)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else encrypt(str(value))

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else decrypt(str(value))
