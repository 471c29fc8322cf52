"""Test helpers for the Hub console: a loopback stand-in for Rasa's HTTP API, the console run as
a real process, and a logged-in HTTP client.

The stand-in answers only the five Rasa endpoints the console calls, the way Rasa 3.6 answers
them, and like Rasa's SQL event broker it writes each appended event to the ``events`` table.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

from bot.hub.feed import events_table
from bot.store.db import get_engine, session_scope
from tests.support.stack import REPO, conversation_of, free_port

ON_RISK = {"level": "none", "categories": [], "reasons": [], "classifier_intent": "greet",
           "meaning": {"high": 0.01, "possible": 0.02, "nearest": "hello"}, "young_person": False}


@dataclass
class RasaStandIn:
    """Rasa's tracker and append-events endpoints on loopback, recording every call."""

    events_db_url: str
    token: str = "stand-in-token"
    trackers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)
    fail_with: tuple[int, str] | None = None  # (status, message) for the next append
    # What /model/parse adds for the console's safety check; tests set it to None or drop
    # "meaning" to play a model without its detector or meaning layer.
    risk: dict[str, Any] | None = field(default_factory=lambda: dict(ON_RISK))
    port: int = field(default_factory=free_port)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def appended(self, sender_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        """Events the console appended for this person (optionally of one kind)."""
        return [c for c in self.calls if c["sender_id"] == sender_id and c["path"] == "events"
                and (kind is None or c["event"]["event"] == kind)]

    def broker_write(self, sender_id: str, event: dict[str, Any]) -> None:
        """What Rasa's SQL event broker does for each event."""
        event = {"sender_id": sender_id, "timestamp": time.time(), **event}
        self.trackers.setdefault(sender_id, []).append(event)
        with get_engine(self.events_db_url).begin() as conn:
            conn.execute(events_table.insert().values(sender_id=sender_id, data=json.dumps(event)))

    def start(self) -> RasaStandIn:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: Any) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _route(self) -> tuple[str, str, dict[str, str]] | None:
                parsed = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parsed.query))
                match = re.fullmatch(r"/conversations/([^/]+)/(tracker|tracker/events|trigger_intent)",
                                     parsed.path)
                if not match:
                    return None
                # Like Rasa's Sanic router: the id is taken raw, never percent-decoded.
                return match.group(1), match.group(2), query

            def do_GET(self) -> None:
                route = self._route()
                if route is None or route[1] != "tracker":
                    return self._reply(404, {"message": "not found"})
                sender_id, _, query = route
                if query.get("token") != stand_in.token:
                    return self._reply(401, {"message": "bad token"})
                self._reply(200, {"sender_id": sender_id, "events": stand_in.trackers.get(sender_id, [])})

            def do_POST(self) -> None:
                route = self._route()
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                parsed = urllib.parse.urlsplit(self.path)
                if parsed.path == "/model/parse":
                    if dict(urllib.parse.parse_qsl(parsed.query)).get("token") != stand_in.token:
                        return self._reply(401, {"message": "bad token"})
                    stand_in.calls.append({"sender_id": None, "path": "parse", "body": body})
                    result = {"text": body["text"], "intent": {"name": "greet", "confidence": 0.9},
                              "entities": []}
                    if stand_in.risk is not None:
                        result["risk"] = stand_in.risk
                    return self._reply(200, result)
                if route is None:
                    return self._reply(404, {"message": "not found"})
                sender_id, path, query = route
                if query.get("token") != stand_in.token:
                    return self._reply(401, {"message": "bad token"})
                if stand_in.fail_with is not None:
                    status, message = stand_in.fail_with
                    stand_in.fail_with = None
                    return self._reply(status, {"message": message})
                if path == "trigger_intent":
                    stand_in.calls.append({"sender_id": sender_id, "path": "intent", "body": body,
                                           "query": query})
                    return self._reply(200, {})
                for event in body if isinstance(body, list) else [body]:
                    stand_in.calls.append({"sender_id": sender_id, "path": "events", "event": event,
                                           "query": query})
                    stand_in.broker_write(sender_id, event)
                self._reply(200, {"sender_id": sender_id})

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()


