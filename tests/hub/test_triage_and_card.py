"""Queue triage, the card's values and the transcript's words, from what the conversation
really stores: the safety component's ``risk`` dicts, and slots set by the real form actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.introduction_form import ValidateIntroductionForm
from bot.conversation.summary import summary_facts
from bot.handoff import Promise, request_handoff
from bot.hub import audit_words, queue, triage
from bot.hub.summary import agreement, card
from bot.hub.transcript import answers_by_question, button_words, lines_for, risks_in
from bot.store.db import session_scope
from bot.store.models import Handoff, utcnow

# Risk dicts in the shape bot/safety/component.py puts on each parse (rule reasons quote the
# person's words; a meaning-layer reason quotes an invented example instead).
PLAN = {"level": "high", "categories": ["suicide"],
        "reasons": ['suicide (high): "got the tablets lined up for tonight"']}
MEANS_AT_HAND = {"level": "high", "categories": ["suicide"], "reasons": ['suicide (high): "sat on the bridge"']}
OVERDOSE = {"level": "high", "categories": ["medical_emergency"],
            "reasons": ['medical emergency (high): "took a load of pills"']}
ABUSE_NOW = {"level": "high", "categories": ["abuse"], "reasons": ['abuse (high): "he is hitting me"']}
HIGH_NO_MEANS = {"level": "high", "categories": ["suicide"], "reasons": ['suicide (high): "want to die"']}
SOFTER = {"level": "possible", "categories": [], "reasons": ['general distress (possible): "can\'t cope anymore"']}
BY_MEANING = {"level": "possible", "categories": ["suicide"],
              "reasons": ['it means much the same as "I want to end it" (meaning layer: high 0.41, possible 0.30)']}


@pytest.mark.parametrize("risk, tier", [
    (PLAN, triage.PLAN_OR_MEANS), (MEANS_AT_HAND, triage.PLAN_OR_MEANS), (OVERDOSE, triage.PLAN_OR_MEANS),
    (ABUSE_NOW, triage.PLAN_OR_MEANS), (HIGH_NO_MEANS, triage.HIGH), (SOFTER, triage.POSSIBLE),
    (BY_MEANING, triage.POSSIBLE), ({"level": "none", "categories": [], "reasons": []}, triage.NONE),
])
def test_each_kind_of_risk_gets_its_tier(risk, tier):
    assert triage.assess([risk]).tier == tier


def test_every_reason_is_kept_most_serious_first_with_the_persons_words():
    verdict = triage.assess([SOFTER, HIGH_NO_MEANS, MEANS_AT_HAND, SOFTER, BY_MEANING])
    assert verdict.tier == triage.PLAN_OR_MEANS and verdict.level == "high"
    assert verdict.reasons[0] == MEANS_AT_HAND["reasons"][0]
    assert len(verdict.reasons) == 4  # the repeated softer reason once
    assert verdict.strongest_words == "sat on the bridge"
    assert "I want to end it" not in verdict.words  # the meaning layer's example is not their words


def test_a_meaning_layer_alarm_shows_what_the_person_wrote_not_the_example():
    # As request_handoff stores it: the reasons, and the message itself under "words".
    stored = {**BY_MEANING, "level": "high", "words": "He's stopped going out since the summer and he just "
                                                      "sits in his chair all day, mum died in the spring and "
                                                      "he has not been the same since then"}
    verdict = triage.assess([stored])
    assert verdict.strongest_words.startswith("He's stopped going out") and verdict.strongest_words.endswith("…")
    assert len(verdict.strongest_words) <= triage.MESSAGE_WORDS + 1
    # A rule's quoted words still come first.
    verdict = triage.assess([stored, {**MEANS_AT_HAND, "words": "i'm sat on the bridge"}])
    assert verdict.words[0] == "sat on the bridge" and verdict.words[1].startswith("He's stopped")


def test_an_urgent_handoff_without_reasons_still_ranks_as_high():
    assert triage.assess([], urgent=True).tier == triage.HIGH
    assert triage.assess([], level="possible").tier == triage.POSSIBLE


def _handoff(app_db: str, sender: str, *, risk: dict | None, minutes_ago: float, promise: str | None = None,
             urgent: bool = False) -> int:
    created = utcnow() - timedelta(minutes=minutes_ago)
    summary = {"needs": ["housing"]}
    if risk:
        summary["risk"] = risk
    with session_scope(app_db) as session:
        row = Handoff(sender_id=sender, channel="socketio", reason="risk" if risk else "asked", urgent=urgent,
                      risk_level=(risk or {}).get("level", "none"), summary=summary, status="waiting",
                      promise=promise, created_at=created, updated_at=created)
        session.add(row)
        session.flush()
        return int(row.id)


def test_queue_puts_plan_and_means_above_a_softer_sign_then_orders_by_promise(app_db):
    softer_long_wait = _handoff(app_db, "softer", risk=SOFTER, minutes_ago=90)
    high_plain = _handoff(app_db, "high", risk=HIGH_NO_MEANS, minutes_ago=40, urgent=True)
    means_new = _handoff(app_db, "means", risk=MEANS_AT_HAND, minutes_ago=1, urgent=True)
    plan_old = _handoff(app_db, "plan", risk=PLAN, minutes_ago=5, urgent=True)
    calm = _handoff(app_db, "calm", risk=None, minutes_ago=120)
    with session_scope(app_db) as session:
        rows = queue.waiting(session)
    assert [r.id for r in rows] == [plan_old, means_new, high_plain, softer_long_wait, calm]
    top = rows[0]
    assert top.shows_as_urgent and top.strongest_words == "got the tablets lined up for tonight"
    assert top.tier_label == "Plan, means or harm happening now"
    assert rows[3].tier_label == "Possible risk" and not rows[3].shows_as_urgent
    assert rows[4].name == "Someone" and rows[4].needs == ["Housing"] and rows[4].channel == "Web chat"


def test_queue_reads_every_risk_seen_in_the_conversation(app_db):
    """A person queued on a softer sign who later names the means moves up."""
    first = _handoff(app_db, "later-worse", risk=SOFTER, minutes_ago=30)
    other = _handoff(app_db, "other-high", risk=HIGH_NO_MEANS, minutes_ago=20, urgent=True)
    seen = {"later-worse": [SOFTER, MEANS_AT_HAND]}
    with session_scope(app_db) as session:
        rows = queue.waiting(session, risks_for=lambda sender: seen.get(sender, []))
    assert [r.id for r in rows] == [first, other]
    assert rows[0].strongest_words == "sat on the bridge"


def test_a_later_promise_is_due_at_the_next_opening_and_says_when_it_is_overdue():
    from datetime import datetime

    saturday_night = datetime(2026, 11, 21, 23, 0)  # the Hub is closed all weekend (config/hours.yml)
    later = Handoff(created_at=saturday_night, urgent=False,
                    promise="The Hub is closed now. A Hub worker will contact you on Monday morning, by text.")
    due = queue.promised_by(later)
    assert due == datetime(2026, 11, 23, 9, 0)  # Monday 09:00 London is 09:00 UTC in November
    assert queue.promise_words(later, due, datetime(2026, 11, 22, 12, 0)) == (
        "Promised contact from Mon 23 Nov 09:00 UTC", False)
    words, overdue = queue.promise_words(later, due, datetime(2026, 11, 23, 9, 30))
    assert overdue and words == "Promised contact from Mon 09:00 UTC: overdue by 30 minutes"
    live = Handoff(created_at=saturday_night, urgent=False,
                   promise="A Hub worker will join this chat as soon as they can. You can keep writing here.")
    assert queue.promised_by(live) == saturday_night
    assert queue.promise_words(live, saturday_night, saturday_night)[0] == "Promised: as soon as possible"


def test_the_queue_keeps_the_time_the_person_was_promised():
    from datetime import datetime

    monday_night = datetime(2026, 11, 23, 21, 30)
    asked = Handoff(created_at=monday_night, urgent=False, contact_preference="text me after 10 tomorrow, 07700 900777",
                    promise="The Hub is closed now. A Hub worker will contact you after 10 a.m. tomorrow, by text.")
    assert queue.promised_by(asked) == datetime(2026, 11, 24, 10, 0)  # not the 09:00 opening
    plain = Handoff(created_at=monday_night, urgent=False, contact_preference="text is fine",
                    promise="The Hub is closed now. A Hub worker will contact you tomorrow morning, by text.")
    assert queue.promised_by(plain) == datetime(2026, 11, 24, 9, 0)


def _form_tracker(slot: str, text: str, intent: str) -> Tracker:
    return Tracker("card-person", {"requested_slot": slot, "introducer": "someone_else"},
                   {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
                   [], False, None, {"name": "introduction_form"}, "action_listen")


def _agreement_as_stored(text: str, intent: str, slot_value: str) -> str:
    """What the real form action stores for this answer to "does the person know?"."""
    form = ValidateIntroductionForm()
    result = form.validate_person_agrees(slot_value, CollectingDispatcher(),
                                               _form_tracker("person_agrees", text, intent), {})
    return result["person_agrees"]


@pytest.mark.parametrize("text, intent, mapped, shown", [
    ("yes", "affirm", "yes", "Yes"),
    ("no", "deny", "no", "No"),
    ("/skip", "skip", "skipped", "Not sure"),  # the question's "Not sure" button
    ("I think she knows but I haven't asked her yet", "inform",
     "I think she knows but I haven't asked her yet", 'Not sure: "I think she knows but I haven\'t asked her yet"'),
])
def test_the_card_shows_the_agreement_exactly_as_the_form_stored_it(app_db, text, intent, mapped, shown):
    stored = _agreement_as_stored(text, intent, mapped)
    assert stored == {"Yes": "yes", "No": "no"}.get(shown, "skipped" if intent == "skip" else "unsure")
    slots = {"consent": "yes", "introducer": "someone_else", "relationship": "her neighbour",
             "person_agrees": stored, "introducer_contact": "Jo Bloggs, 07700 900123, evenings"}
    handoff_id = request_handoff("card-person-" + intent, "socketio", "asked", slots,
                                 promise=Promise(False, "later"), url=app_db)
    with session_scope(app_db) as session:
        handoff = session.get(Handoff, handoff_id)
        session.expunge(handoff)
    events = [
        {"event": "slot", "name": "requested_slot", "value": "person_agrees"},
        {"event": "bot", "text": "Does the person know?", "data": {"buttons": [
            {"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"},
            {"title": "Not sure", "payload": "/skip"}]}},
        {"event": "user", "text": text},
        {"event": "slot", "name": "requested_slot", "value": "introducer_contact"},
        {"event": "user", "text": "Jo Bloggs, 07700 900123, evenings"},
    ]
    labels = dict(card(handoff, answers=answers_by_question(events)).rows)
    assert labels["The person knows and agrees"] == shown
    assert labels["Introducer's contact"] == "Jo Bloggs, 07700 900123, evenings"
    assert summary_facts(slots)["person_agrees"] == stored


def test_agreement_never_turns_a_stored_word_into_yes():
    assert agreement("unsure") == "Not sure"
    assert agreement("skipped") == "Not sure"
    assert agreement("no") == "No"
    assert agreement(None) is None
    assert agreement(True) == "Yes" and agreement(False) == "No"


def test_the_card_lists_every_risk_reason_in_the_conversation():
    events = [{"event": "user", "text": "I can't cope anymore", "parse_data": {"risk": SOFTER}},
              {"event": "user", "text": "hello", "parse_data": {"risk": {"level": "none", "reasons": []}}},
              {"event": "user", "text": "I'm sat on the bridge", "parse_data": {"risk": MEANS_AT_HAND}}]
    handoff = Handoff(reason="risk", channel="socketio", risk_level="high", urgent=True,
                      summary={"risk": MEANS_AT_HAND})
    result = card(handoff, triage=triage.assess([MEANS_AT_HAND, *risks_in(events)], urgent=True))
    assert result.risk_reasons == [MEANS_AT_HAND["reasons"][0], SOFTER["reasons"][0]]
    assert result.risk_label == "Plan, means or harm happening now"


def test_button_presses_show_as_the_buttons_words():
    buttons = [{"title": "Yes, that's right", "payload": "/affirm"},
               {"title": "Change what matters", "payload": '/correct{"summary_part": "what_matters"}'}]
    events = [{"event": "bot", "text": "Is that right?", "data": {"buttons": buttons}, "timestamp": 1},
              {"event": "user", "text": '/correct{"summary_part": "what_matters"}', "timestamp": 2},
              {"event": "user", "text": "/affirm", "timestamp": 3},
              {"event": "user", "text": "/affirm", "metadata": {"lwfd_display": "Yes"}, "timestamp": 4},
              {"event": "user", "text": "/deny", "timestamp": 5}]
    assert [line.text for line in lines_for(events) if line.who == "person"] == [
        "Change what matters", "Yes, that's right", "Yes", "(pressed a button: deny)"]
    assert button_words("plain words") == "plain words"


def test_the_audit_log_reads_in_words():
    assert audit_words.action_words("view_transcript_live") == "Followed a conversation live"
    assert audit_words.detail_words("closed", "booked_call") == "Outcome: Booked for a call"
    assert audit_words.action_words("something_new") == "Something new"
