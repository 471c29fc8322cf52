"""The review inbox and proposals: collected redacted, labelled, written, committed, rolled back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from bot.config import REPO_ROOT
from bot.coproduction.models import Proposal, ReviewItem
from bot.coproduction.proposals import (
    ProposalError,
    approve,
    check_example_text,
    check_reply_text,
    roll_back,
)
from bot.coproduction.review import add_risk_change, collect, label, messages_behind, topic_file, why_review
from bot.hub.feed import create_events_table, events_table
from bot.store.db import get_engine, migrate, session_scope
from tests.coproduction.support import last_commit, make_data_repo


def user(text: str, intent: str, confidence: float, ts: float, entities=()) -> dict:
    return {"event": "user", "text": text, "timestamp": ts,
            "parse_data": {"intent": {"name": intent, "confidence": confidence},
                           "intent_ranking": [{"name": intent, "confidence": confidence},
                                              {"name": "share_story", "confidence": 0.2}],
                           "entities": list(entities)}}


@pytest.fixture()
def dbs(tmp_path: Path) -> tuple[str, str]:
    app_db, events_db = f"sqlite:///{tmp_path / 'app.db'}", f"sqlite:///{tmp_path / 'events.db'}"
    migrate(app_db)
    create_events_table(events_db)
    return app_db, events_db


def broker(events_db: str, sender: str, *events: dict) -> None:
    with get_engine(events_db).begin() as conn:
        for event in events:
            conn.execute(insert(events_table).values(sender_id=sender, data=json.dumps(event)))


def test_only_unsure_words_are_kept_for_review():
    assert why_review(user("blah", "nlu_fallback", 0.9, 1), 0.6) == "fallback"
    assert why_review(user("hmm maybe", "greet", 0.41, 1), 0.6) == "low_confidence"
    assert why_review(user("no thats wrong", "deny", 0.99, 1), 0.6) == "said_wrong"
    assert why_review(user("change the bit about my mum", "correct", 0.95, 1), 0.6) == "corrected_summary"
    assert why_review(user("hello", "greet", 0.98, 1), 0.6) is None
    assert why_review(user("/affirm", "affirm", 0.1, 1), 0.6) is None  # a button, not words
    assert why_review(user("i want to die", "risk_high", 0.3, 1), 0.6) is None  # safety's own review
    assert why_review({"event": "bot", "text": "hi"}, 0.6) is None


def test_collect_redacts_before_storing_and_keeps_no_conversation_id(dbs):
    app_db, events_db = dbs
    sender = "+447700900123"
    broker(events_db, sender,
           user("hi im Sarah Okafor my number is 07700 900123 and i dunno", "greet", 0.31, 10.0),
           {"event": "bot", "text": "Hello"},
           user("hello", "greet", 0.99, 11.0))
    with session_scope(app_db) as session:
        assert collect(session, events_db, 0.6) == 1
        assert collect(session, events_db, 0.6) == 0  # read once
    with session_scope(app_db) as session:
        (item,) = session.execute(select(ReviewItem)).scalars()
        assert item.text == "hi im [name] my number is [phone number] and i dunno"
        assert item.guess_intent == "greet" and item.guess_confidence == pytest.approx(0.31)
        assert item.reason == "low_confidence"
    with get_engine(app_db).connect() as conn:  # nothing personal anywhere in the table
        dump = " ".join(str(row) for row in conn.exec_driver_sql("SELECT * FROM review_items"))
    assert "Sarah" not in dump and "900123" not in dump and sender not in dump


def risky(text: str, level: str, ts: float, intent: str = "share_story") -> dict:
    event = user(text, intent, 0.9, ts)
    event["parse_data"]["risk"] = {"level": level, "categories": [], "reasons": []}
    return event


CONVERSATION = [
    risky("hi my name is Amara Bello", "none", 1.0, "greet"),
    {"event": "bot", "text": "Hello"},
    risky("I'm going to end it all tonight, call me on 07700 900456", "high", 2.0),
    risky("/affirm", "none", 3.0, "affirm"),  # a button press is never kept
    risky("I live at 12 Acre Lane, SW2 5SG, my rent is late", "none", 4.0),
]


def test_a_lowered_risk_level_keeps_the_message_that_raised_it_redacted(dbs):
    app_db, _ = dbs
    sender = "+447700900456"
    with session_scope(app_db) as session:
        added = add_risk_change(session, sender, CONVERSATION, assistant_level="high", worker_level="possible",
                                reason="A song lyric. I'm Amara Bello's worker, rang 07700 900456")
        assert added == 1
        # Saving the same change again adds nothing.
        assert add_risk_change(session, sender, CONVERSATION, assistant_level="high", worker_level="possible") == 0
    with session_scope(app_db) as session:
        (item,) = session.execute(select(ReviewItem)).scalars()
        assert item.reason == "worker_risk" and item.status == "new"
        assert (item.assistant_risk, item.worker_risk) == ("high", "possible")
        assert item.text == "I'm going to end it all tonight, call me on [phone number]"
        assert "900456" not in item.worker_reason and item.worker_reason.startswith("A song lyric.")
    with get_engine(app_db).connect() as conn:  # nothing personal anywhere in the table
        dump = " ".join(str(row) for row in conn.exec_driver_sql("SELECT * FROM review_items"))
    assert "Amara" not in dump and "900456" not in dump and sender not in dump and "Acre" not in dump


def test_a_raised_risk_level_keeps_the_latest_messages_that_did_not_raise_it(dbs):
    app_db, _ = dbs
    behind = messages_behind(CONVERSATION, "high", "possible")
    assert [e["timestamp"] for e in behind] == [1.0, 4.0]  # below high, in words, not the button
    with session_scope(app_db) as session:
        assert add_risk_change(session, "sender-raise", CONVERSATION[:1] + CONVERSATION[3:],
                               assistant_level="none", worker_level="possible") == 2
    with session_scope(app_db) as session:
        items = list(session.execute(select(ReviewItem).order_by(ReviewItem.id)).scalars())
        assert [(i.assistant_risk, i.worker_risk) for i in items] == [("none", "possible")] * 2
        assert items[0].text == "hi my name is [name]"
        assert "Acre Lane" not in items[1].text and "SW2" not in items[1].text
        assert items[1].worker_reason is None


def test_no_review_item_when_the_worker_agrees_with_the_assistant(dbs):
    app_db, _ = dbs
    with session_scope(app_db) as session:
        assert add_risk_change(session, "s", CONVERSATION, assistant_level="high", worker_level="high") == 0
        assert session.execute(select(ReviewItem)).first() is None


def test_a_story_about_a_need_goes_to_that_topic_file():
    assert topic_file(REPO_ROOT, "share_story", ["housing"]) == "data/nlu/story_housing.yml"
    assert topic_file(REPO_ROOT, "greet", []) == "data/nlu/greetings.yml"
    assert topic_file(REPO_ROOT, "ask_bus_times", []) == "data/nlu/new_ask_bus_times.yml"


@pytest.fixture()
def data_repo(tmp_path: Path) -> Path:
    """A git copy of the project's data, so approving writes and commits there."""
    return make_data_repo(tmp_path / "repo")


