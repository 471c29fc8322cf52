"""Co-production pages in the real console process: roles, the redacted inbox, propose, approve."""

from __future__ import annotations

import html
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.hub.feed import create_events_table
from bot.store.db import migrate
from tests.coproduction.support import last_commit, make_data_repo
from tests.hub.support import HubProcess, RasaStandIn, Staff, add_handoff, make_user


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HubProcess, RasaStandIn, Path, str]]:
    workdir = tmp_path_factory.mktemp("coproduction")
    app_db, events_db = f"sqlite:///{workdir / 'app.db'}", f"sqlite:///{workdir / 'events.db'}"
    migrate(app_db)
    create_events_table(events_db)
    repo = make_data_repo(workdir / "repo")
    for name, role in (("vol", "coproduction"), ("lee", "lead"), ("wes", "worker")):
        make_user(app_db, name, role)
    rasa = RasaStandIn(events_db_url=events_db).start()
    hub = HubProcess(workdir, rasa.url, rasa.token, app_db, events_db,
                     extra_env={"LWFD_HUB_SAFETY_CHECK_SECONDS": "0", "LWFD_DATA_REPO": str(repo)}).start()
    try:
        yield hub, rasa, repo, app_db
    finally:
        hub.stop()
        rasa.stop()


def test_a_worker_cannot_open_the_co_production_pages(console):
    hub, *_ = console
    worker = Staff(hub.url)
    worker.login("wes")
    for path in ("/coproduction/inbox", "/coproduction/replies", "/coproduction/examples", "/coproduction/proposals"):
        assert worker.page(path).status_code == 403, path
    assert worker.post_form("/coproduction/proposals/1/approve").status_code == 403


def test_inbox_shows_the_message_redacted_and_a_label_becomes_a_proposal_a_lead_approves(console):
    hub, rasa, repo, _ = console
    rasa.broker_write("+447700900123", {
        "event": "user", "text": "my name is Sarah Okafor 07700 900123 my landlrd wants me out",
        "parse_data": {"intent": {"name": "greet", "confidence": 0.32}, "entities": []}})
    vol = Staff(hub.url)
    vol.login("vol")
    page = vol.page("/coproduction/inbox")
    assert page.status_code == 200
    assert "my name is [name] [phone number] my landlrd wants me out" in page.text
    assert "Sarah" not in page.text and "900123" not in page.text
    item_id = page.text.split('action="/coproduction/inbox/')[1].split("/")[0]
    answer = vol.post_form(f"/coproduction/inbox/{item_id}/label", intent="share_story", needs="housing",
                           example="my landlrd wants me out", reason="a misspelt landlord")
    assert answer.status_code == 303
    proposals = vol.page("/coproduction/proposals").text
    assert "my landlrd wants me out" in proposals and "data/nlu/story_housing.yml" in proposals
    proposal_id = proposals.split('id="proposal-')[1].split('"')[0]
    assert vol.post_form(f"/coproduction/proposals/{proposal_id}/approve").status_code == 403  # leads only
    lead = Staff(hub.url)
    lead.login("lee")
    lead.page("/coproduction/proposals")
    assert lead.post_form(f"/coproduction/proposals/{proposal_id}/approve").status_code == 303
    assert "    - my landlrd wants me out\n" in (repo / "data/nlu/story_housing.yml").read_text()
    message = last_commit(repo)
    assert "Proposed-by: vol" in message and "Reviewed-by: lee" in message
    assert "Approved a co-production change" in lead.page("/audit").text


