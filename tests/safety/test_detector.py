"""The rule layer: negation, idioms, text-speak, categories, young people, odd input."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import yaml

from bot.safety.detector import RuleLayer, assess
from bot.safety.lexicon import FILES, LEXICON_DIR, SafetyLexicon, SafetyLexiconError, fingerprint


@pytest.mark.parametrize("text", [
    "I'm not suicidal",
    "I would never hurt myself",
    "I’m not suicidal, I just can't sort my housing out",
    "there are no thoughts of killing myself, I promise",
    "I've never wanted to end my life",
])
def test_negation_not_risk(text: str) -> None:
    result = assess(text)
    assert result.level == "none", result.reasons
    assert result.set_aside  # the phrase was seen, then set aside because of the "not"


@pytest.mark.parametrize("text", [
    "I don't want to be alive",
    "I don't want to wake up",
    "i dont want to live anymore",
    "not sure i want to be alive any more",
])
def test_negated_wish_to_live_is_high(text: str) -> None:
    result = assess(text)
    assert result.level == "high"
    assert result.categories == ["suicide"]


def test_negation_does_not_cross_into_the_next_clause() -> None:
    assert assess("I'm not ok and I want to die").level == "high"
    assert assess("I'm not suicidal but I do want to hurt myself").categories == ["self_harm"]


def test_pseudo_negation_still_risk() -> None:
    assert assess("I can't stop thinking about killing myself").level == "high"
    assert assess("i dont know how much longer i can carry on").level == "possible"


@pytest.mark.parametrize("text", [
    "this debt is killing me",
    "I could murder a tea",
    "dying to try it",
    "my feet are killing me",
    "I nearly died laughing",
    "going to the shops to kill time",
    "I was killing myself laughing",
    "i wanna die my hair blue",
    "want to end things with my boyfriend",
    "i overdosed on chocolate at christmas",
    "my landlord is kicking me out",
    "i watched a talk on suicide prevention",
    "these new tablets leave me feeling like death warmed up",
    "overdosed on birthday cake at work today",
    "jumping into the lido for a winter swim on boxing day",
    "need some rope for the tent before we go camping",
    "my esa got cut this month, where do I get advice",
    "my sister roped me in to the fun run",
    "still learning the ropes at the new job",
    "overdose awareness day is on the 31st",
])
def test_idioms_do_not_fire(text: str) -> None:
    assert assess(text).level == "none", assess(text).reasons


@pytest.mark.parametrize("text", [
    "I've got the rope sorted now", "the rope is in the car", "rope in the loft, ready",
    "I'm going to end it with the pills tonight", "i cut myself a few times tonight",
    "I hurt myself at night when everyone is asleep", "bought razor blades for my wrists",
    "im holding a kitchen knife to my wrist", "I want to use the kitchen knife to cut myself",
    "I've taken all my tablets for my heart", "I took all my pills for my depression at once",
    "I keep a knife for cutting myself in my drawer", "holding a knife while i am alone in my room",
    "how many tablets in a pack would kill me", "going to jump into the sea and not swim back",
    "I burn my wrist on the radiator on purpose", "cut myself a bit deeper tonight",
    "razor blades for my legs", "I hurt myself at work on purpose",
])
def test_a_saying_never_hides_the_risk_beside_it(text: str) -> None:
    """A saying silences any risk phrase it overlaps, so each must stop short of real risk.

    Every form of a word matches: the saying "the ropes" once hid "got the rope sorted",
    "tablets for my heart" hid "taken all my tablets", "kitchen knife" hid a knife held to a wrist.
    """
    assert assess(text).level == "high", assess(text).reasons


@pytest.mark.parametrize("text", ["I want to end it with my boyfriend", "cut myself a slice of cake",
                                  "I hurt myself at the gym", "razor blades for shaving my legs",
                                  "a bread knife to cut the bread", "I need my tablets for my heart",
                                  "holding the kitchen knife while I cook"])
def test_the_narrowed_sayings_still_work(text: str) -> None:
    assert assess(text).level == "none", assess(text).reasons


def test_idiom_does_not_hide_real_risk_elsewhere() -> None:
    result = assess("this debt is killing me and i want to kill myself")
    assert result.level == "high"
    assert any("kill myself" in reason for reason in result.reasons)


@pytest.mark.parametrize("text", ["kms", "wanna die", "unalive myself", "wanna end it all", "sewerslide",
                                  "im gonna kms tonite", "thinking of sewerslide"])
def test_text_speak_fires(text: str) -> None:
    result = assess(text)
    assert result.level == "high"
    assert "suicide" in result.categories


@pytest.mark.parametrize("text", ["I can't cope anymore", "what's the point", "I feel like giving up",
                                  "everything feels hopeless", "been in such a dark place all week",
                                  "wouldn't care if I didn't make it back tonight",
                                  "would it be painless", "I wear long sleeves in the heat so nobody sees",
                                  "not going to be around for my birthday so cancel it"])
def test_softer_signals_are_possible(text: str) -> None:
    assert assess(text).level == "possible"


@pytest.mark.parametrize(("text", "level"), [
    ("I won't be here much longer", "high"),
    ("i wont be here by morning", "high"),
    ("won't be here for long x", "high"),
    # often a holiday or a shift: the safety question, not the crisis message
    ("I won't be here next week, I'm on holiday, can we move my group?", "possible"),
    ("I won't be here tomorrow as I'm at my mum's", "possible"),
    ("actually doesn't matter, I won't be here by thursday", "possible"),
])
def test_not_being_here_is_read_by_how_final_it_sounds(text: str, level: str) -> None:
    """A phrase once listed with multi-word alternatives ("much longer|for long") never matched."""
    assert assess(text).level == level


@pytest.mark.parametrize(("text", "category"), [
    ("everyone would be better off without me", "suicide"),
    ("i cut myself again tonight", "self_harm"),
    ("i'm going to stab him", "harm_to_others"),
    ("he hits me", "abuse"),
    ("my partner strangled me", "abuse"),
    ("I took 30 paracetamol", "medical_emergency"),
    ("chest pain and I can't breathe", "medical_emergency"),
    ("i swallowed a whole box of tablets", "medical_emergency"),
])
def test_high_risk_categories(text: str, category: str) -> None:
    result = assess(text)
    assert result.level == "high"
    assert category in result.categories
    assert result.reasons and all("(high)" in r or "(possible)" in r for r in result.reasons)


def test_a_few_tablets_are_not_an_emergency_but_many_are() -> None:
    assert assess("I took 2 paracetamol for my headache").level == "none"
    assert assess("I took thirty paracetamol").level == "high"


def test_past_history_is_not_current_risk_unless_it_is_back() -> None:
    assert assess("I used to self harm as a teenager, I'm here about my rent").level == "none"
    assert assess("I used to self harm and the urges are coming back").level == "possible"
    assert assess("I cut myself last night").level == "high"


def test_third_party_risk_now_is_high_but_past_is_not() -> None:
    assert assess("my sister says she wants to kill herself").level == "high"
    assert assess("my sister tried to kill herself years ago, she is doing well").level == "none"


@pytest.mark.parametrize(("text", "young"), [
    ("I'm 15", True), ("im 16", True), ("I'm in year 10", True), ("i am 17 and i want to die", True),
    ("16 y/o here", True), ("I'm 25", False), ("I'm 15 minutes away", False), ("my son is 15", False),
    ("i've lived here 16 years", False), ("", False),
])
def test_young_person(text: str, young: bool) -> None:
    assert assess(text).young_person is young


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "😭😭😭", "🙂" * 5000, "?!?!", "x" * 50_000])
def test_empty_emoji_and_odd_input_are_none(text: str) -> None:
    result = assess(text)
    assert result.level == "none" and result.categories == [] and result.reasons == []


def test_huge_message_is_quick_and_risk_at_the_end_is_found() -> None:
    story = "My landlord wants me out and the council have not called me back about the repairs. " * 60
    text = story + "Honestly I want to kill myself."
    assert len(text) > 5000
    started = time.perf_counter()
    result = assess(text)
    assert time.perf_counter() - started < 2.0
    assert result.level == "high"
    assert assess(story).level == "none"


def _copy_lexicon(tmp_path: Path, name: str = "safety") -> Path:
    target = tmp_path / name
    target.mkdir()
    for name in FILES:
        shutil.copyfile(LEXICON_DIR / name, target / name)
    return target


def test_a_lexicon_edit_changes_what_is_found(tmp_path: Path) -> None:
    edited = _copy_lexicon(tmp_path)
    before = fingerprint(edited)
    path = edited / "risk_phrases.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  suicide:\n", "  suicide:\n    - swim out past the buoys\n", 1), encoding="utf-8")
    layer = RuleLayer(SafetyLexicon.load(edited))
    assert layer.assess("im going to swim out past the buoys tonight").level == "high"
    assert assess("im going to swim out past the buoys tonight").level == "none"
    assert fingerprint(edited) != before


def test_bad_lexicon_is_refused(tmp_path: Path) -> None:
    edited = _copy_lexicon(tmp_path)
    path = edited / "risk_phrases.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("  suicide:\n", "  suicde:\n", 1), encoding="utf-8")
    with pytest.raises(SafetyLexiconError):
        SafetyLexicon.load(edited)
    edited = _copy_lexicon(tmp_path, "unquoted_no")
    negations = edited / "negations.yml"
    negations.write_text(negations.read_text(encoding="utf-8").replace('  - "no"', "  - no"), encoding="utf-8")
    with pytest.raises(SafetyLexiconError):
        SafetyLexicon.load(edited)


@pytest.mark.parametrize("name", FILES)
def test_lexicon_files_explain_themselves_to_non_programmers(name: str) -> None:
    lines = (LEXICON_DIR / name).read_text(encoding="utf-8").splitlines()
    header = " ".join(line for line in lines[: next(i for i, line in enumerate(lines) if not line.startswith("#"))])
    assert "You do not need to be a programmer" in header
    assert "add" in header.lower()


def test_safety_net_asks_when_means_and_intent_meet() -> None:
    result = assess("im going to the bridge tonight")
    assert result.level == "possible"
    assert result.categories == ["suicide"]
    assert assess("the bridge behind my flat is so noisy").level == "none"


def test_a_daily_dose_is_not_an_overdose() -> None:
    assert assess("I take 20mg citalopram every morning").level == "none"
    assert assess("i took 20 citalopram an hour ago").level == "high"


@pytest.mark.parametrize("text", [
    "im lying in the bath with a blade",
    "i am stood on the edge of the bridge",
    "i am up on the top level of the multi storey",
    "sitting on the cliff edge in the dark",
    "ive got the blade in my hand",
    "heading to the cliffs now, nobody will notice",
])
def test_means_or_place_with_someone_there_now_is_high(text: str) -> None:
    result = assess(text)
    assert result.level == "high", result.reasons
    assert any("present now" in r or "(high)" in r for r in result.reasons)


@pytest.mark.parametrize("text", [
    "i need a new razor for shaving",
    "my desk is on the top floor of the office",
    "i left my car in the car park at work",
    "there is a nice bridge on my walk",
    "sat on the edge of my bed all morning, so tired",
    "i need a repeat of my pills for my blood pressure",
    "i've got a chest infection",
    "I'd kill for a coffee",
    "shoot me a text when you can",
    "i am on the bus going over the bridge",
])
def test_everyday_places_and_means_stay_quiet(text: str) -> None:
    assert assess(text).level == "none", assess(text).reasons


def test_means_or_place_in_the_past_is_set_aside_unless_it_is_back() -> None:
    assert assess("years ago i stood on the bridge").level == "none"
    assert assess("years ago i stood on the bridge and tonight i am back again").level in ("possible", "high")
    assert assess("i am not on the bridge, i am at home").level == "none"


@pytest.mark.parametrize(("text", "category"), [
    ("i think its time i ended things", "suicide"),
    ("had enough of living, i just want to go and be with my husband", "suicide"),
    ("gave my dog to my sister so she can look after him when im gone", "suicide"),
    ("i put all my affairs in order this afternoon", "suicide"),
    ("i keep hitting myself in the face", "self_harm"),
    ("im going to stab him when he gets home", "harm_to_others"),
    ("he says if i leave he will kill me and the children", "abuse"),
    ("he made me have sex even though i said no", "abuse"),
    ("he had his hands round my throat last night", "abuse"),
    ("my carer takes my pension and im frightened of her", "abuse"),
    ("pain in my chest going down my left arm", "medical_emergency"),
    ("her face is drooping and her speech is slurred", "medical_emergency"),
    ("my lips are swelling and my throat is closing", "medical_emergency"),
    ("how long would it take for weedkiller to work on a person", "suicide"),
    ("if I inject insulin when I'm not diabetic will I just fall asleep", "suicide"),
    ("i'll take all the insulin pens at once tonight", "suicide"),
    ("I'm checking out for good this weekend, thanks for trying", "suicide"),
    ("cut my thigh and now I can see the fat in it", "self_harm"),
])
def test_warning_signs_by_category_are_high(text: str, category: str) -> None:
    result = assess(text)
    assert result.level == "high", result.reasons
    assert category in result.categories


@pytest.mark.parametrize("text", [
    "his inhaler isn't working and he can't finish a sentence",
    "my nan's lips have gone blue and she is very sleepy",
    "my sugar is really low and I can't think straight",
    "my daughter's breath smells of pear drops and she keeps being sick",
    "the rash doesn't fade when I press a glass on it",
    "his skin is mottled and he's burning up",
    "I'm 30 weeks pregnant and bleeding",
    "the baby is floppy and won't wake for a feed",
    "he banged his head this afternoon and now he's being sick",
    "I've been coughing up blood since lunch",
    "my toddler got into the tablets in my bag",
    "my son swallowed a button battery",
    "she drank some of the methadone",
    "he swallowed all of my pills",
])
def test_the_signs_111_and_999_name_are_medical_emergencies(text: str) -> None:
    result = assess(text)
    assert result.level == "high", result.reasons
    assert "medical_emergency" in result.categories


@pytest.mark.parametrize("text", [
    "I love pear drops, the old fashioned sweets",
    "how do I change the button battery in my watch",
    "I'm pregnant and have a bit of back pain, are there any yoga groups?",
    "my inhaler prescription has run out, can my GP renew it?",
    "I swallowed my pride and rang my sister",
    "I take my tablets every morning with breakfast",
])
def test_everyday_words_near_those_signs_stay_quiet(text: str) -> None:
    assert assess(text).level == "none", assess(text).reasons


def test_a_possible_sign_close_in_time_is_high() -> None:
    assert assess("honestly nobody would miss me").level == "possible"
    soon = assess("honestly nobody would miss me if I went tonight")
    assert soon.level == "high" and "suicide" in soon.categories
    assert any("tonight" in reason for reason in soon.reasons), soon.reasons
    assert assess("the urge to cut is back and I'm alone in a couple of hours").level == "high"
    assert assess("he keeps turning up at my flat. He said he'd be back in an hour.").level == "high"


def test_close_in_time_leaves_general_distress_the_past_and_not_alone() -> None:
    assert assess("I can't cope tonight").level == "possible"  # general distress: the gentle question
    assert assess("honestly nobody would miss me, I'm not doing anything tonight").level == "possible"
    assert assess("my ex keeps turning up at my gigs, he'll be there tonight lol").level == "possible"  # said in jest
    years_ago = assess("years ago I felt nobody would miss me. today I'm a different person")
    assert years_ago.level != "high", years_ago.reasons


def test_an_unknown_kind_of_risk_under_soon_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "safety"
    shutil.copytree(LEXICON_DIR, copy)
    path = copy / "risk_phrases.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "categories: [suicide, self_harm, harm_to_others, abuse]", "categories: [suicide, sadness]"), encoding="utf-8")
    with pytest.raises(SafetyLexiconError, match="sadness"):
        SafetyLexicon.load(copy)


def test_present_with_rule_is_read_from_the_word_list(tmp_path: Path) -> None:
    edited = _copy_lexicon(tmp_path)
    path = edited / "risk_phrases.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    self_harm: [razor,", "    self_harm: [harpoon, razor,", 1), encoding="utf-8")
    layer = RuleLayer(SafetyLexicon.load(edited))
    assert layer.assess("sitting here with a harpoon").level == "high"
    assert assess("sitting here with a harpoon").level == "none"


def test_brackets_give_alternatives_of_several_words(tmp_path: Path) -> None:
    """A bar separates single words; brackets hold alternatives of several words."""
    edited = _copy_lexicon(tmp_path)
    path = edited / "risk_phrases.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  suicide:\n", "  suicide:\n    - swim out (past the buoys|to the wreck) tonight|today\n", 1),
        encoding="utf-8")
    layer = RuleLayer(SafetyLexicon.load(edited))
    assert layer.assess("im going to swim out past the buoys tonight").level == "high"
    assert layer.assess("gonna swim out to the wreck today").level == "high"
    assert layer.assess("swim out past the wreck tonight").level == "none"
    assert layer.assess("swim out to the buoys tonight").level == "none"


@pytest.mark.parametrize("phrase", ["swim out (past the buoys|to the wreck", "swim out past the buoys)",
                                    "swim (out (past|to))", "swim out (past the buoys)",
                                    "swim out (past the buoys|)", "swim (out ... past|to)",
                                    "swim out|(past|to) the buoys", "swim out |past", "swim out||past",
                                    "swim out =", "swim (= out|past)"])
def test_bad_brackets_are_refused_with_the_phrase_named(tmp_path: Path, phrase: str) -> None:
    edited = _copy_lexicon(tmp_path)
    path = edited / "risk_phrases.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  suicide:\n", f'  suicide:\n    - "{phrase}"\n', 1), encoding="utf-8")
    with pytest.raises(SafetyLexiconError, match="swim"):
        SafetyLexicon.load(edited)


def test_a_face_in_a_phrase_is_refused_with_a_reason(tmp_path: Path) -> None:
    """Someone adding "want to die :(" learns why it is refused, not just "bracket not closed"."""
    edited = _copy_lexicon(tmp_path)
    path = edited / "risk_phrases.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  suicide:\n", '  suicide:\n    - "want to swim away :("\n', 1), encoding="utf-8")
    with pytest.raises(SafetyLexiconError, match=r"swim away.*a face such as :\( cannot be matched"):
        SafetyLexicon.load(edited)


@pytest.mark.parametrize("section", ["together", "present_with"])
def test_means_words_with_brackets_or_bars_are_refused(tmp_path: Path, section: str) -> None:
    """Means words are matched exactly: a bracket there would silently never match."""
    edited = _copy_lexicon(tmp_path)
    path = edited / "risk_phrases.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data[section]["means"]["suicide"].append("(rail line|level crossing)")
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(SafetyLexiconError, match="level crossing"):
        SafetyLexicon.load(edited)


@pytest.mark.parametrize("text", [
    "to be honest I've been saving up my pills. I don't see the point anymore",
    "been saving my meds for a while now",
    "I've been saving up tablets for weeks",
])
def test_saving_up_pills_is_high(text: str) -> None:
    assert assess(text).level == "high"


@pytest.mark.parametrize("text", [
    "saving up for a holiday, any cheap pills for travel sickness?",
    "I'm saving money on my meds with a prepayment certificate",
])
def test_saving_money_is_not_saving_pills(text: str) -> None:
    assert assess(text).level == "none"
