"""Small pieces on their own: waiting-time words, queue order, atomic claim, transcript lines,
the summary card, who is on duty, and the Rasa client's errors."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from bot.hub import handling, queue
from bot.hub.auth import AccountError, create_user
from bot.hub.duty import set_on_duty, workers_on_duty
from bot.hub.rasa_client import RasaClient, RasaUnavailable
from bot.hub.summary import card
from bot.hub.transcript import line_for
from bot.store.db import session_scope
from bot.store.models import Handoff
from tests.hub.support import add_handoff
from tests.support.stack import free_port

NOW = datetime(2026, 11, 23, 12, 0, 0)


@pytest.mark.parametrize("seconds, words", [
    (5, "less than a minute"), (60, "1 minute"), (12 * 60, "12 minutes"), (3600, "1 hour"),
    (2 * 3600 + 5 * 60, "2 hours 5 minutes"), (3 * 86400, "3 days"),
])
def test_wait_words(seconds, words):
    assert queue.wait_words(NOW - timedelta(seconds=seconds), NOW) == words


def test_queue_is_urgent_first_then_longest_wait(app_db):
    calm_old = add_handoff(app_db, "calm-old", minutes_ago=50)
    calm_new = add_handoff(app_db, "calm-new", minutes_ago=5)
    urgent_new = add_handoff(app_db, "urgent-new", urgent=True, minutes_ago=1)
    urgent_old = add_handoff(app_db, "urgent-old", urgent=True, minutes_ago=20)
    high_unflagged = add_handoff(app_db, "high", risk_level="high", minutes_ago=10)
    claimed = add_handoff(app_db, "claimed", minutes_ago=90)
    with session_scope(app_db) as session:
        assert handling.claim(session, claimed, "sam")
    with session_scope(app_db) as session:
        order = [row.id for row in queue.waiting(session)]
        assert order == [urgent_old, high_unflagged, urgent_new, calm_old, calm_new]
        assert [row.id for row in queue.with_workers(session)] == [claimed]


def test_a_workers_risk_level_ranks_the_queue_and_the_card_keeps_the_assistants(app_db):
    lowered = add_handoff(app_db, "lowered", urgent=True, risk_level="high", minutes_ago=30,
                          summary={"risk": {"level": "high", "reasons": ['suicide (high): "end it"']}})
    raised = add_handoff(app_db, "raised", minutes_ago=1)
    calm = add_handoff(app_db, "calm", minutes_ago=20)
    with session_scope(app_db) as session:
        assert not handling.set_worker_risk(session, raised, "sam", "extreme")
        assert handling.set_worker_risk(session, lowered, "sam", "none")
        assert handling.set_worker_risk(session, raised, "sam", "high")
    with session_scope(app_db) as session:
        rows = {row.id: row for row in queue.waiting(session)}
        order = [rid for rid in (row.id for row in queue.waiting(session)) if rid in (lowered, raised, calm)]
        assert order == [raised, lowered, calm]  # raised first; lowered now waits like the rest, oldest first
        assert (rows[raised].risk_level, rows[raised].shows_as_urgent) == ("high", True)
        assert (rows[lowered].risk_level, rows[lowered].shows_as_urgent) == ("none", False)
        shown = card(session.get(Handoff, lowered))
        assert (shown.risk_level, shown.assistant_risk_level, shown.worker_risk_by) == ("none", "high", "sam")
        assert shown.risk_reasons == ['suicide (high): "end it"']  # the evidence stays on the card


def test_claim_is_atomic_across_threads(app_db):
    handoff = add_handoff(app_db, "contested")
    barrier = threading.Barrier(8)
    wins: list[str] = []

    def race(name: str) -> None:
        barrier.wait()
        with session_scope(app_db) as session:
            if handling.claim(session, handoff, name):
                wins.append(name)

    threads = [threading.Thread(target=race, args=(f"w{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1
    with session_scope(app_db) as session:
        assert session.get(Handoff, handoff).claimed_by == wins[0]


def test_workers_on_duty_counts_only_staff_who_said_so(app_db):
    with session_scope(app_db) as session:
        assert workers_on_duty(session) == 0
        worker = create_user(session, "duty_w", "a long enough password", "worker")
        coproduction = create_user(session, "duty_c", "a long enough password", "coproduction")
        set_on_duty(session, worker.id, True)
        set_on_duty(session, coproduction.id, True)
    with session_scope(app_db) as session:
        assert workers_on_duty(session) == 1


def test_accounts_refuse_bad_roles_short_passwords_and_duplicates(app_db):
    with session_scope(app_db) as session:
        with pytest.raises(AccountError):
            create_user(session, "x", "a long enough password", "admin")
        with pytest.raises(AccountError):
            create_user(session, "x", "short", "worker")
        create_user(session, "x", "a long enough password", "worker")
        with pytest.raises(AccountError):
            create_user(session, "x", "a long enough password", "worker")


def test_transcript_lines_know_who_spoke():
    worker = line_for({"event": "bot", "text": "Hi", "timestamp": 1,
                       "metadata": {"lwfd_from": "worker", "lwfd_worker_name": "Sam"}})
    assert (worker.who, worker.author) == ("worker", "Sam")
    person = line_for({"event": "user", "text": "help", "timestamp": 2,
                       "parse_data": {"risk": {"level": "high", "reasons": ["plan"]}}})
    assert person.who == "person" and person.high_risk and person.risk_reasons == ["plan"]
    assert line_for({"event": "bot", "text": "Pick", "data": {"buttons": [{"title": "Yes"}]}}).text == "Pick\n[Yes]"
    assert line_for({"event": "pause"}).who == "system"
    assert line_for({"event": "action", "name": "action_listen"}) is None


def test_summary_card_leaves_out_what_is_missing():
    handoff = Handoff(reason="introduction", channel="twilio", summary={
        "introduced_by": "someone_else", "relationship": "my GP", "person_agrees": True, "needs": ["work"],
        "consent": False}, contact_preference="text after 5pm", risk_level="none")
    result = card(handoff)
    labels = dict(result.rows)
    assert labels["Who introduced"] == "Introduced by someone else (my GP)"
    assert labels["How and when to contact"] == "text after 5pm"
    assert labels["Channel"] == "SMS" and labels["Consent to keep what they said"] == "Not given"
    assert "What matters to them" not in labels
    assert result.needs == ["Work, volunteering and getting into work"]


async def test_rasa_client_says_clearly_when_rasa_is_down():
    client = RasaClient(f"http://127.0.0.1:{free_port()}", "token", timeout=3)
    with pytest.raises(RasaUnavailable, match="not answering"):
        await client.tracker("someone")
    with pytest.raises(RasaUnavailable):
        await client.send_worker_message("someone", "hello", "Sam")


def test_conversation_ids_reach_rasa_unencoded():
    """Rasa does not percent-decode the id: an encoded ``+`` would address another conversation."""
    client = RasaClient("http://127.0.0.1:5005", "t")
    assert str(client._url("+447700900123", "tracker")) == "http://127.0.0.1:5005/conversations/+447700900123/tracker"
    assert (str(client._url("sms:+447700900123", "tracker"))
            == "http://127.0.0.1:5005/conversations/sms:+447700900123/tracker")
    assert "%3F" in str(client._url("odd?id", "tracker"))


async def test_sms_split_preview_matches_what_the_sms_channel_sends(app_db):
    """The console's preview and the real SMS channel (through the fake Twilio API) agree."""
    from bot.channels.fake_twilio import FakeTwilio
    from bot.channels.twilio_sms import TwilioSmsOutput
    from bot.config import Settings
    from bot.hub.views_conversation import sms_parts

    text = " ".join(f"Sentence {i} about your appointment, with \u201ccurly quotes\u201d." for i in range(30))
    s = Settings()
    with FakeTwilio() as fake:
        out = TwilioSmsOutput(s.twilio_account_sid, s.twilio_auth_token, s.twilio_number, fake.base_url,
                              database_url=app_db)
        await out.send_text_message("sms:+447700900999", text, lwfd_from="worker", lwfd_worker_name="Sam Jones")
        sent = fake.bodies_to("+447700900999")
    assert len(sent) > 1
    assert sms_parts(text, "Sam Jones") == sent


def test_summary_card_names_offers_from_the_directory():
    offers = [{"id": "svc-1", "name": "Brixton Advice Shop", "round": 1},
              {"id": "svc-2", "name": "Lambeth Walking Group", "round": 1}]
    labels = dict(card(Handoff(reason="asked", channel="socketio", risk_level="none", summary={
        "offers_given": offers, "offer_chosen": "svc-2"})).rows)
    assert labels["Offers given"] == "Brixton Advice Shop, Lambeth Walking Group"
    assert labels["Offer chosen"] == "Lambeth Walking Group"
