"""Who an offer is for: carers' offers only to carers, age ranges said out loud, no false limits."""

from __future__ import annotations

import itertools
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.conversation.signposting import is_caring
from bot.directory.audience import (
    ANYONE,
    CARERS,
    LGBTQ,
    NO,
    OLDER_PEOPLE,
    WOMEN,
    YOUNG_PEOPLE,
    Audience,
    audience_of,
    fit,
    from_eligibility,
    from_words,
    never_hidden,
    person_ages,
)
from bot.directory.importer import import_path, import_records
from bot.directory.offers import SMS_OFFER_CHARS, format_offer, matches_for_person, offer_card
from bot.directory.search import DirectoryIndex, Query
from bot.hours import LONDON
from bot.store.db import session_scope
from tests.directory.conftest import HUB, service

TUESDAY_7_30PM = datetime(2026, 12, 1, 19, 30, tzinfo=LONDON)  # the carers' evening line is open
CARERS_LINE = "sample-037"  # "Carers Evening Phone Support": caring + emotional_support


def _load(db_url: str, records: list[dict]) -> DirectoryIndex:
    with session_scope(db_url) as session:
        report = import_records(records, session)
        assert report.rejected == 0, report.problems
    with session_scope(db_url) as session:
        return DirectoryIndex.load(session, hub_hours=HUB)


def _week(start: datetime = datetime(2026, 11, 30, 0, 0, tzinfo=LONDON), step_hours: int = 1):
    return [start + timedelta(hours=h) for h in range(0, 7 * 24, step_hours)]


# --- the widow and the daughter ---------------------------------------------------------------

def test_a_widow_telling_us_about_the_rent_and_being_alone_is_never_offered_the_carers_line(
        shipped_index: DirectoryIndex) -> None:
    """"The rent, and being on my own since he died": housing, money, someone to talk to; for
    herself; she looks after nobody. The carers' evening line was offered to her."""
    needs = ["housing", "money", "emotional_support"]
    caring = is_caring(needs, "self", None)
    assert caring is False
    for at in _week():
        for asked in (needs, ["emotional_support"]):
            found = matches_for_person(shipped_index, asked, [], at, limit=10, caring=caring)
            assert found, at
            ids = [m.offer.oruk_id for m in found]
            assert CARERS_LINE not in ids, (at, asked)
            assert not any(m.offer.audience.carers_only for m in found), (at, asked)


def test_a_daughter_caring_for_her_dad_is_offered_the_carers_line(shipped_index: DirectoryIndex) -> None:
    """"I look after my dad since mum died" gives the need caring: carers' offers are for her."""
    needs = ["caring", "emotional_support"]
    caring = is_caring(needs, "someone_else", "daughter")
    assert caring is True
    found = matches_for_person(shipped_index, needs, [], TUESDAY_7_30PM, caring=caring)
    assert found[0].offer.oruk_id == CARERS_LINE
    assert found[0].for_whom == ""  # it is for her: nothing to warn about
    assert format_offer(found[0]) == "Carers Evening Phone Support. Open now till 9pm. Call 020 7946 0137"
    # introducing her dad for someone to talk to, and saying she is his carer, is enough too
    carer = is_caring(["emotional_support"], "someone_else", "I'm his carer, he's my dad")
    assert carer is True
    talk = matches_for_person(shipped_index, ["emotional_support"], [], TUESDAY_7_30PM, caring=carer)
    assert CARERS_LINE in [m.offer.oruk_id for m in talk]


@pytest.mark.parametrize("needs, introducer, relationship, expected", [
    (["housing"], "self", None, False),
    (["caring"], "self", None, True),
    ([], "someone_else", "carer", True),
    ([], "someone_else", "I look after her", True),
    ([], "someone_else", "daughter", False),
    ([], "someone_else", "their GP", False),
    ([], "someone_else", "paid carer from the agency", False),
    ([], "self", "carer", False),  # "relationship" only means something about someone else
])
def test_who_is_caring(needs, introducer, relationship, expected) -> None:
    assert is_caring(needs, introducer, relationship) is expected


# --- age ranges ----------------------------------------------------------------------------------

