"""The citizen web chat in Debian's Chromium, against a real Rasa server and the trained model.

A socket.io protocol mismatch fails silently in the browser, so every conversation here waits
for the assistant's real reply text, not just for "something" to appear.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.support.webchat import ARTIFACTS, run_axe, serious

pytestmark = [pytest.mark.browser, pytest.mark.model]

CONSENT_QUESTION = "Can I keep what you tell me"   # the assistant's first reply (utter_ask_consent)
REPLY_TIMEOUT = 30_000


def open_chat(new_page: Any, url: str, **options: Any) -> Any:
    page = new_page(**options)
    page.goto(url)
    page.locator(".lw-msg").first.wait_for()
    return page


def bot_says(page: Any, text: str) -> None:
    """Wait until an assistant message containing ``text`` is on the page."""
    page.locator(".lw-msg--bot .lw-msg__text", has_text=text).last.wait_for(timeout=REPLY_TIMEOUT)


def start_conversation(page: Any) -> str:
    """Say hello by typing, wait for the real reply; the session id the page keeps."""
    page.locator("#lw-input").fill("hi")
    page.locator("#lw-input").press("Enter")
    bot_says(page, CONSENT_QUESTION)
    return page.evaluate("localStorage.getItem('lwfd.webchat.session')")


def focused(page: Any) -> dict[str, str]:
    return page.evaluate("({id: document.activeElement.id, tag: document.activeElement.tagName,"
                         " text: document.activeElement.textContent.trim()})")


def test_page_is_served_same_origin_with_safe_headers(webchat_server):
    with urllib.request.urlopen(webchat_server.url) as r:
        html = r.read().decode()
        assert r.headers["Content-Type"].startswith("text/html")
        assert "script-src 'self'" in r.headers["Content-Security-Policy"]
        assert r.headers["Referrer-Policy"] == "no-referrer"
    assert '<html lang="en-GB">' in html and 'content="/socket.io"' in html
    # Without the slash, the relative links would break: redirected.
    with urllib.request.urlopen(webchat_server.url.rstrip("/")) as r:
        assert r.url == webchat_server.url
    for bad in ("../webchat.py", "..%2Fwebchat.py", "vendor/../../webchat.py", "nope.js"):
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(webchat_server.url + bad)
        assert error.value.code == 404, bad


def test_axe_finds_no_serious_or_critical_violations(webchat_server, new_page):
    page = open_chat(new_page, webchat_server.url)
    problems = serious(run_axe(page))
    session_id = start_conversation(page)
    page.locator(".lw-choices button").first.wait_for()
    problems += serious(run_axe(page))
    webchat_server.worker_says(session_id, "Hello, I'm Sam from the Hub.")
    page.locator(".lw-msg--worker").wait_for(timeout=REPLY_TIMEOUT)
    page.locator("#lw-help-summary").click()
    page.get_by_role("link", name="999").wait_for()
    problems += serious(run_axe(page))
    assert problems == [], "\n".join(problems)
    assert page.js_errors == []


def test_a_conversation_gets_real_replies_and_survives_a_reload(webchat_server, new_page):
    page = open_chat(new_page, webchat_server.url)
    session_id = start_conversation(page)
    assert re.fullmatch(r"[0-9a-f]{32}", session_id)
    # The new reply is announced (polite live region) and the buttons are real buttons.
    assert CONSENT_QUESTION in page.locator("#lw-announcer").inner_text()
    choices = page.locator(".lw-choices").get_by_role("button")
    assert choices.count() >= 2
    first_title = choices.first.inner_text()
    choices.first.click()
    page.locator(".lw-msg--user .lw-msg__text", has_text=first_title).wait_for()
    page.locator(".lw-msg--bot").nth(1).wait_for(timeout=REPLY_TIMEOUT)
    assert focused(page)["id"] == "lw-input"
    # Rasa got the button's payload, not its words.
    assert webchat_server.user_texts(session_id)[-1].startswith("/")
    # Everything but the page's own local greeting, which is not part of the conversation.
    said = "#lw-messages .lw-msg:not(.lw-msg--note) .lw-msg__text"
    before = page.locator(said).all_inner_texts()
    assert before[0] == "hi" and len(before) >= 4

    page.reload()
    page.locator(".lw-msg--bot .lw-msg__text", has_text=CONSENT_QUESTION).wait_for()
    page.locator(said).nth(len(before) - 1).wait_for()
    assert page.locator("#lw-messages .lw-msg__text").all_inner_texts() == before
    assert page.evaluate("localStorage.getItem('lwfd.webchat.session')") == session_id
    # History is drawn, not re-announced.
    assert page.locator("#lw-announcer").inner_text().strip() == ""
    # And the conversation carries on in the same Rasa conversation.
    replies = page.locator(".lw-msg--bot").count()
    page.locator("#lw-input").fill("it's for me")
    page.locator("#lw-input").press("Enter")
    page.locator(".lw-msg--bot").nth(replies).wait_for(timeout=REPLY_TIMEOUT)
    assert webchat_server.user_texts(session_id)[-1] == "it's for me"
    assert page.js_errors == []


def test_keyboard_only(webchat_server, new_page):
    page = open_chat(new_page, webchat_server.url)
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to the message box"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "lw-input"
    page.keyboard.type("hello")
    page.keyboard.press("Enter")
    bot_says(page, CONSENT_QUESTION)
    assert focused(page)["id"] == "lw-input"
    # The choices come just before the message box in the tab order.
    page.keyboard.press("Shift+Tab")
    last_choice = focused(page)
    assert last_choice["tag"] == "BUTTON" and last_choice["text"]
    page.keyboard.press("Shift+Tab")
    first_choice = focused(page)
    assert first_choice["tag"] == "BUTTON" and first_choice["text"] != last_choice["text"]
    page.keyboard.press("Enter")
    page.locator(".lw-msg--user .lw-msg__text", has_text=first_choice["text"]).wait_for()
    assert focused(page)["id"] == "lw-input"
    # "Get help now" opens with the keyboard and closes with Escape.
    page.locator("#lw-help-summary").focus()
    page.keyboard.press("Enter")
    assert page.get_by_role("link", name="116 123").is_visible()
    page.keyboard.press("Escape")
    assert not page.get_by_role("link", name="116 123").is_visible()
    assert focused(page)["id"] == "lw-help-summary"


def test_typing_a_buttons_words_answers_it(webchat_server, new_page):
    page = open_chat(new_page, webchat_server.url)
    session_id = start_conversation(page)
    title = page.locator(".lw-choices button").first.inner_text()
    page.locator("#lw-input").fill(f"  {title.upper()} ")
    page.locator("#lw-input").press("Enter")
    page.locator(".lw-msg--bot").nth(1).wait_for(timeout=REPLY_TIMEOUT)
    assert webchat_server.user_texts(session_id)[-1].startswith("/")
    assert page.locator(".lw-msg--user .lw-msg__text").last.inner_text() == title.upper()


def test_a_hub_workers_message_shows_as_from_a_person(webchat_server, new_page):
    page = open_chat(new_page, webchat_server.url)
    session_id = start_conversation(page)
    webchat_server.worker_says(session_id, "Hi, I'm Sam from the Hub. <b>I'm here now.</b>", name="Sam")
    worker = page.locator(".lw-msg--worker")
    worker.wait_for(timeout=REPLY_TIMEOUT)
    assert worker.locator(".lw-msg__who").inner_text() == "Sam, Hub worker"
    assert worker.locator(".lw-msg__text").inner_text() == "Hi, I'm Sam from the Hub. <b>I'm here now.</b>"
    assert worker.locator("b").count() == 0
    assert "Sam, Hub worker: Hi, I'm Sam" in page.locator("#lw-announcer").inner_text()
    page.reload()
    page.locator(".lw-msg--worker").wait_for()
    assert page.locator(".lw-msg--worker .lw-msg__who").inner_text() == "Sam, Hub worker"


def test_a_dropped_connection_is_calm_and_loses_nothing(webchat_server, new_page):
    page = open_chat(new_page, webchat_server.url)
    session_id = start_conversation(page)
    page.context.set_offline(True)
    status = page.locator("#lw-status")
    status.filter(has_text="connection dropped").wait_for()
    # A worker's reply while the page is offline, and a message the person writes meanwhile.
    webchat_server.worker_says(session_id, "Are you still there?", name="Ade")
    page.locator("#lw-input").fill("sorry, my signal went")
    page.locator("#lw-input").press("Enter")
    assert "will be sent" in status.inner_text()
    page.context.set_offline(False)
    status.filter(has_text="connected again").wait_for(timeout=REPLY_TIMEOUT)
    page.locator(".lw-msg--worker .lw-msg__text", has_text="Are you still there?").wait_for()
    for _ in range(60):
        if "sorry, my signal went" in webchat_server.user_texts(session_id):
            break
        page.wait_for_timeout(500)
    assert "sorry, my signal went" in webchat_server.user_texts(session_id)
    assert page.js_errors == []


def test_readable_at_360px_and_at_200_percent_zoom(webchat_server, new_page):
    page = open_chat(new_page, webchat_server.url, width=360, height=740)
    start_conversation(page)
    page.locator(".lw-choices button").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for selector in ("#lw-help-summary", "#lw-input", "#lw-send"):
        box = page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, selector
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "webchat-360.png"))

    # 200% zoom of a 1280 x 720 window is a 640 x 360 CSS pixel viewport.
    zoomed = open_chat(new_page, webchat_server.url, width=640, height=360, device_scale_factor=2)
    assert zoomed.evaluate("document.documentElement.scrollWidth") <= 640
    zoomed.locator("#lw-input").scroll_into_view_if_needed()
    assert zoomed.locator("#lw-input").is_visible() and zoomed.locator("#lw-help-summary").is_visible()
    zoomed.screenshot(path=str(ARTIFACTS / "webchat-200pc.png"), full_page=True)


def test_reduced_motion_stops_the_typing_animation(webchat_server, new_page):
    moving = open_chat(new_page, webchat_server.url)
    still = open_chat(new_page, webchat_server.url, reduced_motion="reduce")
    script = "getComputedStyle(document.querySelector('.lw-typing__dots span')).animationName"
    assert moving.evaluate(script) == "lw-blink"
    assert still.evaluate(script) == "none"


def say(page: Any, text: str, expect: str) -> None:
    """Type a message and wait for the assistant's reply containing ``expect``."""
    page.locator("#lw-input").fill(text)
    page.locator("#lw-input").press("Enter")
    bot_says(page, expect)


