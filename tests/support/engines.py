"""The production engines for tests: PostgreSQL databases, a cuttable TCP proxy, replicas.

PostgreSQL (127.0.0.1:5432), Redis (127.0.0.1:6379) and RabbitMQ (127.0.0.1:5672) are the
machine's real services (``.ci/run`` starts them). Each test run makes its own databases,
Redis key prefix and RabbitMQ queue/exchange (a random suffix) and removes them afterwards.
Faults are made with :class:`TcpProxy` on loopback, never by stopping the shared services.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import select
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.stack import BIN, REPO, _wait_http, free_port, http_json

PG_ADMIN_URL = os.environ.get("LWFD_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)
RABBITMQ = ("127.0.0.1", 5672)


def reachable(address: tuple[str, int]) -> bool:
    """True when something accepts TCP connections at ``address``."""
    try:
        with socket.create_connection(address, timeout=2):
            return True
    except OSError:
        return False


def create_database(name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(PG_ADMIN_URL)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def drop_database(name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(PG_ADMIN_URL)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


class TcpProxy:
    """A loopback TCP proxy to ``target`` that a test can cut (drop everything) and restore."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", self.port))
        self._server.listen(256)
        self._open = threading.Event()
        self._open.set()
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._lock = threading.Lock()
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if not self._open.is_set():
                client.close()  # "unreachable": the connection is refused at once
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            pair = (client, upstream)
            with self._lock:
                self._pairs.add(pair)
            threading.Thread(target=self._pump, args=(pair,), daemon=True).start()

    def _pump(self, pair: tuple[socket.socket, socket.socket]) -> None:
        a, b = pair
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 1.0)
                for src in ready:
                    data = src.recv(65536)
                    if not data:
                        return
                    (b if src is a else a).sendall(data)
        except (OSError, ValueError):  # cut() closed a socket under select: the pair is done
            return
        finally:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.close()
            with self._lock:
                self._pairs.discard(pair)

    def cut(self) -> None:
        """Close every connection and refuse new ones (the service looks down)."""
        self._open.clear()
        with self._lock:
            pairs = list(self._pairs)
        for pair in pairs:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                    sock.close()

    def restore(self) -> None:
        self._open.set()

    def stop(self) -> None:
        self._stopped = True
        self.cut()
        with contextlib.suppress(OSError):
            self._server.close()


@dataclass
class Engines:
    """One set of databases, Redis prefix and RabbitMQ names for a test run, behind proxies."""

    suffix: str = field(default_factory=lambda: secrets.token_hex(4))
    pg: TcpProxy = field(default_factory=lambda: TcpProxy(PG))
    rabbit: TcpProxy = field(default_factory=lambda: TcpProxy(RABBITMQ))

    @property
    def app_db(self) -> str:
        return f"lwfd_test_app_{self.suffix}"

    @property
    def tracker_db(self) -> str:
        return f"lwfd_test_tracker_{self.suffix}"

    def pg_url(self, name: str, *, direct: bool = False) -> str:
        port = PG[1] if direct else self.pg.port
        return f"postgresql://postgres@127.0.0.1:{port}/{name}"

    @property
    def amqp_url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.rabbit.port}/%2F"

    @property
    def queue(self) -> str:
        return f"lwfd_test_feed_{self.suffix}"

    def env(self) -> dict[str, str]:
        """The production configuration, every engine through the proxies."""
        return {
            "LWFD_DATABASE_URL": self.pg_url(self.app_db),
            "LWFD_TRACKER_DATABASE_URL": self.pg_url(self.tracker_db),
            "LWFD_REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/1",
            "LWFD_EVENT_BROKER_URL": self.amqp_url,
            "LWFD_EVENT_QUEUE": self.queue,
            "LWFD_EVENT_EXCHANGE": f"lwfd_test_exchange_{self.suffix}",
            "LWFD_DB_POOL_SIZE": "3",
            "LWFD_DB_MAX_OVERFLOW": "5",
        }

    def create(self) -> Engines:
        from bot.store.db import migrate

        create_database(self.app_db)
        create_database(self.tracker_db)
        migrate(self.pg_url(self.app_db, direct=True))
        return self

    def destroy(self) -> None:
        from bot.store.db import dispose_engines

        dispose_engines()
        self.pg.stop()
        self.rabbit.stop()
        for name in (self.app_db, self.tracker_db):
            with contextlib.suppress(Exception):
                drop_database(name)
        with contextlib.suppress(Exception):
            delete_rabbit_names(self.queue, f"lwfd_test_exchange_{self.suffix}")


