"""Shared fixtures: the trained model and a running Rasa stack, started once per test run.

Starting a Rasa server and action server costs about a minute on a busy two-core machine, so
the end-to-end tests (REST, SMS, web chat, Hub console) share one stack with all three channels
on; only a test that needs the servers started differently (the app database unreachable)
starts its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.stack import REPO, RasaStack
from tests.support.webchat import WEBCHAT_CREDENTIALS

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
# Tests run on loopback with made-up secrets: explicitly development (tests/security start
# their servers in production mode with real secrets).
os.environ.setdefault("LWFD_ENV", "development")


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model `make test` trained from this repo's data (trained here if missing)."""
    from bot.nlu.analyse import latest_model

    try:
        return latest_model()
    except FileNotFoundError:
        subprocess.run([str(Path(sys.executable).parent / "rasa"), "train", "--num-threads", "2"],
                       cwd=REPO, check=True)
        return latest_model()


@pytest.fixture(scope="session")
def fake_twilio():
    """The fake Twilio API on loopback that the shared stack's SMS channel sends through."""
    from bot.channels.fake_twilio import FakeTwilio

    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def rasa_stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory, fake_twilio):
    """A real Rasa server + action server with their own SQLite databases, shared by the run.

    Channels: REST, the web chat and SMS (through ``fake_twilio``). Tests keep apart by using
    their own sender ids (and phone numbers), and put back anything they change (the clock,
    the action server)."""
    stack = RasaStack(workdir=tmp_path_factory.mktemp("stack"), model=trained_model)
    stack.credentials = {**WEBCHAT_CREDENTIALS, "bot.channels.twilio_sms.TwilioSmsInput": {
        "public_url": stack.sms_webhook, "api_base": fake_twilio.base_url}}
    stack.extra_env = {"LWFD_TWILIO_API_BASE": fake_twilio.base_url,
                       "LWFD_PUBLIC_SMS_WEBHOOK_URL": stack.sms_webhook}
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture
def app_db(tmp_path: Path) -> str:
    """A fresh, migrated SQLite app database for one test."""
    from bot.store.db import migrate

    url = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(url)
    return url


@pytest.fixture(scope="session")
def model_parser(trained_model: Path):
    """The trained model loaded in this process, as `bot analyse` uses it."""
    from bot.nlu.analyse import ModelParser

    return ModelParser(trained_model)
