"""The engines are chosen by environment variables alone, through the repo's endpoints.yml."""

from __future__ import annotations

import secrets
import subprocess
import sys

import pytest

from bot.config import Settings
from tests.support.engines import RABBITMQ, REDIS, create_database, delete_rabbit_names, drop_database
from tests.support.stack import REPO

CHECK = """
import asyncio, os
from bot.config import settings
os.environ.update(settings().rasa_environment())
from rasa.core.brokers.broker import EventBroker
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain

async def main():
    endpoints = AvailableEndpoints.read_endpoints("endpoints.yml")
    broker = await EventBroker.create(endpoints.event_broker)
    store = TrackerStore.create(endpoints.tracker_store, Domain.empty(), broker)
    lock = LockStore.create(endpoints.lock_store)
    print(type(broker).__name__, type(store).__name__, type(lock).__name__, endpoints.action.url)
    if hasattr(broker, "close"):
        await broker.close()

asyncio.run(main())
"""


def engines_for(env: dict[str, str]) -> list[str]:
    result = subprocess.run([sys.executable, "-c", CHECK], cwd=REPO, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": "/tmp", **env},
                            timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.split()[-4:]


def test_settings_fill_every_variable_endpoints_yml_reads() -> None:
    env = Settings().rasa_environment()
    endpoints = (REPO / "endpoints.yml").read_text()
    import re

    assert set(re.findall(r"\$\{(\w+)\}", endpoints)) <= set(env)
    assert env["LWFD_LOCK_STORE_URL"] == "memory://" and env["LWFD_EVENT_BROKER_URL"].startswith("sqlite:///")


def test_embedded_default_is_sqlite_in_memory_locks_and_the_sql_broker(tmp_path) -> None:
    found = engines_for({"LWFD_TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
                         "LWFD_EVENTS_DATABASE_URL": f"sqlite:///{tmp_path / 'events.db'}"})
    assert found == ["SQLEventBroker", "RetryingSQLTrackerStore", "InMemoryLockStore",
                     "http://localhost:5055/webhook"]


def test_production_is_postgresql_redis_and_rabbitmq() -> None:
    suffix = secrets.token_hex(4)
    name = f"lwfd_test_choice_{suffix}"
    create_database(name)
    try:
        found = engines_for({
            "LWFD_TRACKER_DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{name}",
            "LWFD_REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/1",
            "LWFD_EVENT_BROKER_URL": f"amqp://guest:guest@{RABBITMQ[0]}:{RABBITMQ[1]}/%2F",
            "LWFD_EVENT_QUEUE": f"lwfd_test_choice_{suffix}",
            "LWFD_EVENT_EXCHANGE": f"lwfd_test_choice_{suffix}",
            "LWFD_ACTION_SERVER_URL": "http://actions:5055/webhook",
        })
    finally:
        drop_database(name)
        delete_rabbit_names(f"lwfd_test_choice_{suffix}", f"lwfd_test_choice_{suffix}")
    assert found == ["PikaEventBroker", "RetryingSQLTrackerStore", "AtomicRedisLockStore",
                     "http://actions:5055/webhook"]


def test_the_lock_store_url_picks_redis_or_is_refused() -> None:
    from bot.engines.lock_store import lock_store_for

    assert type(lock_store_for("redis://127.0.0.1:6379/1")).__name__ == "AtomicRedisLockStore"
    assert type(lock_store_for("memory://")).__name__ == "InMemoryLockStore"
    with pytest.raises(ValueError):
        lock_store_for("postgres://x")
