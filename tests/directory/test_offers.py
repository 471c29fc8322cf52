"""What the person reads: what it is, when it is open, how to reach it; two SMS segments."""

from __future__ import annotations

import itertools
from datetime import datetime

from sqlalchemy import func

from bot.directory.models import Service
from bot.directory.offers import SMS_OFFER_CHARS, ensure_loaded, format_offer, format_offers
from bot.directory.search import DirectoryIndex, Query
from bot.directory.sms import is_gsm7, sms_segments
from bot.hours import LONDON
from bot.store.db import session_scope
from bot.taxonomy import NEEDS

QUESTION = "Which would you like? Reply 1, 2 or 3, or MORE for others."


def _offer(index: DirectoryIndex, name: str):
    return next(o for o in index.offers if o.name == name)


def test_format_says_what_when_and_how(shipped_index: DirectoryIndex) -> None:
    at = datetime(2026, 11, 29, 2, 0, tzinfo=LONDON)
    assert format_offer(_offer(shipped_index, "Samaritans"), at=at) == (
        "Samaritans: talk to someone about anything. Open 24/7. Call 116 123")
    assert format_offer(_offer(shipped_index, "Shout"), at=at) == "Shout. Open 24/7. Text SHOUT to 85258"
    shelter = format_offer(_offer(shipped_index, "Stockwell Winter Night Shelter"), at=at)
    assert shelter == "Stockwell Winter Night Shelter. Open now till 8am. Call 020 7946 0104"
    housing = _offer(shipped_index, "Effra Housing Advice Centre")
    assert "Opens 9:30am tomorrow" in format_offer(housing, at=at)
    assert "Mon-Fri 9:30am-4:30pm" in format_offer(housing)  # no time given: weekly hours
    therapies = format_offer(_offer(shipped_index, "Effra Talking Therapies"), at=at)
    assert therapies == "Effra Talking Therapies. Open 24/7. sample-028.effra-sample.example"
    web = format_offer(housing, channel="web", at=at)
    assert "Free housing advice drop-in" in web and "Go to 1 Brixton Hill, SW2 1RW" in web


def test_three_offers_and_a_question_fit_two_sms_segments(shipped_index: DirectoryIndex) -> None:
    times = [datetime(2026, 11, 29, 2, 0, tzinfo=LONDON), datetime(2026, 12, 1, 10, 0, tzinfo=LONDON),
             datetime(2026, 12, 4, 19, 45, tzinfo=LONDON)]
    checked = 0
    for at, needs in itertools.product(times, itertools.combinations(NEEDS, 2)):
        matches = shipped_index.search(Query(at=at, needs=needs))
        for match in matches:
            assert len(format_offer(match)) <= SMS_OFFER_CHARS
        message = format_offers(matches) + "\n" + QUESTION
        assert is_gsm7(message), message
        assert sms_segments(message) <= 2, message
        checked += 1
    assert checked == 3 * 66


def test_sms_segments_count_gsm7_and_unicode() -> None:
    assert sms_segments("a" * 160) == 1
    assert sms_segments("a" * 161) == 2
    assert sms_segments("a" * 306) == 2
    assert sms_segments("a" * 307) == 3
    assert sms_segments("€" * 80) == 1 and sms_segments("€" * 81) == 2  # extended: two each
    assert sms_segments("’" + "a" * 69) == 1 and sms_segments("’" + "a" * 70) == 2  # UCS-2


def test_ensure_loaded_imports_once(db_url: str) -> None:
    with session_scope(db_url) as session:
        assert ensure_loaded(session) is True
    with session_scope(db_url) as session:
        assert ensure_loaded(session) is False
        assert session.query(func.count(Service.id)).scalar() == 62


def test_an_offer_card_has_links_to_call_visit_and_find_it(shipped_index) -> None:
    from bot.directory.offers import offer_card

    offers = [o for o in shipped_index.offers if o.phone and o.url]
    card = offer_card(offers[0])
    kinds = [link["kind"] for link in card["links"]]
    assert card["name"] == offers[0].name and kinds[:2] == ["tel", "web"]
    assert card["links"][0]["href"].startswith("tel:") and " " not in card["links"][0]["href"]
    in_person = [o for o in shipped_index.offers if "in_person" in o.modes and o.postcode]
    assert in_person
    assert offer_card(in_person[0])["links"][-1]["href"].startswith("https://www.openstreetmap.org/search?query=")
