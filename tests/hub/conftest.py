"""Fixtures for the Hub console tests: real databases in tmp, the console as a real process,
and a loopback stand-in for the Rasa HTTP API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.hub.feed import create_events_table
from bot.store.db import migrate
from tests.hub.support import HubProcess, RasaStandIn


@pytest.fixture(scope="session")
def hub_dbs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    workdir = tmp_path_factory.mktemp("hub")
    app_db = f"sqlite:///{workdir / 'app.db'}"
    events_db = f"sqlite:///{workdir / 'events.db'}"
    migrate(app_db)
    create_events_table(events_db)
    return workdir, app_db, events_db


@pytest.fixture(scope="session")
def rasa_stand_in(hub_dbs) -> Iterator[RasaStandIn]:
    stand_in = RasaStandIn(events_db_url=hub_dbs[2]).start()
    yield stand_in
    stand_in.stop()


@pytest.fixture(scope="session")
def hub(hub_dbs, rasa_stand_in: RasaStandIn) -> Iterator[HubProcess]:
    workdir, app_db, events_db = hub_dbs
    process = HubProcess(workdir, rasa_stand_in.url, rasa_stand_in.token, app_db, events_db,
                         extra_env={"LWFD_HUB_SAFETY_CHECK_SECONDS": "0"}).start()
    yield process
    process.stop()
