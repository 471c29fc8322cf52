"""The whole way live with real parts: a candidate trained, measured and tried, approved into git,
and loaded into a running Rasa server with PUT /model, which then says the new words."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

import pytest
import yaml

from bot.config import REPO_ROOT
from bot.coproduction import candidate as cand
from bot.coproduction.data_files import read_responses
from bot.coproduction.models import Proposal
from bot.coproduction.proposals import approve, find_reply
from bot.store.db import migrate, session_scope
from tests.coproduction.support import last_commit, make_data_repo
from tests.support.stack import RasaStack

pytestmark = [pytest.mark.model, pytest.mark.slow]

NEW_WORDS = ("Hello, I'm the Living Well assistant, and the group helped write this. I'm not an emergency "
             "service: in danger now, call 999. Is it OK for us to keep what you tell me, just for the Hub "
             "team to help you?")


def consent_line(repo: Path) -> int:
    """The line of the web chat's first asking of the consent question (not the SMS version,
    nor the shorter one for asking again)."""
    return next(r.line for r in read_responses(repo / "domain.yml", repo)
                if r.name == "utter_ask_consent" and r.channel is None and not r.condition)


def test_a_tried_and_approved_change_is_used_by_the_running_assistant_without_a_restart(trained_model, tmp_path):
    repo = make_data_repo(tmp_path / "repo")
    (repo / "models").mkdir()
    shutil.copy(trained_model, repo / "models" / trained_model.name)
    app_db = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(app_db)
    line = consent_line(repo)
    assert find_reply(repo, "utter_ask_consent", line).text.startswith("Hi, I'm the Living Well assistant")

    with session_scope(app_db) as session:
        proposal = Proposal(kind="reply", target_file="domain.yml", target="utter_ask_consent", target_line=line,
                            new_text=NEW_WORDS, reason="Say the group wrote it", proposed_by="vol",
                            status="proposed")
        session.add(proposal)
        session.flush()
        proposal_id = int(proposal.id)
        session.expunge(proposal)
    workdir = tmp_path / "candidates"
    cand.start(workdir, repo, proposal, cache_dir=REPO_ROOT / ".rasa" / "cache")
    deadline = time.monotonic() + 3600
    while cand.read_status(workdir, proposal_id).phase in ("training", "measuring"):
        assert time.monotonic() < deadline, "the candidate took over an hour"
        time.sleep(5)
    status = cand.read_status(workdir, proposal_id)
    assert status.phase == "ready", status.message + "\n" + cand.progress(workdir, proposal_id)
    assert status.before["safety"]["recall_high"] is not None and status.after["understanding"]["intent_accuracy"]
    assert status.safety_lowered == []  # a reply's wording cannot change what the assistant understands
    assert cand.try_message(Path(status.model), "hello there")["intent"] == "greet"

    stack = RasaStack(workdir=tmp_path / "stack", model=trained_model).start()
    try:
        assert "the group helped write this" not in stack.say("before-change", "hi")
        with session_scope(app_db) as session:
            proposal = session.get(Proposal, proposal_id)
            approve(session, proposal, "lee", repo)
        domain = yaml.safe_load((repo / "domain.yml").read_text())
        [web] = [v for v in domain["responses"]["utter_ask_consent"] if "channel" not in v]
        assert web["text"] == NEW_WORDS
        assert "Proposed-by: vol" in last_commit(repo) and "Reviewed-by: lee" in last_commit(repo)
        live = cand.go_live(repo, Path(status.model), proposal_id)
        asyncio.run(cand.load_into_rasa(stack.rasa_url, stack.token, live))
        assert "the group helped write this" in stack.say("after-change", "hi")
    finally:
        stack.stop()
