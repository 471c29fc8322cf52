"""The rule layer of risk detection: phrase rules on a blank English spaCy pipeline.

Why rules as well as the trained classifier: rules can be read, argued about and extended
by clinicians and co-production groups (``data/safety/``), they behave the same after
every retrain, and they understand "not": "I'm not suicidal" is not risk, but "I don't
want to be alive" is. No pretrained spaCy model can be downloaded here, so words are
brought to a common form by a small normaliser (text-speak, contractions, word endings)
instead of a statistical lemmatizer.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.safety.lexicon import CATEGORIES, GENERAL, LEVELS, RiskPhrase, SafetyLexicon, pattern_units

MAX_CHARS = 200_000  # far beyond any chat or SMS; keeps a pasted book from stalling a turn
GAP = 3  # how many words "..." stands for in a phrase
MANY = 5  # "<many>" tablets means at least this many

_IRREGULAR = {
    "am": "be", "is": "be", "are": "be", "was": "be", "were": "be", "been": "be", "being": "be",
    "'m": "be", "m": "be", "'re": "be", "re": "be",
    "has": "have", "had": "have", "having": "have", "'ve": "have", "ve": "have",
    "does": "do", "did": "do", "doing": "do", "done": "done",
    "took": "take", "taken": "take", "taking": "take", "takes": "take",
    "dying": "die", "died": "die", "dies": "die", "dead": "dead",
    "went": "go", "gone": "go", "going": "go", "goes": "go",
    "felt": "feel", "thought": "think", "thinking": "think", "gave": "give", "given": "give",
    "bled": "bleed", "burnt": "burn", "beaten": "beat", "hitting": "hit", "cutting": "cut",
    "lying": "lie", "wanted": "want", "wants": "want", "tried": "try", "tries": "try",
    "stopped": "stop", "stopping": "stop", "started": "start", "starting": "start",
    "n't": "not", "nt": "not", "wo": "will", "ca": "can", "sha": "shall",
    "hurting": "hurt", "hurts": "hurt", "saw": "see", "seen": "see", "said": "say", "says": "say",
}
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100, "a": 1, "couple": 2, "few": 3,
}
_AGE = r"(?:1[0-8]|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen)"
_NOT_AN_AGE = (
    r"(?!\s*(?:minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|pounds?|quid|k\b|%|percent|"
    r"miles?|stone|st\b|kg|kilos?|am\b|pm\b|o'?clock|:\d|\.\d|th\b|times?|calls?|steps?))"
)
_YOUNG = re.compile(
    "|".join([
        rf"\b(?:i am|i'm|im) (?:only |just |literally |now )?(?:aged? )?{_AGE}[mf]?\b{_NOT_AN_AGE}",
        rf"\b(?:i am|i'm|im|as) (?:a|an) {_AGE}[ -]?(?:year|yr)s?[ -]?old\b",
        r"\b(?:i am|i'm|im) (?:in|at) (?:year|yr) ?(?:[5-9]|1[0-3])\b",
        r"\b(?:i am|i'm|im) (?:in|at) (?:sixth form|secondary school|primary school|college year 1[23])\b",
        rf"(?:^|[.!?,\n]\s*){_AGE}[mf]? ?(?:yo|y/o|y\.o\.|yrs? old|years? old)\b",
        rf"\bme (?:aged? )?{_AGE} ?(?:yo|y/o|yrs? old|years? old)\b",
    ])
)


@dataclass
class RiskAssessment:
    """What the rule layer found in one message: level, kinds of risk, and why."""

    level: str = "none"
    categories: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    young_person: bool = False
    # Phrases found but set aside (an everyday saying, a "not", or about the past): the
    # component will not let the trained classifier overrule the rules on these.
    set_aside: list[str] = field(default_factory=list)
    # Words suggesting the message talks ABOUT risk ("leaflets", "the film", "lol"). The
    # rule layer does not act on them: the component may, if the meaning layer agrees.
    talking_about: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "categories": list(self.categories), "reasons": list(self.reasons),
                "young_person": self.young_person, "set_aside": list(self.set_aside),
                "talking_about": list(self.talking_about)}


@dataclass(frozen=True)
class _Hit:
    phrase: RiskPhrase
    start: int
    end: int
    text: str
    level: str


class RuleLayer:
    """Compiled matchers for one :class:`SafetyLexicon`; build once, reuse for every message."""

    def __init__(self, lexicon: SafetyLexicon) -> None:
        import spacy
        from spacy.matcher import Matcher

        self.lexicon = lexicon
        self._nlp = spacy.blank("en")
        self._spelling_re = _spelling_regex(lexicon.spellings)
        words = set()
        for text in itertools.chain(
            (p.pattern for p in lexicon.phrases), (w for _, w in lexicon.together_means),
            lexicon.together_intent, (w for _, w in lexicon.present_means), lexicon.presence,
            lexicon.idioms, lexicon.pseudo_negations,
            lexicon.past_markers, lexicon.present_markers, lexicon.negation_cues, lexicon.terminators,
            lexicon.talking_about, lexicon.soon,
        ):
            for unit in pattern_units(text):
                for alt in itertools.chain.from_iterable(unit):
                    words.update(t.norm_ for t in self._nlp.make_doc(self._spell(alt.lstrip("="))))
        self._lemmas = _lemma_map(words)
        self._negations = {self._lemma(w) for w in lexicon.negation_cues}
        self._terminators = {self._lemma(w) for w in lexicon.terminators}
        self._risk = Matcher(self._nlp.vocab)
        for index, phrase in enumerate(lexicon.phrases):
            self._risk.add(str(index), self._compile(phrase.pattern))
        self._means = self._exact_matcher(lexicon.together_means)
        self._intent = Matcher(self._nlp.vocab)
        for index, word in enumerate(lexicon.together_intent):
            self._intent.add(f"intent{index}", self._compile(word))
        self._present_means = self._exact_matcher(lexicon.present_means)
        self._presence = Matcher(self._nlp.vocab)
        for index, cue in enumerate(lexicon.presence):
            self._presence.add(f"presence{index}", self._compile(cue))
        self._context: dict[str, Any] = {}
        for name, items in (("idiom", lexicon.idioms), ("pseudo", lexicon.pseudo_negations),
                            ("past", lexicon.past_markers), ("present", lexicon.present_markers),
                            ("talking", lexicon.talking_about), ("soon", lexicon.soon)):
            matcher = Matcher(self._nlp.vocab)
            for index, item in enumerate(items):
                matcher.add(f"{name}{index}", self._compile(item))
            self._context[name] = matcher

    def _exact_matcher(self, means: tuple[tuple[str, str], ...]):  # -> spacy Matcher
        """Means words matched exactly as written: lemmas would catch "go" for "gone"."""
        from spacy.matcher import Matcher

        matcher = Matcher(self._nlp.vocab)
        for category, word in means:
            matcher.add(category, self._compile(" ".join("=" + w for w in word.split())))
        return matcher

    # --- normalising ------------------------------------------------------------------
    def _spell(self, text: str) -> str:
        text = _break_long_runs(text.lower().replace("\u2019", "'").replace("\u2018", "'"))
        if self._spelling_re is None:
            return text
        return self._spelling_re.sub(lambda m: self.lexicon.spellings[m.group(0)], text)

    def _lemma(self, norm: str) -> str:
        return _IRREGULAR.get(norm) or self._lemmas.get(norm, norm)

    def analyse(self, text: str):  # -> spacy.tokens.Doc
        """The normalised spaCy Doc for ``text``: lower case, text-speak spelled out, lemmas set."""
        doc = self._nlp.make_doc(self._spell(text[:MAX_CHARS]))
        for token in doc:
            token.lemma_ = self._lemma(token.norm_)
        return doc

    def _compile(self, pattern: str) -> list[list[dict[str, Any]]]:
        """Turn one lexicon phrase (with ``...``, ``|``, ``(..|..)``, ``=`` and ``<many>``) into Matcher patterns."""
        units: list[list[list[dict[str, Any]]]] = []
        for unit in pattern_units(pattern):
            if unit == [["..."]]:
                units.append([[{"IS_PUNCT": False, "IS_SPACE": False, "OP": "?"}] * GAP])
                continue
            if unit == [["<many>"]]:
                units.append([[{"LIKE_NUM": True}]])
                continue
            single: dict[str, list[str]] = {"LEMMA": [], "LOWER": []}
            multi: list[list[dict[str, Any]]] = []
            for words in unit:
                tokens: list[dict[str, Any]] = []
                for word in words:
                    exact = word.startswith("=")
                    doc = self._nlp.make_doc(word[1:] if exact else self._spell(word))
                    key = "LOWER" if exact else "LEMMA"
                    tokens += [{key: t.lower_ if exact else self._lemma(t.norm_)} for t in doc]
                if len(tokens) == 1:
                    ((key, value),) = tokens[0].items()
                    single[key].append(value)
                elif tokens:
                    multi.append(tokens)
            options = multi + [[{key: {"IN": vals}}] for key, vals in single.items() if vals]
            units.append(options)
        return [list(itertools.chain.from_iterable(combo)) for combo in itertools.product(*units)]

    # --- assessing --------------------------------------------------------------------
    def assess(self, text: str) -> RiskAssessment:
        """Level, categories, reasons and whether the writer says they are under 19."""
        if not text or not text.strip():
            return RiskAssessment()
        doc = self.analyse(text)
        young = bool(_YOUNG.search(doc.text))
        spans = {name: matcher(doc) for name, matcher in self._context.items()}
        idioms = [(s, e) for _, s, e in spans["idiom"]]
        pseudo = {i for _, s, e in spans["pseudo"] for i in range(s, e)}
        sentence = _sentence_ids(doc)
        past = {sentence[s] for _, s, _ in spans["past"]}
        present = {sentence[s] for _, s, _ in spans["present"]}
        # A time close at hand anywhere in the message ("... Shift starts in an hour."), unless
        # its sentence is about the past or it is said with "not"; never in a joke or a story
        # (a talking-about word: "he'll be there tonight lol" stays "possible").
        soon = [] if spans["talking"] else [doc[s:e].text for _, s, e in spans["soon"]
                                            if sentence[s] not in past and not self._negated(doc, s, pseudo)]
        hits: list[_Hit] = []
        set_aside: list[str] = []
        for match_id, start, end in self._risk(doc):
            phrase = self.lexicon.phrases[int(self._nlp.vocab.strings[match_id])]
            found = doc[start:end].text
            if "<many>" in phrase.pattern and not _is_many(doc[start:end]):
                continue
            if any(start < i_end and i_start < end for i_start, i_end in idioms):
                set_aside.append(f'everyday saying: "{found}"')
                continue
            if self._negated(doc, start, pseudo):
                set_aside.append(f'said with "not": "{found}"')
                continue
            level = phrase.level
            if sentence[start] in past:
                if sentence[start] not in present:
                    set_aside.append(f'about the past: "{found}"')
                    continue
                level = "possible"
            if (level == "possible" and soon and sentence[start] not in past
                    and phrase.category in self.lexicon.soon_categories):
                level = "high"
                found = f'{found}" said with "{soon[0]}'
            hits.append(_Hit(phrase, start, end, found, level))
        hits += self._safety_net(doc, idioms, pseudo, sentence, past, present)
        hits += self._safety_net(doc, idioms, pseudo, sentence, past, present,
                                 means=self._present_means, cues=self._presence, level="high")
        set_aside += [f'everyday saying: "{doc[s:e].text}"' for s, e in idioms]
        result = _summarise(hits, young)
        result.set_aside = list(dict.fromkeys(set_aside))
        result.talking_about = list(dict.fromkeys(doc[s:e].text for _, s, e in spans["talking"]))
        return result

    def _safety_net(self, doc, idioms: list[tuple[int, int]], pseudo: set[int], sentence: list[int],
                    past: set[int], present: set[int], means=None, cues=None,
                    level: str = "possible") -> list[_Hit]:
        """A means word and an intent word in one sentence, neither set aside: "possible".

        With ``means``/``cues``/``level`` given, the same test for the "present_with" rule:
        means or a dangerous place, and someone there with it now ("sat in the bath with a
        razor", "on the top floor of the car park"): "high".
        """
        means = self._means if means is None else means
        cues = self._intent if cues is None else cues
        label = "(safety net)" if level == "possible" else "(means or place, present now)"
        def usable(start: int, end: int) -> bool:
            if any(start < i_end and i_start < end for i_start, i_end in idioms):
                return False
            if self._negated(doc, start, pseudo):
                return False
            return sentence[start] not in past or sentence[start] in present

        intents: dict[int, str] = {}
        for _, start, end in cues(doc):
            if usable(start, end):
                intents.setdefault(sentence[start], doc[start:end].text)
        hits = []
        for match_id, start, end in means(doc):
            said = intents.get(sentence[start])
            if said is None or not usable(start, end):
                continue
            category = self._nlp.vocab.strings[match_id]
            phrase = RiskPhrase(level, category, label)
            hit_level = level if sentence[start] not in past else "possible"
            hits.append(_Hit(phrase, start, end, f"{doc[start:end].text}\" with \"{said}", hit_level))
        return hits

    def _negated(self, doc, start: int, pseudo: set[int]) -> bool:  # doc: spacy Doc
        """True when a negation cue comes shortly before ``start`` in the same clause."""
        for i in range(start - 1, max(-1, start - 1 - self.lexicon.window), -1):
            token = doc[i]
            if token.is_punct or token.is_space or token.lemma_ in self._terminators:
                return False
            if token.lemma_ in self._negations and i not in pseudo:
                return True
        return False


def _summarise(hits: list[_Hit], young: bool) -> RiskAssessment:
    if not hits:
        return RiskAssessment(young_person=young)
    level = max((h.level for h in hits), key=LEVELS.index)
    categories = [c for c in CATEGORIES if any(h.phrase.category == c for h in hits)]
    reasons: list[str] = []
    for hit in sorted(hits, key=lambda h: (-LEVELS.index(h.level), h.start)):
        kind = "general distress" if hit.phrase.category == GENERAL else hit.phrase.category.replace("_", " ")
        reason = f'{kind} ({hit.level}): "{hit.text}"'
        if reason not in reasons:
            reasons.append(reason)
    return RiskAssessment(level, categories, reasons, young)


def _sentence_ids(doc) -> list[int]:  # doc: spacy Doc
    ids, current = [], 0
    for token in doc:
        ids.append(current)
        if token.text in {".", "!", "?", "..."} or "\n" in token.text:
            current += 1
    return ids


_UNITS = {"mg", "ml", "g", "mcg", "milligrams", "milligram", "grams", "microgram", "micrograms", "%"}


def _is_many(span) -> bool:  # span: spacy Span
    """True when the number in a "took <many> tablets" match is a count of five or more, not a dose."""
    for token in span:
        if token.like_num:
            if token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ in _UNITS:
                return False
            value = token.text.replace(",", "")
            number = int(value) if value.isdigit() else _NUMBER_WORDS.get(value)
            if number is None:  # "thirty-two", "dozens": a large count either way
                return True
            return number >= MANY
    return True


_LONG_RUN = re.compile(r"\S{40,}")
_PICTOGRAPH = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]")


def _break_long_runs(text: str) -> str:
    """Space out emoji and very long unbroken runs: spaCy's tokenizer is slow on them."""
    text = _PICTOGRAPH.sub(" ", text)
    return _LONG_RUN.sub(lambda m: " ".join(m.group(0)[i:i + 20] for i in range(0, len(m.group(0)), 20)),
                         text)


def _spelling_regex(spellings: dict[str, str]) -> re.Pattern[str] | None:
    if not spellings:
        return None
    keys = sorted(spellings, key=len, reverse=True)
    return re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![\w'])")


def _lemma_map(words: set[str]) -> dict[str, str]:
    """Word endings to strip, generated from the lexicon's own words (no lookup tables needed)."""
    lemmas: dict[str, str] = {}
    stems = set(words)
    for word in words:
        if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            lemmas[word] = word[:-1]
            stems.add(word[:-1])
    for stem in sorted(stems):
        if len(stem) < 3 or not stem.isalpha():
            continue
        forms = {stem + "s", stem + "es", stem + "ed", stem + "ing"}
        if stem.endswith("e") and not stem.endswith("ee"):
            forms |= {stem + "d", stem[:-1] + "ing"}
        if stem.endswith("y") and stem[-2] not in "aeiou":
            forms |= {stem[:-1] + "ies", stem[:-1] + "ied"}
        if stem[-1] not in "aeiouwxy" and stem[-2] in "aeiou" and stem[-3] not in "aeiou":
            forms |= {stem + stem[-1] + "ing", stem + stem[-1] + "ed"}
        for form in sorted(forms - stems):
            lemmas.setdefault(form, lemmas.get(stem, stem))
    for word in sorted(words - set(lemmas)):  # "bleeding" in the lists still means "bleed"
        for suffix, ending in (("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("es", ""), ("s", "")):
            stem = word[: -len(suffix)] + ending if word.endswith(suffix) else ""
            if len(stem) >= 3 and stem in stems and stem != word:
                lemmas[word] = stem
                break
    return lemmas


@functools.lru_cache(maxsize=4)
def rule_layer(directory: Path | None = None) -> RuleLayer:
    """The rule layer for the word lists in ``directory`` (default data/safety), built once."""
    return RuleLayer(SafetyLexicon.load(directory))


def assess(text: str) -> RiskAssessment:
    """Assess one message with the project's word lists."""
    return rule_layer().assess(text or "")