def test_a_whole_self_introduction_by_web_chat(webchat_server, new_page):
    page = open_chat(new_page, webchat_server.url)
    page.get_by_role("button", name="Hello").click()
    bot_says(page, CONSENT_QUESTION)
    page.get_by_role("button", name="Yes", exact=True).click()
    bot_says(page, "what's been going on")
    say(page, "my landlord gave me an eviction notice and im behind on universal credit",
        "Choose one, ask for others")
    assert page.locator(".lw-card").count() == 3
    say(page, "1", "How and when")
    say(page, "text me in the afternoon", "What matters most to you")
    say(page, "keeping my flat and feeling less alone", "What do you enjoy")
    say(page, "i love cooking and i used to play football", "Who is around you")
    say(page, "nobody really", "Here's what I've noted")
    summary = "\n".join(page.locator(".lw-msg--bot .lw-msg__text").all_inner_texts())
    assert "housing" in summary and "cooking" in summary
    replies = page.locator(".lw-msg--bot").count()
    page.locator("#lw-input").fill("yes that's right")
    page.locator("#lw-input").press("Enter")
    page.locator(".lw-msg--bot").nth(replies).wait_for(timeout=REPLY_TIMEOUT)

    from sqlalchemy import select

    from bot.store.db import session_scope
    from bot.store.models import Introduction

    session_id = page.evaluate("localStorage.getItem('lwfd.webchat.session')")
    with session_scope(webchat_server.stack.app_db_url) as db:
        [row] = db.execute(select(Introduction).where(Introduction.sender_id == f"web:{session_id}")).scalars().all()
        assert row.consent is True and row.status == "complete" and row.summary_confirmed is True
        assert {"housing", "money"} <= set(row.needs) and "cooking" in row.strengths
    assert webchat_server.stack.tracker(f"web:{session_id}")["latest_input_channel"] == "webchat"
    assert page.js_errors == []


