"""Rate limits that never hold back a crisis, and the refusal to start with built-in secrets."""

from __future__ import annotations

import pytest

from bot.channels.rate_limit import RateLimiter, TokenBuckets
from bot.config import BuiltInSecretError, Settings, rasa_server_problems, refuse_built_in_secrets, weak_secrets

STRONG = "s3cret-" + "x" * 30


def test_token_buckets_slow_a_flood_and_refill():
    buckets = TokenBuckets(capacity=3, period=60.0)
    assert [buckets.take("a", now=0.0) for _ in range(4)] == [True, True, True, False]
    assert buckets.take("b", now=0.0)  # another sender is not held back
    assert buckets.take("a", now=20.0)  # one token back after a third of the period


def test_over_the_limit_a_message_showing_risk_still_goes_through():
    limiter = RateLimiter(per_sender=2, per_address=100)
    assert limiter.allow("p", "1.2.3.4", "hello") and limiter.allow("p", "1.2.3.4", "hello")
    assert not limiter.allow("p", "1.2.3.4", "what time do you open")
    assert limiter.allow("p", "1.2.3.4", "I have taken 40 of my tablets")
    assert "116 123" in limiter.reply()


def test_the_address_limit_catches_many_senders_from_one_place():
    limiter = RateLimiter(per_sender=100, per_address=3)
    results = [limiter.allow(f"sender-{n}", "5.6.7.8", "hello") for n in range(5)]
    assert results == [True, True, True, False, False]
    assert limiter.allow("sender-9", "9.9.9.9", "hello")


def test_built_in_secrets_refused_outside_development():
    with pytest.raises(BuiltInSecretError, match="LWFD_HUB_SECRET"):
        refuse_built_in_secrets("The Hub console", current=Settings())
    refuse_built_in_secrets("The Hub console", current=Settings(environment="development"))
    strong = Settings(rasa_token=STRONG, hub_secret=STRONG + "h", twilio_auth_token=STRONG + "t",
                      action_token=STRONG + "a", data_key=STRONG + "d")
    assert weak_secrets(strong) == []
    refuse_built_in_secrets("Anything", current=strong)
    assert weak_secrets(Settings(hub_secret="short")) == ["LWFD_RASA_TOKEN", "LWFD_HUB_SECRET",
                                                          "TWILIO_AUTH_TOKEN", "LWFD_ACTION_TOKEN",
                                                          "LWFD_DATA_KEY"]


def test_the_rasa_server_needs_a_strong_api_token():
    strong = Settings(rasa_token=STRONG, twilio_auth_token=STRONG + "t", action_token=STRONG + "a",
                      data_key=STRONG + "d")
    assert rasa_server_problems(["rasa", "run", "--enable-api", "--auth-token", STRONG], strong) == []
    assert rasa_server_problems(["rasa", "run", "--enable-api"], strong)
    assert rasa_server_problems(["rasa", "run", "--enable-api", "--auth-token", "dev-token-change-me"], strong)
    assert any("LWFD_ACTION_TOKEN" in p for p in rasa_server_problems(["rasa", "run"], Settings()))
    assert rasa_server_problems(["rasa", "run", "--enable-api"], Settings(environment="development")) == []


def test_hub_cookies_are_secure_outside_development(monkeypatch):
    from bot.hub.app import _cookie_secure_default

    monkeypatch.delenv("LWFD_HUB_COOKIE_SECURE", raising=False)
    assert _cookie_secure_default(Settings()) is True
    assert _cookie_secure_default(Settings(environment="development")) is False
    monkeypatch.setenv("LWFD_HUB_COOKIE_SECURE", "0")
    assert _cookie_secure_default(Settings()) is False