@dataclass
class HubProcess:
    """``python -m bot.hub`` on a free loopback port with its own databases."""

    workdir: Path
    rasa_url: str
    rasa_token: str
    app_db_url: str
    events_db_url: str
    port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)
    _process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> HubProcess:
        env = dict(os.environ)
        env.update({"LWFD_DATABASE_URL": self.app_db_url, "LWFD_EVENTS_DATABASE_URL": self.events_db_url,
                    "LWFD_RASA_URL": self.rasa_url, "LWFD_RASA_TOKEN": self.rasa_token,
                    "LWFD_HUB_HOST": "127.0.0.1", "LWFD_HUB_PORT": str(self.port),
                    "LWFD_HUB_SECRET": "test-hub-secret", "PYTHONWARNINGS": "ignore",
                    # the console's retention purge reads the tracker store: this run's own, never var/
                    "LWFD_TRACKER_DATABASE_URL": f"sqlite:///{self.workdir / 'tracker.db'}",
                    "LWFD_ENV": "development"})  # loopback test console, made-up secret
        env.update(self.extra_env)
        log = self.workdir / "hub.log"
        self._process = subprocess.Popen([sys.executable, "-m", "bot.hub"], cwd=REPO, env=env,
                                         stdout=log.open("wb"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError("Hub console exited:\n" + log.read_text()[-3000:])
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("Hub console did not start:\n" + log.read_text()[-3000:])

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._process.kill()


def make_user(db_url: str, username: str, role: str = "worker", password: str = "correct horse battery",
              display_name: str | None = None) -> str:
    from bot.hub.auth import create_user

    with session_scope(db_url) as session:
        create_user(session, username, password, role, display_name)
    return password


def add_handoff(db_url: str, sender_id: str, *, channel: str = "socketio", reason: str = "asked",
                urgent: bool = False, risk_level: str = "none", summary: dict | None = None,
                minutes_ago: float = 0.0) -> int:
    """A handoff row as the lead's handoff action writes it."""
    from datetime import timedelta

    from bot.store.models import Handoff, utcnow

    created = utcnow() - timedelta(minutes=minutes_ago)
    with session_scope(db_url) as session:
        row = Handoff(sender_id=sender_id, channel=channel, reason=reason, urgent=urgent,
                      risk_level=risk_level, summary=summary or {"needs": ["housing"]},
                      status="waiting", created_at=created, updated_at=created)
        session.add(row)
        session.flush()
        return int(row.id)


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class Staff(requests.Session):
    """A logged-in console user; ``post_form`` adds the page's CSRF token."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base
        self.csrf = ""

    def login(self, username: str, password: str = "correct horse battery") -> requests.Response:
        page = self.get(self.base + "/login")
        answer = self.post(self.base + "/login", data={"username": username, "password": password,
                                                         "csrf_token": csrf_from(page.text), "next": "/"},
                           allow_redirects=False)
        if answer.status_code == 303:
            self.csrf = csrf_from(self.get(self.base + "/").text)
        return answer

    def page(self, path: str) -> requests.Response:
        answer = self.get(self.base + path, allow_redirects=False)
        if "csrf_token" in answer.text:
            self.csrf = csrf_from(answer.text)
        return answer

    def post_form(self, path: str, **data: str) -> requests.Response:
        return self.post(self.base + path, data={"csrf_token": self.csrf, **data}, allow_redirects=False)


def sse_events(response: requests.Response, *, until: float) -> Any:
    """Yield (event, data) from a server-sent events response until the deadline."""
    event = "message"
    data: list[str] = []
    for raw in response.iter_lines(decode_unicode=True):
        if time.monotonic() > until:
            return
        if raw is None:
            continue
        if raw == "":
            if data:
                yield event, json.loads("\n".join(data))
            event, data = "message", []
        elif raw.startswith("event:"):
            event = raw[6:].strip()
        elif raw.startswith("data:"):
            data.append(raw[5:].strip())


def wait_for_handoff(db: str, sender: str, seconds: float = 20.0):
    """The person's handoff row, once the action server has written it."""
    from sqlalchemy import select

    from bot.store.db import session_scope
    from bot.store.models import Handoff

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with session_scope(db) as session:
            row = session.execute(select(Handoff).where(Handoff.sender_id == conversation_of(sender))
                                  ).scalars().first()
        if row is not None:
            return row
        time.sleep(0.2)
    raise AssertionError(f"no handoff was written for {sender}")