def test_at_360px_a_story_as_the_first_message_gets_offer_cards_that_fit(webchat_server, new_page):
    page = open_chat(new_page, webchat_server.url, width=360, height=740)
    page.locator("#lw-input").fill("my husband died in the spring and i've got behind on the rent")
    page.locator("#lw-input").press("Enter")
    bot_says(page, CONSENT_QUESTION)
    page.get_by_role("button", name="Yes", exact=True).click()
    bot_says(page, "Choose one, ask for others")
    cards = page.locator(".lw-card")
    assert cards.count() == 3
    page.screenshot(path=str(ARTIFACTS / "webchat-360-offers.png"))
    log = page.locator("#lw-log").bounding_box()
    first = cards.first.bounding_box()
    assert log["y"] <= first["y"] and first["y"] + first["height"] <= log["y"] + log["height"]  # in view
    strip = page.locator(".lw-cards").last.bounding_box()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert strip["height"] < log["height"], (strip, log)  # the offers fit the chat box
    assert strip["x"] >= 0 and strip["x"] + strip["width"] <= 360
    links = cards.first.locator("a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs and all(h.startswith(("tel:", "https://", "http://")) for h in hrefs)
    assert any(h.startswith("tel:") for h in
               [a.get_attribute("href") for a in page.locator(".lw-card a").all()])
    # The offers are announced to screen readers with their names, not only drawn.
    assert "1. " in page.locator("#lw-announcer").inner_text()
    # The story was kept: it is not asked for again.
    texts = "\n".join(page.locator(".lw-msg--bot .lw-msg__text").all_inner_texts())
    assert "what's been going on" not in texts
    assert page.js_errors == []