def test_an_offer_for_an_age_range_comes_after_an_equal_one_for_anyone_and_says_who_it_is_for(
        db_url: str) -> None:
    base = {"description": "Someone to talk to in the evening.", "needs": ["emotional_support"],
            "open_24_7": True, "modes": ["phone"], "contacts": [{"phones": [{"number": "020 7946 0999"}]}]}
    index = _load(db_url, [
        # named to come first alphabetically, so only who it is for can put it second
        {**base, "id": "aged", "name": "A Talk Line",
         "eligibilitys": [{"eligibility": None, "minimum_age": 18, "maximum_age": 25}]},
        {**base, "id": "anyone", "name": "B Talk Line"},
    ])
    found = index.search(Query(at=TUESDAY_7_30PM, needs=("emotional_support",)))
    assert [m.offer.oruk_id for m in found] == ["anyone", "aged"]
    assert found[0].score == found[1].score + 8
    aged = found[1]
    assert aged.for_whom == "For people aged 18 to 25"
    assert format_offer(aged) == "A Talk Line. For people aged 18 to 25. Open 24/7. Call 020 7946 0999"
    assert "For people aged 18 to 25." in format_offer(aged, channel="web")
    assert offer_card(aged)["who"] == "For people aged 18 to 25"
    assert offer_card(found[0])["who"] == ""
    assert "for people aged 18 to 25" in aged.reason
    # age known: inside the range it is simply for them; outside it is not offered
    young = index.search(Query(at=TUESDAY_7_30PM, needs=("emotional_support",), age=20))
    assert [m.offer.oruk_id for m in young] == ["aged", "anyone"] and young[0].for_whom == ""
    older = index.search(Query(at=TUESDAY_7_30PM, needs=("emotional_support",), age=40))
    assert [m.offer.oruk_id for m in older] == ["anyone"]


def test_the_young_adult_carers_group_says_who_it_is_for_in_one_sms(shipped_index: DirectoryIndex) -> None:
    found = matches_for_person(shipped_index, ["caring"], [], datetime(2026, 12, 1, 17, 30, tzinfo=LONDON),
                               limit=5)
    group = next(m for m in found if m.offer.oruk_id == "sample-036")
    text = format_offer(group)
    assert text.startswith("Young Adult Carers Group. For carers aged 18 to 25.")
    assert len(text) <= SMS_OFFER_CHARS and "Call 020 7946 0136" in text
    assert "sample-036" not in [m.offer.oruk_id for m in
                                matches_for_person(shipped_index, ["caring"], [], TUESDAY_7_30PM, age=40)]


# --- reading who an offer is for -----------------------------------------------------------

def test_an_imported_oruk_record_gets_its_audience_from_its_eligibility(db_url: str) -> None:
    index = _load(db_url, [
        service("young-carers", "Tuesday Group", description="A group in the evening.",
                eligibilitys=[{"eligibility": "Carers aged 18 to 25", "minimum_age": 18}]),
        service("ages-only", "Drop-in", eligibilitys=[{"minimum_age": "16", "maximum_age": "25.0"}]),
        service("women", "Wellbeing Circle", eligibilitys=[{"eligibility": "Women only"}]),
        service("over-50", "Walk and Talk", eligibilitys=[{"eligibility": "Over 50s"}]),
        service("anyone", "Carers Evening Line", description="A phone line for carers.",
                eligibilitys=[{"eligibility": "Anyone"}]),  # the borough said so: words ignored
        service("residents", "Carers Cafe", eligibilitys=[{"eligibility": "Lambeth residents"}]),
        service("two-rows", "Peer Group", eligibilitys=[{"eligibility": "Carers"},
                                                        {"eligibility": "Young people"}]),
    ])
    by_id = {o.oruk_id: o.audience for o in index.offers}
    assert by_id["young-carers"] == Audience(frozenset({CARERS}), 18, 25, None, "eligibility")
    assert by_id["young-carers"].text() == "For carers aged 18 to 25"
    assert by_id["ages-only"] == Audience(frozenset(), 16, 25, None, "eligibility")
    assert by_id["women"].groups == {WOMEN} and by_id["women"].text() == "For women"
    assert by_id["over-50"].min_age == 50 and by_id["over-50"].max_age is None
    assert by_id["anyone"].is_open
    # eligibility about something else (where people live): the name still says carers
    assert by_id["residents"] == Audience(frozenset({CARERS}), source="words")
    # several records: open to whoever fits any of them, so neither limit holds
    assert by_id["two-rows"].is_open


