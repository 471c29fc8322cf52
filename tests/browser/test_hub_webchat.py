"""Web chat citizen to Hub worker and back, both in Chromium, against the real Rasa stack.

The citizen asks for a person in the web chat; a worker logs in to the Hub console, sees them at
the top of the queue, opens the summary and transcript, claims and replies; the reply appears in
the citizen's window marked as from a person, and the citizen's answer reaches the console live.
(Owned by the Hub console; it lives here to share the web chat server fixture.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_webchat import open_chat, start_conversation
from tests.hub.support import HubProcess, make_user, wait_for_handoff
from tests.support.webchat import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.model]


@pytest.fixture(scope="module")
def console(webchat_server, tmp_path_factory) -> Iterator[HubProcess]:
    stack = webchat_server.stack
    process = HubProcess(tmp_path_factory.mktemp("hub-webchat"), stack.rasa_url, stack.token,
                         stack.app_db_url, stack.events_db_url).start()
    yield process
    process.stop()


def test_worker_reply_reaches_the_web_chat_window(webchat_server, console, new_page: Any):
    citizen = open_chat(new_page, webchat_server.url)
    session_id = start_conversation(citizen)
    citizen.locator("#lw-input").fill("can I talk to a real person please")
    citizen.locator("#lw-input").press("Enter")
    handoff = wait_for_handoff(webchat_server.stack.app_db_url, f"web:{session_id}")

    make_user(webchat_server.stack.app_db_url, "webchat_worker", display_name="Sam")
    worker = new_page(width=1200, height=900)
    worker.goto(console.url + "/login")
    worker.get_by_label("Username").fill("webchat_worker")
    worker.get_by_label("Password").fill("correct horse battery")
    worker.get_by_role("button", name="Log in").click()
    first = worker.locator("#waiting tbody tr").first
    expect(first).to_have_attribute("data-handoff", str(handoff.id))
    first.get_by_role("link").click()
    expect(worker.get_by_role("heading", name="Summary")).to_be_visible()
    expect(worker.locator("#transcript")).to_contain_text("can I talk to a real person please")

    worker.get_by_role("button", name="Claim this conversation").click()
    worker.get_by_label("Reply to the person").fill("Hello, I'm Sam from the Hub. How can I help?")
    worker.get_by_role("button", name="Send").click()

    reply = citizen.locator(".lw-msg--worker", has_text="How can I help?")
    reply.wait_for(timeout=20_000)
    expect(reply).to_contain_text("Sam")

    citizen.locator("#lw-input").fill("thank you, it's about my housing")
    citizen.locator("#lw-input").press("Enter")
    expect(worker.locator("#transcript")).to_contain_text("it's about my housing", timeout=5_000)


def test_the_person_is_told_when_a_worker_joins_and_leaves(webchat_server, console, new_page: Any):
    """"Sam from the Hub has joined", no "assistant is writing" while Sam has the chat, and
    "Sam has left; the assistant is back" after the hand back, in the person's window."""
    citizen = open_chat(new_page, webchat_server.url)
    session_id = start_conversation(citizen)
    citizen.locator("#lw-input").fill("I'd like to talk to a person")
    citizen.locator("#lw-input").press("Enter")
    handoff = wait_for_handoff(webchat_server.stack.app_db_url, f"web:{session_id}")

    make_user(webchat_server.stack.app_db_url, "joining_worker", display_name="Sam Jones")
    worker = new_page(width=1280, height=900)
    worker.goto(f"{console.url}/login?next=%2Fconversations%2F{handoff.id}")
    worker.get_by_label("Username").fill("joining_worker")
    worker.get_by_label("Password").fill("correct horse battery")
    worker.get_by_role("button", name="Log in").click()
    worker.get_by_role("button", name="Claim this conversation").click()

    joined = citizen.locator(".lw-msg--hub", has_text="Sam from the Hub has joined")
    joined.wait_for(timeout=20_000)
    citizen.locator("#lw-input").fill("ok, hello Sam")
    citizen.locator("#lw-input").press("Enter")
    citizen.wait_for_timeout(1000)
    expect(citizen.locator("#lw-typing")).to_be_hidden()  # nobody "writing" while Sam holds the chat
    expect(worker.locator("#transcript")).to_contain_text("ok, hello Sam", timeout=5_000)

    worker.get_by_role("button", name="Hand back to the assistant").click()
    left = citizen.locator(".lw-msg--hub", has_text="Sam has left; the assistant is back.")
    left.wait_for(timeout=20_000)
    # A reload draws the same lines from the record.
    citizen.reload()
    expect(citizen.locator(".lw-msg--hub")).to_have_count(2, timeout=20_000)
    ARTIFACTS.mkdir(exist_ok=True)
    citizen.screenshot(path=str(ARTIFACTS / "webchat-worker-joined-and-left.png"), full_page=True)
    assert not citizen.js_errors
