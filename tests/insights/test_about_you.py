"""The optional "about you" questions: answers read, skipping, asking again, keeping apart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from bot.insights.about_you import (
    QUESTIONS,
    SKIPPED,
    next_question,
    previous_answers,
    questions_for,
    read_answer,
    save_answers,
)
from bot.insights.categories import ETHNIC_GROUPS, ETHNICITIES
from bot.insights.models import AboutYou
from bot.store.db import migrate, session_scope
from bot.store.models import Introduction

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text", ["skip", "Skip this", "rather not say", "I'd rather not", "prefer not to say",
                                  "pass", "don't want to say"])
@pytest.mark.parametrize("slot", QUESTIONS)
def test_every_question_can_be_skipped(slot, text):
    assert read_answer(slot, text, {"about_you_ethnic_group": "black"}) == SKIPPED


@pytest.mark.parametrize("text,expected", [("2", "18_24"), ("34", "25_34"), ("16", "under_18"), ("70", "65_plus"),
                                           ("65 or over", "65_plus"), ("9", None), ("old", None)])
def test_age_by_list_number_or_years(text, expected):
    assert read_answer("about_you_age", text) == expected


def test_ethnicity_is_asked_by_group_then_the_census_category():
    assert read_answer("about_you_ethnic_group", "2") == "black"
    assert read_answer("about_you_ethnic_group", "white") == "white"
    assert read_answer("about_you_ethnicity", "2", {"about_you_ethnic_group": "black"}) == "caribbean"
    assert read_answer("about_you_ethnicity", "Roma", {"about_you_ethnic_group": "white"}) == "roma"
    assert read_answer("about_you_ethnicity", "7", {"about_you_ethnic_group": "black"}) is None
    # the ONS 2021 England and Wales list: 19 categories in 5 groups
    assert len(ETHNICITIES) == 19 and len(ETHNIC_GROUPS) == 5


def test_gender_disability_language_and_wellbeing():
    assert read_answer("about_you_gender", "female") == "woman"
    assert read_answer("about_you_gender", "3") == "non_binary"
    assert read_answer("about_you_disability", "yes") == "yes"
    assert read_answer("about_you_disability", "no") == "no"
    assert read_answer("about_you_language", "no") == "other"
    assert read_answer("about_you_language", "English") == "english"
    assert read_answer("about_you_life", "7") == 7
    assert read_answer("about_you_anxious", "zero") == 0
    assert read_answer("about_you_happy", "11") is None
    assert read_answer("about_you_worthwhile", "quite good") is None


def test_the_detailed_question_follows_only_a_chosen_group():
    assert "about_you_ethnicity" not in questions_for({}, None)
    assert "about_you_ethnicity" in questions_for({"about_you_ethnic_group": "asian"}, None)
    assert "about_you_ethnicity" not in questions_for({"about_you_ethnic_group": SKIPPED}, None)
    assert next_question({"about_you_age": SKIPPED}, None) == "about_you_ethnic_group"


def test_someone_coming_back_is_asked_wellbeing_again_and_only_what_they_skipped():
    previous = {"age_band": "25_34", "ethnicity": "african", "gender": None, "disability": "no",
                "first_language": "english", "life_satisfaction": 4, "worthwhile": 5, "happiness": 4, "anxiety": 7}
    assert questions_for({}, previous) == ["about_you_gender", "about_you_life", "about_you_worthwhile",
                                           "about_you_happy", "about_you_anxious"]


def test_answers_are_kept_as_codes_apart_from_the_introduction(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(url)
    with session_scope(url) as session:
        intro = Introduction(sender_id="invented-person-1", channel="socketio", consent=True, needs=[],
                             strengths=[], offers_given=[], story="Invented story words")
        session.add(intro)
        session.flush()
        first_id = intro.id
    slots = {"about_you_age": "25_34", "about_you_ethnic_group": "black", "about_you_ethnicity": "caribbean",
             "about_you_gender": SKIPPED, "about_you_disability": "no", "about_you_language": "english",
             "about_you_life": 4, "about_you_worthwhile": SKIPPED, "about_you_happy": 5, "about_you_anxious": 8}
    assert save_answers(first_id, slots, url=url)
    previous = previous_answers("invented-person-1", url=url)
    assert previous == {"age_band": "25_34", "ethnicity": "caribbean", "gender": None, "disability": "no",
                        "first_language": "english", "life_satisfaction": 4, "worthwhile": None,
                        "happiness": 5, "anxiety": 8}
    # They come back: a new introduction, wellbeing asked again, the rest carried forward.
    with session_scope(url) as session:
        again = Introduction(sender_id="invented-person-1", channel="socketio", consent=True, needs=[],
                             strengths=[], offers_given=[])
        session.add(again)
        session.flush()
        second_id = again.id
    later = {"about_you_gender": "woman", "about_you_life": 6, "about_you_worthwhile": 6, "about_you_happy": 6,
             "about_you_anxious": 5}
    save_answers(second_id, later, previous, url=url)
    with session_scope(url) as session:
        rows = list(session.execute(select(AboutYou).order_by(AboutYou.id)).scalars())
    assert [r.introduction_id for r in rows] == [first_id, second_id]
    assert (rows[1].ethnicity, rows[1].gender, rows[1].life_satisfaction) == ("caribbean", "woman", 6)
    # Nothing answered: nothing kept. No consent: nothing kept.
    assert save_answers(second_id, {q: SKIPPED for q in QUESTIONS}, url=url) is None
    with session_scope(url) as session:
        no_consent = Introduction(sender_id="invented-person-2", channel="twilio", consent=False, needs=[],
                                  strengths=[], offers_given=[])
        session.add(no_consent)
        session.flush()
        assert save_answers(no_consent.id, {"about_you_life": 5}, url=url) is None


def test_the_questions_fit_a_text_message():
    """Every question's words live in domain.yml and fit in 2 SMS segments (306 characters)."""
    domain = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
    responses = {name: value for name, value in domain["responses"].items() if "about_you" in name}
    for slot in QUESTIONS:
        if slot != "about_you_ethnicity":
            assert f"utter_ask_{slot}" in responses, slot
    for group in ETHNIC_GROUPS:
        assert f"utter_about_you_ethnicity_{group}" in responses
    for name, variants in responses.items():
        for variant in variants:
            assert len(variant["text"]) <= 306, name
            assert not re.search(r"\b(patient|referral|service user|diagnos)", variant["text"], re.IGNORECASE)


def test_wellbeing_from_fewer_than_five_people_is_not_shown(tmp_path):
    from datetime import date, timedelta

    from bot.insights.figures import compute

    url = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(url)
    for k in range(4):
        with session_scope(url) as session:
            intro = Introduction(sender_id=f"invented-few-{k}", channel="socketio", consent=True, needs=[],
                                 strengths=[], offers_given=[])
            session.add(intro)
            session.flush()
            intro_id = intro.id
        save_answers(intro_id, {"about_you_life": 3 + k, "about_you_ethnic_group": "white",
                                "about_you_ethnicity": "roma"}, url=url)
    today = date.today()
    fig = compute(url, today - timedelta(days=1), today + timedelta(days=1))
    assert fig.introductions == 4
    assert fig.wellbeing["averages"]["life_satisfaction"] == {"people": None, "mean": None}
    table = fig.equalities["ethnic_group"]["by_who"]
    assert all(v is None for row in table["cells"] for v in row)  # 4 people: every cell hidden
    assert table["total"] is None
