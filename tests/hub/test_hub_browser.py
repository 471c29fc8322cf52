"""One Chromium run: a worker logs in, sees an urgent person at the top, claims and replies."""

from __future__ import annotations

import pytest

from tests.hub.support import ON_RISK, add_handoff, make_user

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def test_worker_claims_the_urgent_person_and_replies(hub, hub_dbs, rasa_stand_in):
    from playwright.sync_api import expect, sync_playwright

    db = hub_dbs[1]
    make_user(db, "browser_worker", display_name="Sam")
    add_handoff(db, "browser-calm", minutes_ago=30)
    urgent = add_handoff(db, "browser-urgent", urgent=True, risk_level="high", minutes_ago=2,
                         summary={"needs": ["housing"], "story": "I have nowhere to sleep tonight"})
    rasa_stand_in.trackers["browser-urgent"] = [
        {"event": "user", "text": "I have nowhere to sleep tonight", "timestamp": 1.0,
         "parse_data": {"risk": {"level": "high", "reasons": ["no safe place"]}}}]

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(hub.url + "/queue")
            expect(page).to_have_url(f"{hub.url}/login?next=%2Fqueue")
            page.get_by_label("Username").fill("browser_worker")
            page.get_by_label("Password").fill("correct horse battery")
            page.get_by_role("button", name="Log in").click()
            expect(page.get_by_role("heading", name="People waiting")).to_be_visible()

            first = page.locator("#waiting tbody tr").first
            expect(first).to_have_attribute("data-handoff", str(urgent))
            expect(first).to_contain_text("Urgent")
            first.get_by_role("link").click()

            expect(page.get_by_text("I have nowhere to sleep tonight").first).to_be_visible()
            page.get_by_role("button", name="Claim this conversation").click()
            expect(page.get_by_role("status").filter(has_text="You have this conversation")).to_be_visible()

            page.get_by_label("Reply to the person").fill("Hello, I'm Sam from the Hub. I'm here now.")
            page.get_by_role("button", name="Send").click()
            expect(page.locator("#transcript")).to_contain_text("Sam (Hub worker)", timeout=5000)
            expect(page.locator("#transcript")).to_contain_text("I'm here now.")
        finally:
            browser.close()

    sent = rasa_stand_in.appended("browser-urgent", "bot")
    assert [c["event"]["text"] for c in sent] == ["Hello, I'm Sam from the Hub. I'm here now."]


def test_an_open_queue_page_shows_and_clears_the_safety_banner_by_itself(hub, hub_dbs, rasa_stand_in):
    """The banner arrives over the live feed: nobody reloads a queue left open overnight."""
    from playwright.sync_api import expect, sync_playwright

    db = hub_dbs[1]
    make_user(db, "browser_night_worker")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(hub.url + "/login?next=%2Fqueue")
            page.get_by_label("Username").fill("browser_night_worker")
            page.get_by_label("Password").fill("correct horse battery")
            page.get_by_role("button", name="Log in").click()
            expect(page.get_by_role("heading", name="People waiting")).to_be_visible()
            banner = page.locator("#safety-alert")
            expect(banner).to_be_hidden()
            page.wait_for_timeout(500)  # the feed is open
            rasa_stand_in.risk = {**ON_RISK, "meaning": None}
            add_handoff(db, "browser-night-1")
            expect(banner).to_be_visible(timeout=5000)
            expect(banner).to_have_attribute("role", "alert")
            expect(banner).to_contain_text("read new messages with extra care")
            rasa_stand_in.risk = dict(ON_RISK)
            add_handoff(db, "browser-night-2")
            expect(banner).to_be_hidden(timeout=5000)
        finally:
            rasa_stand_in.risk = dict(ON_RISK)
            browser.close()


def test_an_open_conversation_page_shows_the_safety_banner_by_itself(hub, hub_dbs, rasa_stand_in):
    """The same banner reaches a worker who is reading one conversation, without a reload."""
    from playwright.sync_api import expect, sync_playwright

    db = hub_dbs[1]
    make_user(db, "browser_reading_worker")
    handoff_id = add_handoff(db, "browser-reading-1")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{hub.url}/login?next=%2Fconversations%2F{handoff_id}")
            page.get_by_label("Username").fill("browser_reading_worker")
            page.get_by_label("Password").fill("correct horse battery")
            page.get_by_role("button", name="Log in").click()
            expect(page.get_by_role("heading", name=f"Conversation {handoff_id}")).to_be_visible()
            banner = page.locator("#safety-alert")
            expect(banner).to_be_hidden()
            page.wait_for_timeout(500)  # the feed is open
            rasa_stand_in.risk = {**ON_RISK, "meaning": None}
            expect(banner).to_be_visible(timeout=5000)
            expect(banner).to_contain_text("Risk detection: The assistant's risk detection is working without")
            rasa_stand_in.risk = dict(ON_RISK)
            expect(banner).to_be_hidden(timeout=5000)
        finally:
            rasa_stand_in.risk = dict(ON_RISK)
            browser.close()
