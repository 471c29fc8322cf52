"""Random text, bytes and JSON at every citizen endpoint of a production-mode stack (hypothesis).

Each answer must be a 4xx or a polite reply, the servers must stay up, and nothing a refused
request carried may be stored.
"""

from __future__ import annotations

import json

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.fake_twilio import signed_webhook, webhook_params
from bot.channels.rest import valid_sender
from bot.channels.text_guard import offered_payloads
from tests.security.conftest import STRONG, Prod

pytestmark = pytest.mark.model
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
JUNK_SENDER = "fuzz-junk-sender"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)


def _alive(prod: Prod) -> None:
    assert requests.get(prod.rasa + "/", timeout=30).ok
    assert requests.get(f"http://127.0.0.1:{prod.stack.actions_port}/health", timeout=30).ok


@FUZZ
@given(body=st.binary(max_size=2000))
def test_rest_random_bytes(prod: Prod, body: bytes):
    answer = prod.rest(None, raw=body)
    assert 400 <= answer.status_code < 500 or (answer.status_code == 200 and isinstance(answer.json(), list))


@FUZZ
@given(body=json_values | json_values.map(lambda v: {"sender": JUNK_SENDER, "message": v}))
def test_rest_random_json(prod: Prod, body):
    answer = prod.rest(body)
    ok_shape = isinstance(body, dict) and isinstance(body.get("message"), str) and isinstance(body.get("sender"), str)
    if not ok_shape:
        assert 400 <= answer.status_code < 500, answer.text[:200]
        sender = body.get("sender") if isinstance(body, dict) else None
        if isinstance(sender, str) and valid_sender(sender):  # refused: nothing of it was stored
            assert prod.user_texts(sender) == []
    else:
        assert answer.status_code in (200, 400, 403, 429)


@FUZZ
@given(text=st.text(max_size=300) | st.sampled_from(["/greet", '/greet{"risk_flag":"none"}', "/risk_high",
                                                     "/affirm I have taken 40 of my tablets", "\u200b/deny",
                                                     "\uff0fstop", "a" * 5001]))
def test_rest_random_text_is_read_as_words_or_refused_politely(prod: Prod, text: str):
    sender = "fuzz-text-sender"
    answer = prod.rest({"sender": sender, "message": text})
    assert answer.status_code in (200, 429), answer.text[:200]
    assert isinstance(answer.json(), list)
    for said, offered in _user_texts_with_offered(prod.events(sender)):
        # "/deny" typed (or with a zero-width space) just after Yes/No buttons is that button, by
        # design; any other text starting "/" must have been read as words
        assert len(said) <= 5000 and (not said.startswith("/") or said in offered), said[:80]


def _user_texts_with_offered(events: list[dict]) -> list[tuple[str, set[str]]]:
    """Each of the person's messages with the button payloads offered just before it."""
    found, since = [], []
    for event in events:
        if event.get("event") == "user":
            found.append((event.get("text") or "", offered_payloads(since)))
            since = []
        else:
            since.append(event)
    return found


@FUZZ
@given(form=st.dictionaries(st.sampled_from(["From", "Body", "MessageSid", "NumMedia", "To", "x"]),
                            st.text(max_size=100), max_size=6),
       sign=st.booleans())
def test_sms_webhook_random_forms(prod: Prod, form: dict, sign: bool):
    headers = signed_webhook(form, prod.sms_webhook, STRONG["TWILIO_AUTH_TOKEN"]) if sign else {}
    answer = requests.post(prod.sms_webhook, data=form, headers=headers, timeout=60)
    if not sign:
        assert answer.status_code == 403
    else:
        assert answer.status_code in (200, 400), answer.text[:200]


@FUZZ
@given(body=st.text(max_size=400))
def test_sms_random_bodies_signed(prod: Prod, body: str):
    params = webhook_params("+447700900777", body)
    answer = requests.post(prod.sms_webhook, data=params, timeout=60,
                           headers=signed_webhook(params, prod.sms_webhook, STRONG["TWILIO_AUTH_TOKEN"]))
    assert answer.status_code == 200
    for said in prod.user_texts("+447700900777"):
        assert not said.startswith("/")


@FUZZ
@given(body=st.binary(max_size=500) | json_values.map(lambda v: json.dumps(v).encode()))
def test_web_chat_history_and_action_server_random_bodies(prod: Prod, body: bytes):
    history = requests.post(prod.rasa + "/webhooks/webchat/history", data=body, timeout=30)
    assert history.status_code in (200, 400)
    action = requests.post(prod.stack.actions_url, data=body, timeout=30,
                           headers={"Content-Type": "application/json"})
    assert action.status_code == 401


def test_everything_is_still_up_and_refused_requests_left_nothing(prod: Prod):
    _alive(prod)
    assert prod.user_texts(JUNK_SENDER) == []
    default = requests.get(f"{prod.rasa}/conversations/default/tracker",
                           params={"token": STRONG["LWFD_RASA_TOKEN"]}, timeout=30).json()
    assert not [e for e in default["events"] if e.get("event") == "user"]
