"""Imports every room's models so Alembic and ``Base.metadata`` see all tables.

Each room that declares tables adds one import line here.
"""

from bot.channels import models as channel_models  # noqa: F401  SMS de-duplication, opt-outs, buttons
from bot.coproduction import models as coproduction_models  # noqa: F401  review inbox, proposals
from bot.directory import models as directory_models  # noqa: F401  community offers directory
from bot.hub import models as hub_models  # noqa: F401  Hub staff, sessions, notes, audit log
from bot.insights import models as insights_models  # noqa: F401  about-you answers, insights indexes
from bot.store import models  # noqa: F401  introductions, handoffs
