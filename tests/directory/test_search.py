"""Matching: offers that fit the person and the hour, in a stable order, quickly."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from bot.directory.importer import import_records
from bot.directory.offers import offers_for_person
from bot.directory.search import DirectoryIndex, Query, SearchError
from bot.hours import LONDON
from bot.store.db import session_scope
from bot.taxonomy import NEEDS, STRENGTHS
from tests.directory.conftest import HUB

SUNDAY_2AM = datetime(2026, 11, 29, 2, 0, tzinfo=LONDON)
TUESDAY_10AM = datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)


def test_sunday_2am_housing_and_money_gets_something_reachable_then(shipped_index: DirectoryIndex) -> None:
    matches = shipped_index.search(Query(at=SUNDAY_2AM, needs=("housing", "money")))
    assert len(matches) == 3
    for match in matches:
        assert match.open_now, match.offer.name
        assert match.offer.modes & {"phone", "online"}, match.offer.name
        assert match.offer.needs & {"housing", "money"}
        assert match.offer.open_24_7 or match.offer.open_until(SUNDAY_2AM) is not None
    assert matches[0].reason.startswith("open 24/7")
    assert "fits housing, money" in matches[0].reason


def test_tuesday_morning_same_person_gets_a_local_daytime_offer_first(shipped_index: DirectoryIndex) -> None:
    matches = shipped_index.search(Query(at=TUESDAY_10AM, needs=("housing", "money")))
    first = matches[0]
    assert not first.offer.is_national and not first.offer.open_24_7
    assert "in_person" in first.offer.modes and first.open_now
    assert first.reason.startswith("open now till")
    # the 24/7 national website that fits both needs was first at night; by day it is not
    night = shipped_index.search(Query(at=SUNDAY_2AM, needs=("housing", "money")))
    assert night[0].offer.is_national and night[0].offer.oruk_id != first.offer.oruk_id


def test_postcode_brings_the_nearest_local_offer_first(shipped_index: DirectoryIndex) -> None:
    near_se11 = shipped_index.search(Query(at=TUESDAY_10AM, needs=("money",), postcode="SE11 5HL"))
    assert near_se11[0].offer.name == "Money Matters Effra"
    assert "near SE11" in near_se11[0].reason
    near_sw2 = shipped_index.search(Query(at=TUESDAY_10AM, needs=("money",), postcode="sw2"))
    assert near_sw2[0].offer.name == "Brixwell Credit Union"


def test_language_and_mode_wishes(shipped_index: DirectoryIndex) -> None:
    thursday_evening = datetime(2026, 12, 3, 18, 30, tzinfo=LONDON)
    portuguese = shipped_index.search(Query(at=thursday_evening, needs=("emotional_support",),
                                            language="Portuguese"))
    assert portuguese[0].offer.name == "Portuguese-speaking Wellbeing Group"
    assert "in Portuguese" in portuguese[0].reason
    online = shipped_index.search(Query(at=TUESDAY_10AM, needs=("money",), modes=("online",), limit=8))
    flags = ["online" in m.offer.modes for m in online]
    assert flags[0] and flags == sorted(flags, reverse=True) and not all(flags)  # preferred, not a filter


def test_strengths_break_ties_between_fitting_offers(shipped_index: DirectoryIndex) -> None:
    monday_evening = datetime(2026, 11, 30, 19, 30, tzinfo=LONDON)
    choir = shipped_index.search(Query(at=monday_evening, needs=("connection",), strengths=("music",)))
    assert choir[0].offer.name == "Effra Community Choir"
    assert "you like music" in choir[0].reason


def test_overnight_offer_is_open_after_midnight_and_not_on_bank_holidays(shipped_index: DirectoryIndex) -> None:
    shelter = next(o for o in shipped_index.offers if o.name == "Stockwell Winter Night Shelter")
    assert shelter.open_until(SUNDAY_2AM) == datetime(2026, 11, 29, 8, 0, tzinfo=LONDON)
    assert shelter.open_until(datetime(2026, 11, 29, 12, 0, tzinfo=LONDON)) is None
    christmas = datetime(2026, 12, 25, 20, 0, tzinfo=LONDON)
    housing = next(o for o in shipped_index.offers if o.name == "Effra Housing Advice Centre")
    assert housing.open_until(datetime(2026, 12, 25, 10, 0, tzinfo=LONDON)) is None
    assert shelter.open_until(christmas) is None  # conservative: set hours count as closed
    samaritans = next(o for o in shipped_index.offers if o.name == "Samaritans")
    assert samaritans.open_until(christmas) is not None


def test_search_is_deterministic_whatever_the_load_order(shipped_index: DirectoryIndex) -> None:
    queries = [Query(at=at, needs=needs, limit=10) for at in (SUNDAY_2AM, TUESDAY_10AM)
               for needs in (("housing",), ("connection",), ("emotional_support", "caring"), ())]
    baseline = [[m.offer.oruk_id for m in shipped_index.search(q)] for q in queries]
    shuffled = list(shipped_index.offers)
    random.Random(7).shuffle(shuffled)
    other = DirectoryIndex(shuffled, hub_hours=HUB)
    for _ in range(3):
        assert [[m.offer.oruk_id for m in other.search(q)] for q in queries] == baseline


def test_exclude_ids_gives_more_and_unknown_codes_are_refused(shipped_index: DirectoryIndex) -> None:
    first = shipped_index.search(Query(at=SUNDAY_2AM, needs=("housing",)))
    more = shipped_index.search(Query(at=SUNDAY_2AM, needs=("housing",),
                                      exclude_ids=frozenset(m.offer.oruk_id for m in first)))
    assert not {m.offer.oruk_id for m in first} & {m.offer.oruk_id for m in more}
    with pytest.raises(SearchError, match="unknown need code 'homes'"):
        shipped_index.search(Query(at=SUNDAY_2AM, needs=("homes",)))
    with pytest.raises(SearchError, match="unknown mode"):
        shipped_index.search(Query(at=SUNDAY_2AM, needs=("housing",), modes=("carrier_pigeon",)))


def test_offers_for_person_from_a_session(shipped_url: str) -> None:
    with session_scope(shipped_url) as session:
        offers = offers_for_person(session, ["housing", "money"], [], SUNDAY_2AM, limit=2)
        again = offers_for_person(session, ["housing", "money"], [], SUNDAY_2AM, limit=2,
                                  exclude_ids=[offers[0].oruk_id])
    assert len(offers) == 2 and offers[0].oruk_id not in {o.oruk_id for o in again}
    assert all(o.open_24_7 or o.open_until(SUNDAY_2AM) for o in offers)


def _synthetic(count: int, rng: random.Random) -> list[dict]:
    days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    records = []
    for n in range(count):
        schedules = []
        for _ in range(rng.randint(0, 3)):
            opens = rng.choice([0, 7, 9, 10, 17, 19, 22])
            closes = rng.choice([2, 8, 12, 16, 21, 23])
            entry = {"byday": ",".join(rng.sample(days, rng.randint(1, 4))),
                     "opens_at": f"{opens:02d}:{rng.choice(['00', '30'])}", "closes_at": f"{closes:02d}:00"}
            if rng.random() < 0.15:  # hours with date limits take the slow path
                entry["valid_from"], entry["valid_to"] = "2026-11-01", rng.choice(["2026-11-30", "2027-03-31"])
            schedules.append(entry)
        records.append({
            "id": f"s{n}", "name": f"Offer {n % 40}",  # repeated names: the id breaks ties
            "needs": rng.sample(sorted(NEEDS), rng.randint(1, 3)),
            "strengths": rng.sample(sorted(STRENGTHS), rng.randint(0, 2)),
            "modes": rng.sample(["phone", "online", "in_person"], rng.randint(1, 2)),
            "open_24_7": rng.random() < 0.05, "is_national": rng.random() < 0.1,
            "regular_schedules": schedules, "url": "https://example.org",
            "languages": rng.sample(["English", "Portuguese", "Somali"], rng.randint(1, 2)),
            "service_at_locations": [{"location": {"id": f"l{n}", "postal_code": rng.choice(
                ["SW9 8AA", "SW2 1AA", "SE11 4AA", "E1 6AN"])}}],
        })
    return records


def test_only_offers_for_a_need_or_interest_the_person_told_us_are_offered(db_url: str) -> None:
    rng = random.Random(5)
    with session_scope(db_url) as session:
        report = import_records(_synthetic(400, rng), session)
        assert report.rejected == 0
    with session_scope(db_url) as session:
        index = DirectoryIndex.load(session, hub_hours=HUB)
    moments = [datetime(2026, 11, 23, 0, 0, tzinfo=LONDON) + timedelta(minutes=rng.randrange(14 * 24 * 60))
               for _ in range(60)]
    for at in moments:
        needs = tuple(rng.sample(sorted(NEEDS), rng.randint(0, 2)))
        strengths = tuple(rng.sample(sorted(STRENGTHS), rng.randint(0 if needs else 1, 2)))
        for match in index.search(Query(at=at, needs=needs, strengths=strengths, limit=8)):
            assert set(needs) & match.offer.needs or set(strengths) & match.offer.strengths, (needs, strengths)


def test_an_interest_counts_nearly_as_much_as_a_need(db_url: str) -> None:
    """Someone behind on rent who loves gardening: the gardening group that also helps with
    money comes before a money line they would use no more than the group."""
    base = {"description": "x", "url": "https://example.org", "open_24_7": True, "modes": ["phone"]}
    records = [
        {**base, "id": "money-line", "name": "A money line", "needs": ["money"]},
        {**base, "id": "garden", "name": "Garden and money club", "needs": ["money"],
         "strengths": ["nature_gardening"]},
        {**base, "id": "garden-only", "name": "Garden group", "needs": ["connection"],
         "strengths": ["nature_gardening"]},
        {**base, "id": "abuse", "name": "A helpline for a need not mentioned", "needs": ["relationships"]},
    ]
    with session_scope(db_url) as session:
        import_records(records, session)
    with session_scope(db_url) as session:
        index = DirectoryIndex.load(session, hub_hours=HUB)
    at = datetime(2026, 12, 6, 3, 0, tzinfo=LONDON)
    found = [m.offer.oruk_id for m in index.search(Query(at=at, needs=("money",), strengths=("nature_gardening",),
                                                         limit=5))]
    assert found == ["garden", "money-line", "garden-only"]
