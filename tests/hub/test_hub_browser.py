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
    assert [c["event"]["text"] for c in sent] == ["Sam from the Hub has joined. You're talking to a person now.",
                                                  "Hello, I'm Sam from the Hub. I'm here now."]


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


# --- A shift in Chromium at 1280 px: triage, introductions, the card, the transcript, SMS, axe ---

WIDE = {"width": 1280, "height": 900}
PLAN_RISK = {"level": "high", "categories": ["suicide"],
             "reasons": ['suicide (high): "I have the tablets here and a plan for tonight"']}
SOFTER_RISK = {"level": "possible", "categories": [], "reasons": ['general distress (possible): "cant cope"']}


def _log_in(page, base: str, username: str, target: str = "/queue") -> None:
    from urllib.parse import quote

    page.goto(f"{base}/login?next={quote(target, safe='')}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()


def _axe(page, name: str, counts: dict) -> list[str]:
    from tests.support.webchat import run_axe, serious

    violations = run_axe(page)
    problems = serious(violations)
    counts[name] = {"serious_or_critical": len(problems), "all": len(violations),
                    "ids": sorted({v["id"] for v in violations})}
    return [f"{name}: {p}" for p in problems]


def test_a_shift_in_the_console_at_1280px(hub, hub_dbs, rasa_stand_in):
    """Queue order, a non-handoff introduction in the list, "Not sure" on the card, button words in
    the transcript, the SMS confirmation above one text, and axe on every console page."""
    import json
    from datetime import timedelta

    from playwright.sync_api import expect, sync_playwright

    from bot.store.db import session_scope
    from bot.store.models import Introduction, utcnow
    from tests.support.webchat import ARTIFACTS

    db = hub_dbs[1]
    make_user(db, "shift_worker", display_name="Sam Jones")
    make_user(db, "shift_lead", "lead", display_name="Lee")
    softer = add_handoff(db, "shift-softer", reason="risk", risk_level="possible", minutes_ago=45,
                         summary={"needs": ["money"], "risk": SOFTER_RISK, "first_name": "Alex"})
    plan = add_handoff(db, "shift-plan", reason="risk", urgent=True, risk_level="high", minutes_ago=3,
                       summary={"needs": ["housing"], "risk": PLAN_RISK, "introduced_by": "someone_else",
                                "relationship": "her neighbour", "person_agrees": "skipped",
                                "introducer_contact": "Jo", "consent": True})
    sms = add_handoff(db, "+447700900555", channel="twilio", minutes_ago=20, summary={"needs": ["work"]})
    rasa_stand_in.trackers["shift-plan"] = [
        {"event": "slot", "name": "requested_slot", "value": "person_agrees", "timestamp": 1.0},
        {"event": "bot", "text": "Does the person know you're contacting us, and are they happy for you to?",
         "timestamp": 2.0, "data": {"buttons": [{"title": "Yes", "payload": "/affirm"},
                                                {"title": "No", "payload": "/deny"},
                                                {"title": "Not sure", "payload": "/skip"}]}},
        {"event": "user", "text": "/skip", "timestamp": 3.0},
        {"event": "slot", "name": "requested_slot", "value": "introducer_contact", "timestamp": 4.0},
        {"event": "user", "text": "Jo, 07700 900888, any time", "timestamp": 5.0},
        {"event": "user", "text": "she says she has the tablets here and a plan for tonight", "timestamp": 6.0,
         "parse_data": {"risk": PLAN_RISK}},
    ]
    with session_scope(db) as session:
        created = utcnow() - timedelta(hours=2)
        session.add(Introduction(sender_id="shift-intro-only", channel="socketio", consent=True, needs=["money"],
                                 strengths=[], offers_given=[], story="Bills piling up, no rush",
                                 status="complete", created_at=created, updated_at=created))
        session.flush()
        intro_id = session.query(Introduction).filter_by(sender_id="shift-intro-only").one().id

    ARTIFACTS.mkdir(exist_ok=True)
    counts: dict = {}
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=WIDE)
            page.goto(hub.url + "/login")
            problems += _axe(page, "login", counts)
            _log_in(page, hub.url, "shift_worker")

            # The queue: the plan-and-means row above the softer one, with the person's own words.
            rows = page.locator("#waiting tbody tr")
            expect(rows.first).to_have_attribute("data-handoff", str(plan))
            order = [int(r.get_attribute("data-handoff")) for r in rows.all()]
            assert order.index(plan) < order.index(softer)
            expect(rows.first).to_contain_text("I have the tablets here and a plan for tonight")
            expect(rows.first).to_contain_text("Plan, means or harm happening now")
            expect(page.locator(f'tr[data-handoff="{softer}"]')).to_contain_text("Alex")
            expect(page.locator(f'tr[data-handoff="{softer}"]')).to_contain_text("Possible risk")
            page.wait_for_timeout(300)
            page.screenshot(path=str(ARTIFACTS / "hub-queue.png"), full_page=True)
            problems += _axe(page, "queue", counts)

            # A non-handoff introduction is in the list, with the same card.
            page.get_by_role("link", name="Introductions").click()
            expect(page.locator(f'tr[data-introduction="{intro_id}"]')).to_be_visible()
            problems += _axe(page, "introductions", counts)
            page.locator(f'tr[data-introduction="{intro_id}"]').get_by_role("link").first.click()
            expect(page.get_by_text("Bills piling up, no rush")).to_be_visible()
            expect(page.get_by_role("button", name="Start contact in the web chat")).to_be_visible()
            problems += _axe(page, "introduction", counts)

            # The card: "Not sure" as pressed, the introducer's full contact, every risk reason.
            page.goto(f"{hub.url}/conversations/{plan}")
            card = page.locator(".hub-card")
            expect(card.locator(".nhsuk-summary-list__row", has_text="The person knows and agrees")
                   ).to_contain_text("Not sure")
            expect(card).to_contain_text("Jo, 07700 900888, any time")
            expect(card.locator(".hub-reasons li")).to_have_count(1)
            # The transcript: the button's words, never its payload; scrollable by keyboard.
            transcript = page.locator("#transcript")
            expect(transcript.locator(".hub-line--person").first).to_contain_text("Not sure")
            expect(transcript).not_to_contain_text("/skip")
            expect(transcript).to_have_attribute("tabindex", "0")
            problems += _axe(page, "conversation (waiting)", counts)
            page.get_by_role("button", name="Claim this conversation").click()
            expect(page.locator("#reply-status")).to_contain_text("the person was told you have joined")
            expect(transcript).to_contain_text("Sam from the Hub has joined", timeout=5000)
            page.screenshot(path=str(ARTIFACTS / "hub-conversation.png"), full_page=True)
            problems += _axe(page, "conversation (claimed)", counts)

            # SMS: the count as you type, and a confirmation above one text.
            page.goto(f"{hub.url}/conversations/{sms}")
            page.get_by_role("button", name="Claim this conversation").click()
            box = page.get_by_label("Reply to the person")
            box.fill("Thanks for waiting.")
            expect(page.locator("#reply-count")).to_have_text("1 text (19 characters).")
            long_reply = ("Thanks for waiting. I have read what you told the assistant about work. " * 5)[:333]
            box.fill(long_reply)
            expect(page.locator("#reply-count")).to_contain_text("3 texts")
            expect(page.locator("#reply-count")).to_contain_text("you will be asked to confirm")
            page.get_by_role("button", name="Send").click()
            expect(page.locator("#error")).to_contain_text("3 texts long")
            expect(page.locator("#error")).to_be_in_viewport()
            expect(page.get_by_label("Send it as 3 texts")).to_be_visible()
            assert not [c for c in rasa_stand_in.appended("+447700900555", "bot")
                        if c["event"]["metadata"].get("lwfd_from") == "worker"]
            page.screenshot(path=str(ARTIFACTS / "hub-sms-confirm.png"), full_page=True)
            problems += _axe(page, "conversation (SMS split to confirm)", counts)
            page.get_by_label("Send it as 3 texts").check()
            page.get_by_role("button", name="Send").click()
            expect(page.locator("#notice")).to_contain_text("Sent.")
            expect(page.locator("#notice")).to_be_in_viewport()
            sent = [c["event"]["text"] for c in rasa_stand_in.appended("+447700900555", "bot")
                    if c["event"]["metadata"].get("lwfd_from") == "worker"]
            assert sent == [long_reply.strip()]

            # Hand back, then the lead's pages.
            page.get_by_role("button", name="Hand back to the assistant").click()
            expect(page.get_by_role("heading", name="People waiting")).to_be_visible()
            lead = browser.new_page(viewport=WIDE)
            _log_in(lead, hub.url, "shift_lead", "/finished")
            expect(lead.get_by_role("heading", name="Finished conversations")).to_be_visible()
            problems += _axe(lead, "finished", counts)
            lead.goto(hub.url + "/audit")
            expect(lead.get_by_text("Handed a conversation back to the assistant").first).to_be_visible()
            problems += _axe(lead, "audit", counts)
            lead.goto(hub.url + "/coproduction")
            problems += _axe(lead, "coproduction", counts)
            lead.goto(hub.url + "/conversations/999999")
            problems += _axe(lead, "not found", counts)
        finally:
            browser.close()
    (ARTIFACTS / "hub-axe.json").write_text(json.dumps(counts, indent=2), encoding="utf-8")
    assert not problems, "\n".join(problems)
