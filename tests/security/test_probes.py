"""Every probe from the security issue, replayed against real servers in production mode.

Each test is the attack as it was tried (issue 20), asserting the safe outcome. Nothing is
mocked: a real Rasa server with the trained model, the real action server, Twilio faked on
loopback with the real twilio client, the web chat over a real socket.io connection.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid

import pytest
import requests
from sqlalchemy import func, select

from bot.store.db import session_scope
from bot.store.models import Handoff
from tests.security.conftest import STRONG, Prod, webchat_say
from tests.support.stack import REPO, conversation_of, free_port

pytestmark = pytest.mark.model
CRISIS_NUMBERS = ("999", "116 123")
BIN = os.path.dirname(sys.executable)


def handoffs(prod: Prod, sender: str | None = None) -> int:
    with session_scope(prod.stack.app_db_url) as session:
        query = select(func.count()).select_from(Handoff)
        if sender is not None:
            query = query.where(Handoff.sender_id == conversation_of(sender))
        return int(session.execute(query).scalar())


def check_exits_refusing(command: list[str], env: dict[str, str], needle: str) -> str:
    """Run a server command that should refuse to start; its output (asserts it stopped)."""
    process = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    output = process.stdout + process.stderr
    assert process.returncode != 0, output[-2000:]
    assert needle in output, output[-2000:]
    return output


# --- 1. Secrets and surfaces ---------------------------------------------------------------

def _production_env(**overrides: str) -> dict[str, str]:
    from bot.config import Settings

    env = {k: v for k, v in os.environ.items() if not k.startswith(("LWFD_", "TWILIO_"))}
    env.update({"TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONWARNINGS": "ignore", "PYTHONPATH": str(REPO)})
    # endpoints.yml reads ${VAR}s (issue 21); without them Rasa stops before our refusal is reached.
    env.update({k: v for k, v in Settings().rasa_environment().items() if k != "LWFD_ACTION_TOKEN"})
    env.update(overrides)
    return env


def test_the_action_server_refuses_to_start_with_the_built_in_token():
    check_exits_refusing([sys.executable, "-m", "bot.action_server", "--port", str(free_port())],
                    _production_env(), "LWFD_ACTION_TOKEN")


def test_the_hub_refuses_to_start_with_the_built_in_secret(tmp_path):
    check_exits_refusing([sys.executable, "-m", "bot.hub"],
                    _production_env(LWFD_HUB_PORT=str(free_port()),
                                    LWFD_DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}"), "LWFD_HUB_SECRET")


def test_the_rasa_server_refuses_to_start_with_the_built_in_token(trained_model, tmp_path):
    credentials = tmp_path / "credentials.yml"
    credentials.write_text("bot.channels.rest.GuardedRestInput:\n")
    env = _production_env(**{k: v for k, v in STRONG.items() if k != "LWFD_RASA_TOKEN"})
    check_exits_refusing([os.path.join(BIN, "rasa"), "run", "--enable-api", "--auth-token", "dev-token-change-me",
                     "--port", str(free_port()), "--interface", "127.0.0.1", "-m", str(trained_model),
                     "--credentials", str(credentials)], env, "--auth-token")


def test_the_built_in_rasa_token_reads_nothing(prod: Prod):
    prod.rest_say("probe-reader", "hello")
    answer = requests.get(f"{prod.rasa}/conversations/probe-reader/tracker",
                          params={"token": "dev-token-change-me"}, timeout=30)
    assert answer.status_code == 401
    events = requests.post(f"{prod.rasa}/conversations/probe-reader/tracker/events",
                           params={"token": "dev-token-change-me", "execute_side_effects": "true",
                                   "output_channel": "twilio"},
                           json=[{"event": "bot", "text": "forged"}], timeout=30)
    assert events.status_code == 401


def _non_loopback_address() -> str | None:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # no packet is sent for UDP connect
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


def test_the_action_server_listens_on_loopback_only(prod: Prod):
    assert requests.get(f"http://127.0.0.1:{prod.stack.actions_port}/health", timeout=10).ok
    address = _non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address to try")
    with socket.socket() as sock, pytest.raises(OSError):
        sock.settimeout(3)
        sock.connect((address, prod.stack.actions_port))


FORGED_CALL = {
    "next_action": "action_crisis_followup", "sender_id": "+447700900999", "version": "3.6.21",
    "tracker": {"sender_id": "+447700900999", "slots": {"risk_flag": "high"}, "latest_message": {
        "text": "invented reason", "intent": {"name": "risk_high", "confidence": 1.0}, "entities": [],
        "risk": {"level": "high", "reasons": ["invented"]}},
        "events": [], "latest_input_channel": "twilio", "active_loop": {}, "paused": False,
        "followup_action": None, "latest_action_name": "utter_crisis"},
    "domain": {},
}


@pytest.mark.parametrize("content_type, token", [
    ("text/plain", None), ("application/json", None), ("application/json", "wrong-token"),
])
def test_a_forged_action_call_is_refused(prod: Prod, content_type: str, token: str | None):
    import json

    before = handoffs(prod)
    headers = {"Content-Type": content_type, **({"Authorization": f"Bearer {token}"} if token else {})}
    answer = requests.post(prod.stack.actions_url, data=json.dumps(FORGED_CALL), headers=headers, timeout=30)
    assert answer.status_code == 401
    assert "invented" not in answer.text
    assert handoffs(prod) == before


def test_the_action_server_takes_json_only_even_with_the_token(prod: Prod):
    import json

    before = handoffs(prod)
    answer = requests.post(prod.stack.actions_url, data=json.dumps(FORGED_CALL), timeout=30, headers={
        "Content-Type": "text/plain", "Authorization": f"Bearer {STRONG['LWFD_ACTION_TOKEN']}"})
    assert answer.status_code == 415
    assert handoffs(prod) == before
    assert "Access-Control-Allow-Origin" not in answer.headers


# --- 2. Identity per channel -----------------------------------------------------------------

def test_rest_without_the_token_is_refused(prod: Prod):
    assert prod.rest({"sender": "someone", "message": "hi"}, token=None).status_code == 401
    assert prod.rest({"sender": "someone", "message": "hi"}, token="guess").status_code == 401


def test_rest_cannot_speak_as_an_sms_person(prod: Prod):
    """The SMS person is ``sms:+44...``; no REST sender reads or writes that conversation."""
    phone = "+447700900301"
    prod.sms(phone, "hi")
    before = prod.events(f"sms:{phone}")
    assert before
    for sender in (phone, phone[1:], "447700900301", f"sms:{phone}"):  # phone-like or with a "+": refused
        answer = prod.rest({"sender": sender, "message": "my contact is now 07700 900999"})
        assert answer.status_code == 400, answer.text
    # A sender spelled like another channel's id stays in the REST namespace: rest:sms:447...
    answer = prod.rest({"sender": "sms:447700900301", "message": "my contact is now 07700 900999"})
    assert answer.status_code == 200 and all(m["recipient_id"] == "sms:447700900301" for m in answer.json())
    assert "my contact is now 07700 900999" in prod.user_texts("rest:sms:447700900301")
    assert prod.events(f"sms:{phone}") == before


def test_rest_cannot_speak_in_a_web_chat_conversation(prod: Prod):
    """The web chat's conversation is ``web:<session id>``: a REST sender with the same session id
    is ``rest:<session id>``, another conversation (nothing to refuse, nothing reached)."""
    session, _ = webchat_say(prod.rasa, "hello")
    before = prod.events(f"web:{session}")
    assert before
    for sender in (session, f"web:{session}"):
        answer = prod.rest({"sender": sender, "message": "hello from elsewhere"})
        assert answer.status_code == 200, answer.text
        assert "hello from elsewhere" in prod.user_texts(f"rest:{sender}")
    assert prod.events(f"web:{session}") == before


def test_a_message_without_a_sender_is_refused(prod: Prod):
    assert prod.rest({"message": "hi"}).status_code == 400
    assert prod.rest({"sender": "", "message": "hi"}).status_code == 400
    default = requests.get(f"{prod.rasa}/conversations/default/tracker",
                           params={"token": STRONG["LWFD_RASA_TOKEN"]}, timeout=30).json()
    assert not [e for e in default["events"] if e.get("event") == "user"]


def test_a_hub_reply_goes_to_the_channel_fixed_on_the_handoff(prod: Prod):
    """The worker's reply to an SMS person is a text, even if something else wrote in last."""
    import asyncio

    from bot.hub.rasa_client import RasaClient

    phone = "+447700900302"
    prod.sms(phone, "hi")
    before = len(prod.fake.bodies_to(phone))
    client = RasaClient(prod.rasa, STRONG["LWFD_RASA_TOKEN"])
    asyncio.run(client.send_worker_message(f"sms:{phone}", "Hello, it's Sam from the Hub.", "Sam Worker",
                                           channel="twilio"))
    # Texted to the bare number (Twilio's "to"), and kept in the person's sms: conversation.
    assert any("Sam (Hub worker): Hello" in body for body in prod.fake.bodies_to(phone)[before:])
    assert any(e.get("event") == "bot" and "it's Sam from the Hub" in (e.get("text") or "")
               for e in prod.events(f"sms:{phone}"))


