"""The stable codes for needs and strengths (DESIGN.md).

Slots, the directory, the insights and the lexicons all use these codes, so they never
change meaning; a new code is added, an old one is never renamed.
"""

from __future__ import annotations

NEEDS: dict[str, str] = {
    "housing": "Housing",
    "money": "Money, debt, benefits and bills",
    "work": "Work, volunteering and getting into work",
    "learning": "Learning and skills",
    "connection": "Loneliness and meeting people",
    "physical_health": "Physical health",
    "emotional_support": "Someone to talk to, peer support and therapies",
    "relationships": "Family, partners and relationships",
    "caring": "Being a carer",
    "substance_use": "Drink and drugs",
    "legal": "Rights, immigration and police",
    "daily_living": "Food and getting by at home",
}

STRENGTHS: dict[str, str] = {
    "creative": "Being creative",
    "music": "Music",
    "sport_activity": "Sport and being active",
    "cooking": "Cooking",
    "nature_gardening": "Nature and gardening",
    "faith_community": "Faith and community",
    "helping_others": "Helping others",
    "learning_skills": "Learning new things",
    "practical_skills": "Practical skills",
    "tech": "Computers and tech",
    "languages": "Languages",
    "family_friends": "Family and friends",
}

RISK_LEVELS = ("none", "possible", "high")
RISK_CATEGORIES = ("suicide", "self_harm", "harm_to_others", "abuse", "medical_emergency")


def need_label(code: str) -> str:
    """Plain-English label for a need code, for summaries a person reads back."""
    return NEEDS.get(code, code.replace("_", " "))


def strength_label(code: str) -> str:
    """Plain-English label for a strength code."""
    return STRENGTHS.get(code, code.replace("_", " "))
