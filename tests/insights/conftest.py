"""A known synthetic month in a real database (SQLite always; PostgreSQL when it runs here)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date

import pytest

from bot.insights.synthetic import generate
from bot.store.db import dispose_engines, migrate

MONTH = date(2026, 3, 1)  # holds the clock change (29 March) and no bank holiday
PER_MONTH = 400
SEED = 2303
PG_ADMIN = os.environ.get("LWFD_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_available() -> bool:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(PG_ADMIN, connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of our own on the local PostgreSQL, dropped afterwards."""
    from sqlalchemy import create_engine, text

    if not _pg_available():
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN} (SQLite still checked)")
    name = f"lwfd_insights_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        dispose_engines()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def month_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The app database, migrated, holding one seeded synthetic month (and nothing else)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('insights') / 'app.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    migrate(url)
    generate(url, start=MONTH, months=1, per_month=PER_MONTH, seed=SEED)
    return url