def delete_rabbit_names(queue: str, exchange: str) -> None:
    """Remove the test's queue and exchange from the shared RabbitMQ."""
    import asyncio

    import aio_pika

    async def run() -> None:
        connection = await aio_pika.connect(f"amqp://guest:guest@{RABBITMQ[0]}:{RABBITMQ[1]}/%2F")
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(queue)
            await channel.exchange_delete(exchange)

    asyncio.run(run())


@dataclass
class Replica:
    """One Rasa server and one action server, started with ``bot rasa`` and the repo's endpoints.yml."""

    name: str
    workdir: Path
    model: Path
    env_extra: dict[str, str]
    credentials: Path
    token: str = field(default_factory=lambda: secrets.token_hex(12))
    rasa_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    rasa: subprocess.Popen | None = None
    actions: subprocess.Popen | None = None

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "LWFD_RASA_TOKEN": self.token,
            "LWFD_HUB_SECRET": "test-hub-secret-" + self.token,
            "LWFD_ACTION_SERVER_URL": f"http://127.0.0.1:{self.actions_port}/webhook",
            "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONWARNINGS": "ignore",
            "PYTHONPATH": str(REPO),
        })
        env.update(self.env_extra)
        return env

    def start_actions(self) -> None:
        log = self.workdir / f"{self.name}-actions.log"
        self.actions = subprocess.Popen(
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(self.actions_port)],
            cwd=REPO, env=self.env(), stdout=log.open("ab"), stderr=subprocess.STDOUT)

    def wait_actions(self) -> None:
        assert self.actions is not None
        _wait_http(f"http://127.0.0.1:{self.actions_port}/health", self.actions,
                   self.workdir / f"{self.name}-actions.log")

    def start_rasa(self) -> None:
        log = self.workdir / f"{self.name}-rasa.log"
        self.rasa = subprocess.Popen(
            [str(BIN / "python"), "-c", "from bot.cli import main; main()", "rasa", "run", "--enable-api",
             "--auth-token", self.token, "--port", str(self.rasa_port), "--interface", "127.0.0.1",
             "-m", str(self.model), "--endpoints", str(REPO / "endpoints.yml"),
             "--credentials", str(self.credentials)],
            cwd=REPO, env=self.env(), stdout=log.open("ab"), stderr=subprocess.STDOUT)

    def wait_rasa(self) -> None:
        assert self.rasa is not None
        _wait_http(self.rasa_url + "/", self.rasa, self.workdir / f"{self.name}-rasa.log", seconds=400)

    def kill_rasa(self) -> None:
        """SIGKILL: no clean shutdown, as when a container or machine dies."""
        if self.rasa and self.rasa.poll() is None:
            self.rasa.kill()
            self.rasa.wait(timeout=30)

    def stop_actions(self) -> None:
        if self.actions and self.actions.poll() is None:
            self.actions.terminate()
            self.actions.wait(timeout=30)

    def stop(self) -> None:
        self.stop_actions()
        if self.rasa and self.rasa.poll() is None:
            self.rasa.terminate()
            try:
                self.rasa.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.rasa.kill()

    # -- talking to it ---------------------------------------------------------------------
    def send(self, sender: str, text: str, timeout: float = 120.0) -> list[dict[str, Any]]:
        return http_json("POST", self.rasa_url + "/webhooks/rest/webhook", {"sender": sender, "message": text},
                         timeout=timeout)

    def say(self, sender: str, text: str) -> str:
        return "\n".join(m.get("text", "") for m in self.send(sender, text))

    def tracker(self, sender: str) -> dict[str, Any]:
        # The cluster talks through Rasa's stock REST channel, which keeps the sender as given
        # (only the project's own channels namespace ids: bot/channels/ids.py).
        return http_json("GET", f"{self.rasa_url}/conversations/{sender}/tracker?token={self.token}")


def wait_until(check, seconds: float = 60.0, every: float = 0.5) -> Any:
    """Poll ``check()`` until it returns something truthy; that value, or the last one."""
    deadline = time.monotonic() + seconds
    value = check()
    while not value and time.monotonic() < deadline:
        time.sleep(every)
        value = check()
    return value
