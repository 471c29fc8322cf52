"""Who an offer is for: carers, an age range, women, men, LGBTQ+ people.

Why: an offer meant for someone else is a closed door. A widow offered a phone line "for
carers" learns only that it is not for her. So every offer carries an :class:`Audience`,
worked out once when the directory is loaded (never per search):

1. from its Open Referral UK ``eligibility`` records, because the borough said it there:
   the ``eligibility`` words, ``minimum_age`` and ``maximum_age`` (ages missing from the
   fields are read from the words: "Carers aged 18 to 25");
2. where those say nothing about who, from its name and description, and only when they
   plainly say so ("for carers", "young people aged 16-25", "women only", "for older
   people", "LGBTQ+ group"). A false restriction hides help, so words that only mention
   people ("run by carers", "people who care about their community", "carers and
   families", "children under 5", "everyone welcome") restrict nothing.

How matching uses it (:func:`fit`; the numpy copy is in :mod:`bot.directory.vector`):

- carers only: offered only to someone caring for someone;
- an age range: not offered when the person's age is known and outside it; when it is not
  known (the usual case), offered a little lower and its text says who it is for. Knowing
  only that someone is young ("I'm 16": the safety layer's ``young_person``) counts as ages
  0 to 18;
- women, men, LGBTQ+ people: the conversation never asks, so such offers come a little
  lower and their text says who they are for;
- national 24/7 lines (Samaritans, Shout, NHS 111...) are never hidden by any of this.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

CARERS = "carers"
WOMEN = "women"
MEN = "men"
LGBTQ = "lgbtq"
GROUPS = (CARERS, WOMEN, MEN, LGBTQ)
YOUNG_PEOPLE = "young people"
OLDER_PEOPLE = "older people"

# "Young people" or "older people" said without ages: the widest usual meaning, so a person
# whose age is known is only kept away when they are plainly outside it.
YOUNG_PEOPLE_MAX_AGE = 25
OLDER_PEOPLE_MIN_AGE = 50
OLDEST = 150  # "no upper age limit" in the numpy columns
ADULT_AGE = 18
YOUNG_PERSON_AGES = (0, 18)  # "I'm 16", "I'm in year 11": the safety layer's young_person

YES, UNKNOWN, NO = "yes", "unknown", "no"


@dataclass(frozen=True)
class Audience:
    """Who an offer is for. The default (no groups, no ages) means anyone."""

    groups: frozenset[str] = frozenset()  # of GROUPS; all of them apply ("LGBTQ+ carers")
    min_age: int | None = None
    max_age: int | None = None
    people: str | None = None  # YOUNG_PEOPLE / OLDER_PEOPLE when said without ages
    source: str = ""  # "eligibility" (the borough's records) or "words" (name/description)

    @property
    def is_open(self) -> bool:
        return not (self.groups or self.age_limited)

    @property
    def carers_only(self) -> bool:
        return CARERS in self.groups

    @property
    def age_limited(self) -> bool:
        return self.min_age is not None or self.max_age is not None or self.people is not None

    @property
    def unasked(self) -> bool:
        """Limited to women, men or LGBTQ+ people: the conversation never asks, so never knows."""
        return bool(self.groups - {CARERS})

    def age_bounds(self) -> tuple[int, int]:
        """The ages it is open to, both ends included (0 to OLDEST when unlimited)."""
        low = self.min_age if self.min_age is not None else (
            OLDER_PEOPLE_MIN_AGE if self.people == OLDER_PEOPLE else 0)
        high = self.max_age if self.max_age is not None else (
            YOUNG_PEOPLE_MAX_AGE if self.people == YOUNG_PEOPLE else OLDEST)
        return low, high

    def text(self) -> str:
        """Who it is for, in a few plain words ("For carers aged 18 to 25"); "" if anyone."""
        if self.is_open:
            return ""
        if self.carers_only:
            noun = "carers"
            if WOMEN in self.groups:
                noun = "women carers"
            elif MEN in self.groups:
                noun = "men who are carers"
        elif WOMEN in self.groups:
            noun = "women"
        elif MEN in self.groups:
            noun = "men"
        else:
            noun = self.people or "people"
        if LGBTQ in self.groups:
            noun = "LGBTQ+ " + noun
        low, high = self.min_age, self.max_age
        if noun == "people" and low == ADULT_AGE and high is None:
            return "For adults"
        if low is not None and high is not None:
            ages = f" aged {low} to {high}"
        elif low is not None:
            ages = f" aged {low} and over"
        elif high is not None:
            ages = f" aged {high} and under"
        else:
            ages = ""
        return f"For {noun}{ages}"


ANYONE = Audience()


def person_ages(age: int | None = None, young_person: bool = False) -> tuple[int, int] | None:
    """The ages the person may be: their age if they said it, 0 to 18 if they said they are
    young, None (any age) otherwise."""
    if age is not None:
        return age, age
    return YOUNG_PERSON_AGES if young_person else None


def fit(audience: Audience, caring: bool, ages: tuple[int, int] | None = None) -> str:
    """YES (it is for them), UNKNOWN (it may not be: rank lower and say who it is for) or NO.

    ``caring``: the person looks after someone. ``ages``: the ages they may be
    (:func:`person_ages`); None when nothing is known, which is usual.
    """
    if audience.carers_only and not caring:
        return NO
    if audience.age_limited:
        if ages is None:
            return UNKNOWN
        low, high = audience.age_bounds()
        if ages[1] < low or ages[0] > high:
            return NO
        if not low <= ages[0] <= ages[1] <= high:
            return UNKNOWN
    return UNKNOWN if audience.unasked else YES


def never_hidden(is_national: bool, open_24_7: bool) -> bool:
    """National 24/7 lines (the crisis lines) are offered to everyone, whoever they are for."""
    return is_national and open_24_7


# --- reading who an offer is for ------------------------------------------------------------

_PEOPLE_NOUNS = (r"famil(?:y|ies)|friends?|people|persons?|everyone|everybody|anyone|others|children|"
                 r"child|kids|parents|partners|relatives|loved ones|patients|professionals|workers|staff|"
                 r"volunteers|supporters|allies|neighbours|residents|public|service users|men|women|girls|"
                 r"boys|adults|carers|individuals|those|communit(?:y|ies)|guests|visitors")
# "carers and families", "women, men and ...", "LGBTQ+ people and allies": not only them.
_AND_OTHERS = re.compile(rf"^(?:\s+(?:people|persons|adults|individuals|communit(?:y|ies)))?\s*(?:,|\band\b|&|"
                         rf"\bor\b|\+|/)\s*(?:their\s+|other\s+|the\s+|former\s+|ex-?\s*)?(?:[\w-]+\s+)?"
                         rf"(?:{_PEOPLE_NOUNS})\b")
# "people with dementia and their carers", "including LGBTQ+ people": them among others.
_AMONG_OTHERS = re.compile(r"(?:,|\band|&|\bor|(?<!\w)\+|/|\bincluding|\bincludes|\bespecially|\bparticularly|"
                           r"\bwelcom\w*|\bas well as|\bnot just|\bnot only)\s+(?:their\s+|other\s+|"
                           r"the\s+|our\s+|family\s+|unpaid\s+|young\s+|older\s+)?$")
_BY = re.compile(r"\b(?:run|led|staffed|set up|started|founded|organised|organized|delivered|hosted|"
                 r"supported|made|volunteers?)\s+(?:\w+\s+)?(?:by|from|who are|who were)\s+(?:\w+\s+)?$")
# "bereaved carers", "former carers": no longer caring, so not what "caring" in a story means.
_PAST = re.compile(r"\b(?:former|ex-?|bereaved|past)\s*$")
_WELCOMING = re.compile(r"^\s*-?\s*(?:friendly|inclusive|affirming|welcoming|aware|allies|and allies)\b")
_OPEN_TO_ALL = re.compile(r"\b(?:everyone|everybody|anyone|all)\s+(?:is\s+|are\s+)?welcome\b|"
                          r"\bopen to (?:all|everyone|everybody|anyone)\b|\bwhoever you are\b|"
                          r"\bno matter who\b|\bfor everyone\b|\ball ages\b", re.IGNORECASE)
_SAYS_ANYONE = re.compile(r"^\W*(?:any(?:one|body)?|every(?:one|body)|all|none|no|n/?a|not applicable|"
                          r"no restrictions?|no eligibility criteria|open to (?:all|everyone|anyone)|"
                          r"all welcome|everyone welcome|all adults|adults?|the public)\W*$", re.IGNORECASE)

# "for anyone looking after a family member or friend": someone who looks after someone
_LOOKING_AFTER = (r"\bfor\s+(?:anyone|people|those|someone|you)\s+(?:who\s+(?:is\s+|are\s+)?)?(?:looking after|"
                  r"caring for|look after|care for|looks after|cares for)\s+(?:someone|somebody|family|a loved one|"
                  r"(?:a|an|their|your)\s+(?:\w+\s+)?(?:family member|relative|friend|partner|parent|child|son|"
                  r"daughter|husband|wife|mum|dad|mother|father|loved one|person|neighbour|grandparent|sibling|"
                  r"brother|sister))\b")
_CARER_ADJ = r"(?:(?:unpaid|young|adult|young adult|family|parent|older|foster|kinship|lgbtq\+?|lgbt\+?|" \
             r"male|female|working|new|dementia|mental health)\s+)*"


@dataclass(frozen=True)
class _Rule:
    """One way of saying who an offer is for: the phrase, and what it means."""

    pattern: re.Pattern[str]
    group: str | None = None  # one of GROUPS
    people: str | None = None  # YOUNG_PEOPLE / OLDER_PEOPLE
    clause: bool = False  # a whole phrase ("looking after a friend"): "or family" after it is its own


def _clause(pattern: str, group: str) -> _Rule:
    return _Rule(re.compile(pattern, re.IGNORECASE), group, None, clause=True)


def _rules(*items: tuple[str, str | None, str | None]) -> tuple[_Rule, ...]:
    return tuple(_Rule(re.compile(p, re.IGNORECASE), g, pe) for p, g, pe in items)


# Names are short and chosen on purpose: "Carers Evening Phone Support", "Youth Club".
# ("Men's Shed" is left out on purpose: most sheds welcome anyone.)
_NAME_RULES = _rules(
    (r"\bcarers?(?:'s|s')?\b", CARERS, None),
    (r"\b(?:women|woman)(?:'s|s'|s)?\s+(?:only|group|circle|centre|center|space|network|club|caf[eé]|support|"
     r"wellbeing|health|refuge|hub|forum|project|service|drop-in|aid|line|helpline)\b", WOMEN, None),
    (r"\bmen(?:'s|s)?\s+(?:only|group|circle|centre|center|space|network|club|caf[eé]|support|wellbeing|health|"
     r"hub|forum|project|service|drop-in|line|helpline)\b", MEN, None),
    (r"\blgbt(?:q|qi|qia|iq)?\+?(?![\w])|\bqueer\b", LGBTQ, None),
    (r"\bolder (?:people|adults|persons)(?:'s)?\b|\bover[- ]?(?:50|55|60|65|70|75)s\b|\bpensioners?'?\b|"
     r"\bsenior citizens\b", None, OLDER_PEOPLE),
    (r"\byoung (?:people|persons?|adults?|carers?)(?:'s)?\b|\byouth\b|\bteen(?:s|agers?)?\b", None, YOUNG_PEOPLE),
)

# Descriptions talk about many people; only "for ..." and "... only" say who it is for.
_WORD_RULES = (_clause(_LOOKING_AFTER, CARERS),) + _rules(
    (rf"\b(?:only\s+)?for\s+(?:all\s+)?{_CARER_ADJ}carers\b|\bcarers\s+only\b|\bcarers aged\b", CARERS, None),
    (r"\b(?:only\s+)?for\s+(?:\w+\s+)?women\b|\bwomen[- ]only\b|\bwomen'?s\s+only\b", WOMEN, None),
    (r"\b(?:only\s+)?for\s+(?:\w+\s+)?men\b|\bmen[- ]only\b|\bmen'?s\s+only\b", MEN, None),
    (r"\bfor\s+(?:\w+\s+)?(?:lgbt(?:q|qi|qia|iq)?\+?(?![\w])|queer|lesbian|gay|bisexual|trans)\b|"
     r"\blgbt(?:q|qi|qia|iq)?\+?\s+only\b", LGBTQ, None),
    (r"\bfor\s+(?:\w+\s+)?(?:older (?:people|adults|persons|residents)|pensioners|senior citizens|"
     r"over[- ]?(?:50|55|60|65|70|75)s)\b|\bolder people only\b", None, OLDER_PEOPLE),
    (r"\bfor\s+(?:\w+\s+)?(?:young (?:people|persons|adults)|teenagers|teens)\b|\byoung people only\b|"
     r"\byoung people aged\b", None, YOUNG_PEOPLE),
)

# In an eligibility record every word is about who, so the words alone are enough.
_ELIGIBILITY_RULES = (_clause(r"\b(?:looking after|caring for|look after|care for|looks after|cares for)\s+"
                              r"(?:someone|somebody|a|an|their|your|family)\b", CARERS),) + _rules(
    (r"\bcarers?(?:'s|s')?\b", CARERS, None),
    (r"\b(?:women|woman|female|females)\b", WOMEN, None),
    (r"\b(?:men|man|male|males)\b", MEN, None),
    (r"\blgbt(?:q|qi|qia|iq)?\+?(?![\w])|\bqueer\b|\blesbian\b|\bgay\b|\bbisexual\b|\btrans(?:gender)?\b",
     LGBTQ, None),
    (r"\bolder (?:people|adults|persons|residents)\b|\bpensioners?\b|\bsenior citizens\b|\belderly\b",
     None, OLDER_PEOPLE),
    (r"\byoung (?:people|persons?|adults?|carers?)\b|\byouth\b|\bteen(?:s|agers?)?\b", None, YOUNG_PEOPLE),
)

_N = r"(\d{1,3})"
_TO = r"\s*(?:-|–|—|to|and)\s*"
# (pattern, which numbers are the lowest and highest age, and how "under 25" is counted)
_AGE_WORDS = (
    (re.compile(rf"\b(?:aged?|ages|age range|between the ages of)\s*:?\s*{_N}{_TO}{_N}\b", re.I), "range"),
    (re.compile(rf"\b{_N}\s*(?:-|–|—|to)\s*{_N}\s*(?:-|\s)?(?:(?:year|yr)s?[- ]olds?|years\s+old)\b", re.I), "range"),
    (re.compile(rf"\b(?:aged?|ages)\s*{_N}\s*(?:\+|plus\b|and over\b|and above\b|or over\b|or older\b|and older\b|"
                rf"years and over\b|years or over\b)", re.I), "min"),
    (re.compile(rf"\bover[- ]?{_N}s\b", re.I), "min"),
    (re.compile(rf"\b(?:people|adults|anyone|those|aged|everyone|residents)\s+(?:over|above)\s+(?:the\s+age\s+of\s+)?"
                rf"{_N}\b", re.I), "min"),
    (re.compile(rf"\b(?:aged?|ages)\s*{_N}\s*(?:and under\b|or under\b|and younger\b|or younger\b|and below\b)",
                re.I), "max"),
    (re.compile(rf"\bunder[- ]?{_N}s\b", re.I), "below"),
    (re.compile(rf"\b(?:people|adults|anyone|those|aged|residents)\s+under\s+(?:the\s+age\s+of\s+)?{_N}\b", re.I),
     "below"),
    (re.compile(rf"\b(?:aged?|ages)\s+up\s+to\s+{_N}\b", re.I), "max"),
)
# Eligibility fields are short and only about who: "18-25", "18+", "Over 50", "Under 25".
_AGE_FIELD_WORDS = (
    (re.compile(rf"^\W*{_N}\s*(?:-|–|—|to)\s*{_N}\b", re.I), "range"),
    (re.compile(rf"(?<![\d+]){_N}\s*\+", re.I), "min"),
    (re.compile(rf"\b(?:over|above|at least)\s+{_N}\b", re.I), "min"),
    (re.compile(rf"\b(?:under|below|younger than)\s+{_N}\b", re.I), "below"),
    (re.compile(rf"\b{_N}\s+(?:and|or)\s+(?:over|older|above)\b", re.I), "min"),
    (re.compile(rf"\b{_N}\s+(?:and|or)\s+(?:under|younger|below)\b", re.I), "max"),
)


def ages_in(text: str, liberal: bool = False) -> tuple[int | None, int | None]:
    """The lowest and highest age the words give ("aged 16-25" -> (16, 25)); (None, None) if none.

    Ages of someone's children ("parents of children aged 0-5", "families with children under
    5") are not the person's age, so they are skipped; so is anything under 10 or over 120,
    which is a child's age or not an age at all.
    """
    low: int | None = None
    high: int | None = None
    patterns = _AGE_WORDS + (_AGE_FIELD_WORDS if liberal else ())
    for pattern, kind in patterns:
        for match in pattern.finditer(text):
            if _about_children(text, match.start()):
                continue
            numbers = [int(n) for n in match.groups() if n is not None]
            if kind == "range":
                first, last = numbers
                if not (10 <= first < last <= 120):
                    continue
                low, high = _lower(low, first), _higher(high, last)
            elif kind == "min":
                if 10 <= numbers[0] <= 120:
                    low = _lower(low, numbers[0])
            else:
                top = numbers[0] - (1 if kind == "below" else 0)
                if 10 <= top <= 120:
                    high = _higher(high, top)
        if low is not None and high is not None:
            break
    if low is not None and high is not None and low > high:
        return None, None
    return low, high


def _about_children(text: str, start: int) -> bool:
    """True when the few words before an age are about children ("children aged", "kids under")."""
    before = text[max(0, start - 40): start].lower()
    return re.search(r"\b(?:children|child|kids?|babies|baby|toddlers?|sons?|daughters?|grandchild(?:ren)?|"
                     r"infants?|pupils)\b[\w\s,]{0,12}$", before) is not None


def _lower(current: int | None, value: int) -> int:
    return value if current is None else min(current, value)


def _higher(current: int | None, value: int) -> int:
    return value if current is None else max(current, value)


def _among_others(rule: _Rule, text: str, match: re.Match[str]) -> bool:
    """True when the words name the group among other people ("carers and families")."""
    before, after = text[: match.start()], text[match.end():]
    if _AMONG_OTHERS.search(before) is not None:
        return True
    return not rule.clause and _AND_OTHERS.match(after) is not None


def _not_audience(rule: _Rule, text: str, match: re.Match[str]) -> bool:
    """True when "carers" says who runs it ("run by carers") or who used to care ("bereaved
    carers"), or "LGBTQ+" says everyone is welcome ("LGBTQ+ friendly")."""
    before = text[: match.start()]
    if rule.group == LGBTQ:
        return _WELCOMING.match(text[match.end():]) is not None
    return rule.group == CARERS and (_BY.search(before) is not None or _PAST.search(before) is not None)


def _read(text: str, rules: Iterable[_Rule]) -> tuple[set[str], set[str], bool]:
    """(groups, people words, mentioned): what the words say the offer is only for.

    ``mentioned`` is True when a group was named at all, even among others ("carers and
    families"): then the words are about who, and say "anyone of them".
    """
    groups: set[str] = set()
    people: set[str] = set()
    mixed: set[str] = set()
    mentioned = False
    lowered = text.lower()
    for rule in rules:
        for match in rule.pattern.finditer(lowered):
            mentioned = True
            key = rule.group or rule.people or ""
            if _not_audience(rule, lowered, match):
                continue
            if _among_others(rule, lowered, match):
                mixed.add(key)
                continue
            if rule.group:
                groups.add(rule.group)
            else:
                people.add(rule.people or "")
    groups -= mixed
    people -= mixed
    if WOMEN in groups and MEN in groups:  # "women" and "men": everyone
        groups -= {WOMEN, MEN}
    if len(people) > 1:  # "young and older people"
        people.clear()
    return groups, people, mentioned


def from_eligibility(text: str | None, minimum_age: Any = None, maximum_age: Any = None) -> Audience | None:
    """What one ORUK eligibility record says; ANYONE if it says anyone; None if it says
    nothing about who (e.g. "Lambeth residents", "referral from a GP")."""
    words = (text or "").strip()
    low, high = _age(minimum_age), _age(maximum_age)
    if words and (_SAYS_ANYONE.match(words) or _OPEN_TO_ALL.search(words)) and low is None and high is None:
        return Audience(source="eligibility")
    groups, people, mentioned = _read(words, _ELIGIBILITY_RULES)
    said_low, said_high = ages_in(words, liberal=True)
    low = low if low is not None else said_low
    high = high if high is not None else said_high
    if low is not None and high is not None and low > high:
        low = high = None
    if not (groups or people or low is not None or high is not None):
        return Audience(source="eligibility") if mentioned else None
    return Audience(frozenset(groups), low, high, _one(people), "eligibility")


# Every rule needs one of these words, and every age a digit: most descriptions have neither
# and are passed over quickly (thousands of offers are read each time the directory loads).
_KEYWORDS = ("carer", "after", "care", "caring", "women", "woman", "men", "male", "lgbt", "queer", "lesbian",
             "gay", "bisexual", "trans", "older", "elderly", "pensioner", "senior", "young", "youth", "teen")
_DIGIT = re.compile(r"\d")


def from_words(name: str, description: str) -> Audience:
    """What an offer's name and description plainly say about who it is for (ANYONE if nothing)."""
    description = description or ""
    text = f"{name}\n{description}"
    lowered = text.lower()
    wordy = any(word in lowered for word in _KEYWORDS)
    numbers = _DIGIT.search(text) is not None
    if not (wordy or numbers) or _OPEN_TO_ALL.search(text):
        return ANYONE
    groups: set[str] = set()
    people: set[str] = set()
    if wordy:
        name_groups, name_people, _ = _read(name, _NAME_RULES)
        word_groups, word_people, _ = _read(description, _WORD_RULES)
        # a group the name gives is dropped when the description names it among others
        # ("Dementia Carers Cafe": "for people with dementia and their carers")
        mixed_groups, mixed_people = _mixed(description)
        groups = (name_groups | word_groups) - mixed_groups
        people = (name_people | word_people) - mixed_people
        if WOMEN in groups and MEN in groups:
            groups -= {WOMEN, MEN}
        if len(people) > 1:
            people.clear()
    low, high = ages_in(text) if numbers else (None, None)
    if not (groups or people or low is not None or high is not None):
        return ANYONE
    return Audience(frozenset(groups), low, high, _one(people), "words")


def _mixed(description: str) -> tuple[set[str], set[str]]:
    """Groups the description names among other people ("people with dementia and their carers")."""
    groups: set[str] = set()
    people: set[str] = set()
    lowered = description.lower()
    for rule in _ELIGIBILITY_RULES:
        for match in rule.pattern.finditer(lowered):
            if _among_others(rule, lowered, match) and not _not_audience(rule, lowered, match):
                if rule.group:
                    groups.add(rule.group)
                else:
                    people.add(rule.people or "")
    return groups, people


def audience_of(eligibilities: Iterable[tuple[str | None, Any, Any]], name: str, description: str) -> Audience:
    """Who an offer is for: its eligibility records first, else its name and description.

    ``eligibilities`` are ``(eligibility, minimum_age, maximum_age)``. Several records are
    read as "any of these", so the offer is open to whoever fits the loosest of them.
    """
    said = [a for a in (from_eligibility(*row) for row in eligibilities) if a is not None]
    if not said:
        return from_words(name, description)
    if any(a.is_open for a in said):
        return Audience(source="eligibility")
    groups = frozenset.intersection(*(a.groups for a in said))
    lows = [a.min_age for a in said]
    highs = [a.max_age for a in said]
    peoples = {a.people for a in said}
    return Audience(
        groups=groups,
        min_age=None if None in lows else min(lows),  # type: ignore[type-var]
        max_age=None if None in highs else max(highs),  # type: ignore[type-var]
        people=peoples.pop() if len(peoples) == 1 else None,
        source="eligibility",
    )


def _age(value: Any) -> int | None:
    """A whole age from a field (18, "18", "18.0"); None when it is missing or not an age."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return int(number) if 0 <= number <= 120 and number == int(number) else None


def _one(people: set[str]) -> str | None:
    return next(iter(people)) if len(people) == 1 else None