def test_label_then_approve_writes_the_example_into_the_topic_file_and_commits(dbs, data_repo):
    app_db, _ = dbs
    with session_scope(app_db) as session:
        item = ReviewItem(turn_key="k", text="my landlrd wants me out by friday", reason="low_confidence",
                          guess_intent="greet", guess_needs=[], guess_strengths=[], label_needs=[], label_strengths=[])
        session.add(item)
        session.flush()
        proposal = label(session, item, intent="share_story", needs=["housing"], strengths=[],
                         example="my landlrd wants me out by friday", reason="People misspell landlord",
                         reviewer="vol1", root=data_repo)
        assert proposal.target_file == "data/nlu/story_housing.yml"
        with pytest.raises(ProposalError, match="other than the proposer"):
            approve(session, proposal, "vol1", data_repo)
        sha = approve(session, proposal, "lead1", data_repo)
    text = (data_repo / "data/nlu/story_housing.yml").read_text()
    assert "    - my landlrd wants me out by friday\n" in text
    message = last_commit(data_repo)
    assert "Proposed-by: vol1" in message and "Reviewed-by: lead1" in message and "misspell" in message
    with session_scope(app_db) as session:
        proposal = session.execute(select(Proposal)).scalar_one()
        assert proposal.status == "approved" and proposal.commit == sha
        roll_back(session, proposal, "lead1", data_repo)
    assert "my landlrd wants me out by friday" not in (data_repo / "data/nlu/story_housing.yml").read_text()


