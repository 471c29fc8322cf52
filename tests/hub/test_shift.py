"""What a shift needs beyond the queue: every introduction, start contact, reopen what you
closed, duty hand-over, and an audit log in words (the console as a real process)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.hub.models import AuditEntry, StaffUser
from bot.store.db import session_scope
from bot.store.models import Handoff, Introduction, utcnow
from tests.hub.support import Staff, add_handoff, make_user


@pytest.fixture
def worker(hub, hub_dbs, request) -> Staff:
    name = "s_" + request.node.name[-40:]
    make_user(hub_dbs[1], name, "worker", display_name="Sam")
    staff = Staff(hub.url)
    assert staff.login(name).status_code == 303
    staff.username = name
    return staff


def _introduction(db: str, sender: str, *, channel: str = "socketio", needs=("housing",), days_ago: float = 0,
                  consent: bool = True, **fields) -> int:
    created = utcnow() - timedelta(days=days_ago)
    with session_scope(db) as session:
        row = Introduction(sender_id=sender, channel=channel, consent=consent, needs=list(needs),
                           strengths=[], offers_given=[], status="complete", created_at=created,
                           updated_at=created, **fields)
        session.add(row)
        session.flush()
        return int(row.id)


def test_every_consented_introduction_is_listed_and_searchable(worker, hub_dbs):
    db = hub_dbs[1]
    web = _introduction(db, "intro-web", story="I want to get back into work", needs=("work",))
    sms = _introduction(db, "+447700900301", channel="twilio", needs=("housing",), days_ago=3)
    no_consent = _introduction(db, "intro-no-consent", consent=False)
    page = worker.page("/introductions").text
    assert f'data-introduction="{web}"' in page and f'data-introduction="{sms}"' in page
    assert f'data-introduction="{no_consent}"' not in page
    only_sms = worker.page("/introductions?channel=sms").text
    assert f'data-introduction="{sms}"' in only_sms and f'data-introduction="{web}"' not in only_sms
    work = worker.page("/introductions?need=work").text
    assert f'data-introduction="{web}"' in work and f'data-introduction="{sms}"' not in work
    today = utcnow().date().isoformat()
    recent = worker.page(f"/introductions?since={today}").text
    assert f'data-introduction="{web}"' in recent and f'data-introduction="{sms}"' not in recent
    bad = worker.page("/introductions?since=yesterday")
    assert bad.status_code == 200 and "must be a date" in bad.text
    assert worker.page(f"/introductions/{no_consent}").status_code == 404


def test_an_introduction_has_the_same_card_and_contact_starts_in_their_channel(worker, hub_dbs, rasa_stand_in):
    db = hub_dbs[1]
    sender = "intro-contact"
    intro = _introduction(db, sender, story="Money worries", introduced_by="someone_else",
                          introducer_relationship="her GP", introducer_contact="Dr Jo, 020 7946 0000")
    rasa_stand_in.trackers[sender] = [
        {"event": "slot", "name": "requested_slot", "value": "person_agrees"},
        {"event": "user", "text": "not sure yet", "timestamp": 1.0},
        {"event": "slot", "name": "person_agrees", "value": "unsure"},
        {"event": "slot", "name": "contact_preference", "value": "text me after 6pm"},
    ]
    page = worker.page(f"/introductions/{intro}").text
    for words in ("Money worries", "Introduced by someone else (her GP)", "Dr Jo, 020 7946 0000",
                  'Not sure: &#34;not sure yet&#34;', "text me after 6pm", "Start contact in the web chat"):
        assert words in page, words
    answer = worker.post_form(f"/introductions/{intro}/contact")
    assert answer.status_code == 303
    with session_scope(db) as session:
        handoff = session.query(Handoff).filter_by(sender_id=sender).one()
        assert (handoff.status, handoff.claimed_by, handoff.reason) == ("claimed", worker.username, "introduction")
    kinds = [c["event"]["event"] for c in rasa_stand_in.appended(sender)]
    assert kinds == ["active_loop", "slot", "slot", "bot"]  # held by Sam, then "Sam from the Hub has joined"
    assert answer.headers["Location"].startswith(f"/conversations/{handoff.id}")
    again = worker.post_form(f"/introductions/{intro}/contact")  # nobody gets two conversations
    assert again.headers["Location"] == f"/conversations/{handoff.id}"


def _claimed(worker: Staff, db: str, sender: str, **kw) -> int:
    h = add_handoff(db, sender, **kw)
    worker.page(f"/conversations/{h}")
    assert worker.post_form(f"/conversations/{h}/claim").status_code == 303
    worker.page(f"/conversations/{h}")
    return h


def test_the_closer_can_reopen_for_the_rest_of_the_shift(worker, hub, hub_dbs, rasa_stand_in):
    db = hub_dbs[1]
    h = _claimed(worker, db, "reopen-person")
    assert worker.post_form(f"/conversations/{h}/close", outcome="signposted").status_code == 303
    page = worker.page(f"/conversations/{h}")
    assert page.status_code == 200 and "Reopen this conversation" in page.text
    make_user(db, "not_the_closer")
    other = Staff(hub.url)
    other.login("not_the_closer")
    assert other.page(f"/conversations/{h}").status_code == 403
    answer = worker.post_form(f"/conversations/{h}/reopen")
    assert answer.status_code == 303
    with session_scope(db) as session:
        row = session.get(Handoff, h)
        assert (row.status, row.claimed_by, row.outcome) == ("claimed", worker.username, None)
    assert [c["event"]["event"] for c in rasa_stand_in.appended("reopen-person")][-2:] == ["slot", "bot"]
    # After the shift (12 hours on) the closer can no longer reopen it.
    assert worker.post_form(f"/conversations/{h}/close", outcome="signposted").status_code == 303
    with session_scope(db) as session:
        row = session.get(Handoff, h)
        row.closed_at = row.updated_at = utcnow() - timedelta(hours=13)
    assert worker.page(f"/conversations/{h}").status_code == 403


def test_duty_hand_over_gives_the_conversation_to_a_colleague_on_duty(worker, hub, hub_dbs, rasa_stand_in):
    db = hub_dbs[1]
    make_user(db, "night_colleague", display_name="Lee")
    make_user(db, "off_colleague", display_name="Kim")
    with session_scope(db) as session:
        session.query(StaffUser).filter_by(username="night_colleague").one().on_duty = True
    h = _claimed(worker, db, "handover-person")
    page = worker.page(f"/conversations/{h}").text
    assert "Hand over to a colleague on duty" in page and ">Lee<" in page and ">Kim<" not in page
    assert worker.post_form(f"/conversations/{h}/pass", to="off_colleague").status_code == 400
    assert worker.post_form(f"/conversations/{h}/pass", to="night_colleague").status_code == 303
    with session_scope(db) as session:
        assert session.get(Handoff, h).claimed_by == "night_colleague"
    told = rasa_stand_in.appended("handover-person", "bot")[-1]["event"]
    assert told["text"] == "Lee from the Hub has joined. You're talking to a person now."
    assert worker.post_form(f"/conversations/{h}/reply", text="still me?").status_code == 409


def test_the_audit_log_reads_in_words(worker, hub, hub_dbs, rasa_stand_in):
    db = hub_dbs[1]
    h = _claimed(worker, db, "audit-words-person")
    assert worker.post_form(f"/conversations/{h}/close", outcome="booked_call").status_code == 303
    make_user(db, "audit_lead", "lead")
    lead = Staff(hub.url)
    lead.login("audit_lead")
    page = lead.page("/audit").text
    for words in ("Claimed a conversation", "Closed a conversation", "Outcome: Booked for a call",
                  "Opened a conversation"):
        assert words in page, words
    assert ">booked_call<" not in page and ">view_transcript_live<" not in page
    with session_scope(db) as session:
        assert session.query(AuditEntry).filter_by(action="closed", handoff_id=h).count() == 1


def test_the_transcript_shows_button_words_and_scrolls_by_keyboard(worker, hub_dbs, rasa_stand_in):
    h = add_handoff(hub_dbs[1], "buttons-person")
    rasa_stand_in.trackers["buttons-person"] = [
        {"event": "bot", "text": "Is that right?", "timestamp": 1.0, "data": {"buttons": [
            {"title": "Yes, that's right", "payload": "/affirm"},
            {"title": "Change what matters", "payload": '/correct{"summary_part": "what_matters"}'}]}},
        {"event": "user", "text": '/correct{"summary_part": "what_matters"}', "timestamp": 2.0},
    ]
    page = worker.page(f"/conversations/{h}").text
    assert "Change what matters</p>" in page and "/correct{" not in page
    assert ('id="transcript" class="hub-lines" aria-live="polite" tabindex="0" '
            'aria-labelledby="transcript-title"') in page


def test_a_lead_closing_for_a_worker_tells_the_person_the_workers_name(worker, hub, hub_dbs, rasa_stand_in):
    db = hub_dbs[1]
    h = _claimed(worker, db, "lead-closes-person")
    make_user(db, "closing_lead", "lead", display_name="Lee")
    lead = Staff(hub.url)
    lead.login("closing_lead")
    lead.page(f"/conversations/{h}")
    assert lead.post_form(f"/conversations/{h}/close", outcome="signposted").status_code == 303
    told = rasa_stand_in.appended("lead-closes-person", "bot")[-1]["event"]
    assert told["text"] == "Sam has left; the assistant is back."
