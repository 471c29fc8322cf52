"""Claim, reply, notes, hand back, close, bad input, escaping and the audit log."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from markupsafe import escape

from bot.hub.models import AuditEntry, HubNote
from bot.store.db import session_scope
from bot.store.models import Handoff
from tests.hub.support import Staff, add_handoff, make_user

XSS = "<script>alert(1)</script>"


@pytest.fixture
def worker(hub, hub_dbs, request) -> Staff:
    name = "w_" + request.node.name[-40:]
    make_user(hub_dbs[1], name, "worker", display_name="Sam")
    staff = Staff(hub.url)
    assert staff.login(name).status_code == 303
    staff.username = name
    return staff


def _handoff(db: str, sender: str, **kw) -> Handoff:
    with session_scope(db) as session:
        return session.get(Handoff, add_handoff(db, sender, **kw))


def _status(db: str, handoff_id: int) -> Handoff:
    with session_scope(db) as session:
        return session.get(Handoff, handoff_id)


def test_summary_card_shows_plain_labels_and_own_words(worker, hub_dbs, rasa_stand_in):
    summary = {"needs": ["housing", "money"], "strengths": ["music"], "story": "Landlord wants me out",
               "what_matters": "Keeping my flat", "connections": "My sister", "offers_given": ["Advice shop"],
               "offer_chosen": "Advice shop", "introduced_by": "self", "consent": True,
               "risk": {"level": "possible", "categories": ["self_harm"], "reasons": ["mentions hurting self"]}}
    h = _handoff(hub_dbs[1], "card-person", summary=summary, risk_level="possible")
    page = worker.page(f"/conversations/{h.id}").text
    for text in ("Housing", "Money, debt, benefits and bills", "Music", "Landlord wants me out",
                 "Keeping my flat", "My sister", "Advice shop", "Self-introduction",
                 "mentions hurting self", "self harm", "Web chat"):
        assert text in page, text


def test_citizen_script_tags_render_as_text(worker, hub_dbs, rasa_stand_in):
    h = _handoff(hub_dbs[1], "xss-person", summary={"story": XSS, "needs": []})
    rasa_stand_in.trackers["xss-person"] = [{"event": "user", "text": XSS, "timestamp": 1.0,
                                             "parse_data": {"risk": {"level": "none"}}}]
    page = worker.page(f"/conversations/{h.id}").text
    assert XSS not in page
    assert page.count(escape(XSS)) == 2  # the transcript line and the story on the card


def test_each_view_is_written_to_the_audit_log(worker, hub_dbs):
    h = _handoff(hub_dbs[1], "audited-person")
    worker.page(f"/conversations/{h.id}")
    worker.page(f"/conversations/{h.id}")
    with session_scope(hub_dbs[1]) as session:
        views = session.query(AuditEntry).filter_by(username=worker.username, action="view_conversation",
                                                    handoff_id=h.id).all()
        assert len(views) == 2 and views[0].sender_id == "audited-person" and views[0].at is not None


def test_claim_pauses_the_assistant_then_reply_goes_through_rasa(worker, hub_dbs, rasa_stand_in):
    h = _handoff(hub_dbs[1], "reply-person")
    answer = worker.post_form(f"/conversations/{h.id}/claim")
    assert answer.status_code == 303
    assert _status(hub_dbs[1], h.id).claimed_by == worker.username
    *held, joined = [c["event"] for c in rasa_stand_in.appended("reply-person")]
    assert held == [{"event": "active_loop", "name": None}, {"event": "slot", "name": "requested_slot", "value": None},
                    {"event": "slot", "name": "hub_worker", "value": "Sam"}]  # read by the safety policy
    assert joined == {"event": "bot", "text": "Sam from the Hub has joined. You're talking to a person now.",
                      "metadata": {"lwfd_from": "hub", "lwfd_hub_change": "joined", "lwfd_worker_name": "Sam"}}

    assert worker.post_form(f"/conversations/{h.id}/reply", text="Hello, I'm Sam from the Hub.").status_code == 303
    sent = rasa_stand_in.appended("reply-person", "bot")[-1]
    assert sent["event"]["text"] == "Hello, I'm Sam from the Hub."
    assert sent["event"]["metadata"] == {"lwfd_from": "worker", "lwfd_worker_name": "Sam"}
    # the channel fixed on the handoff, never "latest" (whoever wrote last is no proof of identity)
    assert sent["query"]["execute_side_effects"] == "true" and sent["query"]["output_channel"] == h.channel
    page = worker.page(f"/conversations/{h.id}?done=sent").text
    assert "Hello, I&#39;m Sam from the Hub." in page and "Sam (Hub worker)" in page


def test_two_workers_racing_to_claim_exactly_one_wins(hub, hub_dbs, rasa_stand_in):
    db = hub_dbs[1]
    racers = []
    for name in ("racer_a", "racer_b", "racer_c", "racer_d"):
        make_user(db, name)
        staff = Staff(hub.url)
        staff.login(name)
        staff.username = name
        racers.append(staff)
    h = _handoff(db, "raced-person")
    for staff in racers:
        staff.page(f"/conversations/{h.id}")
    with ThreadPoolExecutor(len(racers)) as pool:
        answers = list(pool.map(lambda s: s.post_form(f"/conversations/{h.id}/claim"), racers))
    codes = sorted(a.status_code for a in answers)
    assert codes == [303, 409, 409, 409]
    winner = racers[[a.status_code for a in answers].index(303)].username
    assert _status(db, h.id).claimed_by == winner
    assert len([c for c in rasa_stand_in.appended("raced-person", "slot")
                if c["event"]["name"] == "hub_worker"]) == 1
    losing = next(a for a in answers if a.status_code == 409)
    assert f"{winner} already has this conversation." in losing.text


def test_reply_to_someone_elses_conversation_is_refused(worker, hub, hub_dbs, rasa_stand_in):
    make_user(hub_dbs[1], "other_worker")
    other = Staff(hub.url)
    other.login("other_worker")
    h = _handoff(hub_dbs[1], "taken-person")
    other.page(f"/conversations/{h.id}")
    assert other.post_form(f"/conversations/{h.id}/claim").status_code == 303
    worker.page(f"/conversations/{h.id}")
    answer = worker.post_form(f"/conversations/{h.id}/reply", text="Can I help?")
    assert answer.status_code == 409 and "other_worker has this conversation" in answer.text
    assert worker_replies(rasa_stand_in, "taken-person") == []
    assert worker.post_form(f"/conversations/{h.id}/hand-back").status_code == 409


def _claimed(worker: Staff, db: str, sender: str, **kw) -> Handoff:
    h = _handoff(db, sender, **kw)
    worker.page(f"/conversations/{h.id}")
    assert worker.post_form(f"/conversations/{h.id}/claim").status_code == 303
    worker.page(f"/conversations/{h.id}")
    return h


def test_empty_reply_is_refused(worker, hub_dbs, rasa_stand_in):
    h = _claimed(worker, hub_dbs[1], "empty-person")
    answer = worker.post_form(f"/conversations/{h.id}/reply", text="   \n ")
    assert answer.status_code == 400 and "the reply is empty" in answer.text
    assert worker_replies(rasa_stand_in, "empty-person") == []


def test_a_failed_send_keeps_the_words_in_the_box(worker, hub_dbs, rasa_stand_in):
    h = _claimed(worker, hub_dbs[1], "fail-person")
    rasa_stand_in.fail_with = (500, "An unexpected error occurred. Error: boom")
    words = "I'll call you at 3pm <b>today</b>"
    answer = worker.post_form(f"/conversations/{h.id}/reply", text=words)
    assert answer.status_code == 502 and "Not sent" in answer.text
    assert f">{escape(words)}</textarea>" in answer.text
    assert worker_replies(rasa_stand_in, "fail-person") == []


def test_sms_person_who_texted_stop_gets_no_message(worker, hub_dbs, rasa_stand_in):
    from bot.channels.optout import record_opt_out

    phone = "+447700900111"
    record_opt_out(phone, url=hub_dbs[1])
    h = _claimed(worker, hub_dbs[1], f"sms:{phone}", channel="twilio")
    page = worker.page(f"/conversations/{h.id}").text
    assert "This person texted STOP" in page and 'id="reply-text"' not in page  # told before writing
    answer = worker.post_form(f"/conversations/{h.id}/reply", text="Hello")
    assert answer.status_code == 409 and "texted STOP" in answer.text
    assert rasa_stand_in.appended(f"sms:{phone}", "bot") == []  # not even the "has joined" line


def test_sms_channel_refusal_from_rasa_is_explained(worker, hub_dbs, rasa_stand_in):
    phone = "+447700900112"
    h = _claimed(worker, hub_dbs[1], f"sms:{phone}", channel="twilio")
    rasa_stand_in.fail_with = (500, "An unexpected error occurred. Error: This person has texted STOP, so no")
    answer = worker.post_form(f"/conversations/{h.id}/reply", text="Hello")
    assert answer.status_code == 502 and "texted STOP" in answer.text and ">Hello</textarea>" in answer.text


def test_long_sms_reply_warns_and_shows_the_split_before_sending(worker, hub_dbs, rasa_stand_in):
    phone = "+447700900113"
    h = _claimed(worker, hub_dbs[1], f"sms:{phone}", channel="twilio")
    long_text = " ".join(f"Sentence number {i} about your appointment." for i in range(40))
    answer = worker.post_form(f"/conversations/{h.id}/reply", text=long_text)
    assert answer.status_code == 400 and "more than one text" in answer.text
    assert 'name="confirm_split"' in answer.text and f">{long_text}</textarea>" in answer.text
    assert worker_replies(rasa_stand_in, f"sms:{phone}") == []
    texts = _confirm_value(answer.text)
    assert worker.post_form(f"/conversations/{h.id}/reply", text=long_text, confirm_split="yes").status_code == 400
    answer = worker.post_form(f"/conversations/{h.id}/reply", text=long_text, confirm_split=texts)
    assert answer.status_code == 303
    assert worker_replies(rasa_stand_in, f"sms:{phone}")[-1] == long_text  # never cut


def test_a_reply_of_two_or_three_texts_is_confirmed_too(worker, hub_dbs, rasa_stand_in):
    """333 characters fit one long message of three segments: still three texts to the person."""
    phone = "+447700900114"
    h = _claimed(worker, hub_dbs[1], f"sms:{phone}", channel="twilio")
    text = ("Thanks for waiting. " * 17)[:333]
    answer = worker.post_form(f"/conversations/{h.id}/reply", text=text)
    assert answer.status_code == 400 and "3 texts long" in answer.text and "Send it as 3 texts" in answer.text
    assert worker_replies(rasa_stand_in, f"sms:{phone}") == []
    assert worker.post_form(f"/conversations/{h.id}/reply", text="Short one.").status_code == 303
    assert worker_replies(rasa_stand_in, f"sms:{phone}") == ["Short one."]


def test_the_page_shows_an_sms_persons_number_and_replies_go_to_their_conversation(worker, hub_dbs,
                                                                                    rasa_stand_in):
    """The handoff holds ``sms:+44...``; the worker sees the number, the reply goes to the SMS channel."""
    phone = "+447700900115"
    h = _claimed(worker, hub_dbs[1], f"sms:{phone}", channel="twilio")
    page = worker.page(f"/conversations/{h.id}").text
    assert f'<span id="person-number">{phone}</span>' in page and "sms:" not in page
    assert worker.post_form(f"/conversations/{h.id}/reply", text="Hello").status_code == 303
    [call] = [c for c in rasa_stand_in.appended(f"sms:{phone}", "bot") if c["event"]["text"] == "Hello"]
    assert call["query"]["output_channel"] == "twilio"
    assert all(c["query"].get("output_channel") == "twilio" for c in rasa_stand_in.appended(f"sms:{phone}", "bot"))


def worker_replies(rasa_stand_in, sender: str) -> list[str]:
    return [c["event"]["text"] for c in rasa_stand_in.appended(sender, "bot")
            if c["event"]["metadata"].get("lwfd_from") == "worker"]


def _confirm_value(html: str) -> str:
    import re

    match = re.search(r'name="confirm_split" type="checkbox" value="(\d+)"', html)
    assert match, "no confirmation box"
    return match.group(1)


def test_notes_stay_in_the_console(worker, hub_dbs, rasa_stand_in):
    h = _handoff(hub_dbs[1], "noted-person")
    assert worker.post_form(f"/conversations/{h.id}/notes", note="Prefers afternoons").status_code == 303
    assert "Prefers afternoons" in worker.page(f"/conversations/{h.id}").text
    with session_scope(hub_dbs[1]) as session:
        assert session.query(HubNote).filter_by(sender_id="noted-person").one().author == worker.username
    assert rasa_stand_in.appended("noted-person") == []
    assert worker.post_form(f"/conversations/{h.id}/notes", note=" ").status_code == 400


def test_hand_back_resumes_the_assistant(worker, hub_dbs, rasa_stand_in):
    h = _claimed(worker, hub_dbs[1], "handback-person")
    assert worker.post_form(f"/conversations/{h.id}/hand-back").status_code == 303
    kinds = [c["event"]["event"] for c in rasa_stand_in.appended("handback-person")]
    assert kinds == ["active_loop", "slot", "slot", "bot", "slot", "bot"]
    assert rasa_stand_in.appended("handback-person", "slot")[-1]["event"] == \
        {"event": "slot", "name": "hub_worker", "value": None}
    assert rasa_stand_in.appended("handback-person", "bot")[-1]["event"]["text"] == \
        "Sam has left; the assistant is back."
    assert _status(hub_dbs[1], h.id).status == "handed_back"


def test_close_needs_an_outcome_and_resumes_the_assistant(worker, hub_dbs, rasa_stand_in):
    h = _claimed(worker, hub_dbs[1], "close-person")
    answer = worker.post_form(f"/conversations/{h.id}/close")
    assert answer.status_code == 400 and "Choose an outcome" in answer.text
    assert worker.post_form(f"/conversations/{h.id}/close", outcome="booked_call").status_code == 303
    row = _status(hub_dbs[1], h.id)
    assert (row.status, row.outcome) == ("closed", "booked_call") and row.closed_at is not None
    assert rasa_stand_in.appended("close-person", "slot")[-1]["event"] == \
        {"event": "slot", "name": "hub_worker", "value": None}  # the assistant answers again
    with session_scope(hub_dbs[1]) as session:
        actions = {a.action for a in session.query(AuditEntry).filter_by(handoff_id=h.id)}
    assert {"view_conversation", "claim", "closed"} <= actions


def test_claim_is_undone_when_the_assistant_cannot_be_paused(worker, hub_dbs, rasa_stand_in):
    h = _handoff(hub_dbs[1], "unpaused-person")
    worker.page(f"/conversations/{h.id}")
    rasa_stand_in.fail_with = (500, "An unexpected error occurred.")
    answer = worker.post_form(f"/conversations/{h.id}/claim")
    assert answer.status_code == 502 and "Not claimed" in answer.text
    assert _status(hub_dbs[1], h.id).status == "waiting"


def test_risk_in_a_held_conversation_alerts_on_the_queue_page_too(worker, hub_dbs, rasa_stand_in):
    """A worker with only the queue open is alerted when a conversation a worker holds turns urgent."""
    from bot.handoff import Promise, request_handoff

    h = _claimed(worker, hub_dbs[1], "held-risk-person")
    assert "Risk seen in a conversation a worker holds" not in worker.page("/queue").text
    request_handoff("held-risk-person", "webchat", "risk", {}, promise=Promise(False, "x"), url=hub_dbs[1],
                    risk={"level": "high", "categories": ["suicide"], "reasons": ['suicide (high): "pills saved up"'],
                          "words": "ive got my pills saved up"})
    page = worker.page("/queue").text
    alert = page.split('id="held-alert" role="alert">', 1)[1].split("</div>", 1)[0]
    assert "Risk seen in a conversation a worker holds" in alert and f'href="/conversations/{h.id}"' in alert
