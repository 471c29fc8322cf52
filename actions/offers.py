"""Offering two or three community offers that fit, and reading the person's choice."""

from __future__ import annotations

import asyncio
import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker_helpers import channel_of
from bot.conversation.heard import heard_line
from bot.conversation.signposting import CARD_CHANNELS, SMS_CHANNELS, find_offers, is_caring, offers_list
from bot.conversation.words import render
from bot.hours import now

logger = logging.getLogger(__name__)


def next_offers(tracker: Tracker) -> list[dict]:
    """Offers not shown yet (for this postcode), for the needs and strengths told so far; what
    the person has just added at the offers ("I like gardening", ``offer_focus``) comes first."""
    given = list(tracker.get_slot("offers_given") or [])
    postcode = tracker.get_slot("postcode")
    round_number = 1 + max((int(o.get("round", 1)) for o in given), default=0)
    needs = list(tracker.get_slot("needs") or [])
    strengths = list(tracker.get_slot("strengths") or [])
    exclude = [o["id"] for o in given if o.get("postcode") == postcode]
    focus = list(tracker.get_slot("offer_focus") or [])
    person = who_is_asking(tracker)
    found: list[dict] = []
    if focus:
        found = find_offers([c for c in needs if c in focus], [c for c in strengths if c in focus], now(),
                            channel=channel_of(tracker), postcode=postcode, exclude_ids=exclude,
                            round_number=round_number, **person)
    if len(found) < 3:
        found += find_offers(needs, strengths, now(), channel=channel_of(tracker), postcode=postcode,
                             exclude_ids=exclude + [o["id"] for o in found], round_number=round_number,
                             limit=3 - len(found), **person)
    return found


def who_is_asking(tracker: Tracker) -> dict[str, bool]:
    """What the conversation knows that decides who an offer can be for (never their age:
    nobody is asked it before the offers).

    ``caring``: they look after someone, so offers only for carers fit. ``young_person``:
    they said they are 18 or under ("I'm 16"); it is about the writer, so it counts only
    when the introduction is for themselves.
    """
    for_themselves = tracker.get_slot("introducer") != "someone_else"
    return {
        "caring": is_caring(list(tracker.get_slot("needs") or []), tracker.get_slot("introducer"),
                            tracker.get_slot("relationship")),
        "young_person": for_themselves and str(tracker.get_slot("young_person")).lower() == "true",
    }


def interest_offer(tracker: Tracker, strengths: list[str]) -> dict | None:
    """The best place for what the person enjoys that fits it and was not offered yet."""
    given = list(tracker.get_slot("offers_given") or [])
    round_number = 1 + max((int(o.get("round", 1)) for o in given), default=0)
    found = find_offers([], strengths, now(), channel=channel_of(tracker), postcode=tracker.get_slot("postcode"),
                        exclude_ids=[o["id"] for o in given], round_number=round_number, limit=1,
                        **who_is_asking(tracker))
    return found[0] if found else None


class ActionAskOfferChoice(Action):
    """Shows the offers (numbered; real buttons on the web) and records what was shown."""

    def name(self) -> str:
        return "action_ask_offer_choice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        try:
            offers = await asyncio.to_thread(next_offers, tracker)
        except Exception:  # the directory being unreachable must not stop the introduction
            logger.exception("Could not search the directory")
            offers = []
        if not offers:
            dispatcher.utter_message(response="utter_no_offers_found")
            return []
        given = list(tracker.get_slot("offers_given") or [])
        channel = channel_of(tracker)
        sms = channel in SMS_CHANNELS
        postcode = tracker.get_slot("postcode")
        shown_here = [o for o in given if o.get("postcode") == postcode]
        if not given:
            response = "utter_offers_first"
        elif postcode and not shown_here:
            response = "utter_offers_nearer"
        else:
            response = "utter_offers_more"
        numbers = ", ".join(str(n) for n in range(1, len(offers) + 1))
        heard = heard_line(list(tracker.get_slot("needs") or []), channel) if response == "utter_offers_first" else ""
        buttons = []
        if not sms:
            buttons = [{"title": f"{n}. {o['name']}", "payload": str(n)} for n, o in enumerate(offers, start=1)]
            # "others", not "more": the classifier reads a bare "more" as "stop" (see the report).
            buttons += [{"title": "Show me others", "payload": "others"},
                        {"title": "None of these", "payload": "none"}]
        if channel in CARD_CHANNELS:
            # The web chat draws each offer as a card with links, the choices below them.
            dispatcher.utter_message(response=response, offers="", numbers=numbers, place=postcode or "", heard=heard)
            dispatcher.utter_message(json_message={
                "offer_cards": [o["card"] for o in offers if o.get("card")],
                "text": render("utter_offers_choose", channel=channel), "buttons": buttons})
        else:
            dispatcher.utter_message(response=response, offers=offers_list(offers), numbers=numbers,
                                     place=postcode or "", heard=heard, buttons=buttons)
        if not given and _worker_on_duty(channel):
            dispatcher.utter_message(response="utter_offer_a_person")
        return [SlotSet("offers_given", given + offers), SlotSet("offer_focus", None)]


def _worker_on_duty(channel: str) -> bool:
    """True when a Hub worker could join now: then the person is offered one with the offers."""
    from bot.handoff import current_promise

    try:
        return current_promise(channel).live
    except Exception:  # an unknown rota never promises a person
        logger.exception("Could not read who is on duty")
        return False
