"""The "about you" actions as the action server runs them (rasa_sdk trackers, a real database)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.about_you import ActionAboutYouDone, ActionOfferAboutYou, ValidateAboutYouForm
from actions.complete import _then_about_you
from bot.insights.about_you import SKIPPED
from bot.insights.models import AboutYou
from bot.store.db import migrate, session_scope
from bot.store.models import Introduction
from tests.insights.test_about_you import REPO

DOMAIN = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))


def _tracker(slots: dict[str, Any], text: str = "", intent: str = "inform") -> Tracker:
    """As Rasa sends it: the user's message, then the slot the form extracted from it."""
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    asked = slots.get("requested_slot")
    events = [{"event": "user", "text": text, "parse_data": message}]
    if asked and slots.get(asked) is not None:
        events.append({"event": "slot", "name": asked, "value": slots[asked]})
    return Tracker("invented-person-9", slots, message, events, False, None, {"name": "about_you_form"},
                   "action_listen")


def _slots(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture
def db(tmp_path, monkeypatch) -> tuple[str, int]:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("LWFD_DATABASE_URL", url)
    migrate(url)
    with session_scope(url) as session:
        intro = Introduction(sender_id="invented-person-9", channel="socketio", consent=True, needs=[],
                             strengths=[], offers_given=[])
        session.add(intro)
        session.flush()
        return url, int(intro.id)


def run(action, tracker: Tracker) -> tuple[list[dict], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return events, dispatcher


def test_offered_only_with_consent_and_a_kept_introduction(db):
    _, intro_id = db
    events, dispatcher = run(ActionOfferAboutYou(), _tracker({"consent": "yes", "introduction_id": float(intro_id)}))
    assert dispatcher.messages[0]["response"] == "utter_ask_about_you"
    assert _slots(events)["about_you_previous"] is None
    events, dispatcher = run(ActionOfferAboutYou(), _tracker({"consent": "no", "introduction_id": None}))
    assert events == [] and dispatcher.messages == []


def test_an_answer_is_read_and_an_unclear_one_asked_once_more(db):
    base = {"requested_slot": "about_you_age", "about_you_previous": None}
    events, _ = run(ValidateAboutYouForm(), _tracker({**base, "about_you_age": "34"}, "34"))
    slots = _slots(events)
    assert slots["about_you_age"] == "25_34" and slots["requested_slot"] == "about_you_ethnic_group"
    events, dispatcher = run(ValidateAboutYouForm(), _tracker({**base, "about_you_age": "blue"}, "blue"))
    assert _slots(events)["about_you_age"] is None
    assert dispatcher.messages[0]["response"] == "utter_about_you_not_understood"
    again = {**base, "about_you_age": "green", "about_you_previous": _slots(events)["about_you_previous"]}
    events, _ = run(ValidateAboutYouForm(), _tracker(again, "green"))
    assert _slots(events)["about_you_age"] == SKIPPED  # never kept going round


def test_a_skipped_group_skips_the_detailed_question(db):
    slots = {"requested_slot": "about_you_ethnic_group", "about_you_age": "25_34", "about_you_ethnic_group": SKIPPED}
    events, _ = run(ValidateAboutYouForm(), _tracker(slots, "rather not say", "skip"))
    assert _slots(events)["about_you_ethnicity"] == SKIPPED
    assert _slots(events)["requested_slot"] == "about_you_gender"


def test_done_keeps_codes_only(db):
    url, intro_id = db
    slots = {"introduction_id": float(intro_id), "about_you_age": "25_34", "about_you_ethnic_group": "black",
             "about_you_ethnicity": "african", "about_you_gender": SKIPPED, "about_you_disability": "no",
             "about_you_language": "english", "about_you_life": 6, "about_you_worthwhile": 7,
             "about_you_happy": SKIPPED, "about_you_anxious": 3, "about_you_previous": None}
    events, dispatcher = run(ActionAboutYouDone(), _tracker(slots))
    assert dispatcher.messages[0]["response"] == "utter_about_you_thanks"
    assert all(v is None for v in _slots(events).values())
    with session_scope(url) as session:
        row = session.execute(select(AboutYou)).scalars().one()
    assert (row.ethnicity, row.gender, row.happiness, row.anxiety) == ("african", None, None, 3)


def test_the_end_of_an_introduction_offers_them_only_when_switched_on(monkeypatch):
    events = [{"event": "slot", "name": "introduction_id", "value": 3.0}]
    monkeypatch.delenv("LWFD_ASK_ABOUT_YOU", raising=False)
    assert _then_about_you(list(events)) == events
    monkeypatch.setenv("LWFD_ASK_ABOUT_YOU", "1")
    assert _then_about_you(list(events))[-1] == {"event": "followup", "timestamp": None,
                                                 "name": "action_offer_about_you"}
