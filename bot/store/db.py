"""Engine, sessions and migrations for the app database.

Rasa keeps the conversation itself in its tracker store; this database keeps what the
service does with it (introductions, handoffs, directory, staff). Every room declares its
tables on :data:`Base`; Alembic migrations under ``bot/store/migrations`` create them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker

from bot.config import settings

Base = declarative_base()

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_engines: dict[str, Engine] = {}
_lock = threading.Lock()
MIGRATION_LOCK_KEY = 5_021_021  # any constant: the PostgreSQL advisory lock held while migrating


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - driver hook
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA secure_delete=ON")  # erased rows are overwritten, not left in free pages
    cursor.close()


def get_engine(url: str | None = None) -> Engine:
    """One engine per database URL per process (engines own connection pools)."""
    url = url or settings().database_url
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            if url.startswith("sqlite:///"):
                Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
                # hide_parameters: a failed statement never puts a person's words in a log line.
                engine = create_engine(url, future=True, connect_args={"timeout": 10}, hide_parameters=True)
                event.listen(engine, "connect", _sqlite_pragmas)
            else:
                # A pool per process: LWFD_DB_POOL_SIZE kept open, LWFD_DB_MAX_OVERFLOW more for
                # bursts; pre-ping replaces connections PostgreSQL dropped (a restart, a failover).
                current = settings()
                engine = create_engine(url, future=True, pool_pre_ping=True,
                                       pool_size=current.db_pool_size,
                                       max_overflow=current.db_max_overflow, pool_timeout=10,
                                       hide_parameters=True)
            _engines[url] = engine
        return engine


def hiding_parameters(engine: Engine) -> Engine:
    """Make an engine someone else created (Rasa's tracker store, its SQL event broker) hide
    bound parameters, as ours do: a failed statement's error and SQLAlchemy's statement log
    then say "[SQL parameters hidden due to hide_parameters=True]" instead of a person's words."""
    engine.hide_parameters = True
    return engine


def dispose_engines() -> None:
    """Close every pooled connection (tests and forked workers call this)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    factory = sessionmaker(bind=get_engine(url), future=True, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str | None = None):
    """Alembic configuration pointing at our migrations and the given database."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url or settings().database_url)
    return config


def migrate(url: str | None = None) -> None:
    """Bring the database schema up to date (safe to run at every start)."""
    from alembic import command

    url = url or settings().database_url
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    if not url.startswith("postgresql"):
        command.upgrade(alembic_config(url), "head")
        return
    # Every replica migrates as it starts; PostgreSQL's advisory lock lets one at a time do it
    # (the others wait, then find nothing left to do).
    from sqlalchemy import text

    with get_engine(url).connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        try:
            command.upgrade(alembic_config(url), "head")
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
