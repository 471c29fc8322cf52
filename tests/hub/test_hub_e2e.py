"""The console against a real Rasa server and action server with the trained model.

A person asks for a person over the REST channel; the lead's handoff action queues them; a
worker claims (Rasa pauses), replies through Rasa's HTTP API (stored in the tracker), sees the
person's next words live while the assistant stays quiet, and hands back (the assistant answers).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest

from bot.hub.rasa_client import RasaClient
from bot.hub.safety_check import check
from tests.hub.support import HubProcess, Staff, make_user, sse_events, wait_for_handoff

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def live_hub(rasa_stack, tmp_path_factory) -> Iterator[HubProcess]:
    process = HubProcess(tmp_path_factory.mktemp("hub-e2e"), rasa_stack.rasa_url, rasa_stack.token,
                         rasa_stack.app_db_url, rasa_stack.events_db_url).start()
    yield process
    process.stop()


def _events(rasa_stack, sender: str) -> list[dict]:
    return rasa_stack.tracker(sender)["events"]


def test_worker_takes_over_and_hands_back_a_real_conversation(rasa_stack, live_hub):
    sender = f"hub-e2e-{uuid.uuid4().hex[:8]}"
    rasa_stack.say(sender, "hi")
    rasa_stack.say(sender, "yes")
    rasa_stack.say(sender, "can I talk to a real person please")
    handoff = wait_for_handoff(rasa_stack.app_db_url, sender)

    make_user(rasa_stack.app_db_url, f"e2e_{sender[-8:]}", display_name="Sam")
    worker = Staff(live_hub.url)
    assert worker.login(f"e2e_{sender[-8:]}").status_code == 303
    assert f'data-handoff="{handoff.id}"' in worker.page("/queue").text
    page = worker.page(f"/conversations/{handoff.id}").text
    assert "can I talk to a real person please" in page  # the transcript came from Rasa's tracker

    assert worker.post_form(f"/conversations/{handoff.id}/claim").status_code == 303
    tracker = rasa_stack.tracker(sender)
    assert tracker["slots"]["hub_worker"] == "Sam"  # the safety policy keeps the assistant quiet

    worker.page(f"/conversations/{handoff.id}")
    assert worker.post_form(f"/conversations/{handoff.id}/reply", text="Hi, I'm Sam from the Hub.").status_code == 303
    stored = [e for e in _events(rasa_stack, sender) if e["event"] == "bot"][-1]
    assert stored["text"] == "Hi, I'm Sam from the Hub."
    assert stored["metadata"]["lwfd_from"] == "worker" and stored["metadata"]["lwfd_worker_name"] == "Sam"

    page = worker.page(f"/conversations/{handoff.id}").text
    stream = page.split('data-stream="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    with worker.get(live_hub.url + stream, stream=True, timeout=30) as feed:
        time.sleep(0.3)
        replies = rasa_stack.send(sender, "thank you, are you still there?")
        seen = None
        for kind, data in sse_events(feed, until=time.monotonic() + 10):
            if kind == "line" and "are you still there?" in data["html"]:
                seen = data
                break
    assert seen is not None, "the person's message did not reach the console"
    assert replies == []  # held by a worker: the assistant does not answer over them

    assert worker.post_form(f"/conversations/{handoff.id}/hand-back").status_code == 303
    assert rasa_stack.tracker(sender)["slots"]["hub_worker"] is None
    assert rasa_stack.send(sender, "hello again") != []  # the assistant answers again


def test_high_risk_while_claimed_alerts_the_worker(rasa_stack, live_hub):
    sender = f"hub-e2e-risk-{uuid.uuid4().hex[:8]}"
    rasa_stack.say(sender, "hi")
    rasa_stack.say(sender, "can I speak to someone from the hub")
    handoff = wait_for_handoff(rasa_stack.app_db_url, sender)
    make_user(rasa_stack.app_db_url, f"e2e_r_{sender[-8:]}")
    worker = Staff(live_hub.url)
    worker.login(f"e2e_r_{sender[-8:]}")
    worker.page(f"/conversations/{handoff.id}")
    assert worker.post_form(f"/conversations/{handoff.id}/claim").status_code == 303
    page = worker.page(f"/conversations/{handoff.id}").text
    stream = page.split('data-stream="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    with worker.get(live_hub.url + stream, stream=True, timeout=30) as feed:
        time.sleep(0.3)
        replies = " ".join(m.get("text", "") for m in rasa_stack.send(sender, "I want to end my life tonight"))
        # The person still gets the crisis numbers at once while a worker holds the conversation.
        assert "116 123" in replies and "999" in replies
        said = [e for e in _events(rasa_stack, sender) if e["event"] == "user"][-1]
        assert said["parse_data"]["risk"]["level"] == "high"
        alert = None
        for kind, data in sse_events(feed, until=time.monotonic() + 10):
            if kind == "alert":
                alert = data
                break
    assert alert is not None and alert["text"].startswith("High risk")


@pytest.fixture(scope="module")
def sms_stack(rasa_stack, fake_twilio, live_hub):
    """The run's shared stack (SMS channel on, through the fake Twilio API) and this module's Hub."""
    return rasa_stack, fake_twilio, live_hub, rasa_stack.sms_webhook


def _text_in(webhook: str, phone: str, body: str) -> None:
    import requests

    from bot.channels.fake_twilio import signed_webhook, webhook_params
    from bot.config import Settings

    params = webhook_params(phone, body)
    answer = requests.post(webhook, data=params, headers=signed_webhook(params, webhook, Settings().twilio_auth_token),
                           timeout=60)
    assert answer.status_code == 200, answer.text


def test_sms_person_gets_the_worker_reply_by_text_and_stop_is_respected(sms_stack):
    from bot.channels.optout import record_opt_out

    stack, fake, hub, webhook = sms_stack
    phone = "+447700900555"
    _text_in(webhook, phone, "hi")
    _text_in(webhook, phone, "can I talk to a real person please")
    handoff = wait_for_handoff(stack.app_db_url, f"sms:{phone}")  # the conversation is sms:<number>
    assert handoff.channel == "twilio" and handoff.sender_id == f"sms:{phone}"

    make_user(stack.app_db_url, "sms_worker", display_name="Sam")
    worker = Staff(hub.url)
    worker.login("sms_worker")
    worker.page(f"/conversations/{handoff.id}")
    fake.clear()
    assert worker.post_form(f"/conversations/{handoff.id}/claim").status_code == 303
    joined = "Sam from the Hub has joined. You're talking to a person now."
    assert fake.bodies_to(phone) == [joined]  # told once, in the words from domain.yml, unsigned
    worker.page(f"/conversations/{handoff.id}")
    assert worker.post_form(f"/conversations/{handoff.id}/reply", text="Hi, it's Sam from the Hub.").status_code == 303
    # Delivered by text (not just stored), signed by the SMS channel with the worker's name.
    assert fake.bodies_to(phone) == [joined, "Sam (Hub worker): Hi, it's Sam from the Hub."]
    worker.page(f"/conversations/{handoff.id}")
    assert worker.post_form(f"/conversations/{handoff.id}/hand-back").status_code == 303
    assert fake.bodies_to(phone)[2:] == ["Sam has left; the assistant is back."]

    # The worker who handed back can take it back; someone who texted STOP gets no text at all.
    record_opt_out(phone, url=stack.app_db_url)
    worker.page(f"/conversations/{handoff.id}")
    assert worker.post_form(f"/conversations/{handoff.id}/reopen").status_code == 303
    page = worker.page(f"/conversations/{handoff.id}").text
    assert "This person texted STOP" in page and 'id="reply-text"' not in page
    answer = worker.post_form(f"/conversations/{handoff.id}/reply", text="Are you still there?")
    assert answer.status_code == 409 and "texted STOP" in answer.text
    assert len(fake.bodies_to(phone)) == 3


async def test_safety_check_finds_the_real_detector_and_meaning_layer_on(rasa_stack):
    """The console's check reads the real model's parse: a stand-in could not catch a rename."""
    result = await check(RasaClient(rasa_stack.rasa_url, rasa_stack.token, timeout=30))
    assert result.state == "on", result.message