def test_the_shipped_directory_knows_its_carers_offers_and_leaves_the_rest_open(
        shipped_index: DirectoryIndex) -> None:
    limited = {o.oruk_id: o.audience.text() for o in shipped_index.offers if not o.audience.is_open}
    assert limited == {
        "sample-035": "For carers",  # "Effra Carers Hub": "for anyone looking after a family member"
        "sample-036": "For carers aged 18 to 25",  # its eligibility: "Carers aged 18 to 25", minimum_age 18
        "sample-037": "For carers",
        "national-carersuk": "For carers",
    }
    crisis = [o for o in shipped_index.offers if never_hidden(o.is_national, o.open_24_7)]
    assert {"Samaritans", "Shout"} <= {o.name for o in crisis}


def test_bad_ages_are_dropped_with_a_warning(db_url: str) -> None:
    with session_scope(db_url) as session:
        report = import_records([
            service("a", "Group", eligibilitys=[{"eligibility": "Young people", "minimum_age": "eighteen",
                                                 "maximum_age": 25}]),
            service("b", "Club", eligibilitys=[{"minimum_age": 30, "maximum_age": 20}]),
        ], session)
    assert report.rejected == 0
    warnings = [str(w) for w in report.warnings]
    assert any("eligibilitys[0].minimum_age" in w and "not an age" in w for w in warnings), warnings
    assert any("above maximum_age" in w for w in warnings), warnings


