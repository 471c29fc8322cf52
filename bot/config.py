"""Settings read from the environment, with the embedded default spelled out.

Every process (Rasa server, action server, Hub app, CLI) reads its settings here, so one
variable changes one thing everywhere. The embedded default needs nothing installed beyond
the virtual environment: SQLite files under ``var/``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _default_sqlite(name: str) -> str:
    return f"sqlite:///{REPO_ROOT / 'var' / name}"


@dataclass(frozen=True)
class Settings:
    """One place for every setting; build with ``Settings.from_env()``."""

    database_url: str = field(default_factory=lambda: _default_sqlite("app.db"))
    rasa_url: str = "http://localhost:5005"
    rasa_token: str = "dev-token-change-me"
    action_server_url: str = "http://localhost:5055/webhook"
    hub_host: str = "127.0.0.1"
    hub_port: int = 5002
    hub_secret: str = "dev-secret-change-me"
    hub_hours_file: Path = REPO_ROOT / "config" / "hours.yml"
    hub_safety_check_seconds: float = 60.0  # how often the console re-asks if risk detection is on
    events_database_url: str = field(default_factory=lambda: _default_sqlite("events.db"))
    tracker_database_url: str = field(default_factory=lambda: _default_sqlite("tracker.db"))
    twilio_account_sid: str = "ACdev00000000000000000000000000000"
    twilio_auth_token: str = "dev-twilio-auth-token"
    twilio_number: str = "+447700900000"
    twilio_api_base: str = ""  # empty: Twilio's real API; tests point it at the fake on loopback
    public_sms_webhook_url: str = "http://localhost:5005/webhooks/twilio/webhook"
    # The optional "about you" questions after an introduction (insights, issue 23): off until
    # a trained model's test stories cover them.
    ask_about_you: bool = False
    # The production engines (docs/deploy.md). Empty: the embedded default of one machine.
    redis_url: str = ""  # redis://HOST:6379/1: Redis lock store and the web chat's socket.io manager
    event_broker_url: str = ""  # amqp://USER:PASS@HOST:5672/%2F: RabbitMQ; empty: SQL broker at events_database_url
    event_queue: str = "lwfd_hub_feed"  # the durable RabbitMQ queue the Hub console consumes
    event_exchange: str = "rasa-exchange"  # the fanout exchange Rasa publishes to (Rasa's default name)
    db_pool_size: int = 5  # pooled connections per process and database (PostgreSQL only)
    db_max_overflow: int = 10  # extra connections allowed for bursts, closed when returned
    tracker_retry_seconds: float = 8.0  # how long a turn waits for the tracker database to come back
    # Co-production: the git working tree whose domain.yml and data/ approved changes are written to.
    data_repo: Path = REPO_ROOT
    review_confidence_below: float = 0.6  # a message the assistant understood less surely is kept for review
    # "development" allows the built-in secrets below; anything else (the default) refuses them.
    environment: str = "production"
    action_token: str = "dev-action-token-change-me"  # Rasa sends it to the action server
    rest_token: str = ""  # empty: the plain REST channel is off outside development
    max_message_chars: int = 5000  # one limit for every citizen channel
    data_key: str = "dev-data-key-change-me"  # encrypts contact details, hashes phone numbers
    # Retention, run by the Hub console itself (bot/hub/retention.py): how often (0 = never,
    # then run `bot purge` yourself) and how long a quiet conversation is kept.
    purge_interval_seconds: float = 3600.0
    retention_days: int = 180
    # How often the Hub console looks for risk the assistant saw but could not queue (the action
    # server or database down at the time; bot/hub/risk_watch.py). 0 = never.
    risk_watch_seconds: float = 10.0

    @classmethod
    def from_env(cls) -> Settings:
        """Read LWFD_* variables; anything unset keeps the embedded default."""
        base = cls()
        return cls(
            database_url=_env("LWFD_DATABASE_URL", base.database_url),
            rasa_url=_env("LWFD_RASA_URL", base.rasa_url).rstrip("/"),
            rasa_token=_env("LWFD_RASA_TOKEN", base.rasa_token),
            action_server_url=_env("LWFD_ACTION_SERVER_URL", base.action_server_url),
            hub_host=_env("LWFD_HUB_HOST", base.hub_host),
            hub_port=int(_env("LWFD_HUB_PORT", str(base.hub_port))),
            hub_secret=_env("LWFD_HUB_SECRET", base.hub_secret),
            hub_hours_file=Path(_env("LWFD_HOURS_FILE", str(base.hub_hours_file))),
            hub_safety_check_seconds=float(_env("LWFD_HUB_SAFETY_CHECK_SECONDS",
                                                str(base.hub_safety_check_seconds))),
            events_database_url=_env("LWFD_EVENTS_DATABASE_URL", base.events_database_url),
            tracker_database_url=_env("LWFD_TRACKER_DATABASE_URL", base.tracker_database_url),
            twilio_account_sid=_env("TWILIO_ACCOUNT_SID", base.twilio_account_sid),
            twilio_auth_token=_env("TWILIO_AUTH_TOKEN", base.twilio_auth_token),
            twilio_number=_env("TWILIO_NUMBER", base.twilio_number),
            twilio_api_base=_env("LWFD_TWILIO_API_BASE", base.twilio_api_base),
            public_sms_webhook_url=_env("LWFD_PUBLIC_SMS_WEBHOOK_URL", base.public_sms_webhook_url),
            ask_about_you=_env("LWFD_ASK_ABOUT_YOU", "").lower() in ("1", "true", "yes"),
            redis_url=_env("LWFD_REDIS_URL", base.redis_url),
            event_broker_url=_env("LWFD_EVENT_BROKER_URL", base.event_broker_url),
            event_queue=_env("LWFD_EVENT_QUEUE", base.event_queue),
            event_exchange=_env("LWFD_EVENT_EXCHANGE", base.event_exchange),
            db_pool_size=int(_env("LWFD_DB_POOL_SIZE", str(base.db_pool_size))),
            db_max_overflow=int(_env("LWFD_DB_MAX_OVERFLOW", str(base.db_max_overflow))),
            tracker_retry_seconds=float(_env("LWFD_TRACKER_RETRY_SECONDS", str(base.tracker_retry_seconds))),
            data_repo=Path(_env("LWFD_DATA_REPO", str(base.data_repo))),
            review_confidence_below=float(_env("LWFD_REVIEW_CONFIDENCE_BELOW", str(base.review_confidence_below))),
            environment=_env("LWFD_ENV", base.environment).strip().lower(),
            action_token=_env("LWFD_ACTION_TOKEN", base.action_token),
            rest_token=_env("LWFD_REST_TOKEN", base.rest_token),
            max_message_chars=int(_env("LWFD_MAX_MESSAGE_CHARS", str(base.max_message_chars))),
            data_key=_env("LWFD_DATA_KEY", base.data_key),
            purge_interval_seconds=float(_env("LWFD_PURGE_INTERVAL_SECONDS", str(base.purge_interval_seconds))),
            retention_days=int(_env("LWFD_RETENTION_DAYS", str(base.retention_days))),
            risk_watch_seconds=float(_env("LWFD_RISK_WATCH_SECONDS", str(base.risk_watch_seconds))),
        )

    @property
    def uses_rabbitmq(self) -> bool:
        """True when Rasa publishes events to RabbitMQ (and the Hub consumes them there)."""
        return self.event_broker_url.startswith(("amqp://", "amqps://"))

    def rasa_environment(self) -> dict[str, str]:
        """The variables ``endpoints.yml`` reads with ``${VAR}``, every one filled in.

        Rasa refuses to start when a ``${VAR}`` is unset, so ``bot rasa ...`` (and
        ``make run``) export these from here: the defaults stay in this one file.
        """
        return {
            "LWFD_ACTION_SERVER_URL": self.action_server_url,
            "LWFD_ACTION_TOKEN": self.action_token,
            "LWFD_TRACKER_DATABASE_URL": self.tracker_database_url,
            "LWFD_LOCK_STORE_URL": self.redis_url or "memory://",
            "LWFD_EVENT_BROKER_URL": self.event_broker_url or self.events_database_url,
            "LWFD_EVENT_QUEUE": self.event_queue,
            "LWFD_EVENT_EXCHANGE": self.event_exchange,
            # Rasa's own PostgreSQL tracker store pool (its defaults, 50 + 100, would let two
            # replicas open more connections than PostgreSQL's default limit of 100).
            "SQL_POOL_SIZE": str(self.db_pool_size),
            "SQL_MAX_OVERFLOW": str(self.db_max_overflow),
        }

    @property
    def development(self) -> bool:
        """True only when LWFD_ENV=development was set on purpose."""
        return self.environment == "development"


# The secrets that ship in this file (and so are public): never accepted outside development.
BUILT_IN_SECRETS = {
    "LWFD_RASA_TOKEN": Settings.rasa_token,
    "LWFD_HUB_SECRET": Settings.hub_secret,
    "TWILIO_AUTH_TOKEN": Settings.twilio_auth_token,
    "LWFD_ACTION_TOKEN": Settings.action_token,
    "LWFD_DATA_KEY": Settings.data_key,
}
MIN_SECRET_CHARS = 16


class BuiltInSecretError(SystemExit):
    """A process was asked to start outside development with a public or missing secret."""


def weak_secrets(current: Settings, names: tuple[str, ...] | None = None) -> list[str]:
    """The variables (of ``names``, default all) still holding a built-in or too short secret."""
    values = {
        "LWFD_RASA_TOKEN": current.rasa_token,
        "LWFD_HUB_SECRET": current.hub_secret,
        "TWILIO_AUTH_TOKEN": current.twilio_auth_token,
        "LWFD_ACTION_TOKEN": current.action_token,
        "LWFD_DATA_KEY": current.data_key,
    }
    weak = []
    for name in names or tuple(values):
        value = values[name]
        if value == BUILT_IN_SECRETS[name] or len(value) < MIN_SECRET_CHARS or value.startswith("dev-"):
            weak.append(name)
    return weak


def refuse_built_in_secrets(process: str, names: tuple[str, ...] | None = None,
                            current: Settings | None = None) -> None:
    """Stop ``process`` from starting with a built-in secret unless LWFD_ENV=development.

    Raises :class:`BuiltInSecretError` (a ``SystemExit``) naming every variable to set.
    """
    current = current or settings()
    if current.development:
        return
    weak = weak_secrets(current, names)
    if weak:
        raise BuiltInSecretError(
            f"{process} will not start: {', '.join(weak)} still hold the built-in (public) value or "
            f"are shorter than {MIN_SECRET_CHARS} characters. Set them in the environment, or set "
            "LWFD_ENV=development on a machine nobody else can reach.")


def rasa_server_problems(argv: list[str], current: Settings) -> list[str]:
    """What is wrong with how this Rasa server was started (its command line), outside development."""
    if current.development:
        return []
    problems = [f"{name} is built-in or too short" for name in weak_secrets(
        current, ("LWFD_RASA_TOKEN", "LWFD_ACTION_TOKEN", "TWILIO_AUTH_TOKEN", "LWFD_DATA_KEY"))]
    if "--enable-api" in argv:
        token = argv[argv.index("--auth-token") + 1] if "--auth-token" in argv[:-1] else ""
        if "--jwt-secret" not in argv and (not token or token in BUILT_IN_SECRETS.values()
                                           or len(token) < MIN_SECRET_CHARS):
            problems.append("the HTTP API is on without a strong --auth-token")
    return problems


def refuse_unsafe_rasa_server(argv: list[str] | None = None) -> None:
    """Called as the Rasa server loads our channels: refuse built-in secrets (not in development)."""
    import sys

    problems = rasa_server_problems(list(sys.argv if argv is None else argv), settings())
    if problems:
        raise BuiltInSecretError(
            "The Rasa server will not start: " + "; ".join(problems) + ". Set real secrets in the "
            "environment, or LWFD_ENV=development on a machine nobody else can reach.")


def settings() -> Settings:
    """The current settings (re-read each call so tests can change the environment)."""
    return Settings.from_env()
