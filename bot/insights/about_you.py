"""The optional "about you" questions at the end of an introduction: order, answers, keeping.

Asked only after the summary is confirmed, only if the person says yes, and every question can
be skipped ("skip", "rather not say"). The answers are codes and 0-10 numbers kept in their own
table (``about_you``), never the words typed. A person who comes back is asked the four
wellbeing questions again (to see change), and only the equalities questions they skipped
before; the others are carried forward from their last answers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from bot.insights.categories import AGE_BANDS, ETHNIC_GROUPS, GENDERS
from bot.insights.models import AboutYou
from bot.store.db import session_scope
from bot.store.models import Introduction, utcnow

SKIPPED = "skipped"
EQUALITIES = ("about_you_age", "about_you_ethnic_group", "about_you_ethnicity", "about_you_gender",
              "about_you_disability", "about_you_language")
WELLBEING_SLOTS = ("about_you_life", "about_you_worthwhile", "about_you_happy", "about_you_anxious")
QUESTIONS = EQUALITIES + WELLBEING_SLOTS
# slot -> column in the about_you table
COLUMNS = {"about_you_age": "age_band", "about_you_ethnicity": "ethnicity", "about_you_gender": "gender",
           "about_you_disability": "disability", "about_you_language": "first_language",
           "about_you_life": "life_satisfaction", "about_you_worthwhile": "worthwhile",
           "about_you_happy": "happiness", "about_you_anxious": "anxiety"}

_SKIP = re.compile(r"^\s*(skip(\s+(it|this|that))?|pass|next|rather not( say)?|(i'?d )?prefer not( to say)?|"
                   r"i'?d rather not( say)?|don'?t (want to|wanna) (say|answer)|not saying|no comment|"
                   r"none of your business|dunno|don'?t know|not sure)\s*[.!]*\s*$", re.IGNORECASE)
_YES = re.compile(r"^\s*(y|yes|yeah|yep|yup|ok|okay|sure|i do|go on|fine)\b", re.IGNORECASE)
_NO = re.compile(r"^\s*(n|no|nope|nah|i don'?t|not really|no thanks)\b", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*(?:number\s*)?(\d{1,3})\s*[.)]?\s*$", re.IGNORECASE)
_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10}
_GENDER_WORDS = {"female": "woman", "f": "woman", "woman": "woman", "male": "man", "m": "man", "man": "man",
                 "non-binary": "non_binary", "nonbinary": "non_binary", "non binary": "non_binary",
                 "enby": "non_binary"}


def is_skip(text: str) -> bool:
    return bool(_SKIP.match(text or ""))


def _number(text: str) -> int | None:
    text = (text or "").strip().lower()
    if text in _WORDS:
        return _WORDS[text]
    match = _NUMBER.match(text)
    return int(match.group(1)) if match else None


def _choose(text: str, options: list[str], labels: Mapping[str, str]) -> str | None:
    """A numbered option ("2"), or the option's own words ("Caribbean")."""
    number = _number(text)
    if number is not None:
        return options[number - 1] if 1 <= number <= len(options) else None
    words = " ".join((text or "").lower().split()).strip(" .!")
    for code in options:
        if words and words == labels[code].lower():
            return code
    return None


def _age(text: str) -> str | None:
    number = _number(text)
    if number is None:
        return _choose(text, list(AGE_BANDS), AGE_BANDS)
    if 1 <= number <= len(AGE_BANDS):  # the list's own numbers
        return list(AGE_BANDS)[number - 1]
    if 10 <= number < 18:
        return "under_18"
    for code, low, high in (("18_24", 18, 24), ("25_34", 25, 34), ("35_44", 35, 44), ("45_54", 45, 54),
                            ("55_64", 55, 64), ("65_plus", 65, 120)):
        if low <= number <= high:
            return code
    return None


def _yes_no(text: str) -> str | None:
    if _YES.match(text or ""):
        return "yes"
    if _NO.match(text or ""):
        return "no"
    return None


