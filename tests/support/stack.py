"""A real Rasa server and action server on free loopback ports, for end-to-end tests.

Each stack has its own SQLite files (app database, tracker store, event broker) in a temporary
folder, so tests never touch ``var/``. Nothing here is mocked: it runs ``rasa run`` and
``rasa run actions`` from the virtual environment with the trained model.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def conversation_of(sender: str) -> str:
    """The Rasa conversation id the tests mean by ``sender``: an id already namespaced
    (``sms:``, ``web:``, ``rest:``) as it is, a phone number is an SMS person's, and any other
    sender is one the tests sent over REST (``bot.channels.ids``)."""
    from bot.channels.ids import REST, SMS, conversation_id, phone_of, split_id

    if split_id(sender).channel:
        return sender
    phone = phone_of(sender)
    return conversation_id(SMS, phone) if phone else conversation_id(REST, sender)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_json(method: str, url: str, body: Any = None, timeout: float = 60.0,
              headers: dict[str, str] | None = None) -> Any:
    """A JSON request with the standard library; raises with the body on HTTP errors."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        raise AssertionError(f"{method} {url} -> {error.code}: {error.read()[:500]!r}") from error
    return json.loads(raw) if raw else None


# Loading TensorFlow and the model took over seven minutes on a two-core machine shared by eight
# busy engineers (load average 18); an idle machine needs under a minute. Only a failure waits this long.
STARTUP_SECONDS = 900.0


def _wait_http(url: str, process: subprocess.Popen, log: Path, seconds: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} process exited early:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer in {seconds:.0f}s:\n{log.read_text()[-3000:]}")