def test_a_worker_changes_the_risk_level_and_the_message_reaches_the_inbox_redacted(console):
    from bot.hub.models import AuditEntry
    from bot.store.db import session_scope
    from bot.store.models import Handoff

    hub, rasa, _, app_db = console
    sender = "+447700900789"
    handoff_id = add_handoff(app_db, sender, reason="risk", urgent=True, risk_level="high")
    rasa.trackers[sender] = [
        {"event": "user", "text": "my name is Tomasz Nowak, I could just jump off the bridge at the gig lol",
         "timestamp": 5.0, "parse_data": {"intent": {"name": "share_story", "confidence": 0.7}, "entities": [],
                                          "risk": {"level": "high", "categories": ["suicide"],
                                                   "reasons": ['suicide (high): "jump off the bridge"']}}},
        {"event": "bot", "text": "If you are in danger now, call 999."},
    ]
    worker = Staff(hub.url)
    worker.login("wes")
    page = worker.page(f"/conversations/{handoff_id}")
    assert f'action="/conversations/{handoff_id}/risk"' in page.text
    # Without the page's CSRF token nothing changes.
    forged = worker.post(f"{hub.url}/conversations/{handoff_id}/risk", data={"level": "none"}, allow_redirects=False)
    assert forged.status_code in (400, 403)
    assert worker.post_form(f"/conversations/{handoff_id}/risk", level="extreme").status_code == 400
    vol = Staff(hub.url)
    vol.login("vol")  # the co-production role sees no conversations, so cannot change one
    assert vol.post_form(f"/conversations/{handoff_id}/risk", level="none").status_code == 403
    with session_scope(app_db) as session:
        assert session.get(Handoff, handoff_id).worker_risk_level is None

    answer = worker.post_form(f"/conversations/{handoff_id}/risk", level="possible",
                              reason="Talking about a concert. Call back on 07700 900789")
    assert answer.status_code == 303 and "done=risk" in answer.headers["location"]
    with session_scope(app_db) as session:
        row = session.get(Handoff, handoff_id)
        assert (row.worker_risk_level, row.worker_risk_by, row.risk_level) == ("possible", "wes", "high")
        audit = session.query(AuditEntry).filter_by(action="risk_level_changed", handoff_id=handoff_id).one()
        assert audit.username == "wes"
        assert audit.detail == "From High risk to Possible risk (the assistant's level: High risk)"
    card = worker.page(f"/conversations/{handoff_id}").text
    assert "Possible risk" in card and "Set by wes, a Hub worker. The assistant's level was: High." in card
    assert 'jump off the bridge' in card  # the evidence the assistant saw is still shown
    lead = Staff(hub.url)
    lead.login("lee")
    assert "Changed a conversation&#39;s risk level" in lead.page("/audit").text

    inbox = vol.page("/coproduction/inbox").text
    assert "Risk level changed by a worker" in inbox
    assert "my name is [name], I could just jump off the bridge at the gig lol" in inbox
    assert "The assistant's risk level for this message: <strong>high risk</strong>" in inbox
    assert "The Hub worker's level: <strong>possible risk</strong>" in inbox
    assert "Talking about a concert. Call back on [phone number]" in inbox
    assert "Tomasz" not in inbox and "900789" not in inbox


def test_a_reply_is_checked_at_once_and_shown_as_a_text(console):
    hub, _, repo, _ = console
    vol = Staff(hub.url)
    vol.login("vol")
    replies = vol.page("/coproduction/replies").text
    assert "Hello and keeping what you tell us" in replies and "utter_goodbye" in replies
    link = re.search(r'href="/coproduction/replies/edit\?name=utter_goodbye&(?:amp;)?line=(\d+)"', replies).group(1)
    edit = vol.page(f"/coproduction/replies/edit?name=utter_goodbye&line={link}")
    assert "As a text message" in edit.text
    checked = vol.post_form("/coproduction/replies/edit", name="utter_goodbye", line=link, action="check",
                            text="Take care. A worker will call each patient.")
    shown = html.unescape(checked.text)
    assert 'says "patient"' in shown and "1 text," in shown
    refused = vol.post_form("/coproduction/replies/edit", name="utter_goodbye", line=link, action="propose",
                            text="Take care. A worker will call each patient.", reason="x")
    assert refused.status_code == 422
    proposed = vol.post_form("/coproduction/replies/edit", name="utter_goodbye", line=link, action="propose",
                             text="Take care of yourself. You can message us again any time.", reason="warmer")
    assert proposed.status_code == 303
    assert "New wording for" in vol.page("/coproduction/proposals").text