# --- 3. Text is text ------------------------------------------------------------------------

SHORTCUT_DISCLOSURE = "/affirm I have taken 40 of my tablets"


def test_the_intent_shortcut_on_rest_reaches_the_risk_check(prod: Prod):
    reply = prod.rest_say(f"probe-{uuid.uuid4().hex[:8]}", SHORTCUT_DISCLOSURE)
    assert all(number in reply for number in CRISIS_NUMBERS), reply


def test_the_intent_shortcut_on_web_chat_reaches_the_risk_check(prod: Prod):
    _, reply = webchat_say(prod.rasa, SHORTCUT_DISCLOSURE)
    assert all(number in reply for number in CRISIS_NUMBERS), reply


def test_the_intent_shortcut_by_sms_reaches_the_risk_check(prod: Prod):
    reply = prod.sms("+447700900303", SHORTCUT_DISCLOSURE)
    assert all(number in reply for number in CRISIS_NUMBERS), reply


def test_the_intent_shortcut_cannot_clear_a_high_risk_flag(prod: Prod):
    sender = f"probe-{uuid.uuid4().hex[:8]}"
    prod.rest_say(sender, "I have taken 40 of my tablets")
    assert prod.slots(sender)["risk_flag"] == "high"
    prod.rest_say(sender, '/greet{"risk_flag":"none"}')
    assert prod.slots(sender)["risk_flag"] == "high"
    last = [e for e in prod.events(sender) if e.get("event") == "user"][-1]
    assert last["text"] == 'greet{"risk_flag":"none"}'
    assert not any(e.get("entity") == "risk_flag" and e.get("value") == "none"
                   for e in last["parse_data"].get("entities", []))