@dataclass
class RasaStack:
    """A running Rasa server (and, optionally, action server) with its own databases."""

    workdir: Path
    model: Path
    token: str = "test-token"
    action_token: str = "test-action-token-0123456789"
    with_actions: bool = True
    extra_env: dict[str, str] = field(default_factory=dict)
    credentials: dict[str, Any] = field(default_factory=lambda: {"rest": None})
    rasa_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    _rasa: subprocess.Popen | None = None
    _actions: subprocess.Popen | None = None

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}/webhook"

    @property
    def sms_webhook(self) -> str:
        """The SMS channel's webhook (when the credentials enable it)."""
        return f"{self.rasa_url}/webhooks/twilio/webhook"

    @property
    def app_db_url(self) -> str:
        return self.extra_env.get("LWFD_DATABASE_URL", f"sqlite:///{self.workdir / 'app.db'}")

    @property
    def events_db_url(self) -> str:
        return f"sqlite:///{self.workdir / 'events.db'}"

    @property
    def tracker_db_url(self) -> str:
        return f"sqlite:///{self.workdir / 'tracker.db'}"

    def env(self) -> dict[str, str]:
        """The environment both servers (and the Hub app in tests) run with."""
        env = dict(os.environ)
        env.update({
            "LWFD_DATABASE_URL": f"sqlite:///{self.workdir / 'app.db'}",
            "LWFD_EVENTS_DATABASE_URL": self.events_db_url,
            "LWFD_TRACKER_DATABASE_URL": self.tracker_db_url,
            "LWFD_RASA_URL": self.rasa_url,
            "LWFD_RASA_TOKEN": self.token,
            "LWFD_ACTION_SERVER_URL": self.actions_url,
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "PYTHONWARNINGS": "ignore",
            "LWFD_NOW_FILE": str(self.workdir / "now.txt"),
            # Loopback test servers: built-in Hub and Twilio secrets allowed (production-mode
            # stacks set LWFD_ENV=production and real secrets in extra_env).
            "LWFD_ENV": "development",
            "LWFD_ACTION_TOKEN": self.action_token,
            # every test talks from 127.0.0.1, often fast: the rate limits are tested on their own
            "LWFD_RATE_SENDER": "1000",
            "LWFD_RATE_ADDRESS": "100000",
        })
        env.update(self.extra_env)
        return env

    def _write_config(self) -> tuple[Path, Path]:
        import yaml

        endpoints = {
            "action_endpoint": {"url": self.actions_url,
                                "headers": {"Authorization": f"Bearer {self.env()['LWFD_ACTION_TOKEN']}"}},
            "tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(self.workdir / "tracker.db")},
            "lock_store": {"type": "in_memory"},
            "event_broker": {"type": "SQL", "dialect": "sqlite", "db": str(self.workdir / "events.db")},
        }
        endpoints_file = self.workdir / "endpoints.yml"
        endpoints_file.write_text(yaml.safe_dump(endpoints))
        credentials_file = self.workdir / "credentials.yml"
        # "rest" means the project's REST channel, as credentials.yml has it (not Rasa's own).
        credentials = {("bot.channels.rest.GuardedRestInput" if name == "rest" else name): value
                       for name, value in self.credentials.items()}
        credentials_file.write_text(yaml.safe_dump(credentials))
        return endpoints_file, credentials_file

    def start(self) -> RasaStack:
        self.workdir.mkdir(parents=True, exist_ok=True)
        env = self.env()
        if env["LWFD_DATABASE_URL"].startswith("sqlite"):
            subprocess.run([str(BIN / "bot"), "db", "upgrade", "--url", env["LWFD_DATABASE_URL"]],
                           env=env, check=True, capture_output=True, cwd=REPO)
        endpoints_file, credentials_file = self._write_config()
        try:
            if self.with_actions:
                self.start_actions()
            log = self.workdir / "rasa.log"
            self._rasa = subprocess.Popen(
                [str(BIN / "rasa"), "run", "--enable-api", "--auth-token", self.token,
                 "--port", str(self.rasa_port), "--interface", "127.0.0.1", "-m", str(self.model),
                 "--endpoints", str(endpoints_file), "--credentials", str(credentials_file)],
                cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
            )
            _wait_http(self.rasa_url + "/", self._rasa, log)
        except BaseException:
            self.stop()  # a server that never answered must not outlive the test run
            raise
        return self

    def start_actions(self) -> None:
        log = self.workdir / "actions.log"
        self._actions = subprocess.Popen(
            [str(BIN / "python"), "-m", "bot.action_server", "--actions", "actions",
             "--host", "127.0.0.1", "--port", str(self.actions_port)],
            cwd=REPO, env=self.env(), stdout=log.open("ab"), stderr=subprocess.STDOUT,
        )
        _wait_http(f"http://127.0.0.1:{self.actions_port}/health", self._actions, log)

    def stop_actions(self) -> None:
        """Stop the action server; killed if it has not shut down in 30 s (a busy machine)."""
        if self._actions and self._actions.poll() is None:
            self._actions.terminate()
            try:
                self._actions.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._actions.kill()
                self._actions.wait(timeout=30)
        self._actions = None

    def stop(self) -> None:
        self.stop_actions()
        if self._rasa and self._rasa.poll() is None:
            self._rasa.terminate()
            try:
                self._rasa.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._rasa.kill()

    def set_clock(self, when: str | None) -> None:
        """Freeze the servers' clock at an ISO time in London (None: real time again)."""
        (self.workdir / "now.txt").write_text(when or "", encoding="utf-8")

    # --- talking to it ----------------------------------------------------------------------

    def send(self, sender: str, text: str, headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """One message in over the REST channel; the bot's replies out."""
        rest_token = self.env().get("LWFD_REST_TOKEN")
        auth = {"Authorization": f"Bearer {rest_token}"} if rest_token else {}
        return http_json("POST", self.rasa_url + "/webhooks/rest/webhook", {"sender": sender, "message": text},
                         headers={**auth, **(headers or {})})

    def say(self, sender: str, text: str) -> str:
        """Like send, but the replies' text joined, for readable assertions."""
        return "\n".join(m.get("text", "") for m in self.send(sender, text))

    def trigger_intent(self, sender: str, intent: str) -> Any:
        """Act as if ``sender`` said ``intent`` (Rasa's HTTP API, with the token): what the
        server itself does (``session_start`` after a long gap), which no citizen channel can do."""
        return http_json("POST", f"{self.rasa_url}/conversations/{conversation_of(sender)}/trigger_intent"
                                 f"?token={self.token}", {"name": intent})

    def tracker(self, sender: str) -> dict[str, Any]:
        """The conversation of ``sender`` (see :func:`conversation_of`)."""
        return http_json("GET", f"{self.rasa_url}/conversations/{conversation_of(sender)}/tracker"
                                f"?token={self.token}")

    def slots(self, sender: str) -> dict[str, Any]:
        return self.tracker(sender)["slots"]