@pytest.mark.browser
def test_in_chromium_a_volunteer_labels_and_proposes_and_a_lead_approves(console):
    """The issue's browser path as far as it is built: redacted inbox, label, propose wording, approve.

    Set LWFD_SCREENSHOTS=DIR to keep a screenshot of each page (docs/co-production.md uses them).
    """
    import os

    from playwright.sync_api import expect, sync_playwright

    from tests.support.webchat import CHROMIUM, CHROMIUM_ARGS

    hub, rasa, repo, _ = console
    rasa.broker_write("+447700900555", {
        "event": "user", "text": "hiya im Priya, 07700 900555, cant pay the leccy this month",
        "parse_data": {"intent": {"name": "greet", "confidence": 0.41}, "entities": []}})
    shots = os.environ.get("LWFD_SCREENSHOTS")

    def shot(page, name: str) -> None:
        if shots:
            page.screenshot(path=str(Path(shots) / f"coproduction-{name}.png"), full_page=False)

    def login(page, username: str) -> None:
        page.goto(hub.url + "/login")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Log in").click()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            login(page, "vol")
            expect(page.get_by_role("heading", name="Co-production")).to_be_visible()
            shot(page, "start")
            page.get_by_role("link", name="Review inbox").first.click()
            card = page.locator(".review-item").filter(has_text="cant pay the leccy")
            expect(card).to_contain_text("hiya im [name], [phone number], cant pay the leccy this month")
            expect(page.locator("body")).not_to_contain_text("Priya")
            expect(page.locator("body")).not_to_contain_text("900555")
            card.get_by_label("What did the person mean?").select_option("share_story")
            card.get_by_label("Money, debt, benefits and bills").check()
            card.get_by_label("The example to learn from").fill("cant pay the leccy this month")
            card.get_by_label("Why (one line for the lead)").fill("People say leccy for electricity")
            shot(page, "inbox")
            card.get_by_role("button", name="Propose this example").click()
            expect(page.get_by_role("heading", name="Proposed changes")).to_be_visible()
            expect(page.locator("body")).to_contain_text("data/nlu/story_money.yml")

            page.get_by_role("link", name="What the assistant says").click()
            shot(page, "replies")
            page.get_by_role("link", name="Change utter_goodbye").click()
            page.get_by_label("New wording").fill("Take care. The Hub will call each patient soon.")
            page.get_by_role("button", name="Check it").click()
            expect(page.get_by_role("alert")).to_contain_text('says "patient"')
            page.get_by_label("New wording").fill("Look after yourself tonight. You can message us again any time.")
            page.get_by_role("button", name="Check it").click()
            expect(page.get_by_role("status")).to_contain_text("passes our language guide")
            expect(page.locator(".review-sms")).to_contain_text("1 text")
            page.get_by_label("Why (one line for the lead)").fill("Warmer goodbye")
            shot(page, "edit")
            page.get_by_role("button", name="Propose this change").click()
            expect(page.locator("body")).to_contain_text("New wording for")
            page.get_by_role("button", name="Log out vol").click()

            login(page, "lee")
            page.goto(hub.url + "/coproduction/proposals")
            shot(page, "proposals")
            for row_text in ("Look after yourself tonight", "cant pay the leccy"):
                row = page.locator("tr").filter(has_text=row_text)
                row.get_by_role("button", name="Approve").click()
                expect(page.locator("tr").filter(has_text=row_text)).to_contain_text("Approved")
            shot(page, "approved")
        finally:
            browser.close()

    assert "    - cant pay the leccy this month\n" in (repo / "data/nlu/story_money.yml").read_text()
    assert '"Look after yourself tonight. You can message us again any time."' in (repo / "domain.yml").read_text()
    log = subprocess.run(["git", "-C", str(repo), "log", "--format=%B"], capture_output=True, text=True).stdout
    assert log.count("Reviewed-by: lee") >= 2 and "People say leccy" in log


def test_a_lead_cannot_approve_a_change_whose_trial_lowers_a_safety_figure(console):
    import json

    hub, _, repo, _ = console
    vol = Staff(hub.url)
    vol.login("vol")
    replies = vol.page("/coproduction/replies").text
    line = re.search(r'href="/coproduction/replies/edit\?name=utter_carry_on&(?:amp;)?line=(\d+)"', replies).group(1)
    vol.page(f"/coproduction/replies/edit?name=utter_carry_on&line={line}")
    assert vol.post_form("/coproduction/replies/edit", name="utter_carry_on", line=line, action="propose",
                         text="OK, let's keep going.", reason="plainer").status_code == 303
    proposals = vol.page("/coproduction/proposals").text
    proposal_id = re.search(r'id="proposal-(\d+)"[^<]*<td>New wording for <strong>utter_carry_on', proposals).group(1)
    base = repo / "var" / "candidates" / f"candidate-{proposal_id}"
    base.mkdir(parents=True)
    before = {"understanding": {"intent_accuracy": 0.9},
              "safety": {"recall_high": 0.97, "recall_possible": 0.8, "false_alarm_rate_high": 0.01}}
    after = {"understanding": {"intent_accuracy": 0.91},
             "safety": {"recall_high": 0.95, "recall_possible": 0.8, "false_alarm_rate_high": 0.01}}
    (base / "status.json").write_text(json.dumps({"phase": "ready", "message": "Ready to try.",
                                                  "model": str(base / "none.tar.gz"), "before": before,
                                                  "after": after}))
    trial = html.unescape(vol.page(f"/coproduction/proposals/{proposal_id}/try").text)
    assert "lowers a safety figure" in trial and "0.95" in trial
    lead = Staff(hub.url)
    lead.login("lee")
    lead.page("/coproduction/proposals")
    refused = lead.post_form(f"/coproduction/proposals/{proposal_id}/approve")
    assert refused.status_code == 422 and "lowers a safety figure" in html.unescape(refused.text)
    assert "OK, let's keep going." not in (repo / "domain.yml").read_text()
