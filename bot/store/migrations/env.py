"""Alembic environment: runs migrations against the URL set by bot.store.db.alembic_config."""

from alembic import context
from sqlalchemy import create_engine

import bot.store.all_models  # noqa: F401  registers every table on Base.metadata
from bot.store.db import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # hide_parameters: a migration rewriting rows (0026 decrypts contact details on downgrade)
    # must not put them in an error or a log line if a statement fails.
    engine = create_engine(config.get_main_option("sqlalchemy.url"), future=True, hide_parameters=True)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
