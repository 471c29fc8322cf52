"""Imports every room's models so Alembic and ``Base.metadata`` see all tables.

Each room that declares tables adds one import line here.
"""

from bot.store import models  # noqa: F401  introductions, handoffs
