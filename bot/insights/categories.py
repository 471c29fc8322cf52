"""The answer codes of the "about you" questions, with the words the figures show.

Ethnicity uses the ONS 2021 census categories for England and Wales (19 categories in 5
groups); figures are broken down by the 5 groups, so fewer cells fall under 5 people.
Wellbeing is the ONS4 personal wellbeing questions, 0 to 10 (Crown copyright, Open
Government Licence v3.0). These are not clinical scores and carry no labels.
"""

from __future__ import annotations

AGE_BANDS = {
    "under_18": "Under 18",
    "18_24": "18 to 24",
    "25_34": "25 to 34",
    "35_44": "35 to 44",
    "45_54": "45 to 54",
    "55_64": "55 to 64",
    "65_plus": "65 or over",
}

# group code -> (group label, {category code: category label})
ETHNIC_GROUPS: dict[str, tuple[str, dict[str, str]]] = {
    "asian": ("Asian, Asian British or Asian Welsh", {
        "bangladeshi": "Bangladeshi", "chinese": "Chinese", "indian": "Indian",
        "pakistani": "Pakistani", "other_asian": "Any other Asian background"}),
    "black": ("Black, Black British, Black Welsh, Caribbean or African", {
        "african": "African", "caribbean": "Caribbean",
        "other_black": "Any other Black, Black British or Caribbean background"}),
    "mixed": ("Mixed or Multiple ethnic groups", {
        "white_asian": "White and Asian", "white_black_african": "White and Black African",
        "white_black_caribbean": "White and Black Caribbean",
        "other_mixed": "Any other Mixed or Multiple ethnic background"}),
    "white": ("White", {
        "white_british": "English, Welsh, Scottish, Northern Irish or British", "irish": "Irish",
        "gypsy_traveller": "Gypsy or Irish Traveller", "roma": "Roma",
        "other_white": "Any other White background"}),
    "other": ("Other ethnic group", {"arab": "Arab", "any_other": "Any other ethnic group"}),
}
ETHNICITIES = {code: label for _, (_, members) in ETHNIC_GROUPS.items() for code, label in members.items()}
ETHNIC_GROUP_OF = {code: group for group, (_, members) in ETHNIC_GROUPS.items() for code in members}
ETHNIC_GROUP_LABELS = {group: label for group, (label, _) in ETHNIC_GROUPS.items()}

GENDERS = {"woman": "Woman", "man": "Man", "non_binary": "Non-binary", "another": "In another way"}
DISABILITY = {"yes": "Disabled or a long-term condition", "no": "Not disabled"}
FIRST_LANGUAGES = {"english": "English", "other": "Another language"}

WELLBEING = {
    "life_satisfaction": "Life satisfaction",
    "worthwhile": "Things you do are worthwhile",
    "happiness": "Happy yesterday",
    "anxiety": "Anxious yesterday (lower is better)",
}

NOT_SAID = "not_said"  # asked, and the person skipped or would rather not say
NOT_ASKED = "not_asked"  # the introduction has no "about you" answers
EXTRA_LABELS = {NOT_SAID: "Rather not say or skipped", NOT_ASKED: "Not asked or not answered"}

# dimension -> (label, column, {code: label}); ethnicity is grouped (see ETHNIC_GROUP_OF).
DIMENSIONS: dict[str, tuple[str, str, dict[str, str]]] = {
    "age_band": ("Age", "age_band", AGE_BANDS),
    "ethnic_group": ("Ethnic group", "ethnicity", ETHNIC_GROUP_LABELS),
    "gender": ("Gender", "gender", GENDERS),
    "disability": ("Disability", "disability", DISABILITY),
    "first_language": ("First language", "first_language", FIRST_LANGUAGES),
}


def dimension_code(dimension: str, raw: str | None) -> str:
    """The row a stored answer falls in for a breakdown (``not_said`` when skipped)."""
    if raw is None:
        return NOT_SAID
    if dimension == "ethnic_group":
        return ETHNIC_GROUP_OF.get(raw, NOT_SAID)
    return raw if raw in DIMENSIONS[dimension][2] else NOT_SAID


def label(dimension: str, code: str) -> str:
    return EXTRA_LABELS.get(code) or DIMENSIONS[dimension][2].get(code, code)