def test_the_simple_csv_states_who_an_offer_is_for(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "offers.csv"
    path.write_text("id,name,phone,needs,eligibility,minimum_age,maximum_age\n"
                    "yc,Tuesday Group,020 7946 0500,caring,Young carers,16,25\n"
                    "all,Open Group,020 7946 0501,caring,,,\n", encoding="utf-8")
    with session_scope(db_url) as session:
        assert import_path(path, session).rejected == 0
    with session_scope(db_url) as session:
        index = DirectoryIndex.load(session, hub_hours=HUB)
    by_id = {o.oruk_id: o.audience for o in index.offers}
    assert by_id["yc"].text() == "For carers aged 16 to 25"
    assert by_id["all"].is_open


@pytest.mark.parametrize("name, description", [
    ("Effra Peer Cafe", "A friendly cafe run by carers, for anyone who wants a chat."),
    ("Community Action", "Support for people who care about their community."),
    ("Community Action", "Volunteering for people who care for their neighbourhood."),
    ("Dementia Carers Cafe", "A cafe for people with dementia and their carers."),
    ("Carers and Families Line", "Someone to talk to."),
    ("Effra Family Line", "Advice for carers and families."),
    ("Bereaved Carers Group", "Time together after caring ends."),
    ("Carers Cafe", "Tea and a chat. Everyone welcome."),
    ("Stay and Play", "For parents of children aged 0-5."),
    ("Family Hub", "Help for families with children under 5, and their parents."),
    ("Health Walks", "Look after your health: for people who look after their health."),
    ("Effra Men's Shed", "A workshop where people meet to make, mend and chat."),
    ("Rainbow Cafe", "An LGBTQ+ friendly cafe for everyone."),
    ("LGBTQ+ Friendly Cafe", "Coffee and cake."),
    ("Money Advice", "Advice for women and men on debts and bills."),
    ("Brockwell Walking Group", "We have walked for over 20 years; open between 10 and 12 on Saturdays."),
    ("Effra Adult College", "Free and low-cost courses for adults: English, maths, computers."),
    ("Effra Volunteer Centre", "Befriending older people and young people in the borough."),
    ("Young at Heart", "Singing for all ages."),
    ("Effra Careers Service", "Careers help."),
])
def test_ordinary_words_do_not_limit_who_an_offer_is_for(name: str, description: str) -> None:
    assert from_words(name, description) == ANYONE, from_words(name, description)


@pytest.mark.parametrize("name, description, text", [
    ("Carers Evening Phone Support", "A phone line for carers in the evening.", "For carers"),
    ("Evening Line", "A phone line for carers, run by carers.", "For carers"),
    ("Effra Carers Hub", "Breaks and support.", "For carers"),
    ("Respite Breaks", "Short breaks for anyone looking after a family member or friend.", "For carers"),
    ("Effra Youth Hub", "A drop-in for young people aged 16-25.", "For young people aged 16 to 25"),
    ("Wellbeing Circle", "A women-only space to talk.", "For women"),
    ("Silver Sunday", "Tea and company for older people.", "For older people"),
    ("Effra LGBTQ+ Wellbeing Group", "A peer group.", "For LGBTQ+ people"),
    ("Job Club", "For 18 to 30 year olds looking for work.", "For people aged 18 to 30"),
])
def test_plain_words_say_who_an_offer_is_for(name: str, description: str, text: str) -> None:
    audience = from_words(name, description)
    assert audience.source == "words" and audience.text() == text


def test_eligibility_words_and_fields() -> None:
    assert from_eligibility("Lambeth residents") is None  # not about who: the words decide
    assert from_eligibility("None").is_open and from_eligibility("Open to all").is_open
    assert from_eligibility("18+").text() == "For adults"
    assert from_eligibility("Under 25").max_age == 24
    assert from_eligibility("LGBTQ+ young people aged 16-25").text() == "For LGBTQ+ young people aged 16 to 25"
    assert from_eligibility("People with dementia and their carers").is_open
    assert from_eligibility("Older people").people == OLDER_PEOPLE
    assert from_eligibility("Youth").people == YOUNG_PEOPLE
    assert from_eligibility(None, 65).text() == "For people aged 65 and over"
    assert audience_of([], "LGBTQ+ Carers Group", "").groups == {CARERS, LGBTQ}


# --- the rules, and the numpy copy of them ----------------------------------------------------

def test_fit_rules() -> None:
    carers = Audience(frozenset({CARERS}))
    young_carers = Audience(frozenset({CARERS}), 18, 25)
    women = Audience(frozenset({WOMEN}))
    older = Audience(people=OLDER_PEOPLE)
    young = Audience(people=YOUNG_PEOPLE)
    adults = Audience(min_age=18)
    assert [fit(carers, c) for c in (False, True)] == ["no", "yes"]
    assert [fit(young_carers, True, person_ages(a)) for a in (None, 17, 18, 25, 26)] == [
        "unknown", "no", "yes", "yes", "no"]
    assert fit(women, False) == "unknown" and fit(women, False, person_ages(30)) == "unknown"
    assert [fit(older, False, person_ages(a)) for a in (None, 30, 49, 50, 80)] == [
        "unknown", "no", "no", "yes", "yes"]
    assert fit(ANYONE, False) == "yes"
    # "I'm 16": 18 or under, exact age not known
    said_young = person_ages(young_person=True)
    assert [fit(a, False, said_young) for a in (young, adults, older, ANYONE)] == ["yes", "unknown", "no", "yes"]


def test_national_crisis_lines_are_never_left_out(db_url: str) -> None:
    line = {"needs": ["emotional_support"], "open_24_7": True, "modes": ["phone"],
            "contacts": [{"phones": [{"number": "116 123"}]}]}
    index = _load(db_url, [
        {**line, "id": "crisis", "name": "Crisis Line", "description": "For carers, day or night.",
         "is_national": True, "eligibilitys": [{"eligibility": "Carers aged 18 to 25"}]},
        {**line, "id": "local", "name": "Local Carers Line", "description": "For carers, day or night.",
         "eligibilitys": [{"eligibility": "Carers aged 18 to 25"}]},
    ])
    for caring, age in itertools.product((False, True), (None, 40, 20)):
        found = {m.offer.oruk_id: m for m in index.search(Query(at=TUESDAY_7_30PM, needs=("emotional_support",),
                                                                caring=caring, age=age))}
        assert "crisis" in found, (caring, age)
        assert ("local" in found) is (caring and age != 40), (caring, age)
        if not (caring and age == 20):
            assert found["crisis"].for_whom == "For carers aged 18 to 25"


def test_the_numpy_columns_follow_the_fit_rules(db_url: str) -> None:
    rng = random.Random(12)
    eligibilities = [[], [{"eligibility": "Carers"}], [{"eligibility": "Carers aged 18 to 25"}],
                     [{"minimum_age": 18, "maximum_age": 25}], [{"eligibility": "Women only"}],
                     [{"eligibility": "Older people"}], [{"eligibility": "Young people"}], [{"minimum_age": 65}],
                     [{"eligibility": "LGBTQ+ carers"}], [{"eligibility": "Anyone"}]]
    records = [service(f"s{n}", f"Offer {n}", needs=["emotional_support"], open_24_7=rng.random() < 0.3,
                       is_national=rng.random() < 0.3, eligibilitys=rng.choice(eligibilities))
               for n in range(120)]
    index = _load(db_url, records)
    assert index.columns is not None
    person = [None, (0, 18), (20, 30), (40, 70)] + [(a, a) for a in (10, 17, 18, 25, 30, 50, 64, 65, 90)]
    for caring, ages in itertools.product((False, True), person):
        unsure, hidden = index.columns._audience(caring, ages)
        for row, offer in enumerate(index.offers):
            rule = fit(offer.audience, caring, ages)
            exempt = never_hidden(offer.is_national, offer.open_24_7)
            assert bool(hidden[row]) is (rule == NO and not exempt), (offer.audience, caring, ages)
            if not hidden[row]:
                assert bool(unsure[row]) is (rule != "yes"), (offer.audience, caring, ages)


def test_someone_who_said_they_are_young_is_not_offered_what_is_for_older_people(db_url: str) -> None:
    base = {"description": "Someone to talk to.", "needs": ["emotional_support"], "open_24_7": True,
            "modes": ["phone"], "contacts": [{"phones": [{"number": "020 7946 0999"}]}]}
    index = _load(db_url, [
        {**base, "id": "older", "name": "Over 50s Line"},
        {**base, "id": "adults", "name": "Adult Line", "eligibilitys": [{"eligibility": "18+"}]},
        {**base, "id": "youth", "name": "Youth Line"},
    ])
    found = index.search(Query(at=TUESDAY_7_30PM, needs=("emotional_support",), young_person=True))
    assert [(m.offer.oruk_id, m.for_whom) for m in found] == [("youth", ""), ("adults", "For adults")]


def test_the_offers_action_uses_what_the_conversation_knows(shipped_url: str, monkeypatch) -> None:
    """actions.offers: the widow's introduction and the daughter's, as slots."""
    from rasa_sdk import Tracker

    import actions.offers as offers_action

    monkeypatch.setenv("LWFD_DATABASE_URL", shipped_url)
    monkeypatch.setattr(offers_action, "now", lambda: TUESDAY_7_30PM)

    def tracker(**slots) -> Tracker:
        return Tracker("invented-person-12", {"offers_given": [], **slots}, {"text": "..."}, [], False, None,
                       {"name": "introduction_form"}, "action_listen")

    widow = tracker(needs=["housing", "money", "emotional_support"], introducer="self")
    assert offers_action.who_is_asking(widow) == {"caring": False, "young_person": False}
    assert CARERS_LINE not in [o["id"] for o in offers_action.next_offers(widow)]
    daughter = tracker(needs=["emotional_support"], introducer="someone_else", relationship="I'm his carer",
                       young_person="true")  # "I'm 17" is the daughter's age, not her dad's
    assert offers_action.who_is_asking(daughter) == {"caring": True, "young_person": False}
    shown = offers_action.next_offers(daughter)
    assert shown[0]["id"] == CARERS_LINE
    assert shown[0]["text"].startswith("Carers Evening Phone Support: A phone line for carers")
    assert "For carers" not in shown[0]["text"]  # it is for her: no warning needed


# --- the staff tool ---------------------------------------------------------------------------

def test_search_cli_takes_carer_and_age(shipped_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["directory", "search", "emotional_support", "--at", "2026-12-01T19:30", "--limit", "10",
            "--json", "--url", shipped_url]
    assert main(argv) == 0
    plain = json.loads(capsys.readouterr().out)
    assert plain["caring"] is False and CARERS_LINE not in [o["id"] for o in plain["offers"]]
    assert main([*argv, "--carer"]) == 0
    carer = json.loads(capsys.readouterr().out)
    assert carer["offers"][0]["id"] == CARERS_LINE and carer["offers"][0]["for"] == "For carers"
    assert main(["directory", "search", "caring", "--at", "2026-12-01T17:30", "--limit", "10", "--age", "40",
                 "--url", shipped_url]) == 0
    text = capsys.readouterr().out
    assert "looks after someone; aged 40" in text and "Young Adult Carers Group" not in text
    assert main(["directory", "search", "caring", "--age", "400", "--url", shipped_url]) == 2
    assert "is not an age" in capsys.readouterr().err
