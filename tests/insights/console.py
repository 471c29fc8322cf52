"""The Hub console as a real process over a database holding the known synthetic month."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.hub.feed import create_events_table
from bot.insights.synthetic import generate
from bot.store.db import migrate
from tests.hub.support import HubProcess, RasaStandIn, make_user
from tests.insights.conftest import MONTH, PER_MONTH, SEED

PERIODS = "from=2026-03-16&to=2026-03-31&compare_from=2026-03-01&compare_to=2026-03-15"


@contextmanager
def console_with_month(workdir: Path) -> Iterator[tuple[HubProcess, str]]:
    app_db = f"sqlite:///{workdir / 'app.db'}"
    events_db = f"sqlite:///{workdir / 'events.db'}"
    migrate(app_db)
    create_events_table(events_db)
    generate(app_db, start=MONTH, months=1, per_month=PER_MONTH, seed=SEED)
    make_user(app_db, "insights_lead", role="lead", display_name="Lee")
    make_user(app_db, "insights_worker", role="worker")
    make_user(app_db, "insights_coproduction", role="coproduction")
    stand_in = RasaStandIn(events_db_url=events_db).start()
    process = HubProcess(workdir, stand_in.url, stand_in.token, app_db, events_db,
                         extra_env={"LWFD_HUB_SAFETY_CHECK_SECONDS": "0"}).start()
    try:
        yield process, app_db
    finally:
        process.stop()
        stand_in.stop()