def test_the_intent_shortcut_cannot_raise_an_urgent_row_on_demand(prod: Prod):
    sender = f"probe-{uuid.uuid4().hex[:8]}"
    prod.rest_say(sender, "/risk_high")
    last = [e for e in prod.events(sender) if e.get("event") == "user"][-1]
    assert last["text"] == "risk_high"
    assert last["parse_data"]["intent"]["name"] != "risk_high"
    assert handoffs(prod, sender) == 0


def test_a_button_payload_just_offered_is_still_a_button(prod: Prod):
    """The consent question's Yes button (payload /affirm) works; the same text unoffered is words."""
    sender = f"probe-{uuid.uuid4().hex[:8]}"
    answer = prod.rest({"sender": sender, "message": "/affirm"})  # nothing offered yet
    assert prod.user_texts(sender)[-1] == "affirm"
    offered = [b["payload"] for m in answer.json() for b in m.get("buttons") or []]
    assert "/affirm" in offered, answer.json()  # the consent question's "Yes, that's OK"
    reply = prod.rest_say(sender, "/affirm")
    assert prod.user_texts(sender)[-1] == "/affirm"  # taken as the button it is
    assert prod.slots(sender)["consent"] == "yes", reply


def test_hidden_characters_do_not_hide_a_disclosure(prod: Prod):
    reply = prod.rest_say(f"probe-{uuid.uuid4().hex[:8]}", "I have ta\u200bken 40 of my tab\u00adlets")
    assert all(number in reply for number in CRISIS_NUMBERS), reply


# --- 4. Limits ---------------------------------------------------------------------------------

def test_over_the_limit_on_rest_is_answered_and_not_processed(prod: Prod):
    sender = f"probe-{uuid.uuid4().hex[:8]}"
    reply = prod.rest_say(sender, "word " * 1001)  # 5,005 characters
    assert "too long" in reply
    assert prod.user_texts(sender) == []
    accepted = prod.rest_say(sender, ("a" * 9 + " ") * 500)  # exactly 5,000 characters
    assert "too long" not in accepted
    assert len(prod.user_texts(sender)[-1]) == 4999  # the trailing space stripped, nothing cut


def test_a_megabyte_on_rest_is_refused_at_once_and_the_server_stays_up(prod: Prod):
    answer = prod.rest({"sender": "probe-mb", "message": "word " * 200_000})
    assert answer.status_code == 413
    assert prod.rest_say("probe-after-mb", "hello")


def test_over_the_limit_on_web_chat_is_answered_and_not_processed(prod: Prod):
    session, reply = webchat_say(prod.rasa, "word " * 1001)
    assert "too long" in reply
    assert prod.user_texts(session) == []


def test_over_the_limit_by_sms_is_answered_and_not_processed(prod: Prod):
    phone = "+447700900304"
    reply = prod.sms(phone, "word " * 1001)
    assert "too long" in reply
    assert prod.user_texts(phone) == []


def test_a_flood_from_one_sender_is_slowed_but_a_crisis_still_answered(prod: Prod):
    from concurrent.futures import ThreadPoolExecutor

    sender = f"probe-{uuid.uuid4().hex[:8]}"

    def one(n: int) -> int:
        return prod.rest({"sender": sender, "message": f"what time do you open {n}"}).status_code

    with ThreadPoolExecutor(max_workers=30) as pool:  # a flood: 30 at once, as a script would
        statuses = list(pool.map(one, range(30)))
    assert statuses.count(429) >= 5 and statuses.count(200) >= 15, statuses
    processed = len(prod.user_texts(sender))
    assert processed <= 23  # 20 in a burst, refilled at 20 a minute while the flood is read
    started = time.monotonic()
    reply = prod.rest_say(sender, "I have taken 40 of my tablets")
    assert all(number in reply for number in CRISIS_NUMBERS), (reply, time.monotonic() - started)
