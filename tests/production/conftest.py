"""Two replicas on the production engines, started once for every test in this folder.

Two Rasa servers and two action servers (``bot rasa run`` with the repo's own endpoints.yml)
share one PostgreSQL app database and tracker store, the Redis lock store and socket.io
manager, and RabbitMQ; the Hub's feed consumer runs as its own process. PostgreSQL and
RabbitMQ are reached through loopback proxies the fault tests cut.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.channels.fake_twilio import FakeTwilio
from tests.support.engines import PG, RABBITMQ, REDIS, Engines, Replica, reachable
from tests.support.stack import REPO

SMS_PUBLIC_URL = "https://lwfd.test/webhooks/twilio/webhook"
# Invented secrets for this run: never the built-in defaults.
TWILIO_SID = "AC" + secrets.token_hex(16)
TWILIO_TOKEN = secrets.token_hex(16)


@pytest.fixture(scope="session")
def engines() -> Iterator[Engines]:
    for address, name in ((PG, "PostgreSQL"), (REDIS, "Redis"), (RABBITMQ, "RabbitMQ")):
        if not reachable(address):
            pytest.fail(f"{name} is not running on {address[0]}:{address[1]} (.ci/run starts it)")
    made = Engines().create()
    yield made
    made.destroy()


class Cluster:
    """Two replicas, the Hub feed consumer and a fake Twilio, on one set of engines."""

    def __init__(self, engines: Engines, model: Path, workdir: Path) -> None:
        self.engines = engines
        self.workdir = workdir
        self.twilio = FakeTwilio(account_sid=TWILIO_SID, auth_token=TWILIO_TOKEN).start()
        credentials = workdir / "credentials.yml"
        credentials.write_text(yaml.safe_dump({
            "rest": None,
            "bot.channels.webchat.WebChatInput": {"user_message_evt": "user_uttered",
                                                  "bot_message_evt": "bot_uttered",
                                                  "session_persistence": True, "socketio_path": "/socket.io"},
            "bot.channels.twilio_sms.TwilioSmsInput": {"public_url": SMS_PUBLIC_URL,
                                                       "api_base": self.twilio.base_url},
        }))
        env = {**engines.env(), "LWFD_TWILIO_API_BASE": self.twilio.base_url,
               "LWFD_PUBLIC_SMS_WEBHOOK_URL": SMS_PUBLIC_URL, "TWILIO_ACCOUNT_SID": TWILIO_SID,
               "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "LWFD_HUB_SECRET": secrets.token_hex(16)}
        self.env = env
        self.replicas = [Replica(name, workdir, model, env, credentials) for name in ("a", "b")]
        self.consumer: subprocess.Popen | None = None

    def start(self) -> Cluster:
        for replica in self.replicas:
            replica.start_actions()
        for replica in self.replicas:
            replica.start_rasa()
        self.start_consumer()
        for replica in self.replicas:
            replica.wait_actions()
            replica.wait_rasa()
        return self

    def start_consumer(self) -> None:
        import os

        log = self.workdir / "consumer.log"
        self.consumer = subprocess.Popen(
            [sys.executable, "-m", "bot.hub.consumer"], cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO), **self.env},
            stdout=log.open("ab"), stderr=subprocess.STDOUT)

    def stop_consumer(self) -> None:
        if self.consumer and self.consumer.poll() is None:
            self.consumer.terminate()
            self.consumer.wait(timeout=30)

    def stop(self) -> None:
        self.stop_consumer()
        for replica in self.replicas:
            replica.stop()
        self.twilio.stop()

    @property
    def app_db(self) -> str:
        """The app database, straight to PostgreSQL (not through the proxy the tests cut)."""
        return self.engines.pg_url(self.engines.app_db, direct=True)


@pytest.fixture(scope="session")
def cluster(trained_model: Path, engines: Engines, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    running = Cluster(engines, trained_model, tmp_path_factory.mktemp("replicas"))
    try:
        running.start()
    except BaseException:
        running.stop()
        raise
    yield running
    running.stop()