def read_answer(slot: str, text: str, slots: Mapping[str, Any] | None = None) -> str | int | None:
    """The code (or 0-10 number) for an answer, ``SKIPPED``, or None when it is not clear."""
    if is_skip(text):
        return SKIPPED
    slots = slots or {}
    if slot == "about_you_age":
        return _age(text)
    if slot == "about_you_ethnic_group":
        groups = {code: label for code, (label, _) in ETHNIC_GROUPS.items()}
        short = {"asian": "asian", "black": "black", "mixed": "mixed", "white": "white", "other": "other"}
        return short.get((text or "").strip().lower().strip(" .!")) or _choose(text, list(groups), groups)
    if slot == "about_you_ethnicity":
        group = slots.get("about_you_ethnic_group")
        if group not in ETHNIC_GROUPS:
            return SKIPPED
        members = ETHNIC_GROUPS[group][1]
        return _choose(text, list(members), members)
    if slot == "about_you_gender":
        word = " ".join((text or "").lower().split()).strip(" .!")
        return _GENDER_WORDS.get(word) or _choose(text, list(GENDERS), GENDERS)
    if slot == "about_you_disability":
        return _yes_no(text)
    if slot == "about_you_language":
        answer = _yes_no(text)
        if answer is None and (text or "").strip().lower().strip(" .!") == "english":
            return "english"
        return {"yes": "english", "no": "other"}.get(answer or "", answer)
    if slot in WELLBEING_SLOTS:
        number = _number(text)
        return number if number is not None and 0 <= number <= 10 else None
    raise KeyError(slot)


def questions_for(slots: Mapping[str, Any], previous: Mapping[str, Any] | None) -> list[str]:
    """The questions still to ask, in order, for this person.

    ``previous`` is the person's last answers (column -> value) if they answered before; an
    equalities question answered then is not asked again. The detailed ethnicity question
    follows only a chosen group.
    """
    order: list[str] = []
    previous = previous or {}
    for slot in EQUALITIES:
        if slot == "about_you_ethnic_group":
            if previous.get("ethnicity"):
                continue
        elif slot == "about_you_ethnicity":
            if previous.get("ethnicity") or slots.get("about_you_ethnic_group") in (None, SKIPPED):
                continue
        elif previous.get(COLUMNS[slot]):
            continue
        order.append(slot)
    return order + list(WELLBEING_SLOTS)


def next_question(slots: Mapping[str, Any], previous: Mapping[str, Any] | None) -> str | None:
    for slot in questions_for(slots, previous):
        if slots.get(slot) is None:
            return slot
    return None


def previous_answers(sender_id: str, url: str | None = None) -> dict[str, Any] | None:
    """The person's last "about you" answers (column -> value), if they gave any before."""
    with session_scope(url) as session:
        row = session.execute(
            select(AboutYou).join(Introduction, Introduction.id == AboutYou.introduction_id)
            .where(Introduction.sender_id == sender_id).order_by(AboutYou.asked_at.desc(), AboutYou.id.desc())
        ).scalars().first()
        if row is None:
            return None
        return {column: getattr(row, column) for column in COLUMNS.values()}


def save_answers(introduction_id: int, slots: Mapping[str, Any], previous: Mapping[str, Any] | None = None,
                 url: str | None = None) -> int | None:
    """Keep one set of answers for this introduction; None when nothing was answered.

    Equalities answers not asked again are carried forward from ``previous``.
    """
    values: dict[str, Any] = {}
    for slot, column in COLUMNS.items():
        value = slots.get(slot)
        if value in (None, SKIPPED):
            value = (previous or {}).get(column) if slot in EQUALITIES else None
        elif slot in WELLBEING_SLOTS:
            value = int(value)
        values[column] = value
    if all(v is None for v in values.values()):
        return None
    with session_scope(url) as session:
        intro = session.get(Introduction, int(introduction_id))
        if intro is None or not intro.consent:
            return None
        row = AboutYou(introduction_id=intro.id, asked_at=utcnow(), **values)
        session.add(row)
        session.flush()
        return int(row.id)
