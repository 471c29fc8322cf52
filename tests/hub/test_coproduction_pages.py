"""Co-production pages in the real console process: roles, the redacted inbox, propose, approve."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.hub.feed import create_events_table
from bot.store.db import migrate
from tests.hub.support import HubProcess, RasaStandIn, Staff, make_user
from tests.support.stack import REPO


def make_data_repo(root: Path) -> Path:
    """A git copy of the project's domain and data: approvals write and commit here."""
    root.mkdir()
    for name in ("domain.yml", "config.yml"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "data", root / "data")
    who = ["-c", "user.name=t", "-c", "user.email=t@localhost"]
    for args in (["init", "-q"], ["add", "."], [*who, "commit", "-qm", "start"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)
    return root


def last_commit(root: Path) -> str:
    return subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%B"], capture_output=True,
                          text=True, check=True).stdout


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
    assert "coproduction_approve" in lead.page("/audit").text


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