def test_a_reply_change_is_checked_and_written_in_place(dbs, data_repo):
    app_db, _ = dbs
    domain = (data_repo / "domain.yml").read_text().splitlines()
    line = next(i for i, v in enumerate(domain, start=1) if "utter_goodbye:" in v) + 1
    bad = check_reply_text(data_repo, "utter_goodbye", line, "Take care. Your referral is done.")
    assert [p.check for p in bad.problems] == ["language"] and bad.sms.texts == 1
    with session_scope(app_db) as session:
        proposal = Proposal(kind="reply", target_file="domain.yml", target="utter_goodbye", target_line=line,
                            old_text="Take care. You can message again any time.",
                            new_text="Take care of yourself. You can message us again any time.",
                            reason="warmer", proposed_by="vol1", status="proposed")
        session.add(proposal)
        session.flush()
        approve(session, proposal, "lead1", data_repo)
    written = (data_repo / "domain.yml").read_text()
    assert '- text: "Take care of yourself. You can message us again any time."' in written
    assert "New wording for utter_goodbye" in last_commit(data_repo)


def test_a_change_that_breaks_the_guide_is_refused_and_the_file_put_back(dbs, data_repo):
    app_db, _ = dbs
    before = (data_repo / "domain.yml").read_text()
    line = next(i for i, v in enumerate(before.splitlines(), start=1) if "utter_goodbye:" in v) + 1
    with session_scope(app_db) as session:
        proposal = Proposal(kind="reply", target_file="domain.yml", target="utter_goodbye", target_line=line,
                            new_text="Take care. You must message again.", reason="x", proposed_by="vol1",
                            status="proposed")
        session.add(proposal)
        session.flush()
        with pytest.raises(ProposalError, match="did not pass"):
            approve(session, proposal, "lead1", data_repo)
    assert (data_repo / "domain.yml").read_text() == before


def test_an_example_check_names_a_left_in_placeholder_and_a_clash():
    problems = check_example_text(REPO_ROOT, "share_story", "im [name] and skint", "data/nlu/story_money.yml")
    assert [p.check for p in problems] == ["placeholder"]
    problems = check_example_text(REPO_ROOT, "share_story", "yes", "data/nlu/story_general.yml")
    assert [p.check for p in problems] == ["two_intents"]


def test_a_reply_moved_by_an_earlier_change_is_still_found_and_a_changed_one_is_refused(dbs, data_repo):
    app_db, _ = dbs
    lines = (data_repo / "domain.yml").read_text().splitlines()
    # a reply of three lines above utter_goodbye, whose first variant is plain text
    consent = next(i for i, v in enumerate(lines, start=1) if "utter_default:" in v) + 1
    goodbye = next(i for i, v in enumerate(lines, start=1) if "utter_goodbye:" in v) + 1
    with session_scope(app_db) as session:
        first = Proposal(kind="reply", target_file="domain.yml", target="utter_default", target_line=consent,
                         old_text=None, new_text="Hello. Is it OK for us to keep what you tell me?", reason="shorter",
                         proposed_by="vol1", status="proposed")
        second = Proposal(kind="reply", target_file="domain.yml", target="utter_goodbye", target_line=goodbye,
                          old_text="Take care. You can message again any time.", new_text="Take care, and bye.",
                          reason="x", proposed_by="vol1", status="proposed")
        stale = Proposal(kind="reply", target_file="domain.yml", target="utter_goodbye", target_line=goodbye,
                         old_text="Some words it no longer says.", new_text="Bye for now.", reason="x",
                         proposed_by="vol1", status="proposed")
        session.add_all([first, second, stale])
        session.flush()
        approve(session, first, "lead1", data_repo)  # the reply shrinks from 3 lines to 1
        approve(session, second, "lead1", data_repo)
        with pytest.raises(ProposalError, match="has changed since"):
            approve(session, stale, "lead1", data_repo)
    written = (data_repo / "domain.yml").read_text()
    assert '- text: "Take care, and bye."' in written
    assert '- text: "Hello. Is it OK for us to keep what you tell me?"' in written


def test_bare_names_in_a_workers_reason_are_taken_out(dbs):
    app_db, _ = dbs
    talk = [user("his name is Frank, he doesn't know I'm texting", "risk_high", 1.0, 1),
            user("Dennis is my neighbour", "share_story", 0.9, 2)]
    with session_scope(app_db) as session:
        add_risk_change(session, "sms-person", talk, assistant_level="high", worker_level="none",
                        reason="Frank's daughter Sarah was giving his name; dennis is a neighbour. Will call her")
    with session_scope(app_db) as session:
        item = session.execute(select(ReviewItem)).scalars().first()
    assert "Frank" not in item.worker_reason and "Sarah" not in item.worker_reason
    assert item.worker_reason.startswith("[name]'s daughter [name] was giving his name")
    assert "daughter" in item.worker_reason and "neighbour" in item.worker_reason


def test_a_note_keeps_ordinary_capitalised_words():
    from bot.coproduction.redact import redact_note

    assert redact_note("Talked it through. Not at risk, Hub will call Monday.") == (
        "Talked it through. Not at risk, Hub will call Monday.")
